"""A batch quote run as a job keeps its households' lines a chunk at a time, not its whole answer (issue 32), on SQLite
and PostgreSQL.

The job writes its lines (table ``job_lines``, each sealed) in chunks as it makes them, each chunk in a transaction of
its own that names the attempt; ``GET /v1/jobs/{id}`` reads them back a chunk at a time and answers what the job
answered when its result held every household: the synchronous batch's answer. A job taken over answers its own
attempt's lines only; a process that lost the job writes none. The re-key command reseals the lines.
"""

import json
from typing import Any

import pytest
from expropriation_files import job_ended, on_database
from expropriation_kit import household, project
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, PiiKeys, identity_headers, in_clear, run_sql

from expropriation.casework import jobs, records
from expropriation.main import create_app
from expropriation.models import Base, Job
from expropriation.settings import ExpropriationSettings
from qz_common.db import Database, utcnow
from qz_common.identity import Caller
from qz_common.pii import KeyRing, use_keyring
from qz_common.rekey import rekey
from qz_common.settings import PlatformSettings

CALLER = Caller("test-client", frozenset({"expropriation:read", "expropriation:write"}))
HEADS = [f"户主{ref}" for ref in ("001", "002", "003", "004", "005")]


def five_households(client: TestClient) -> int:
    """Five households, 003 asking for 宅基地安置 where the project is outside the urban plan area: refused."""
    project_id = int(project(client)["id"])
    for ref in ("001", "002", "003", "004", "005"):
        household(client, project_id, ref, seqs=(int(ref),), **({"method": "homestead"} if ref == "003" else {}))
    return project_id


def stored_lines(url: str) -> list[tuple[int, int, int]]:
    return [tuple(row) for row in run_sql(url, "SELECT job_id, attempt, position FROM job_lines ORDER BY id")]


def stored_result(url: str, job_id: int) -> Any:
    async def read(database: Database) -> Any:
        async with database.sessionmaker() as session:
            return (await session.get_one(Job, job_id)).result

    return on_database(url, read)


@pytest.fixture
def chunks_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project read a household at a time, the job's lines written and read back two at a time."""
    monkeypatch.setattr(records, "_CHUNK", 1)
    monkeypatch.setattr(jobs, "LINES_CHUNK", 2)


@pytest.mark.usefixtures("chunks_of_two")
def test_a_jobs_answer_is_the_synchronous_batch_and_its_lines_are_sealed(
    client: TestClient, small_threshold: TestClient, expropriation_db: str
) -> None:
    project_id = five_households(client)
    synchronous = client.post(f"/v1/projects/{project_id}/batch-quotes")
    assert synchronous.status_code == 200, synchronous.text
    accepted = small_threshold.post(f"/v1/projects/{project_id}/batch-quotes")
    assert accepted.status_code == 202, accepted.text
    job = job_ended(small_threshold, accepted.headers["location"])

    assert job["result"] == synchronous.json()
    assert [line["ref"] for line in job["result"]["households"]] == ["001", "002", "003", "004", "005"]
    assert (job["result"]["quoted"], job["result"]["refused"]) == (4, 1)
    assert [(e["household_ref"], e["field"]) for e in job["errors"]] == [("003", "outside_urban_plan_area")]
    assert (job["status"], job["done"], job["total"]) == ("done", 5, 5)
    answer = small_threshold.get(accepted.headers["location"])
    assert answer.headers["content-length"] == str(len(answer.content))
    # three chunks (2 + 2 + 1), one line a position, all of the first attempt
    assert stored_lines(expropriation_db) == [(job["id"], 1, position) for position in range(5)]
    # the result stored without its households; the lines sealed: no 户主 in clear anywhere in the database
    assert stored_result(expropriation_db, job["id"]) == synchronous.json() | {"households": []}
    assert in_clear(expropriation_db, HEADS) == []
    for (line,) in run_sql(expropriation_db, "SELECT line FROM job_lines"):
        with pytest.raises(ValueError):
            json.loads(line)
    # another district's caller is not shown the lines either
    qujiang = identity_headers("expropriation", district="衢江区")
    assert small_threshold.get(accepted.headers["location"], headers=qujiang).status_code == 404


@pytest.mark.usefixtures("chunks_of_two")
def test_a_job_taken_over_answers_only_its_own_attempts_lines(
    client: TestClient, expropriation_settings: ExpropriationSettings, expropriation_db: str
) -> None:
    project_id = five_households(client)
    synchronous = client.post(f"/v1/projects/{project_id}/batch-quotes").json()

    async def first_attempt(database: Database) -> int:
        """Another process admits the job and writes two chunks of lines (made up), then dies."""
        async with database.sessionmaker() as session, session.begin():
            order = jobs.batch_quote_order(project_id, 5, None)
            job = await jobs.create_job(session, CALLER, order, jobs.JobLimits(60, 8, 1))
        lease = jobs.Lease(database, job.id, jobs.FIRST_ATTEMPT)
        await lease.write(status="running")
        made_up = [{"ref": ref, "head_name": "第一次写的"} for ref in ("001", "002", "003")]
        await lease.write_lines(0, made_up[:2])
        await lease.write_lines(2, made_up[2:])
        await lease.write(lease_until=utcnow())  # its lease runs out now
        return job.id

    job_id = on_database(expropriation_db, first_attempt)
    assert stored_lines(expropriation_db) == [(job_id, 1, 0), (job_id, 1, 1), (job_id, 1, 2)]

    app = create_app(expropriation_settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("expropriation")) as again:  # takes it over as it starts
        job = job_ended(again, jobs.location(job_id))
    assert (job["status"], job["result"]) == ("done", synchronous)
    assert "第一次写的" not in json.dumps(job, ensure_ascii=False)
    assert stored_lines(expropriation_db) == [(job_id, 2, position) for position in range(5)]

    async def write_as_the_first(database: Database) -> None:
        await jobs.Lease(database, job_id, jobs.FIRST_ATTEMPT).write_lines(5, [{"ref": "006"}])

    with pytest.raises(jobs.LeaseLost):  # the process that lost the job writes no line (and the job is done)
        on_database(expropriation_db, write_as_the_first)
    assert len(stored_lines(expropriation_db)) == 5


def test_a_job_that_lost_its_lease_writes_no_line(client: TestClient, expropriation_db: str) -> None:
    """Taken over while it runs: its next chunk is refused, and nothing of it is stored."""
    project_id = five_households(client)

    async def lose(database: Database) -> None:
        async with database.sessionmaker() as session, session.begin():
            order = jobs.batch_quote_order(project_id, 5, None)
            job = await jobs.create_job(session, CALLER, order, jobs.JobLimits(60, 8, 1))
        async with database.sessionmaker() as session, session.begin():
            (await session.get_one(Job, job.id)).attempts = 2  # another process took it over
        with pytest.raises(jobs.LeaseLost):
            await jobs.Lease(database, job.id, jobs.FIRST_ATTEMPT).write_lines(0, [{"ref": "001"}])

    on_database(expropriation_db, lose)
    assert stored_lines(expropriation_db) == []


def test_the_re_key_command_reseals_a_jobs_lines(database_factory: DatabaseFactory, backend: str) -> None:
    url = database_factory.create("expropriation", backend=backend)
    key_a = PiiKeys.fresh("2026a")

    def service(keys: PiiKeys) -> TestClient:
        settings = ExpropriationSettings(database_url=url, batch_job_threshold=1, **keys.settings)
        return TestClient(
            create_app(settings, PlatformSettings(dev_mode=True)), headers=identity_headers("expropriation")
        )

    with service(key_a) as client:
        project_id = int(project(client)["id"])
        for ref in ("001", "002"):
            household(client, project_id, ref, seqs=(int(ref),))
        location = client.post(f"/v1/projects/{project_id}/batch-quotes").headers["location"]
        before = job_ended(client, location)
    assert [line["head_name"] for line in before["result"]["households"]] == ["户主001", "户主002"]

    both = key_a.rotated_to("2026b")
    ring = KeyRing.from_settings(ExpropriationSettings(database_url=url, **both.settings), dev_mode=True)

    async def run(database: Database) -> dict[str, Any]:
        use_keyring(database.engine, ring)
        return await rekey(database, Base.metadata, ring)

    report = on_database(url, run)
    assert report["rows_rewritten"]["job_lines"] == 2 and report["retired_keys"] == ["2026a"]
    assert {line.split(":")[2] for (line,) in run_sql(url, "SELECT line FROM job_lines")} == {"2026b"}
    with service(both.without("2026a")) as client:
        assert client.get(location).json() == before

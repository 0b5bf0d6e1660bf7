"""Jobs survive the process that runs them, and are limited (issue 30), on SQLite and PostgreSQL.

Batch jobs orphaned by a restart stayed ``running`` forever (1,100 of 35,000 done), and nothing limited them (15 jobs
for one project in 0.8 s, all 202). Now a job is held under a lease its process renews; once it has run out, a batch
quote is run again and a roster import fails, naming the file (casework/jobs.py); one active job per project and
kind; a queue cap per service.
"""

import asyncio
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from expropriation_files import DEV_KEYS, households_roster, job_ended, new_project, on_database
from fastapi.testclient import TestClient
from sqlalchemy import column, insert, select, table, update
from testkit import DatabaseFactory, ServiceProcess, identity_headers, reset_tables

from expropriation.casework import jobs
from expropriation.facts.quote import BatchQuoteOut
from expropriation.main import create_app
from expropriation.models import Base, Household, Job, Project
from expropriation.settings import ExpropriationSettings
from qz_common.db import Database, JSONDocument, UTCDateTime, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.migrations import upgrade
from qz_common.settings import PlatformSettings

CALLER = Caller("test-client", frozenset({"expropriation:read", "expropriation:write"}))
ACTIVE = ("queued", "running")
# The keys of the service in dev mode, as every service here runs (its personal data is sealed with them).


@pytest.fixture(scope="module")
def database(backend: str, database_factory: DatabaseFactory) -> str:
    return database_factory.create("expropriation", backend=backend)


@pytest.fixture
def url(database: str) -> str:
    reset_tables(database, Base.metadata)
    return database


def service(url: str, **settings: Any) -> TestClient:
    app = create_app(ExpropriationSettings(database_url=url, **settings), PlatformSettings(dev_mode=True))
    return TestClient(app, headers=identity_headers("expropriation"))


def admit(url: str, project_id: int, kind: str = "batch_quote", cap: int = 8) -> Job | ProblemError:
    """A job admitted by another process of the service, which holds it (its lease runs a minute)."""
    order = (
        jobs.batch_quote_order(project_id, 2, None)
        if kind == "batch_quote"
        else jobs.roster_import_order(CALLER, project_id, [])
    )

    async def work(database: Database) -> Job | ProblemError:
        try:
            async with database.sessionmaker() as session, session.begin():
                return await jobs.create_job(session, CALLER, order, jobs.JobLimits(60, cap, 1))
        except ProblemError as refused:
            return refused

    return on_database(url, work)  # type: ignore[no-any-return]


def stored(url: str, job_id: int) -> Job:
    async def work(database: Database) -> Job:
        async with database.sessionmaker() as session:
            return await session.get_one(Job, job_id)

    return on_database(url, work)  # type: ignore[no-any-return]


def change(url: str, job_id: int, **values: Any) -> None:
    async def work(database: Database) -> None:
        async with database.sessionmaker() as session, session.begin():
            await session.execute(update(Job).where(Job.id == job_id).values(**values))

    on_database(url, work)


def lost(url: str, job_id: int, **values: Any) -> None:
    """The job's process died a minute ago: its lease has run out."""
    change(url, job_id, lease_until=utcnow() - dt.timedelta(minutes=1), **values)


def project_with_households(client: TestClient | httpx.Client, count: int) -> int:
    project_id = new_project(client)  # type: ignore[arg-type]
    r = client.post(
        f"/v1/projects/{project_id}/roster", files={"file": ("r.csv", households_roster(count), "text/csv")}
    )
    if r.status_code == 202:
        assert job_ended(client, r.headers["location"])["status"] == "done"
    else:
        assert r.status_code == 201, r.text
    return project_id


# --- limits ---------------------------------------------------------------------------------------------------------


def test_a_second_job_of_its_kind_for_a_project_is_409_naming_the_active_one(url: str) -> None:
    with service(url, batch_job_threshold=1) as client:
        project_id = project_with_households(client, 2)
        held = admit(url, project_id)
        assert isinstance(held, Job)
        r = client.post(f"/v1/projects/{project_id}/batch-quotes")
        assert (r.status_code, r.json()["code"], r.json()["job_id"]) == (409, "job_running", held.id)
        assert r.headers["location"] == f"/v1/jobs/{held.id}"
        assert client.get(r.headers["location"]).json()["status"] == "queued"
        # another kind of job for the same project is another matter
        roster = {"file": ("r.csv", households_roster(3), "text/csv")}
        assert client.post(f"/v1/projects/{project_id}/roster", files=roster).json()["kind"] == "roster_import"


def test_a_full_queue_is_429_with_retry_after_and_admits_nothing(url: str) -> None:
    with service(url, batch_job_threshold=1, job_queue_cap=2) as client:
        first, second, third = (project_with_households(client, 2) for _ in range(3))
        assert all(isinstance(admit(url, project_id), Job) for project_id in (first, second))
        r = client.post(f"/v1/projects/{third}/batch-quotes")
        assert (r.status_code, r.json()["code"], r.json()["limit"]) == (429, "job_queue_full", 2)
        assert r.headers["retry-after"] == "30"
        roster = {"file": ("r.csv", households_roster(3), "text/csv")}
        assert client.post(f"/v1/projects/{third}/roster", files=roster).status_code == 429

    async def active(database: Database) -> int:
        async with database.sessionmaker() as session:
            return len((await session.scalars(select(Job).where(Job.status.in_(ACTIVE)))).all())

    assert on_database(url, active) == 2


def test_simultaneous_admissions_respect_both_limits(url: str) -> None:
    """Eight admissions at once, two for each of four projects, with room for three jobs: exactly three jobs, for
    three projects (on PostgreSQL two admissions for two projects would both have seen the last free place)."""
    with service(url) as client:
        projects = [new_project(client) for _ in range(4)]

    async def admit_all(database: Database) -> list[Job | ProblemError]:
        async def one(project_id: int) -> Job | ProblemError:
            try:
                async with database.sessionmaker() as session, session.begin():
                    order = jobs.batch_quote_order(project_id, 2, None)
                    return await jobs.create_job(session, CALLER, order, jobs.JobLimits(60, 3, 1))
            except ProblemError as refused:
                return refused

        return await asyncio.gather(*(one(project_id) for project_id in projects * 2))

    outcomes = on_database(url, admit_all)
    admitted = [job for job in outcomes if isinstance(job, Job)]
    assert len(admitted) == 3 and len({job.project_id for job in admitted}) == 3
    assert sorted(refused.status for refused in outcomes if isinstance(refused, ProblemError)) == [409] * 3 + [429] * 2


# --- leases ---------------------------------------------------------------------------------------------------------


def test_a_batch_quote_whose_process_was_lost_is_run_again_at_start_up(url: str) -> None:
    with service(url) as client:
        project_id = project_with_households(client, 2)
        synchronous = client.post(f"/v1/projects/{project_id}/batch-quotes").json()
    held = admit(url, project_id)
    assert isinstance(held, Job)
    lost(url, held.id, status="running", done=1)
    with service(url) as client:  # a process starting: it takes the job over
        job = job_ended(client, f"/v1/jobs/{held.id}")
    assert (job["status"], job["done"], job["result"]) == ("done", 2, synchronous)
    assert stored(url, held.id).attempts == 2 and stored(url, held.id).lease_until is None


def test_a_roster_import_whose_process_was_lost_fails_naming_the_file(url: str) -> None:
    with service(url) as client:
        project_id = new_project(client)
    held = admit(url, project_id, "roster_import")
    assert isinstance(held, Job)
    lost(url, held.id, status="running")
    with service(url) as client:
        job = job_ended(client, f"/v1/jobs/{held.id}")
        assert client.get(f"/v1/projects/{project_id}/households").json()["total"] == 0
    assert job["status"] == "failed"
    assert [(e["code"], e["field"]) for e in job["errors"]] == [("interrupted", "file")]
    assert "未导入任何记录" in job["errors"][0]["detail"]


def test_a_batch_quote_interrupted_at_every_attempt_fails_in_the_end(url: str) -> None:
    with service(url) as client:
        project_id = project_with_households(client, 2)
    held = admit(url, project_id)
    assert isinstance(held, Job)
    lost(url, held.id, status="running", attempts=jobs.MAX_ATTEMPTS)
    with service(url) as client:
        job = job_ended(client, f"/v1/jobs/{held.id}")
    assert (job["status"], [e["code"] for e in job["errors"]]) == ("failed", ["interrupted"])


def test_a_process_that_lost_its_job_can_no_longer_change_it(url: str) -> None:
    with service(url) as client:
        project_id = project_with_households(client, 2)
        result = client.post(f"/v1/projects/{project_id}/batch-quotes")
    held = admit(url, project_id)
    assert isinstance(held, Job)
    change(url, held.id, attempts=2)  # another process took it over

    async def finish_as(database: Database, attempt: int) -> None:
        lease = jobs.Lease(database, held.id, attempt)
        await lease.finish(BatchQuoteOut.model_validate(result.json()), [])

    with pytest.raises(jobs.LeaseLost):
        on_database(url, lambda database: finish_as(database, 1))
    assert stored(url, held.id).status == "queued"
    on_database(url, lambda database: finish_as(database, 2))
    assert stored(url, held.id).status == "done"


def test_a_stopping_process_lets_its_jobs_go_and_the_next_one_finishes_them(url: str) -> None:
    with service(url) as client:
        project_id = project_with_households(client, 2)
    held = admit(url, project_id)
    assert isinstance(held, Job)

    async def stop_while_it_runs(database: Database) -> None:
        runner = jobs.JobRunner(database, jobs.JobLimits(60, 8, 1))
        working = asyncio.Event()

        async def work(_session: object, lease: jobs.Lease) -> None:
            await lease.progress(25)
            working.set()
            await asyncio.Event().wait()  # never set: the job works until its process stops

        runner.submit(held.id, jobs.FIRST_ATTEMPT, work)
        await working.wait()
        await runner.stop()

    on_database(url, stop_while_it_runs)
    let_go = stored(url, held.id)
    assert let_go.status == "running" and let_go.lease_until is not None and let_go.lease_until <= utcnow()
    with service(url) as client:
        assert job_ended(client, f"/v1/jobs/{held.id}")["status"] == "done"


# --- a real process, killed --------------------------------------------------------------------------------------


@pytest.fixture
def process(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceProcess]:
    """The service as its own process, with jobs from 51 households and leases of 2 s (renewed every 2/3 s)."""
    reset_tables(database, Base.metadata)
    monkeypatch.setenv("EXPROPRIATION_BATCH_JOB_THRESHOLD", "50")
    monkeypatch.setenv("EXPROPRIATION_JOB_LEASE_S", "2")
    running = ServiceProcess("expropriation", database, tmp_path / "expropriation.log").start()
    yield running
    running.stop()


def kill(process: ServiceProcess) -> None:
    assert process.process is not None
    process.process.kill()  # SIGKILL: nothing of the process runs after it
    process.process.wait()


def households_of(url: str, project_id: int) -> int:
    async def work(database: Database) -> int:
        async with database.sessionmaker() as session:
            return len((await session.scalars(select(Household.id).where(Household.project_id == project_id))).all())

    return on_database(url, work)  # type: ignore[no-any-return]


def test_a_roster_import_killed_mid_run_is_failed_after_restart_and_imported_nothing(
    process: ServiceProcess, database: str
) -> None:
    with httpx.Client(base_url=process.url, headers=identity_headers("expropriation"), timeout=30) as client:
        project_id = new_project(client)  # type: ignore[arg-type]
        roster = {"file": ("r.csv", households_roster(1000), "text/csv")}
        location = client.post(f"/v1/projects/{project_id}/roster", files=roster).headers["location"]
        while client.get(location).json()["status"] != "running":
            time.sleep(0.005)
        kill(process)
        orphan = stored(database, int(location.rsplit("/", 1)[1]))
        assert (orphan.status, households_of(database, project_id)) == ("running", 0)  # killed in the middle
        process.start()
        job = job_ended(client, location)
    assert (job["status"], [e["code"] for e in job["errors"]]) == ("failed", ["interrupted"])
    assert households_of(database, project_id) == 0
    assert process.logged("job interrupted")


def test_a_batch_quote_killed_mid_run_is_done_after_restart(process: ServiceProcess, database: str) -> None:
    with httpx.Client(base_url=process.url, headers=identity_headers("expropriation"), timeout=30) as client:
        project_id = project_with_households(client, 1500)
        for _ in range(20):  # a try whose job ended before the kill (1,500 quotes take a fraction of a second)
            location = client.post(f"/v1/projects/{project_id}/batch-quotes").headers["location"]
            while (seen := client.get(location).json())["status"] in ACTIVE and seen["done"] == 0:
                time.sleep(0.002)
            if seen["status"] == "running":
                kill(process)
                break
        orphan = stored(database, int(location.rsplit("/", 1)[1]))
        assert orphan.status == "running" and 0 < orphan.done < orphan.total  # killed in the middle
        process.start()
        job = job_ended(client, location)
    assert (job["status"], job["done"], job["total"], job["result"]["quoted"]) == ("done", 1500, 1500, 1500)
    assert process.logged("job taken over")


# --- migration 0005 -------------------------------------------------------------------------------------------------


def test_upgrading_keeps_the_newest_active_job_per_project_and_kind(
    backend: str, database_factory: DatabaseFactory
) -> None:
    """Before 0005 a project could have any number of jobs running (orphans among them): the newest of each kind stays
    active, with no lease, so that the first process to start takes it over; the others are failed."""
    url = database_factory.create("expropriation", migrate=False, backend=backend)
    upgrade("expropriation", url, "0004")
    jobs_0004 = table(
        "jobs",
        *(column(name) for name in ("id", "kind", "project_id", "district", "status", "done", "total")),
        column("errors", JSONDocument),
        column("requested_by"),
        column("created_at", UTCDateTime()),
    )
    statuses = {1: ("batch_quote", "running"), 2: ("batch_quote", "running"), 3: ("roster_import", "queued")}
    statuses[4] = ("batch_quote", "done")

    async def before(database: Database) -> None:
        async with database.engine.begin() as connection:
            await connection.execute(insert(Project.__table__).values(**PROJECT_ROW, created_at=utcnow()))
            for job_id, (kind, status) in statuses.items():
                job = {"id": job_id, "kind": kind, "project_id": 1, "district": "柯城区", "status": status}
                job |= {"done": 0, "total": 300, "errors": [], "requested_by": "test-client", "created_at": utcnow()}
                await connection.execute(insert(jobs_0004).values(**job))

    on_database(url, before)
    upgrade("expropriation", url, keyring=DEV_KEYS)
    after = {job_id: stored(url, job_id) for job_id in statuses}
    assert {job_id: job.status for job_id, job in after.items()} == {1: "failed", 2: "running", 3: "queued", 4: "done"}
    assert after[1].errors[0]["code"] == "interrupted" and after[1].finished_at is not None
    assert (after[2].attempts, after[2].lease_until, after[2].arguments) == (1, None, {})


PROJECT_ROW = {
    "id": 1,
    "name": "某某路工程",
    "district": "柯城区",
    "village": "石梁村",
    "pre_announcement_date": dt.date(2023, 6, 1),
    "signing_deadline": dt.date(2023, 9, 30),
    "valuation_date": dt.date(2023, 7, 1),
    "outside_urban_plan_area": False,
}

"""Batch quotes above the threshold run as jobs: 202, a Location, and a job resource with done/total/errors."""

from collections.abc import Iterator

import pytest
from expropriation_files import new_project, roster_csv, roster_rows
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

from expropriation.main import create_app
from expropriation.settings import ExpropriationSettings
from qz_common.settings import PlatformSettings


@pytest.fixture
def small_threshold(expropriation_settings: ExpropriationSettings) -> Iterator[TestClient]:
    settings = expropriation_settings.model_copy(update={"batch_job_threshold": 1})
    with TestClient(
        create_app(settings, PlatformSettings(dev_mode=True)), headers=identity_headers("expropriation")
    ) as c:
        yield c


def two_households(client: TestClient) -> int:
    project_id = new_project(client)
    records: list[dict[str, str]] = []
    for ref, sequence in (("001", 1), ("002", 2)):
        records += [
            {"household_ref": ref, "record": "member", "head_name": f"户主{ref}", "name": f"户主{ref}"}
            | {"id_number": id_number(sequence=sequence), "collective_member": "是", "is_owner": "是"},
            {"household_ref": ref, "record": "building", "use": "residential", "structure": "brick_concrete"}
            | {"legal_area_m2": "150", "built_year": "2000"},
        ]
    r = client.post(
        f"/v1/projects/{project_id}/roster", files={"file": ("r.csv", roster_csv(roster_rows(records)), "text/csv")}
    )
    assert r.status_code == 201, r.text
    return project_id


def test_small_projects_answer_at_once(client: TestClient) -> None:
    project_id = two_households(client)
    r = client.post(f"/v1/projects/{project_id}/batch-quotes")
    assert r.status_code == 200 and r.json()["quoted"] == 2


def test_large_projects_become_jobs(small_threshold: TestClient, client: TestClient) -> None:
    project_id = two_households(small_threshold)
    synchronous = client.post(f"/v1/projects/{project_id}/batch-quotes").json()
    r = small_threshold.post(f"/v1/projects/{project_id}/batch-quotes")
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert (accepted["status"], accepted["done"], accepted["total"]) == ("queued", 0, 2)
    assert r.headers["location"] == f"/v1/jobs/{accepted['id']}"
    # the test client returns once the work after the answer has run
    job = small_threshold.get(r.headers["location"]).json()
    assert (job["status"], job["done"], job["total"], job["errors"]) == ("done", 2, 2, [])
    assert job["result"] == synchronous and job["finished_at"] is not None


def test_jobs_are_district_bound(small_threshold: TestClient) -> None:
    project_id = two_households(small_threshold)
    location = small_threshold.post(f"/v1/projects/{project_id}/batch-quotes").headers["location"]
    other = small_threshold.get(location, headers=identity_headers("expropriation", district="衢江区"))
    assert (other.status_code, other.json()["code"]) == (403, "district_forbidden")
    assert small_threshold.get("/v1/jobs/999999").status_code == 404

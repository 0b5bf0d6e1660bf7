"""Batch quotes and roster imports above the threshold run as jobs: 202, a Location, done/total/errors."""

from expropriation_files import households_roster, job_ended, new_project
from fastapi.testclient import TestClient
from testkit import identity_headers


def two_households_roster() -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("roster.csv", households_roster(2), "text/csv")}


def two_households(client: TestClient) -> int:
    project_id = new_project(client)
    r = client.post(f"/v1/projects/{project_id}/roster", files=two_households_roster())
    assert r.status_code == 201, r.text
    return project_id


def test_small_projects_answer_at_once(client: TestClient) -> None:
    project_id = two_households(client)
    r = client.post(f"/v1/projects/{project_id}/batch-quotes")
    assert r.status_code == 200 and r.json()["quoted"] == 2


def test_large_projects_become_jobs(small_threshold: TestClient, client: TestClient) -> None:
    project_id = two_households(client)
    synchronous = client.post(f"/v1/projects/{project_id}/batch-quotes").json()
    r = small_threshold.post(f"/v1/projects/{project_id}/batch-quotes")
    assert r.status_code == 202, r.text
    accepted = r.json()
    progress = (accepted["kind"], accepted["status"], accepted["done"], accepted["total"])
    assert progress == ("batch_quote", "queued", 0, 2)
    assert r.headers["location"] == f"/v1/jobs/{accepted['id']}"
    job = job_ended(small_threshold, r.headers["location"])
    assert (job["status"], job["done"], job["total"], job["errors"]) == ("done", 2, 2, [])
    assert job["result"] == synchronous and job["finished_at"] is not None


def test_large_rosters_are_imported_as_jobs(small_threshold: TestClient) -> None:
    project_id = new_project(small_threshold)
    r = small_threshold.post(f"/v1/projects/{project_id}/roster", files=two_households_roster())
    assert r.status_code == 202, r.text
    job = job_ended(small_threshold, r.headers["location"])
    assert (job["kind"], job["status"], job["done"], job["total"]) == ("roster_import", "done", 2, 2)
    assert job["result"] == {"created": 2, "households": ["001", "002"]}
    assert small_threshold.get(f"/v1/projects/{project_id}/households").json()["total"] == 2
    # the same roster again: the job fails naming every duplicate, and imports nothing
    resent = small_threshold.post(f"/v1/projects/{project_id}/roster", files=two_households_roster())
    again = job_ended(small_threshold, resent.headers["location"])
    assert again["status"] == "failed"
    assert [e["code"] for e in again["errors"]] == ["duplicate", "duplicate"]
    assert small_threshold.get(f"/v1/projects/{project_id}/households").json()["total"] == 2


def test_another_districts_job_answers_as_an_unused_id(small_threshold: TestClient, client: TestClient) -> None:
    """Issue 30 (existence oracle): a 403 would tell another district that the job exists."""
    project_id = two_households(client)
    location = small_threshold.post(f"/v1/projects/{project_id}/batch-quotes").headers["location"]
    qujiang = identity_headers("expropriation", district="衢江区")
    answers = [small_threshold.get(path, headers=qujiang) for path in (location, "/v1/jobs/999999")]
    assert [(r.status_code, r.json()["code"], r.json()["field"], r.json()["detail"]) for r in answers] == [
        (404, "not_found", "job_id", "任务不存在")
    ] * 2
    assert small_threshold.get(location).status_code == 200

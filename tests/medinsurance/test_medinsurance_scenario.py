"""What-if grading: a district tries another A-grade share before publishing it (qz_common.scenario)."""

from fastapi.testclient import TestClient

from medinsurance.api.examples import GRADE_REQUEST


def grades(client: TestClient, parameters: dict[str, str] | None) -> dict[str, str | None]:
    r = client.post("/v1/assessments/grade", json={**GRADE_REQUEST, "parameters": parameters})
    assert r.status_code == 200, r.text
    assert r.json()["scenario"] == parameters
    return {x["id"]: x["grade"] for x in r.json()["results"]}


def test_a_wider_a_share_changes_the_grades(client: TestClient) -> None:
    # 附件1 二(三)/(四): final = 30% half-year + 70% annual; H330802001: 0.3×92.5 + 0.7×94 = 93.55 (≥ 90), rank 1
    # of the 2 graded (the institution new this year is not graded). A needs rank ≤ 2 × share:
    # 2 × 10% = 0.2 → no A (B); with a 50% share, 2 × 50% = 1 → A.
    assert grades(client, None)["H330802001"] == "B"
    wider = grades(client, {"performance.comprehensive_a_top_share": "0.50"})
    assert wider["H330802001"] == "A"


def test_overrides_are_validated(client: TestClient) -> None:
    r = client.post("/v1/assessments/grade", json={**GRADE_REQUEST, "parameters": {"evaluation.pass_score": "60"}})
    assert (r.status_code, r.json()["field"]) == (422, "parameters.evaluation.pass_score")
    assert r.json()["errors"][0]["code"] == "parameter_unknown"  # another book than grading uses

"""What-if grading: a district tries another A-grade share before publishing it (qz_common.scenario)."""

from fastapi.testclient import TestClient
from medinsurance_testdata import MEDICAL

from medinsurance.api.examples import GRADE_REQUEST
from medinsurance.parameters import PARAMS_DIR
from qz_common.parameter_api import ParameterShelf


def grades(client: TestClient, parameters: dict[str, str] | None) -> dict[str, str | None]:
    r = client.post("/v1/assessments/grade", json={**GRADE_REQUEST, "parameters": parameters})
    assert r.status_code == 200, r.text
    assert r.json().get("scenario") == parameters
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


def test_a_shorter_payment_period_moves_the_deadline(client: TestClient) -> None:
    body = {"duty": "payment", "start": "2023-06-01"}
    # 四(六) 申报后30个工作日内拨付; tried at 10: 2023-06-01 (Thu, not counted) → 6/2, 6/5–6/9, 6/12–6/15 = 10
    # working days (no holiday before 端午 6/22) → 2023-06-15.
    r = client.post("/v1/calculators/deadline", json=body | {"parameters": {"agreement.payment_working_days": "10"}})
    assert r.status_code == 200, r.text
    assert (r.json()["deadline"], r.json()["scenario"]) == ("2023-06-15", {"agreement.payment_working_days": "10"})
    assert "agreement=" in r.headers["x-parameter-versions"] and "+scenario@" in r.headers["x-parameter-versions"]
    assert "scenario" not in client.post("/v1/calculators/deadline", json=body).json()
    # a count of working days takes whole numbers only
    half = client.post(
        "/v1/calculators/deadline", json=body | {"parameters": {"agreement.payment_working_days": "10.5"}}
    )
    assert (half.status_code, half.json()["code"]) == (422, "scenario_not_computable")


def test_a_longer_chronic_supply_allows_the_prescription(client: TestClient) -> None:
    body = {"on": "2023-06-01", "disease": "chronic", "days": 20}
    plain = client.post("/v1/calculators/dispensing", json=body).json()
    assert (plain["allowed"], plain["max_days"]) == (False, 15)  # 附件2 二(五) 一般慢性病不超过15天量
    r = client.post("/v1/calculators/dispensing", json=body | {"parameters": {"conduct.chronic_max_days": "30"}})
    assert (r.json()["allowed"], r.json()["max_days"]) == (True, 30)  # 20 ≤ 30


def test_stored_records_never_take_overrides(client: TestClient) -> None:
    r = client.post("/v1/violations", json={"parameters": {"sanctions.payment_due_days": "30"}})
    assert r.status_code == 422
    assert {"field": "parameters", "code": "extra_forbidden"} in [
        {"field": e["field"], "code": e["code"]} for e in r.json()["errors"]
    ]


def test_each_figure_has_one_book() -> None:
    # issue 28 "one figure, one home": pass_score (评估, 二(三)3), suspensions_for_termination (五(三)5(1)) and
    # reassess_months (附件1 二(四)2) were each kept in two books, so a what-if of one did not move the other
    books = ParameterShelf.load(PARAMS_DIR).books
    homes: dict[str, list[str]] = {}
    for book in books:
        for key in book.versions[-1].values:
            homes.setdefault(key, []).append(book.name)
    assert {key: names for key, names in homes.items() if len(names) > 1} == {}
    assert (homes["pass_score"], homes["suspensions_for_termination"], homes["reassess_months"]) == (
        ["evaluation"],
        ["agreement"],
        ["performance"],
    )


def test_a_what_if_of_the_pass_mark_moves_the_evaluation_and_its_basis(client: TestClient) -> None:
    # 二(三)3 "评估分数85分(含)以上的为合格": the example scores 100; with a pass mark of 100.01 it does not pass
    body = {**MEDICAL, "parameters": {"evaluation.pass_score": "100.01"}}
    r = client.post("/v1/evaluations/score", json=body)
    assert (r.status_code, r.json()["qualified"]) == (200, False), r.text
    assert r.json()["basis"].endswith("100.01分(含)以上的为合格")

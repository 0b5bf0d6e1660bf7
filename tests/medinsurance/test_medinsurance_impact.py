"""Impact over a year's 绩效考核 (issue 31): every stored assessment scored again from its sheets and its pool graded
again (附件1 二(三), 二(四)), as decided and under a scenario; nothing stored changes.

The caseload, 2025, assessed 2026-03-15 (附件4 tables; a row left out has no deduction, its requirement met, its
head-count unchanged: 1 of 2 points, A-42):

柯城区, 综合类 (表3), four hospitals:
- H1: 半年 C01 诚信记分 −5 → 95; 年度 C01 −6 → 94. Final 95 × 30% + 94 × 70% = 28.5 + 65.8 = 94.3, rank 1.
- H2: 半年 C01 −12 → 88; 年度 C01 −12, C02 上传率低 2 个百分点 −2 → 86. Final 26.4 + 60.2 = 86.6, rank 2.
- H4: 半年 and 年度 C01 −12, C02 −6 → 82. Final 82, rank 3.
- H3: 半年 C01 −12, C02 −10, C14c 其他重点工作 −10 → 68; 年度 C01 −12, C02 −10, C14c −15 → 63.
  Final 20.4 + 44.1 = 64.5, rank 4 (last).
  "居前10%" covers 4 × 10% = 0.4 places and "居后5%" 4 × 5% = 0.2 (A-24, exact): no A and no D.
  So H1, H2, H4 are B (80 含 以上) and H3 is C (below 80).

衢江区, 门诊类, two clinics, whose sheets start from 98 (O13 诊疗科目 and O14 医保医师人数 unchanged: 1 of 2 each):
- K1: each sheet O01 −12, O04a 电子凭证结算率低 2.5 个百分点 (whole steps, A-22: −2), O05 4 起处罚 −4 → 80.
  Final 80: B (80 含).
- K2: 半年 O04a 0.5 个百分点 (no whole step: 98); 年度 O01 −5 → 93. Final 29.4 + 65.1 = 94.5; 2 × 5% = 0.1 places,
  no A: B.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from medinsurance_testdata import institution
from testkit import identity_headers

ON = "2026-03-15"


def assess(client: TestClient, inst: dict[str, Any], category: str, half: Any, annual: Any) -> dict[str, Any]:
    body = {"institution_id": inst["id"], "year": 2025, "category": category, "assessed_on": ON}
    r = client.post("/v1/assessments", json=body | {"half_year": half, "annual": annual})
    assert r.status_code == 201, r.text
    return dict(r.json())


def c01(deduction: str, **units: str) -> dict[str, Any]:
    sheet: dict[str, Any] = {"C01": {"deduction": deduction}}
    if "C02" in units:
        sheet["C02"] = {"units": {"shortfall_points": units["C02"]}}
    if "C14c" in units:
        sheet["C14c"] = {"deduction": units["C14c"]}
    return sheet


@pytest.fixture
def caseload(client: TestClient) -> dict[str, dict[str, Any]]:
    def hospital(name: str) -> dict[str, Any]:
        return institution(client, name=name, kind="general_hospital")

    made = {
        "H1": assess(client, hospital("柯城一院"), "comprehensive", c01("5"), c01("6")),
        "H2": assess(client, hospital("柯城二院"), "comprehensive", c01("12"), c01("12", C02="2")),
        "H3": assess(
            client,
            hospital("柯城三院"),
            "comprehensive",
            c01("12", C02="10", C14c="10"),
            c01("12", C02="10", C14c="15"),
        ),
        "H4": assess(client, hospital("柯城四院"), "comprehensive", c01("12", C02="6"), c01("12", C02="6")),
    }
    clinic = {
        "O01": {"deduction": "12"},
        "O04a": {"units": {"shortfall_points": "2.5"}},
        "O05": {"units": {"penalties": "4"}},
    }
    k1, k2 = (institution(client, name=name, district="衢江区") for name in ("衢江甲诊所", "衢江乙诊所"))
    made["K1"] = assess(client, k1, "outpatient", clinic, clinic)
    made["K2"] = assess(
        client, k2, "outpatient", {"O04a": {"units": {"shortfall_points": "0.5"}}}, {"O01": {"deduction": "5"}}
    )
    return made


def impact(client: TestClient, parameters: dict[str, str], **body: Any) -> dict[str, Any]:
    r = client.post("/v1/impact/assessments", json={"year": 2025, "parameters": parameters, **body})
    assert r.status_code == 200, r.text
    return dict(r.json())


def grades(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {r["record_id"]: (r["outcome_before"], r["outcome_after"]) for r in result["largest"]}


def test_the_stored_grades_are_those_worked_by_hand(client: TestClient, caseload: Any) -> None:
    stored = {name: (a["final_score"], a["grade"], a["rank"]) for name, a in caseload.items()}
    assert stored["K2"] == (94.5, "B", 1)
    listed = {a["id"]: (a["final_score"], a["grade"], a["rank"]) for a in client.get("/v1/assessments").json()["items"]}
    # Each record graded the pool again: the hospitals recorded first took their final rank when H3 and H4 came.
    assert listed == {
        caseload["H1"]["id"]: (94.3, "B", 1),
        caseload["H2"]["id"]: (86.6, "B", 2),
        caseload["H3"]["id"]: (64.5, "C", 4),
        caseload["H4"]["id"]: (82.0, "B", 3),
        caseload["K1"]["id"]: (80.0, "B", 2),
        caseload["K2"]["id"]: (94.5, "B", 1),
    }


def test_places_rounded_up_give_the_first_hospital_an_a_and_the_last_a_d(client: TestClient, caseload: Any) -> None:
    """A-24 read the other way: ⌈4 × 10%⌉ = 1 place, so H1 (94.3 ≥ 90, rank 1) is A; ⌈4 × 5%⌉ = 1, so H3 (64.5 ≤ 70,
    last) is D; H2 and H4 stay B. The clinics: ⌈2 × 5%⌉ = 1 place each end: K2 (94.5 ≥ 90, first) is A; K1 is last
    but 80 is not "70分以下": B."""
    before = client.get("/v1/assessments").json()
    result = impact(client, {"performance.share_positions": "rounded_up"})
    assert (result["records"], result["outcome_changed"], result["unchanged"]) == (6, 3, 3)
    assert (result["total_before"], result["total_after"], result["items"]) == ("0.00", "0.00", [])
    ids = {name: str(a["id"]) for name, a in caseload.items()}
    changed = grades(result)
    assert [r["record_id"] for r in result["largest"][:3]] == sorted([ids["H1"], ids["H3"], ids["K2"]])
    assert (changed[ids["H1"]], changed[ids["H3"]], changed[ids["K2"]]) == (("B", "A"), ("C", "D"), ("B", "A"))
    assert (changed[ids["H2"]], changed[ids["H4"]], changed[ids["K1"]]) == (("B", "B"), ("B", "B"), ("B", "B"))
    assert {r["parameter"]: (r["before"], r["after"]) for r in result["readings"]} == {
        "performance.assessment_pool": ("district", "district"),
        "performance.share_positions": ("exact", "rounded_up"),
        "performance.partial_steps": ("whole", "whole"),
        "performance.group_deductions": ("cumulative", "cumulative"),
        "performance.other_key_work_points": ("column", "column"),
        "performance.final_score_rounding": ("exact", "exact"),
        "performance.last_places_tie": ("caseworker_review", "caseworker_review"),
    }
    assert result["parameter_versions"] == {
        "before": "performance=2023-02-18",
        "after": "performance=2023-02-18+scenario",
    }
    assert client.get("/v1/assessments").json() == before  # nothing in scope written


def test_started_steps_take_a_clinic_below_80(client: TestClient, caseload: Any) -> None:
    """A-22 read as "不足一档按一档计": K1's 2.5 points deduct 3 (not 2) on each sheet, 79 and 79: final 79, C.
    K2's 0.5 point now deducts 1 on its half-year sheet: 97 × 30% + 93 × 70% = 29.1 + 65.1 = 94.2, still B.
    The hospitals' sheets have whole points only: unchanged."""
    result = impact(client, {"performance.partial_steps": "started"}, largest=2)
    ids = {name: str(a["id"]) for name, a in caseload.items()}
    assert result["outcome_changed"] == 1
    assert [(r["record_id"], r["outcome_before"], r["outcome_after"]) for r in result["largest"]] == [
        (ids["K1"], "B", "C"),
        (ids["H1"], "B", "B"),
    ]


def test_other_key_work_worth_the_rules_10_takes_a_hospital_below_80(client: TestClient, caseload: Any) -> None:
    """A-20 read the other way: 表3 其他重点工作 is worth its rule's 10, not its column's 15, so the table sums to 95.
    H1 94.3 − 5 = 89.3, H2 86.6 − 5 = 81.6: still B. H4 82 − 5 = 77: B → C.
    H3: half-year 95 − 12 − 10 − 10 = 63; annual 其他重点工作 −15 on a 10-point row: the 5 over come off 结算率
    (A-62), 95 − 12 − 10 − 15 = 58; final 63 × 30% + 58 × 70% = 18.9 + 40.6 = 59.5, still C (4 × 5% = 0.2 places:
    no D). The clinics' table has no such row: unchanged."""
    result = impact(client, {"performance.other_key_work_points": "rule"})
    ids = {name: str(a["id"]) for name, a in caseload.items()}
    changed = grades(result)
    assert (result["records"], result["outcome_changed"]) == (6, 1)
    assert result["largest"][0]["record_id"] == ids["H4"]
    assert (changed[ids["H4"]], changed[ids["H1"]], changed[ids["H3"]]) == (("B", "C"), ("B", "B"), ("C", "C"))


def test_a_higher_b_threshold_moves_two_institutions_to_c(client: TestClient, caseload: Any) -> None:
    """附件1 二(四) "80分(含)以上…B级" moved to 85: H4 (82) and K1 (80) become C; H2 (86.6) stays B."""
    result = impact(client, {"performance.b_min_score": "85"})
    ids = {name: str(a["id"]) for name, a in caseload.items()}
    changed = grades(result)
    assert result["outcome_changed"] == 2
    assert (changed[ids["H4"]], changed[ids["K1"]], changed[ids["H2"]]) == (("B", "C"), ("B", "C"), ("B", "B"))


def test_a_district_bound_caller_sees_only_its_district(client: TestClient, caseload: Any) -> None:
    kecheng = identity_headers("medinsurance", district="柯城区")
    r = client.post(
        "/v1/impact/assessments",
        json={"year": 2025, "parameters": {"performance.share_positions": "rounded_up"}},
        headers=kecheng,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["records"], r.json()["outcome_changed"]) == (4, 2)  # H1 and H3; K2 is 衢江区's
    assert {x["label"] for x in r.json()["largest"]} == {f"柯城{n}院（柯城区综合类）" for n in "一二三四"}
    other = {"year": 2025, "district": "衢江区", "parameters": {"performance.share_positions": "rounded_up"}}
    assert client.post("/v1/impact/assessments", json=other, headers=kecheng).status_code == 403
    assert impact(client, {"performance.b_min_score": "85"}, district="衢江区")["records"] == 2
    assert impact(client, {"performance.b_min_score": "85"}, year=2024)["records"] == 0


def test_a_scenario_the_books_do_not_allow_is_refused(client: TestClient, caseload: Any) -> None:
    for parameters, code in (
        ({"performance.share_positions": "ceiling"}, "reading_unknown"),  # not a reading the book lists
        ({"performance.half_year_end_month": "7"}, "parameter_not_a_figure"),  # a month of the year
        ({"performance.b_min_score": "abc"}, "parameter_invalid"),
        ({"evaluation.pass_score": "80"}, "parameter_unknown"),  # not a book the grades read
    ):
        r = client.post("/v1/impact/assessments", json={"year": 2025, "parameters": parameters})
        assert (r.status_code, r.json()["code"], r.json()["errors"][0]["code"]) == (422, "scenario_invalid", code)
    r = client.post("/v1/impact/assessments", json={"year": 2025, "parameters": {}})
    assert (r.status_code, r.json()["field"]) == (422, "parameters")


def test_the_result_as_a_workbook_and_a_chart(client: TestClient, caseload: Any) -> None:
    body = {"year": 2025, "parameters": {"performance.share_positions": "rounded_up"}}
    xlsx = client.post("/v1/impact/assessments", params={"format": "xlsx"}, json=body)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    svg = client.post("/v1/impact/assessments", params={"format": "svg"}, json=body)
    assert svg.status_code == 200 and "影响测算" in svg.text


def test_the_readings_are_listed_with_their_calculators(client: TestClient) -> None:
    listed = {r["parameter"]: r for r in client.get("/v1/readings", params={"on": "2026-03-15"}).json()}
    assert listed["performance.share_positions"]["id"] == "A-24"
    assert listed["performance.share_positions"]["chosen"] == "exact"
    assert "POST /v1/impact/assessments" in listed["performance.share_positions"]["calculators"]
    assert [c["value"] for c in listed["performance.partial_steps"]["readings"]] == ["whole", "started", "proportional"]

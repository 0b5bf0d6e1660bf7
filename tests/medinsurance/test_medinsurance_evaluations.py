"""Stored 新增定点 evaluations (二(三)3, 附件4 表1/表2) and their impact (issue 31): the evaluators' sheets scored on
the server, the application stepped by their verdict, and every stored evaluation of a period scored again as decided
and under a scenario; nothing stored changes.

The caseload (each application 预登记 2023-03-01, submitted 06-01, accepted 06-05; licences from 2021/2022, so
经营时间 is full):

- M, 柯城区 clinic, 表1, evaluated 2023-06-20 by three evaluators. A full sheet (表1 15 items = 100) with 社区内已有
  4 家二级以下定点医疗机构 (item 14: 0 of 10) and a verified price complaint (item 4: 0 of 5) is 85; the third
  evaluator's comfort is 1.99 of 2: 84.99. Average (85 + 85 + 84.99) / 3 = 254.99 / 3 = 84.9966…, shown 85.00.
  A-13 as chosen (exact_average): 254.99 < 85 × 3 = 255, fail. Read as rounded_average: 85.00 ≥ 85, pass.
- P, 柯城区 pharmacy, 表2, evaluated 2023-06-20 by one evaluator: 100 − 3 (item 2: 3 cases unmaintained) − 4 (item 3:
  a price complaint) − 2 (item 11: 2 nonconforming) − 2 (item 12: 2 inaccurate marks) − 5 (item 14: exactly 200
  drugs) = 84, fail. A-30 read as included: 200 drugs earn 1, 85, pass.
- Q, 衢江区 clinic, 表1, evaluated 2023-06-20: full sheet, 100, pass under every reading.
- L, 柯城区 clinic, evaluated 2024-03-20 as M was: outside the period 2023.
"""

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from medinsurance_testdata import application, application_event, institution
from testkit import identity_headers

from medinsurance.rules.evaluation import MedicalBasic, PharmacyBasic

USCC = "91110000600037341L"
FULL_MEDICAL_SHEET = {
    "management_quality": "2",
    "premises": {"owned": True, "area_m2": "500", "comfort": "2"},
    "intermediate_physicians": 3,
    "practice_subjects": 4,
}
AT_85 = FULL_MEDICAL_SHEET | {"community_designated": 4, "disclosure": {"verified_price_complaints": 1}}
AT_84_99 = AT_85 | {"premises": {"owned": True, "area_m2": "500", "comfort": "1.99"}}
AT_84_PHARMACY = {
    "management_quality": "2",
    "premises": {"owned": True, "area_m2": "400", "comfort": "2"},
    "chain": True,
    "additional_licensed_pharmacists": 2,
    "catalogue_drug_varieties": 200,
    "unmaintained_cases": 3,
    "disclosure": {"verified_price_complaints": 1},
    "nonconforming_layout": 2,
    "inaccurate_marks": 2,
}
ROUNDED = {"evaluation.pass_compared_on": "rounded_average"}
INCLUDED = {"evaluation.variety_band_boundary": "included"}
YEAR_2023 = {"evaluated_from": "2023-01-01", "evaluated_to": "2023-12-31"}


def medical(sheets: list[dict[str, Any]], evaluated_on: str = "2023-06-20", accepted_on: str = "2023-06-05") -> Any:
    return {
        "kind": "medical_institution",
        "evaluated_on": evaluated_on,
        "accepted_on": accepted_on,
        "basic": dict.fromkeys(MedicalBasic, True),
        "licences": [{"approved_on": "2021-06-01", "uscc": USCC}],
        "sheets": sheets,
    }


def pharmacy(sheets: list[dict[str, Any]]) -> Any:
    return {
        "kind": "retail_pharmacy",
        "evaluated_on": "2023-06-20",
        "accepted_on": "2023-06-05",
        "basic": dict.fromkeys(PharmacyBasic, True),
        "licences": [{"approved_on": "2022-04-06", "uscc": USCC}],
        "sheets": sheets,
    }


def accepted(client: TestClient, inst: dict[str, Any], submitted: str = "2023-06-01", on: str = "2023-06-05") -> int:
    app = application(client, inst)
    for event, day in (("submit", submitted), ("accept", on)):
        assert application_event(client, app["id"], event, day).status_code == 200
    return int(app["id"])


def evaluate(client: TestClient, application_id: int, evaluation: Any, **headers: str) -> Any:
    return client.post("/v1/evaluations", json={"application_id": application_id, "evaluation": evaluation}, **headers)


def stored(client: TestClient, application_id: int, evaluation: Any) -> dict[str, Any]:
    r = evaluate(client, application_id, evaluation)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture
def caseload(client: TestClient) -> dict[str, dict[str, Any]]:
    clinic = institution(client, name="柯城甲诊所")
    drugstore = institution(client, name="柯城大药房", kind="retail_pharmacy")
    qujiang = institution(client, name="衢江乙诊所", district="衢江区")
    later = institution(client, name="柯城丙诊所")
    return {
        "M": stored(client, accepted(client, clinic), medical([AT_85, AT_85, AT_84_99])),
        "P": stored(client, accepted(client, drugstore), pharmacy([AT_84_PHARMACY])),
        "Q": stored(client, accepted(client, qujiang), medical([FULL_MEDICAL_SHEET])),
        "L": stored(
            client,
            accepted(client, later, "2024-03-01", "2024-03-04"),
            medical([AT_85, AT_85, AT_84_99], "2024-03-20", "2024-03-04"),
        ),
    }


def impact(client: TestClient, parameters: dict[str, str], **body: Any) -> dict[str, Any]:
    r = client.post("/v1/impact/evaluations", json=YEAR_2023 | {"parameters": parameters} | body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def outcomes(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {r["record_id"]: (r["outcome_before"], r["outcome_after"]) for r in result["largest"]}


def test_the_sheets_are_scored_and_the_application_follows_their_verdict(client: TestClient, caseload: Any) -> None:
    """M shows 85.00 yet fails (A-13, exact average 84.9966…): its application fails, though a bare score of 85.00
    would have passed it; P (84) fails; Q (100) passes."""
    m, p, q = caseload["M"], caseload["P"], caseload["Q"]
    assert (m["total"], m["basic_passed"], m["qualified"], m["kind"]) == (85.0, True, False, "medical_institution")
    assert (p["total"], p["qualified"], q["total"], q["qualified"]) == (84.0, False, 100.0, True)
    assert m["parameter_versions"] == {"evaluation": "evaluation=2023-02-18"}
    assert m["sheet"]["sheets"][2]["premises"]["comfort"] == "1.99"  # kept as entered, every field
    states = {k: client.get(f"/v1/applications/{caseload[k]['application_id']}").json() for k in "MPQ"}
    assert {k: (a["state"], Decimal(a["score"])) for k, a in states.items()} == {
        "M": ("failed", Decimal("85")),
        "P": ("failed", Decimal("84")),
        "Q": ("passed", Decimal("100")),
    }
    listed = client.get("/v1/evaluations", params={"application_id": m["application_id"]}).json()["items"]
    assert [e["id"] for e in listed] == [m["id"]]


def test_rounded_average_passes_the_clinic(client: TestClient, caseload: Any) -> None:
    """A-13 read as rounded_average: M 84.9966… shown 85.00 passes; P 84.00 and Q 100 unchanged; L (2024) out of
    scope. 3 records, 1 changed, 2 unchanged; no amounts."""
    before = (client.get("/v1/evaluations").json(), client.get("/v1/applications").json())
    result = impact(client, ROUNDED)
    ids = {k: str(e["id"]) for k, e in caseload.items()}
    assert (result["records"], result["outcome_changed"], result["unchanged"]) == (3, 1, 2)
    assert (result["total_before"], result["total_after"], result["items"]) == ("0.00", "0.00", [])
    assert result["largest"][0]["record_id"] == ids["M"]
    assert outcomes(result) == {ids["M"]: ("fail", "pass"), ids["P"]: ("fail", "fail"), ids["Q"]: ("pass", "pass")}
    assert result["largest"][0]["label"] == "柯城甲诊所（柯城区医疗机构，2023-06-20评估）"
    used = {r["parameter"]: (r["before"], r["after"]) for r in result["readings"]}
    assert used["evaluation.pass_compared_on"] == ("exact_average", "rounded_average")
    assert used["evaluation.variety_band_boundary"] == ("excluded", "excluded")
    assert result["parameter_versions"] == {
        "before": "calendar=2023-02-18, evaluation=2023-02-18",
        "after": "calendar=2023-02-18, evaluation=2023-02-18+scenario",
    }
    assert (client.get("/v1/evaluations").json(), client.get("/v1/applications").json()) == before  # nothing written


def test_200_drugs_earning_a_point_passes_the_pharmacy(client: TestClient, caseload: Any) -> None:
    """A-30 read as included: P's 200 drugs earn 1 point, 84 + 1 = 85 ≥ 85: pass; the clinics have no such item.
    Both readings at once: M and P change, 2 of 3."""
    ids = {k: str(e["id"]) for k, e in caseload.items()}
    result = impact(client, INCLUDED)
    assert (result["outcome_changed"], outcomes(result)[ids["P"]]) == (1, ("fail", "pass"))
    assert outcomes(result)[ids["M"]] == ("fail", "fail")
    assert impact(client, ROUNDED | INCLUDED)["outcome_changed"] == 2
    pharmacies = impact(client, INCLUDED, kind="retail_pharmacy")
    assert (pharmacies["records"], pharmacies["outcome_changed"]) == (1, 1)


def test_a_higher_pass_mark_fails_the_full_clinic_only_above_100(client: TestClient, caseload: Any) -> None:
    """pass_score 100 (含): Q's 100 still passes; M and P already fail. The 2024 evaluation is in a 2024 period."""
    assert impact(client, {"evaluation.pass_score": "100"})["outcome_changed"] == 0
    in_2024 = impact(client, ROUNDED, evaluated_from="2024-01-01", evaluated_to="2024-12-31")
    assert (in_2024["records"], in_2024["outcome_changed"]) == (1, 1)


def test_a_district_sees_only_its_own_evaluations(client: TestClient, caseload: Any) -> None:
    kecheng = identity_headers("medinsurance", district="柯城区")
    r = client.post("/v1/impact/evaluations", json=YEAR_2023 | {"parameters": ROUNDED}, headers=kecheng)
    assert r.status_code == 200, r.text
    assert (r.json()["records"], r.json()["outcome_changed"]) == (2, 1)  # M and P; Q is 衢江区's
    other = YEAR_2023 | {"district": "衢江区", "parameters": ROUNDED}
    assert client.post("/v1/impact/evaluations", json=other, headers=kecheng).status_code == 403
    assert impact(client, ROUNDED, district="衢江区")["records"] == 1
    listed = client.get("/v1/evaluations", headers=kecheng).json()["items"]
    assert str(caseload["Q"]["id"]) not in {str(e["id"]) for e in listed}
    # 衢江区's application is an unused id to 柯城区: 422 reference_not_found, as for an id never used.
    again = medical([FULL_MEDICAL_SHEET], "2023-06-21")
    r = evaluate(client, caseload["Q"]["application_id"], again, headers=kecheng)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "reference_not_found", "application_id")
    unused = evaluate(client, 999_999, again, headers=kecheng)
    assert (unused.status_code, unused.json()["code"]) == (422, "reference_not_found")


def test_sheets_not_of_the_application_are_refused(client: TestClient) -> None:
    clinic_app = accepted(client, institution(client, name="柯城丁诊所"))
    r = evaluate(client, clinic_app, pharmacy([AT_84_PHARMACY]))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "evaluation_table_mismatch", "evaluation.kind")
    r = evaluate(client, clinic_app, medical([FULL_MEDICAL_SHEET], accepted_on="2023-06-02"))
    assert (r.status_code, r.json()["code"]) == (422, "accepted_on_mismatch")
    r = evaluate(client, clinic_app, medical([FULL_MEDICAL_SHEET], evaluated_on="2023-06-01"))
    assert (r.status_code, r.json()["code"]) == (422, "evaluation_implausible")
    assert client.get("/v1/evaluations", params={"application_id": clinic_app}).json()["items"] == []
    assert stored(client, clinic_app, medical([FULL_MEDICAL_SHEET]))["qualified"] is True
    # Evaluated once: a second evaluation waits for 整改 and 再次评估 (二(三)3), as the event does.
    r = evaluate(client, clinic_app, medical([FULL_MEDICAL_SHEET], evaluated_on="2023-06-21"))
    assert (r.status_code, r.json()["code"]) == (409, "process_rule")


def test_a_scope_or_scenario_the_books_do_not_allow_is_refused(client: TestClient, caseload: Any) -> None:
    for parameters, code in (
        ({"evaluation.pass_compared_on": "truncated"}, "reading_unknown"),
        ({"evaluation.pass_score": "abc"}, "parameter_invalid"),
        ({"performance.share_positions": "rounded_up"}, "parameter_unknown"),  # not a book an evaluation reads
    ):
        r = client.post("/v1/impact/evaluations", json=YEAR_2023 | {"parameters": parameters})
        assert (r.status_code, r.json()["code"], r.json()["errors"][0]["code"]) == (422, "scenario_invalid", code)
    backwards = {"evaluated_from": "2023-12-31", "evaluated_to": "2023-01-01", "parameters": ROUNDED}
    r = client.post("/v1/impact/evaluations", json=backwards)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "period_invalid", "evaluated_to")


def test_the_result_as_a_workbook_and_a_chart(client: TestClient, caseload: Any) -> None:
    body = YEAR_2023 | {"parameters": ROUNDED}
    xlsx = client.post("/v1/impact/evaluations", params={"format": "xlsx"}, json=body)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    svg = client.post("/v1/impact/evaluations", params={"format": "svg"}, json=body)
    assert svg.status_code == 200 and "影响测算" in svg.text


def test_the_readings_name_the_impact(client: TestClient) -> None:
    listed = {r["parameter"]: r for r in client.get("/v1/readings", params={"on": "2023-06-20"}).json()}
    assert "POST /v1/impact/evaluations" in listed["evaluation.pass_compared_on"]["calculators"]
    assert "POST /v1/evaluations" in listed["evaluation.variety_band_boundary"]["calculators"]

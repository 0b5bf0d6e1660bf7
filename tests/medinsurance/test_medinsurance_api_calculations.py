"""The stateless calculators over HTTP: their contracts, validation and safety (the hand-computed cases are in
cases/*.toml)."""

import asyncio
import datetime as dt
import threading
from typing import Any

import httpx
import pytest
from medinsurance_testdata import MEDICAL, USCC
from testkit import identity_headers

from medinsurance.api import calculations
from medinsurance.main import create_app
from medinsurance.rules.performance import grade_all
from qz_common.clock import today
from qz_common.settings import PlatformSettings

CITIZEN = {"X-Qz-Identity": ""}


def test_grade_contract(client):
    body = {
        "category": "comprehensive",
        "institutions": [{"id": "a", "half_year_score": 95, "annual_score": 95, "new_this_year": False}]
        + [{"id": f"i{i}", "half_year_score": 85, "annual_score": 85, "new_this_year": False} for i in range(9)]
        + [{"id": "new", "half_year_score": 99, "annual_score": 99, "new_this_year": True}],
        "on": "2024-03-01",
    }
    r = client.post("/v1/assessments/grade", json=body)
    assert r.status_code == 200, r.text
    results = {x["id"]: x for x in r.json()["results"]}
    assert results["a"]["grade"] == "A" and results["a"]["final_score"] == 95
    assert results["i0"]["grade"] == "B"
    assert results["new"]["grade"] is None and results["new"]["final_score"] is None
    assert "items" in results["a"]["consequences"]


def test_grade_validation(client):
    r = client.post("/v1/assessments/grade", json={"category": "other", "institutions": []})
    assert r.status_code == 422
    r2 = client.post(
        "/v1/assessments/grade",
        json={"category": "outpatient", "institutions": [{"id": "x", "half_year_score": 101, "annual_score": 1}]},
    )
    assert r2.status_code == 422
    dup = {"id": "x", "half_year_score": 80, "annual_score": 80}
    r3 = client.post("/v1/assessments/grade", json={"category": "outpatient", "institutions": [dup, dup]})
    assert r3.status_code == 422 and r3.json()["field"] == "institutions.1.id"


def test_a_tier_that_does_not_exist_is_refused(client):
    # 五(三) has tiers 1–5
    r = client.post("/v1/violations/penalty", json={"tier": 6, "violation_amount": "1", "ratio": "0"})
    assert r.status_code == 422


def test_assessment_rows_of_another_table_are_refused(client):
    bad = client.post("/v1/assessments/score", json={"category": "pharmacy", "items": {"C02": {}}})
    assert bad.status_code == 422 and bad.json()["field"] == "items"


def test_auth_errors(client):
    assert client.post("/v1/violations/penalty", json={}, headers={"X-Qz-Identity": ""}).status_code == 401
    no_scope = identity_headers("medinsurance", scopes=[])
    body = {"tier": 3, "violation_amount": "1", "ratio": "0.1"}
    assert client.post("/v1/violations/penalty", json=body, headers=no_scope).status_code == 403


def test_evaluation_score_medical(client):
    r = client.post("/v1/evaluations/score", json=MEDICAL)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["basic_passed"] is True and data["qualified"] is True
    assert data["total"] == "100.00"
    assert len(data["items"]) == 15


def test_evaluation_score_basic_failure_and_validation(client):
    body = {**MEDICAL, "basic": {**MEDICAL["basic"], "credit": False}}
    data = client.post("/v1/evaluations/score", json=body).json()
    assert data["basic_passed"] is False and data["qualified"] is False
    bad = {**MEDICAL, "sheets": [{**MEDICAL["sheets"][0], "management_quality": "3"}]}
    r = client.post("/v1/evaluations/score", json=bad)
    assert r.status_code == 422
    village = {**MEDICAL, "standardised_village": True}
    r2 = client.post("/v1/evaluations/score", json=village)
    assert r2.status_code == 422 and r2.json()["field"] == "parent"


def test_evaluation_score_pharmacy(client):
    body = {
        "kind": "retail_pharmacy",
        "evaluated_on": "2023-06-01",
        "accepted_on": "2023-05-15",
        "basic": {},
        "licences": [{"approved_on": "2022-06-01", "uscc": "91110000600037341L"}],
        "sheets": [{"management_quality": "1"}],
    }
    data = client.post("/v1/evaluations/score", json=body).json()
    assert len(data["items"]) == 16
    assert data["basic_passed"] is False


def test_evaluation_before_acceptance_refused(client):
    r = client.post(
        "/v1/evaluations/score", json={**MEDICAL, "evaluated_on": "2023-05-14", "accepted_on": "2023-05-15"}
    )
    assert r.status_code == 422 and r.json()["field"] == "evaluated_on"
    same_day = {**MEDICAL, "evaluated_on": "2023-05-15", "accepted_on": "2023-05-15"}
    assert client.post("/v1/evaluations/score", json=same_day).status_code == 200


def test_licence_after_evaluation_refused(client):
    licence = {"approved_on": "2023-06-02", "uscc": USCC}
    r = client.post("/v1/evaluations/score", json={**MEDICAL, "evaluated_on": "2023-06-01", "licences": [licence]})
    assert r.status_code == 422 and r.json()["field"] == "licences.0.approved_on"


def test_invalid_licence_uscc_refused(client):
    bad = {"approved_on": "2021-06-01", "uscc": "91110000600037341X"}  # check character wrong
    r = client.post("/v1/evaluations/score", json={**MEDICAL, "licences": [bad]})
    assert r.status_code == 422 and "uscc" in r.json()["field"]


def test_thousand_evaluator_sheets_refused(client):
    r = client.post("/v1/evaluations/score", json={**MEDICAL, "sheets": MEDICAL["sheets"] * 1000})
    assert r.status_code == 422 and "sheets" in r.json()["field"]


def test_evaluation_in_the_future_refused(client):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    r = client.post("/v1/evaluations/score", json={**MEDICAL, "evaluated_on": tomorrow})
    assert r.status_code == 422 and r.json()["field"] == "evaluated_on"


def test_misspelt_fields_refused(client):
    typo = client.post("/v1/refusal-check", json={"pharmacy": False, "on": "2024-01-01", "fraud_found": ["2023-01-01"]})
    assert typo.status_code == 422 and "fraud_found" in typo.json()["field"]
    row_typo = client.post(
        "/v1/assessments/score", json={"category": "outpatient", "items": {"O3": {"units": {"shortfall_points": 5}}}}
    )
    assert row_typo.status_code == 422 and row_typo.json()["field"] == "items"
    unit_typo = client.post(
        "/v1/assessments/score", json={"category": "outpatient", "items": {"O03": {"unit": {"shortfall_points": 5}}}}
    )
    assert unit_typo.status_code == 422
    facts = {"kind": "primary_care", "operating_since": "2020-01-01", "beds_count": 3}
    assert (
        client.post("/v1/admission/institution-conditions", json={"on": "2024-01-01", "facts": facts}).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", f"/v1/applications/{2**63}", None),
        ("get", f"/v1/agreements/{2**64}", None),
        ("get", f"/v1/violations/{2**63}", None),
        ("get", f"/v1/institutions/{2**63}", None),
        ("get", f"/v1/outages/{2**63}", None),
        ("get", "/v1/violations", {"institution_id": 2**63}),
        ("post", "/v1/agreements", {"institution_id": 2**63, "application_id": 1, "signed_on": "2024-01-01"}),
        ("post", "/v1/applications", {"institution_id": 1, "pre_registered_on": "9999-12-31"}),
        (
            "post",
            "/v1/violations/penalty",
            {"tier": 3, "violation_amount": "1", "ratio": "0.1", "decided_on": "9999-12-31"},
        ),
        ("post", "/v1/outages", {"institution_id": 1, "failed_at": "9999-12-31T23:00:00+08:00"}),
        ("post", "/v1/refusal-check", {"pharmacy": True, "on": "0001-01-01"}),
        ("post", "/v1/refusal-check", {"pharmacy": True, "on": "2024-01-01", "fraud_found_on": ["2023-01-01"] * 101}),
        (
            "post",
            "/v1/assessments/score",
            {"category": "outpatient", "items": {"O03": {"units": {"shortfall_points": "1e999999"}}}},
        ),
    ],
)
def test_out_of_range_input_is_422_not_5xx(client, method, url, body):
    r = client.get(url, params=body) if method == "get" else client.post(url, json=body)
    assert r.status_code == 422, r.text


def test_2027_calculations_answer(client):
    r = client.post(
        "/v1/violations/penalty",
        json={"tier": 3, "violation_amount": "1000", "ratio": "0.1", "decided_on": "2027-01-01"},
    )
    assert r.status_code == 200 and r.json()["due_on"] == "2027-01-31"  # 30 calendar days after 01-01


def test_grading_does_not_block_other_requests(medinsurance_settings, monkeypatch):
    """The ranking of a large pool runs off the event loop, so other requests are served meanwhile.

    Shown without timing: while the ranking runs, it waits until the event loop has served a penalty request.
    Were the ranking on the event loop, no request could start during it and the wait would give up.
    """
    body = {
        "category": "pharmacy",
        "on": "2024-03-01",
        "institutions": [
            {"id": f"p{k}", "half_year_score": 60 + (k % 40), "annual_score": 60 + (k * 7 % 40)} for k in range(5000)
        ],
    }
    ranking_started = threading.Event()
    served_while_ranking = threading.Event()
    waits: list[bool] = []

    def ranking_that_waits_for_a_penalty(*args: Any) -> Any:
        ranking_started.set()
        results = grade_all(*args)
        waits.append(served_while_ranking.wait(timeout=10))  # False: no request was served while ranking
        return results

    monkeypatch.setattr(calculations, "grade_all", ranking_that_waits_for_a_penalty)

    async def scenario() -> None:
        app = create_app(medinsurance_settings, PlatformSettings(dev_mode=True))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://medinsurance", headers=identity_headers("medinsurance")
        ) as ac:
            grading = asyncio.create_task(ac.post("/v1/assessments/grade", json=body, timeout=60))
            while not grading.done():
                started_during_ranking = ranking_started.is_set()
                r = await ac.post(
                    "/v1/violations/penalty", json={"tier": 3, "violation_amount": "1000.00", "ratio": "0.10"}
                )
                assert r.status_code == 200 and r.json()["penalty"] == "100.00"  # 1000.00 × 10%
                if started_during_ranking:
                    served_while_ranking.set()
                await asyncio.sleep(0)
            graded = await grading
            assert graded.status_code == 200 and len(graded.json()["results"]) == 5000

    asyncio.run(scenario())
    assert waits == [True]


def calc(client, name, body):
    r = client.post(f"/v1/calculators/{name}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_calendar_says_which_days_are_provisional(client):
    assert client.get("/v1/calculators/calendar/2027-01-01").json() == {
        "day": "2027-01-01",
        "working": False,
        "provisional": False,
        "source": "statutory-fixed",
    }
    assert client.get("/v1/calculators/calendar/2027-01-04").json()["provisional"] is True
    assert client.get("/v1/calculators/calendar/2026-01-01").json()["source"] == "chinesecalendar"
    assert client.get("/v1/calculators/calendar/9999-12-31").status_code == 422


def test_deadline_late_in_2099_answers(client):
    # the last accepted date: 30 working days later falls in 2100, provisional, never a 5xx
    r = calc(client, "deadline", {"duty": "payment", "start": "2099-12-31"})
    assert r["deadline"] > "2100-01-01" and r["provisional"] is True

"""Issue 12 "Plausibility and bad input", and the medinsurance items of issues 9 and 10: strict request models,
dates that must lie in the past, bounded ids and dates (never a 5xx), 代配药 authorisations scoped by district,
grading 5,000 institutions without holding up other requests."""

import asyncio
import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import httpx
import pytest
from medinsurance_testdata import MEDICAL, USCC, institution
from testkit import id_number, identity_headers

from medinsurance.api import calculations
from medinsurance.main import create_app
from medinsurance.parameters import params
from medinsurance.rules.performance import AssessmentInput, Category, grade_all
from qz_common.clock import today
from qz_common.settings import PlatformSettings

PRINCIPAL = id_number("330802", dt.date(1988, 1, 1), 21)
AGENT = id_number("330802", dt.date(1990, 1, 1), 31)
P = params("performance", dt.date(2024, 3, 1))


# ---------------------------------------------------------------- evaluations (二(三)3, 附件4)


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


# ---------------------------------------------------------------- strict request models (issue 10)


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


# ---------------------------------------------------------------- dates in the past, bounded input (issues 9, 10)


def test_future_decision_refused(client):
    inst = institution(client)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    body = {"institution_id": inst["id"], "case": "T1_1", "decided_on": tomorrow, "violation_amount": "0.00"}
    r = client.post("/v1/violations", json=body)
    assert r.status_code == 422 and r.json()["code"] == "date_in_future" and r.json()["field"] == "decided_on"
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"}).json()
    r2 = client.post(f"/v1/applications/{app['id']}/events", json={"event": "submit", "on": tomorrow})
    assert r2.status_code == 422 and r2.json()["field"] == "on"


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


# ---------------------------------------------------------------- 代配药 authorisations carry a district (issue 10)


def test_proxy_authorisations_carry_and_scope_district(client):
    kecheng = institution(client)
    jiangshan = institution(client, district="江山市", name="江山大药房", kind="retail_pharmacy")
    base = {
        "principal_id_number": PRINCIPAL,
        "ground": "mobility",
        "relationship": "close_relative",
        "starts_on": "2024-03-01",
    }
    first = client.post(
        "/v1/proxy-authorisations", json={**base, "agent_id_number": AGENT, "institution_id": kecheng["id"]}
    )
    assert first.status_code == 201 and first.json()["district"] == "柯城区"
    other_agent = id_number("330802", dt.date(1991, 1, 1), 41)
    second = client.post(
        "/v1/proxy-authorisations", json={**base, "agent_id_number": other_agent, "institution_id": jiangshan["id"]}
    )
    assert second.json()["district"] == "江山市"

    kecheng_client = identity_headers("medinsurance", district="柯城区")
    listed = client.get("/v1/proxy-authorisations", headers=kecheng_client).json()
    assert [p["id"] for p in listed["items"]] == [first.json()["id"]]
    dossier = client.get(f"/v1/dossiers/citizens/{PRINCIPAL}", headers=kecheng_client).json()
    assert [p["district"] for p in dossier["proxy_authorisations"]] == ["柯城区"]
    assert len(client.get(f"/v1/dossiers/citizens/{PRINCIPAL}").json()["proxy_authorisations"]) == 2  # city-wide
    # the citizen sees all their own, whatever the district
    me = client.get("/v1/me/proxy-authorisations", headers=identity_headers("medinsurance", citizen=PRINCIPAL))
    assert len(me.json()) == 2
    # a county client may neither revoke another district's authorisation nor file one at its institution: to it,
    # they are not there
    revoke = client.post(
        f"/v1/proxy-authorisations/{second.json()['id']}/revoke", json={"on": "2024-04-01"}, headers=kecheng_client
    )
    assert (revoke.status_code, revoke.json()["field"]) == (404, "proxy_id")
    foreign = client.post(
        "/v1/proxy-authorisations",
        json={
            **base,
            "agent_id_number": id_number("330802", dt.date(1992, 1, 1), 51),
            "institution_id": jiangshan["id"],
        },
        headers=kecheng_client,
    )
    assert (foreign.status_code, foreign.json()["code"], foreign.json()["field"]) == (
        422,
        "reference_not_found",
        "institution_id",
    )
    # without an institution the authorisation takes the registering client's district
    own = client.post(
        "/v1/proxy-authorisations",
        json={**base, "agent_id_number": id_number("330802", dt.date(1992, 1, 1), 51)},
        headers=kecheng_client,
    )
    assert own.status_code == 201 and own.json()["district"] == "柯城区"


# ---------------------------------------------------------------- grading 5,000 (附件1 二(四))


def test_five_thousand_ranked_like_the_definition():
    # scores 60.00 … 99.99 cycling, so many ties; rank = 1 + number strictly higher
    pool = [
        AssessmentInput(f"i{k}", Decimal(6000 + (k * 37) % 4000) / 100, Decimal(6000 + (k * 37) % 4000) / 100)
        for k in range(5000)
    ]
    results = {r.id: r for r in grade_all(Category.PHARMACY, pool, P)}
    finals = [r.final_score for r in results.values()]
    for k in range(0, 5000, 499):
        s = results[f"i{k}"].final_score
        assert results[f"i{k}"].rank == 1 + sum(1 for v in finals if v > s)


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

"""POST /v1/quotes and /v1/quotes/compare as a client meets them (issue 3's contract, the input rules of issues 9, 10
and 11): identity and district, fields named in every refusal, strict flags, dates that are facts.

The hand-computed quotes are the case tables in tests/expropriation/cases/ (test_expropriation_cases.py).
"""

from typing import Any

import pytest
from expropriation_kit import quote_body as body
from expropriation_kit import refused, tomorrow
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

from qz_common.clock import today
from qz_common.identity import IDENTITY_HEADER
from qz_common.periods import add_months


def member(**over: Any) -> dict[str, Any]:
    return {"name": "张一", "id_number": id_number(sequence=1), "collective_member": True} | over


def building(**over: Any) -> dict[str, Any]:
    return {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000} | over


# --- identity and district ------------------------------------------------------------------------------------------


def test_no_identity_401(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(), headers={IDENTITY_HEADER: ""})
    assert r.status_code == 401


def test_district_bound_caller_other_district_403(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(), headers=identity_headers("expropriation", district="衢江区"))
    assert r.status_code == 403


def test_citizen_token_cannot_quote_freely(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(), headers=identity_headers("expropriation", citizen=id_number(sequence=1)))
    assert r.status_code == 403


# --- every refusal names its field ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"buildings": [building(structure="wood")]}, "buildings[0].structure"),
        ({"buildings": [building(structure="frame", legal_area_m2="-1")]}, "buildings[0].legal_area_m2"),
        ({"members": [member(id_number="330802198506151230")]}, "members[0].id_number"),
        ({"signing_deadline": "2023-05-01"}, "signing_deadline"),
        ({"valuation_date": "2023-05-01"}, "valuation_date"),
        ({"method": "cash"}, "method"),
    ],
)
def test_bad_input_422_names_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    refused(client.post("/v1/quotes", json=body(**change)), field)


def test_born_on_must_match_id_number(client: TestClient) -> None:
    members = [member(born_on="1990-01-01")]
    refused(client.post("/v1/quotes", json=body(members=members)), "members[0].born_on")


@pytest.mark.parametrize("value", ["yes", "true", 1, "1"])
def test_boolean_must_be_true_or_false(client: TestClient, value: Any) -> None:
    r = client.post("/v1/quotes", json=body(members=[member(collective_member=value)]))
    refused(r, "members[0].collective_member")


def test_unknown_field_refused(client: TestClient) -> None:
    refused(client.post("/v1/quotes", json=body(fraud_found=True)), "fraud_found")


def test_unknown_field_of_a_nested_member_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(members=[member(is_ownr=True)]))
    refused(r, "members[0].is_ownr")


def test_work_kind_without_its_day_refused(client: TestClient) -> None:
    refused(client.post("/v1/quotes", json=body(buildings=[building(work_kind="extension")])), "buildings[0]")


# --- dates that are facts, and dates far ahead (issues 9, 10, 11; A-38) -------------------------------------------


def test_future_death_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(members=[member(died_on=tomorrow())]))
    refused(r, "members[0].died_on")


def test_future_building_work_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(buildings=[building(work_kind="extension", work_done_on=tomorrow())]))
    refused(r, "buildings[0].work_done_on")


def test_future_signature_refused(client: TestClient) -> None:
    refused(client.post("/v1/quotes", json=body(agreement_signed_on=tomorrow())), "agreement_signed_on")


def test_announcement_in_the_far_future_refused(client: TestClient) -> None:
    far = add_months(today(), 13).isoformat()
    r = client.post("/v1/quotes", json=body(pre_announcement_date=far, signing_deadline=far, valuation_date=far))
    refused(r, "pre_announcement_date")


@pytest.mark.parametrize("field", ["signing_deadline", "valuation_date"])
def test_year_9999_is_a_422_not_a_500(client: TestClient, field: str) -> None:
    refused(client.post("/v1/quotes", json=body(**{field: "9999-12-31"})), field)

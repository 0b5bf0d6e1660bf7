"""POST /v1/quotes and /v1/quotes/compare: the public contract of issue 3."""

from typing import Any

import pytest
from expropriation_kit import quote_body as body
from fastapi.testclient import TestClient
from testkit import id_number

from qz_common.identity import IDENTITY_HEADER


def test_quote_monetary_contract(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body())
    assert r.status_code == 200, r.text
    q = r.json()
    assert q["resettlement_persons"] == 2
    assert q["resettlement_area_m2"] == "160.00"
    assert q["total"] == "531000.00"
    items = {i["code"]: i for i in q["items"]}
    assert items["house_monetary_compensation"]["amount"] == "450000.00"
    assert items["temporary_resettlement_fee"]["basis"] == "衢政发〔2023〕2号 三(四)6"
    assert set(items) >= {
        "temporary_resettlement_fee",
        "moving_fee",
        "early_vacate_reward",
        "village_completion_reward",
    }
    assert q["parameter_versions"]["expropriation"] == "2023-03-01"


def test_quote_lists_excluded_members_with_reason(client: TestClient) -> None:
    members = [
        {"name": "张一", "id_number": id_number(sequence=1), "collective_member": True},
        {"name": "挂靠者", "id_number": id_number(sequence=3), "collective_member": True, "exclusion": "affiliated"},
    ]
    q = client.post("/v1/quotes", json=body(members=members)).json()
    assert q["resettlement_persons"] == 1
    assert q["excluded_persons"] == [
        {
            "name": "挂靠者",
            "id_number": id_number(sequence=3),
            "counted": False,
            "reason": "挂靠在本村的外来人员",
            "basis": "衢政发〔2023〕2号 三(一)1(1)",
        }
    ]


def test_quote_property_swap_and_voucher(client: TestClient) -> None:
    assert client.post("/v1/quotes", json=body(method="property_swap")).json()["total"] == "31000.00"
    v = client.post("/v1/quotes", json=body(method="house_voucher")).json()
    assert v["total"] == "1494000.00"
    assert v["voucher_total"] == "1248000.00"


def test_compare_four_methods(client: TestClient) -> None:
    r = client.post("/v1/quotes/compare", json=body())
    assert r.status_code == 200
    out = {o["method"]: o for o in r.json()["outcomes"]}
    assert list(out) == ["monetary", "house_voucher", "property_swap", "homestead"]
    assert out["monetary"]["quote"]["total"] == "531000.00"
    assert out["homestead"]["available"] is False
    assert out["homestead"]["refusal"]["field"] == "outside_urban_plan_area"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"buildings": [{"use": "residential", "structure": "wood", "legal_area_m2": "150", "built_year": 2000}]},
            "buildings[0].structure",
        ),
        (
            {"buildings": [{"use": "residential", "structure": "frame", "legal_area_m2": "-1", "built_year": 2000}]},
            "buildings[0].legal_area_m2",
        ),
        (
            {"members": [{"name": "x", "id_number": "330802198506151230", "collective_member": True}]},
            "members[0].id_number",
        ),
        ({"signing_deadline": "2023-05-01"}, "signing_deadline"),
        ({"valuation_date": "2023-05-01"}, "valuation_date"),
        ({"method": "cash"}, "method"),
        ({"early_vacate_rate_per_m2": "450"}, "early_vacate_rate_per_m2"),
        ({"appraised_price_per_m2": None}, "appraised_price_per_m2"),
    ],
)
def test_bad_input_422_names_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    r = client.post("/v1/quotes", json=body(**change))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field


def test_born_on_must_match_id_number(client: TestClient) -> None:
    members = [{"name": "x", "id_number": id_number(sequence=1), "collective_member": True, "born_on": "1990-01-01"}]
    r = client.post("/v1/quotes", json=body(members=members))
    assert r.status_code == 422
    assert r.json()["field"] == "members[0].born_on"


def test_other_district_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(district="龙游县"))
    assert r.status_code == 422
    p = r.json()
    assert (p["code"], p["field"], p["basis"]) == ("out_of_scope", "district", "衢政发〔2023〕2号 一(一)")


def test_old_rules_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(pre_announcement_date="2023-02-28", valuation_date="2023-03-01"))
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("old_rules_apply", "pre_announcement_date")


def test_valuation_before_commencement_refused(client: TestClient) -> None:
    r = client.post(
        "/v1/quotes",
        json=body(pre_announcement_date="2023-01-01", signing_deadline="2023-03-01", valuation_date="2023-02-01"),
    )
    assert r.status_code == 422
    assert r.json()["code"] == "old_rules_apply"


def test_no_identity_401(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=body(), headers={IDENTITY_HEADER: ""})
    assert r.status_code == 401


def test_district_bound_caller_other_district_403(client: TestClient) -> None:
    from testkit import identity_headers

    r = client.post("/v1/quotes", json=body(), headers=identity_headers("expropriation", district="衢江区"))
    assert r.status_code == 403


def test_citizen_token_cannot_quote_freely(client: TestClient) -> None:
    from testkit import identity_headers

    r = client.post("/v1/quotes", json=body(), headers=identity_headers("expropriation", citizen=id_number(sequence=1)))
    assert r.status_code == 403


def test_area_recognised_from_certificate_else_authority(client: TestClient) -> None:
    cert = {
        "use": "residential",
        "structure": "brick_concrete",
        "certificate_area_m2": "150",
        "authority_area_m2": "170",
        "built_year": 2000,
    }
    assert client.post("/v1/quotes", json=body(buildings=[cert])).json()["legal_residential_area_m2"] == "150.00"
    auth = {"use": "residential", "structure": "brick_concrete", "authority_area_m2": "170", "built_year": 2000}
    assert client.post("/v1/quotes", json=body(buildings=[auth])).json()["legal_residential_area_m2"] == "170.00"
    neither = {"use": "residential", "structure": "brick_concrete", "built_year": 2000}
    r = client.post("/v1/quotes", json=body(buildings=[neither]))
    assert r.status_code == 422 and r.json()["field"] == "buildings[0].legal_area_m2"
    negative = {**auth, "authority_area_m2": "-5"}
    r = client.post("/v1/quotes", json=body(buildings=[negative]))
    assert r.status_code == 422 and r.json()["field"] == "buildings[0].legal_area_m2"

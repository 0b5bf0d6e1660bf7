"""The public contract of the science calculators, and the platform's error conventions."""

from fastapi.testclient import TestClient
from science_testdata import eligibility_body
from testkit import id_number, identity_headers


def test_eligibility_contract(client: TestClient) -> None:
    r = client.post("/v1/research-institutes/eligibility", json=eligibility_body())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["eligible"] is True
    assert len(body["conditions"]) == 9
    assert set(body["conditions"][0]) >= {"code", "passed", "detail", "basis"}
    assert body["conditions"][3]["basis"] == "衢市科发高〔2022〕43号 一(四)"


def test_eligibility_reports_each_failing_condition(client: TestClient) -> None:
    body = eligibility_body(last_year_sales="200000000", last_year_rd_expense="6999999.99", site_m2="399.99")
    result = client.post("/v1/research-institutes/eligibility", json=body).json()
    assert result["eligible"] is False
    assert [c["code"] for c in result["conditions"] if not c["passed"]] == ["rd_intensity", "site_equipment"]


def test_eligibility_validation_names_fields(client: TestClient) -> None:
    r = client.post(
        "/v1/research-institutes/eligibility", json=eligibility_body(site_m2="-1", ip_rights=[{"kind": "trademarkx"}])
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert "site_m2" in fields and any(f.startswith("ip_rights[0]") for f in fields)


def test_subsidy_rejects_bad_input(client: TestClient) -> None:
    r = client.post("/v1/vouchers/subsidy", json={"service_type": "massage", "fee": "-5", "via_shared_platform": 3})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"service_type", "fee", "via_shared_platform"}


def test_policy_items(client: TestClient) -> None:
    items = client.get("/v1/policies/items").json()
    assert [i["number"] for i in items] == list(range(7, 17))
    assert client.get("/v1/policies/items/16").json()["basis"] == "衢政发〔2023〕1号 二16"
    assert client.get("/v1/policies/items/6").status_code == 404


def test_no_identity_is_401(client: TestClient) -> None:
    r = client.post("/v1/vouchers/subsidy", json={}, headers={"X-Qz-Identity": ""})
    assert r.status_code == 401


def test_citizen_token_cannot_use_staff_endpoints(client: TestClient) -> None:
    headers = identity_headers("science", citizen=id_number())
    r = client.get("/v1/policies/items", headers=headers)
    assert (r.status_code, r.json()["code"]) == (403, "scope_missing")

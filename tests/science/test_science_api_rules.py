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


def test_eligibility_before_the_rules_took_effect(client: TestClient) -> None:
    r = client.post("/v1/research-institutes/eligibility", json=eligibility_body(applied_on="2022-12-31"))
    assert (r.status_code, r.json()["code"]) == (422, "rule_not_in_force")


def test_eligibility_validation_names_fields(client: TestClient) -> None:
    r = client.post(
        "/v1/research-institutes/eligibility", json=eligibility_body(site_m2="-1", ip_rights=[{"kind": "trademarkx"}])
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert "site_m2" in fields and any(f.startswith("ip_rights[0]") for f in fields)


def test_subsidy_contract(client: TestClient) -> None:
    r = client.post(
        "/v1/vouchers/subsidy", json={"service_type": "testing", "fee": "12345.67", "via_shared_platform": True}
    )
    assert r.status_code == 200, r.text
    assert r.json()["subsidy"] == "6172.84"  # 6172.835 → half up
    assert r.json()["basis"] == ["衢市科发高〔2022〕44号 三(四)"]
    fin = client.post(
        "/v1/vouchers/subsidy",
        json={"service_type": "financial_consulting", "fee": "10000", "via_shared_platform": False},
    ).json()
    assert fin["subsidy"] == "7500.00" and [line["amount"] for line in fin["lines"]] == ["5000.00", "2500.00"]


def test_subsidy_statutory_testing_pays_nothing(client: TestClient) -> None:
    r = client.post(
        "/v1/vouchers/subsidy",
        json={"service_type": "testing", "fee": "1000", "via_shared_platform": False, "statutory_testing": True},
    ).json()
    assert r["subsidy"] == "0.00" and r["supported"] is False


def test_subsidy_rejects_bad_input(client: TestClient) -> None:
    r = client.post("/v1/vouchers/subsidy", json={"service_type": "massage", "fee": "-5", "via_shared_platform": 3})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"service_type", "fee", "via_shared_platform"}


def test_rd_subsidy_contract(client: TestClient) -> None:
    r = client.post(
        "/v1/policies/rd-subsidy",
        json={"rd_expense": "3000000", "previous_rd_expense": "2500000", "revenue": "100000000"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["eligible"] is True and r.json()["subsidy"] == "100000.00"
    assert r.json()["basis"] == ["衢政发〔2023〕1号 二13"]
    capped = client.post(
        "/v1/policies/rd-subsidy",
        json={"rd_expense": "20000000", "previous_rd_expense": "10000000", "revenue": "1000000000"},
    ).json()
    assert capped["subsidy"] == "1000000.00"


def test_rd_subsidy_outside_2023(client: TestClient) -> None:
    r = client.post(
        "/v1/policies/rd-subsidy",
        json={"rd_expense": "3000000", "previous_rd_expense": "2500000", "revenue": "1", "year": 2024},
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "policy_not_in_force", "year")


def test_rd_subsidy_not_eligible(client: TestClient) -> None:
    r = client.post(
        "/v1/policies/rd-subsidy",
        json={"rd_expense": "1000000", "previous_rd_expense": "0", "revenue": "10000000"},
    ).json()
    assert r["eligible"] is False and r["subsidy"] == "0.00" and r["reasons"]


def test_other_policy_calculators(client: TestClient) -> None:
    overseas = client.post("/v1/policies/overseas-rd-award", json={"overseas_rd_investment": "200000000"}).json()
    assert overseas["subsidy"] == "5000000.00"
    base = client.post(
        "/v1/policies/international-base-award", json={"filed_with_province": True, "rated_excellent": True}
    ).json()
    assert base["subsidy"] == "1000000.00"
    incubator = client.post("/v1/policies/incubator-award", json={"event": "new_incubator", "level": "national"}).json()
    assert incubator["subsidy"] == "3000000.00"


def test_policy_items(client: TestClient) -> None:
    items = client.get("/v1/policies/items").json()
    assert [i["number"] for i in items] == list(range(7, 17))
    assert client.get("/v1/policies/items/16").json()["basis"] == "衢政发〔2023〕1号 二16"
    assert client.get("/v1/policies/items/6").status_code == 404


def test_institute_name(client: TestClient) -> None:
    r = client.post("/v1/research-institutes/name", json={"trade_name": "元立", "core_direction": "高性能合金材料"})
    assert r.json() == {"name": "衢州市元立高性能合金材料企业研究院", "basis": "衢市科发高〔2022〕43号 三(七)"}
    bad = client.post("/v1/research-institutes/name", json={"trade_name": "衢州市元立", "core_direction": "材料"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_institute_name")


def test_no_identity_is_401(client: TestClient) -> None:
    r = client.post("/v1/vouchers/subsidy", json={}, headers={"X-Qz-Identity": ""})
    assert r.status_code == 401


def test_citizen_token_cannot_use_staff_endpoints(client: TestClient) -> None:
    headers = identity_headers("science", citizen=id_number())
    r = client.get("/v1/policies/items", headers=headers)
    assert (r.status_code, r.json()["code"]) == (403, "scope_missing")

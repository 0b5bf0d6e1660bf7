"""What-if science calculators: a district tries another rate before publishing it (qz_common.scenario)."""

from fastapi.testclient import TestClient

TESTING = {"service_type": "testing", "fee": "10000", "on": "2023-06-01"}


def test_a_lower_testing_rate_lowers_the_voucher_subsidy(client: TestClient) -> None:
    plain = client.post("/v1/vouchers/subsidy", json=TESTING).json()
    assert plain["subsidy"] == "4000.00" and "scenario" not in plain  # 44号 三(四): 10000 × 40%
    overrides = {"vouchers.testing_rate": "0.30"}
    r = client.post("/v1/vouchers/subsidy", json=TESTING | {"parameters": overrides})
    assert r.status_code == 200, r.text
    assert r.json()["subsidy"] == "3000.00"  # 10000 × 30%
    assert r.json()["scenario"] == overrides and r.json()["parameter_version"].endswith("+scenario")


def test_a_policy_rate_changes_the_award(client: TestClient) -> None:
    body = {"premium": "20000", "parameters": {"policies.insurance_compensation_rate": "0.6"}}
    r = client.post("/v1/policies/insurance-compensation", json=body)
    assert r.json()["subsidy"] == "12000.00"  # 衢政发〔2023〕1号 二8 tried at 60%: 20000 × 60% (published: 80%)
    assert r.headers["x-parameter-versions"] == "policies=2023+scenario@2023-01-01"


def test_a_rate_is_tried_up_to_the_whole_and_no_further(client: TestClient) -> None:
    """A 比例 above 100% is no rate (the 100-times cap of other figures would allow 40 for a 40% rate)."""
    whole = client.post("/v1/vouchers/subsidy", json=TESTING | {"parameters": {"vouchers.testing_rate": "1"}})
    assert whole.json()["subsidy"] == "10000.00"  # 10000 × 100%
    beyond = client.post("/v1/vouchers/subsidy", json=TESTING | {"parameters": {"vouchers.testing_rate": "1.01"}})
    assert (beyond.status_code, beyond.json()["errors"][0]["code"]) == (422, "parameter_invalid")
    assert "0 至 1（100%）" in beyond.json()["detail"]


def test_only_the_calculators_own_book_can_be_overridden(client: TestClient) -> None:
    r = client.post(
        "/v1/vouchers/subsidy", json=TESTING | {"parameters": {"policies.insurance_compensation_rate": "1"}}
    )
    assert (r.status_code, r.json()["field"]) == (422, "parameters.policies.insurance_compensation_rate")
    assert r.json()["errors"][0]["code"] == "parameter_unknown"
    months = client.post("/v1/vouchers/subsidy", json=TESTING | {"parameters": {"vouchers.validity_months": "1.5"}})
    assert (months.status_code, months.json()["code"]) == (422, "scenario_not_computable")


def test_stored_records_never_take_overrides(client: TestClient) -> None:
    r = client.post("/v1/institutes", json={"application": {"parameters": {"institutes.min_registration_years": "1"}}})
    assert r.status_code == 422
    assert "application.parameters" in [e["field"] for e in r.json()["errors"]]

"""Bad input to the science API is a clear 4xx naming the field, never a 5xx: dates before a rule took effect,
unbounded years and ids, unknown fields, negative zero."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import ENTERPRISE, eligibility_body, enterprise, pool


def problem(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["field"]


def test_a_date_before_the_rule_names_the_rule_and_its_start(client: TestClient) -> None:
    # 43号 四 本办法自2023年1月1日起实施; 44号 六 自2023年1月1日起执行.
    eligibility = client.post("/v1/research-institutes/eligibility", json=eligibility_body(applied_on="2022-12-31"))
    assert problem(eligibility) == (422, "rule_not_in_force", "applied_on")
    assert eligibility.json()["rule"] == "衢市科发高〔2022〕43号"
    assert eligibility.json()["in_force_from"] == "2023-01-01"
    assert "2023-01-01" in eligibility.json()["detail"] and "衢市科发高〔2022〕43号" in eligibility.json()["detail"]
    subsidy = client.post("/v1/vouchers/subsidy", json={"service_type": "testing", "fee": "100", "on": "2022-12-31"})
    assert problem(subsidy) == (422, "rule_not_in_force", "on")
    assert subsidy.json()["rule"] == "衢市科发高〔2022〕44号"
    credit = client.post(
        "/v1/credit-records",
        json={
            "subject_id": ENTERPRISE,
            "subject_kind": "enterprise",
            "kind": "voucher_fraud",
            "decided_on": "2022-12-31",
            "reason": "虚开发票",
        },
    )
    assert problem(credit) == (422, "rule_not_in_force", "decided_on")
    assert (
        client.post(
            "/v1/credit-records",
            json={
                "subject_id": ENTERPRISE,
                "subject_kind": "enterprise",
                "kind": "institute_false_materials",
                "decided_on": "2022-12-31",
                "reason": "虚假材料",
            },
        ).json()["rule"]
        == "衢市科发高〔2022〕43号"
    )


@pytest.mark.parametrize("value", [0, -1, 10000, 10**30])
def test_unbounded_years_are_refused(client: TestClient, value: int) -> None:
    enterprise(client)
    four_colour = client.post(
        f"/v1/enterprises/{ENTERPRISE}/four-colour-updates",
        json={"year": value, "quarter": 1, "listed": True, "updated_on": "2023-03-01"},
    )
    assert (four_colour.status_code, four_colour.json()["field"]) == (422, "year")
    rd = client.post(
        "/v1/policies/rd-subsidy", json={"rd_expense": "1", "previous_rd_expense": "1", "revenue": "1", "year": value}
    )
    assert (rd.status_code, rd.json()["field"]) == (422, "year")


@pytest.mark.parametrize("value", [0, -1, 2**63, 10**30])
def test_ids_out_of_range_are_refused(client: TestClient, value: int) -> None:
    enterprise(client)
    p = pool(client)
    claim = client.post(
        "/v1/claims",
        json={
            "pool_id": value,
            "holder_kind": "enterprise",
            "holder_id": ENTERPRISE,
            "holder_name": "衢州元立新材料有限公司",
            "amount": "1000",
            "claimed_on": "2023-03-01",
        },
    )
    assert claim.status_code in (404, 422), claim.text
    redemption = client.post(
        "/v1/redemptions",
        json={
            "voucher_id": value,
            "carrier_id": value,
            "service_type": "testing",
            "fee": "100",
            "paid_amount": "100",
            "contract_number": "HT-1",
            "contract_sealed_by_both": True,
            "bank_receipt": True,
            "invoice_number": "FP-1",
            "service_evidence": True,
            "used_on": "2023-03-10",
            "submitted_on": "2023-03-11",
        },
    )
    assert redemption.status_code in (404, 422), redemption.text
    assert client.get(f"/v1/voucher-pools/{p['id']}").json()["available"] == "100000.00"


def test_unknown_fields_are_refused(client: TestClient) -> None:
    # A misspelt field must not be silently ignored (the answer would be computed without it).
    typo = client.post(
        "/v1/policies/rd-subsidy", json={"rd_expense": "3000000", "previous_rd_expense": "0", "revenu": "1"}
    )
    assert typo.status_code == 422
    assert {e["field"] for e in typo.json()["errors"]} >= {"revenue", "revenu"}
    extra = client.post("/v1/vouchers/subsidy", json={"service_type": "testing", "fee": "100", "fraud_found": True})
    assert (extra.status_code, extra.json()["field"]) == (422, "fraud_found")


def test_negative_zero_is_zero(client: TestClient) -> None:
    r = client.post("/v1/policies/tech-transfer-income", json={"income": "-0"})
    assert r.status_code == 200, r.text
    assert (r.json()["exempt"], r.json()["halved"]) == ("0.00", "0.00")
    rd = client.post(
        "/v1/policies/rd-subsidy", json={"rd_expense": "2000000", "previous_rd_expense": "-0.00", "revenue": "-0"}
    )
    assert rd.status_code == 200, rd.text
    # 200万及以上: eligible; 存量 min(2,000,000, 0) = 0, 增量 2,000,000 × 10% = 200,000.
    assert rd.json()["subsidy"] == "200000.00"
    assert all(not line["amount"].startswith("-") for line in rd.json()["lines"])
    assert not any("-0" in line["label"] for line in rd.json()["lines"])
    assert client.post("/v1/vouchers/subsidy", json={"service_type": "testing", "fee": "-0"}).status_code == 422


@pytest.mark.parametrize("value", [2**63, 10**30])
def test_path_and_query_ids_out_of_range_are_not_server_errors(client: TestClient, value: int) -> None:
    for url in (
        f"/v1/institutes/{value}",
        f"/v1/vouchers/{value}",
        f"/v1/redemptions/{value}",
        f"/v1/carriers/{value}",
    ):
        assert client.get(url).status_code in (404, 422), url
    assert client.get("/v1/vouchers", params={"pool_id": value}).status_code == 422

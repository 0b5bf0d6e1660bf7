"""POST /v1/redemptions/what-if (issue 31): a 兑付申请 judged as the books stand and under a scenario of figures and
readings, against the voucher, the carrier and the records as they stand, with nothing reserved or stored. It is where
the readings that refuse a submission at the door (V-02, V-06), which no stored record shows, are switched.

Common facts: a voucher of 10,000 claimed 2023-03-01, valid through 2023-06-01 (3 months, G-01); a 检验检测 fee of
10,000 is subsidised 10,000 × 40% = 4,000 (44号 三(四)).
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import CARRIER, audit_trail, carrier, claim_body, enterprise, pool, redemption_body
from testkit import identity_headers


@pytest.fixture
def served(client: TestClient) -> tuple[int, int]:
    enterprise(client, hitech_valid_until="2024-12-31")
    r = client.post("/v1/claims", json=claim_body(pool(client)["id"], "10000"))
    assert r.status_code == 201, r.text
    return r.json()["id"], carrier(client)["id"]


def what_if(client: TestClient, served: tuple[int, int], parameters: dict[str, str] | None, **changes: Any) -> Any:
    body = redemption_body(*served, **changes) | ({"parameters": parameters} if parameters else {})
    r = client.post("/v1/redemptions/what-if", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def verdict(answer: dict[str, Any]) -> tuple[bool, list[str], str]:
    return answer["accepted"], [p["code"] for p in answer["problems"]], answer["amount"]


def test_a_submission_after_the_validity_under_each_reading_of_used(client: TestClient, served: Any) -> None:
    """44号 四(二) 有效期一般为3个月 (V-02). Service used 05-20, inside the validity; submitted 06-10, after it.
    Chosen reading (the submission too within the validity): refused, voucher_expired naming used_on's check. Other
    reading (the service alone): accepted, 4,000. A service used 06-02, after the validity, is refused under both."""
    late = {"used_on": "2023-05-20", "submitted_on": "2023-06-10"}
    other = {"vouchers.submission_within_validity": "false"}
    answer = what_if(client, served, other, **late)
    assert verdict(answer["published"]) == (False, ["voucher_expired"], "0.00")
    assert answer["published"]["problems"][0]["basis"] == "衢市科发高〔2022〕44号 四(二)"
    assert verdict(answer["scenario"]) == (True, [], "4000.00")
    assert answer["scenario"]["parameter_versions"].startswith("vouchers@2023-01-01+scenario")
    assert answer["parameters"] == other
    used_late = what_if(client, served, other, used_on="2023-06-02", submitted_on="2023-06-10")
    assert verdict(used_late["scenario"])[:2] == (False, ["voucher_expired"])


def test_a_service_used_before_the_claim_under_each_reading(client: TestClient, served: Any) -> None:
    """V-06: a service used 2023-02-15, before the voucher was claimed (03-01), submitted 03-20. Chosen reading
    (from the claim day): refused, used_before_issue. Other reading (from 1 January of the claim's year): accepted,
    4,000. A service used 2022-12-20 follows the 2020 rules (六) under both readings."""
    other = {"vouchers.service_use_from": "year_start"}
    answer = what_if(client, served, other, used_on="2023-02-15", submitted_on="2023-03-20")
    assert verdict(answer["published"]) == (False, ["used_before_issue"], "0.00")
    assert verdict(answer["scenario"]) == (True, [], "4000.00")
    before_2023 = what_if(client, served, other, used_on="2022-12-20", submitted_on="2023-03-20")
    assert verdict(before_2023["published"])[:2] == verdict(before_2023["scenario"])[:2] == (False, ["old_rules_apply"])


def test_a_what_if_writes_nothing(client: TestClient, served: Any) -> None:
    """Accepted under both, it reserves nothing: the voucher keeps 10,000, no redemption is stored, nothing is
    audited, and the same contract can still be submitted (and is then reserved: 4,000, 6,000 left)."""
    trail = audit_trail(client)
    answer = what_if(client, served, {"vouchers.testing_rate": "0.5"})
    # 10,000 × 40% = 4,000 published; 10,000 × 50% = 5,000 under the scenario.
    assert (answer["published"]["amount"], answer["scenario"]["amount"]) == ("4000.00", "5000.00")
    assert "scenario" not in what_if(client, served, None)
    assert audit_trail(client) == trail
    assert client.get("/v1/redemptions").json()["items"] == []
    assert client.get(f"/v1/vouchers/{served[0]}").json()["remaining"] == "10000.00"
    stored = client.post("/v1/redemptions", json=redemption_body(*served))
    assert (stored.status_code, stored.json()["amount"]) == (201, "4000.00")
    assert client.get(f"/v1/vouchers/{served[0]}").json()["remaining"] == "6000.00"


def test_a_banned_carrier_and_a_premium_under_the_other_readings(client: TestClient, served: Any) -> None:
    """V-13 and P-05 in the what-if. A 检验检测 fee of 20,000 stored first: 8,000 (2,000 left). The carrier listed
    for voucher fraud on 05-01. A 保费 of 5,000 paid 04-20, submitted 04-25 (before the ban): 5,000 × 80% = 4,000,
    capped at the 2,000 left (published), 4,000 in full outside the voucher (P-05 other reading). A 检验检测 fee of
    5,000 submitted 05-10: refused carrier_credit_ban (published), accepted 2,000 under V-13's other reading (5,000
    × 40%, within the 2,000 left)."""
    first = client.post("/v1/redemptions", json=redemption_body(*served, fee="20000", paid_amount="20000"))
    assert (first.status_code, first.json()["amount"]) == (201, "8000.00")
    premium = {"service_type": "insurance_premium", "fee": "5000", "paid_amount": "5000", "contract_number": "BX-1"}
    premium |= {"invoice_number": "BX-FP-1", "used_on": "2023-04-20", "submitted_on": "2023-04-25"}
    answer = what_if(client, served, {"policies.premium_within_voucher": "false"}, **premium)
    assert (answer["published"]["entitlement"], answer["published"]["amount"]) == ("4000.00", "2000.00")
    assert answer["scenario"]["amount"] == "4000.00"
    ban = {"subject_id": CARRIER, "subject_kind": "carrier", "kind": "voucher_fraud", "decided_on": "2023-05-01"}
    assert client.post("/v1/credit-records", json=ban | {"reason": "虚构检测服务"}).status_code == 201
    later = {"fee": "5000", "paid_amount": "5000", "contract_number": "HT-2", "invoice_number": "FP-2"}
    later |= {"used_on": "2023-05-05", "submitted_on": "2023-05-10"}
    answer = what_if(client, served, {"vouchers.carrier_ban_withholds": "own_funds"}, **later)
    assert verdict(answer["published"]) == (False, ["carrier_credit_ban"], "0.00")
    assert answer["published"]["problems"][0]["field"] == "carrier_id"
    assert verdict(answer["scenario"]) == (True, [], "2000.00")


def test_a_scenario_neither_book_declares_is_refused(client: TestClient, served: Any) -> None:
    body = redemption_body(*served) | {"parameters": {"institutes.shared_edge_band": "middle"}}
    r = client.post("/v1/redemptions/what-if", json=body)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "scenario_invalid",
        "parameters.institutes.shared_edge_band",
    )
    body["parameters"] = {"vouchers.service_use_from": "whenever"}
    r = client.post("/v1/redemptions/what-if", json=body)
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "reading_unknown")


def test_another_districts_voucher_answers_as_an_unused_id(client: TestClient, served: Any) -> None:
    headers = identity_headers("science", district="衢江区")
    r = client.post("/v1/redemptions/what-if", json=redemption_body(*served), headers=headers)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "reference_not_found", "voucher_id")

"""Innovation vouchers (衢市科发高〔2022〕44号) after the clause-by-clause review: fraudulent carriers, plausibility of
redemptions and claims, the expiry job's scope, contract and invoice numbers compared after normalising."""

from typing import Any

from fastapi.testclient import TestClient
from science_testdata import CARRIER, ENTERPRISE, carrier, claim_body, enterprise, make_uscc, pool, redemption_body

OTHER_CARRIER = make_uscc(901, "330800")


def voucher(client: TestClient, claimed_on: str = "2023-03-01", amount: str = "10000", **pool_fields: Any) -> Any:
    """A voucher of the enterprise (registered once), from a pool open in the claim's year."""
    if client.get(f"/v1/enterprises/{ENTERPRISE}").status_code == 404:
        enterprise(client)
    year = claimed_on[:4]
    p = pool(client, opens_on=f"{year}-01-01", closes_on=f"{year}-12-31", **pool_fields)
    r = client.post("/v1/claims", json=claim_body(p["id"], amount, claimed_on=claimed_on))
    assert r.status_code == 201, r.text
    return r.json()


def fraud_record(client: TestClient, subject: str, decided_on: str, **changes: Any) -> Any:
    body = {
        "subject_id": subject,
        "subject_kind": "carrier",
        "kind": "voucher_fraud",
        "decided_on": decided_on,
        "reason": "出具虚假检测报告协助骗取创新券",
    } | changes
    return client.post("/v1/credit-records", json=body)


# ---- 五(二) a carrier that obtained funds through vouchers: 3年内不再给予……财政科技资金支持 -------------------------


def test_fraudulent_carrier_receives_no_redemption_for_three_years(client: TestClient) -> None:
    v = voucher(client)  # issued 2023-03-01, valid through 2023-06-01 (G-01)
    c = carrier(client)
    first = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"]))
    assert first.status_code == 201, first.text
    record = fraud_record(client, CARRIER, "2023-05-10", redemption_id=first.json()["id"])
    assert record.status_code == 201, record.text
    # 2023-05-10 + 3 years = 2026-05-10, the last day of the ban (G-01).
    assert record.json()["ban_until"] == "2026-05-10"
    assert record.json()["basis"] == "衢市科发高〔2022〕44号 五(二)"
    assert client.get(f"/v1/redemptions/{first.json()['id']}").json()["status"] == "clawed_back"  # 停拨

    again = client.post(
        "/v1/redemptions",
        json=redemption_body(
            v["id"], c["id"], contract_number="HT-2", invoice_number="FP-2", submitted_on="2023-05-20"
        ),
    )
    assert (again.status_code, again.json()["code"], again.json()["field"]) == (422, "carrier_credit_ban", "carrier_id")
    detail = again.json()["errors"][0]["detail"]
    assert f"第{record.json()['id']}号" in detail and "2026-05-10" in detail
    assert again.json()["errors"][0]["basis"] == "衢市科发高〔2022〕44号 五(二)"
    # The holder is not under a ban: the same voucher with another carrier is accepted.
    other = carrier(client, uscc=OTHER_CARRIER, name="衢州某检测公司")
    elsewhere = redemption_body(v["id"], other["id"], contract_number="HT-3", invoice_number="FP-3")
    assert client.post("/v1/redemptions", json=elsewhere | {"submitted_on": "2023-05-20"}).status_code == 201


def test_the_carrier_ban_ends_after_its_last_day(client: TestClient) -> None:
    c = carrier(client)
    assert fraud_record(client, CARRIER, "2023-05-10").status_code == 201
    v = voucher(client, claimed_on="2026-05-01")  # valid through 2026-08-01
    body = redemption_body(v["id"], c["id"], used_on="2026-05-05")
    last_day = client.post("/v1/redemptions", json=body | {"submitted_on": "2026-05-10"})
    assert (last_day.status_code, last_day.json()["code"]) == (422, "carrier_credit_ban")
    assert client.post("/v1/redemptions", json=body | {"submitted_on": "2026-05-11"}).status_code == 201


def test_a_carrier_banned_before_payment_is_not_paid(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    rid = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"])).json()["id"]
    assert client.post(f"/v1/redemptions/{rid}/approve").status_code == 200
    assert fraud_record(client, CARRIER, "2023-06-01").status_code == 201
    r = client.post(f"/v1/redemptions/{rid}/pay", json={"paid_on": "2023-06-10"})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "carrier_credit_ban", "paid_on")
    assert client.get(f"/v1/redemptions/{rid}").json()["status"] == "approved"


def test_carrier_records_name_a_registered_carrier_and_voucher_fraud(client: TestClient) -> None:
    unknown = fraud_record(client, OTHER_CARRIER, "2023-05-10")
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        422,
        "carrier_not_registered",
        "subject_id",
    )
    carrier(client)
    wrong_kind = fraud_record(client, CARRIER, "2023-05-10", kind="institute_false_materials")
    assert (wrong_kind.status_code, wrong_kind.json()["field"]) == (422, "kind")
    # A redemption made with another carrier is not this carrier's to stop.
    v = voucher(client)
    other = carrier(client, uscc=OTHER_CARRIER, name="衢州某检测公司")
    rid = client.post("/v1/redemptions", json=redemption_body(v["id"], other["id"])).json()["id"]
    mismatch = fraud_record(client, CARRIER, "2023-05-10", redemption_id=rid)
    assert (mismatch.status_code, mismatch.json()["code"]) == (422, "subject_mismatch")
    assert client.get(f"/v1/credit-records?subject_id={CARRIER}").json()["total"] == 0

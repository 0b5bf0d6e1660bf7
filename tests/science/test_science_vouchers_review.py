"""Innovation vouchers (衢市科发高〔2022〕44号) after the clause-by-clause review: fraudulent carriers, plausibility of
redemptions and claims, the expiry job's scope, contract and invoice numbers compared after normalising."""

from typing import Any

from fastapi.testclient import TestClient
from science_testdata import CARRIER, ENTERPRISE, carrier, claim_body, enterprise, make_uscc, pool, redemption_body
from testkit import identity_headers

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


# ---- 二(四) “四色”管理培育库每季度更新一次，由属地科技管理部门在季末25日前进行更新 ----


def four_colour(client: TestClient, year: int, quarter: int, listed: bool, updated_on: str) -> Any:
    body = {"year": year, "quarter": quarter, "listed": listed, "updated_on": updated_on}
    return client.post(f"/v1/enterprises/{ENTERPRISE}/four-colour-updates", json=body)


def test_four_colour_list_is_updated_quarterly_by_the_25th(client: TestClient) -> None:
    enterprise(client)
    # Q2 ends in June: due 25 June, that day included.
    q2 = four_colour(client, 2023, 2, True, "2023-06-25")
    assert q2.status_code == 201, q2.text
    assert (q2.json()["quarter"], q2.json()["due_on"], q2.json()["on_time"]) == ("2023Q2", "2023-06-25", True)
    assert q2.json()["basis"] == "衢市科发高〔2022〕44号 二(四)"
    assert client.get(f"/v1/enterprises/{ENTERPRISE}").json()["on_four_colour_list"] is True
    p = pool(client)
    claimed = client.post("/v1/claims", json=claim_body(p["id"], claimed_on="2023-07-01")).json()
    assert "four_colour" in claimed["priority_grounds"]
    # Q3: due 25 September; updated the 26th, late, and the enterprise leaves the list.
    q3 = four_colour(client, 2023, 3, False, "2023-09-26")
    assert (q3.json()["due_on"], q3.json()["on_time"]) == ("2023-09-25", False)
    assert client.get(f"/v1/enterprises/{ENTERPRISE}").json()["on_four_colour_list"] is False
    # A late entry for Q1 is history: the list stands as the latest quarter (Q3) left it.
    q1 = four_colour(client, 2023, 1, True, "2023-04-02")
    assert (q1.status_code, q1.json()["due_on"], q1.json()["on_time"]) == (201, "2023-03-25", False)
    assert client.get(f"/v1/enterprises/{ENTERPRISE}").json()["on_four_colour_list"] is False
    history = client.get(f"/v1/enterprises/{ENTERPRISE}/four-colour-updates").json()
    assert [h["quarter"] for h in history] == ["2023Q1", "2023Q2", "2023Q3"]
    again = four_colour(client, 2023, 2, False, "2023-06-20")
    assert (again.status_code, again.json()["code"]) == (409, "quarter_recorded")


def test_four_colour_update_refusals(client: TestClient) -> None:
    enterprise(client)
    assert four_colour(client, 2022, 4, True, "2022-12-20").json()["field"] == "year"  # before 44号 (2023-01-01)
    assert four_colour(client, 2023, 5, True, "2023-12-20").json()["field"] == "quarter"
    early = four_colour(client, 2023, 3, True, "2023-06-30")  # Q3 begins 1 July
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (
        422,
        "update_before_quarter",
        "updated_on",
    )
    future = four_colour(client, 2100, 1, True, "2100-01-02")
    assert (future.status_code, future.json()["errors"][0]["code"]) == (422, "date_in_future")
    assert client.get(f"/v1/enterprises/{ENTERPRISE}/four-colour-updates").json() == []


# ---- plausibility: a redemption follows the use it pays for, and pays no more than was paid ------------------


def test_paid_amount_cannot_exceed_the_fee(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    # 四(三)2 付款的银行回单和发票: 10,000.01 paid on a 10,000 fee is not a payment of that fee.
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], paid_amount="10000.01"))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "paid_more_than_fee", "paid_amount")
    assert (
        client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], paid_amount="10000")).status_code == 201
    )


def test_redemption_cannot_precede_the_use(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    body = redemption_body(v["id"], c["id"], used_on="2023-03-10")
    early = client.post("/v1/redemptions", json=body | {"submitted_on": "2023-03-09"})
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (
        422,
        "submitted_before_use",
        "submitted_on",
    )
    assert client.post("/v1/redemptions", json=body | {"submitted_on": "2023-03-10"}).status_code == 201  # same day


def test_dates_of_past_events_cannot_lie_in_the_future(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    future = "2100-01-01"
    for field in ("used_on", "submitted_on"):
        r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], **{field: future}))
        assert (r.status_code, r.json()["field"], r.json()["errors"][0]["code"]) == (422, field, "date_in_future")
    claim = client.post("/v1/claims", json=claim_body(v["pool_id"], claimed_on=future))
    assert (claim.status_code, claim.json()["field"]) == (422, "claimed_on")
    expire = client.post("/v1/vouchers/expire", json={"as_of": future})
    assert (expire.status_code, expire.json()["field"]) == (422, "as_of")
    credit = fraud_record(client, CARRIER, future)
    assert (credit.status_code, credit.json()["field"]) == (422, "decided_on")
    assert client.get("/v1/redemptions").json()["total"] == 0


def test_claim_dated_outside_its_pool_year_is_refused_and_opens_no_year(client: TestClient) -> None:
    enterprise(client)
    p = pool(client, total="500000")  # 2023
    outside = client.post("/v1/claims", json=claim_body(p["id"], "60000", claimed_on="2024-01-02"))
    assert (outside.status_code, outside.json()["code"], outside.json()["field"]) == (422, "pool_closed", "claimed_on")
    # Nothing was counted for 2024: a 2024 pool still gives the full 60,000 (四(二) 每年最高6万元).
    p2024 = pool(client, name="2024年第一期", opens_on="2024-01-01", closes_on="2024-12-31")
    assert client.post("/v1/claims", json=claim_body(p2024["id"], "60000", claimed_on="2024-01-02")).status_code == 201


def test_expiry_job_touches_only_the_callers_pools(client: TestClient) -> None:
    enterprise(client)
    city = pool(client)  # 市本级
    kecheng = pool(client, name="柯城区2023年第一期", district="柯城区")
    for p in (city, kecheng):
        assert client.post("/v1/claims", json=claim_body(p["id"], "1000", claimed_on="2023-03-01")).status_code == 201
    # Both vouchers lapse after 2023-06-01. A 柯城区 caller collects only 柯城区's.
    kecheng_staff = identity_headers("science", district="柯城区")
    r = client.post("/v1/vouchers/expire", json={"as_of": "2023-07-01"}, headers=kecheng_staff)
    assert r.status_code == 200, r.text
    assert r.json()["returned"] == "1000.00" and len(r.json()["expired_voucher_ids"]) == 1
    assert client.get(f"/v1/voucher-pools/{city['id']}").json()["available"] == "99000.00"
    assert client.get(f"/v1/voucher-pools/{kecheng['id']}").json()["available"] == "100000.00"
    everything = client.post("/v1/vouchers/expire", json={"as_of": "2023-07-01"}).json()
    assert everything["returned"] == "1000.00"  # the city's, left alone before

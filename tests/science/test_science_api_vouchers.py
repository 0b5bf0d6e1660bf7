"""Innovation vouchers through the API: pools, claims, cap, expiry, redemption, fraud, dossiers."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from science_testdata import (
    CARRIER,
    ENTERPRISE,
    carrier,
    claim_body,
    enterprise,
    make_uscc,
    pool,
    redemption_body,
)
from testkit import id_number, identity_headers

from qz_common import clock
from qz_common.periods import add_months


def claim(client: TestClient, pool_id: int, amount: str = "10000", **changes: Any) -> Any:
    return client.post("/v1/claims", json=claim_body(pool_id, amount, **changes))


def voucher(client: TestClient, amount: str = "10000", **changes: Any) -> dict[str, Any]:
    enterprise(client, hitech_valid_until="2024-12-31")
    p = pool(client)
    r = claim(client, p["id"], amount, **changes)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_claim_issues_a_three_month_voucher_with_priority_grounds(client: TestClient) -> None:
    v = voucher(client, claimed_on="2023-11-30")
    assert v["face_value"] == "10000.00" and v["remaining"] == "10000.00"
    assert v["issued_on"] == "2023-11-30" and v["last_valid_on"] == "2024-02-29"
    assert v["priority_grounds"] == ["hitech"]
    assert client.get(f"/v1/voucher-pools/{v['pool_id']}").json()["available"] == "90000.00"


def test_annual_cap_of_60000(client: TestClient) -> None:
    enterprise(client)
    p = pool(client, total="500000")
    assert claim(client, p["id"], "50000").status_code == 201
    assert claim(client, p["id"], "10000").status_code == 201  # exactly 60,000
    over = claim(client, p["id"], "0.01")
    assert (over.status_code, over.json()["code"], over.json()["field"]) == (422, "annual_cap_exceeded", "amount")
    assert claim(client, p["id"], "10000", claimed_on="2024-01-02").status_code == 422  # pool closed in 2024
    p2024 = pool(client, name="2024年第一期", opens_on="2024-01-01", closes_on="2024-12-31")
    assert claim(client, p2024["id"], "60000", claimed_on="2024-01-02").status_code == 201  # a new year


def test_a_pool_opens_within_the_year_ahead_and_for_a_year_at_most(client: TestClient) -> None:
    """四(二) 定额发放, 每年最高申领额度 (V-18): a batch opens at most 12 months after today, for 12 months at most."""
    today = clock.today()
    pool = {"name": "2027年第一批", "total": "100000"}
    in_a_year = {"opens_on": add_months(today, 12).isoformat(), "closes_on": add_months(today, 24).isoformat()}
    assert client.post("/v1/voucher-pools", json=pool | in_a_year).status_code == 201
    decades = {"opens_on": add_months(today, 240).isoformat(), "closes_on": add_months(today, 241).isoformat()}
    far = client.post("/v1/voucher-pools", json=pool | decades)
    assert (far.status_code, far.json()["code"]) == (422, "validation_failed")
    a_year = {"opens_on": today.isoformat(), "closes_on": add_months(today, 12).isoformat()}
    assert client.post("/v1/voucher-pools", json=pool | a_year).status_code == 201  # 12 months: within
    too_long = {"opens_on": today.isoformat(), "closes_on": (add_months(today, 12) + dt.timedelta(days=1)).isoformat()}
    assert client.post("/v1/voucher-pools", json=pool | too_long).status_code == 422


def test_pool_cannot_be_overdrawn(client: TestClient) -> None:
    enterprise(client)
    p = pool(client, total="15000")
    assert claim(client, p["id"], "10000").status_code == 201
    r = claim(client, p["id"], "5000.01")
    assert (r.status_code, r.json()["code"]) == (422, "pool_exhausted")
    assert claim(client, p["id"], "5000").status_code == 201


def test_claim_refusals(client: TestClient) -> None:
    p = pool(client)
    unregistered = claim(client, p["id"])
    assert (unregistered.status_code, unregistered.json()["code"]) == (422, "enterprise_not_registered")
    bad = claim(client, p["id"], holder="91330802MA0000001X")
    assert (bad.status_code, bad.json()["field"]) == (422, "holder_id")
    before = claim(client, p["id"], claimed_on="2022-12-31")
    assert (before.status_code, before.json()["code"]) == (422, "not_in_force")
    unknown_pool = claim(client, 999)
    assert (unknown_pool.status_code, unknown_pool.json()["code"], unknown_pool.json()["field"]) == (
        422,
        "reference_not_found",
        "pool_id",
    )


def test_entrepreneur_claims_by_id_number(client: TestClient) -> None:
    p = pool(client)
    person = id_number("330802", dt.date(1990, 5, 1))
    r = claim(client, p["id"], holder_kind="entrepreneur", holder=person, holder_name="张三", incubated=True)
    assert r.status_code == 201, r.text
    assert r.json()["priority_grounds"] == ["incubated"]
    mine = client.get("/v1/me/records", headers=identity_headers("science", citizen=person)).json()
    assert [v["id"] for v in mine["vouchers"]] == [r.json()["id"]]
    assert client.get(f"/v1/dossiers/citizens/{person}").json()["vouchers"][0]["holder_id"] == person


def test_expiry_returns_unused_value_to_the_pool(client: TestClient) -> None:
    v = voucher(client, claimed_on="2023-01-15")
    nothing = client.post("/v1/vouchers/expire", json={"as_of": "2023-04-15"}).json()
    assert nothing["expired_voucher_ids"] == []  # still valid on its last day
    swept = client.post("/v1/vouchers/expire", json={"as_of": "2023-04-16"}).json()
    assert swept["expired_voucher_ids"] == [v["id"]] and swept["returned"] == "10000.00"
    assert client.get(f"/v1/voucher-pools/{v['pool_id']}").json()["available"] == "100000.00"
    after = client.get(f"/v1/vouchers/{v['id']}").json()
    assert (after["status"], after["remaining"], after["returned"]) == ("expired", "0.00", "10000.00")


def test_claims_collect_expired_vouchers_of_their_pool_first(client: TestClient) -> None:
    enterprise(client)
    other = make_uscc(2)
    enterprise(client, uscc=other)
    p = pool(client, total="10000")
    assert claim(client, p["id"], "10000", claimed_on="2023-01-15").status_code == 201
    assert claim(client, p["id"], "10000", holder=other, claimed_on="2023-04-15").json()["code"] == "pool_exhausted"
    assert claim(client, p["id"], "10000", holder=other, claimed_on="2023-04-16").status_code == 201


def test_expired_value_still_counts_against_the_annual_cap(client: TestClient) -> None:
    enterprise(client)
    p = pool(client, total="500000")
    assert claim(client, p["id"], "60000", claimed_on="2023-01-15").status_code == 201
    client.post("/v1/vouchers/expire", json={"as_of": "2023-05-01"})
    assert claim(client, p["id"], "1", claimed_on="2023-05-01").json()["code"] == "annual_cap_exceeded"


def test_redemption_pays_the_subsidy_and_reserves_it(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], via_shared_platform=True))
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["entitlement"], body["amount"], body["payment_due"]) == ("5000.00", "5000.00", "2024-04-30")
    assert "衢市科发高〔2022〕44号 三(四)" in body["basis"]
    assert client.get(f"/v1/vouchers/{v['id']}").json()["remaining"] == "5000.00"


def test_a_redemption_naming_a_missing_record_says_which_field_named_it(client: TestClient) -> None:
    # The body names two records, the voucher and the carrier: the 422 must say which one is missing.
    v = voucher(client)
    c = carrier(client)
    no_carrier = client.post("/v1/redemptions", json=redemption_body(v["id"], 987654))
    no_voucher = client.post("/v1/redemptions", json=redemption_body(987654, c["id"]))
    assert (no_carrier.status_code, no_carrier.json()["code"], no_carrier.json()["field"]) == (
        422,
        "reference_not_found",
        "carrier_id",
    )
    assert (no_voucher.status_code, no_voucher.json()["field"]) == (422, "voucher_id")
    assert client.get("/v1/vouchers/987654").json()["field"] == "voucher_id"  # the path parameter's name


def test_redemption_never_pays_more_than_the_remaining_value(client: TestClient) -> None:
    v = voucher(client, amount="3000")
    c = carrier(client)
    body = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"])).json()
    assert (body["entitlement"], body["amount"]) == ("4000.00", "3000.00")
    assert client.get(f"/v1/vouchers/{v['id']}").json()["status"] == "used_up"
    again = client.post(
        "/v1/redemptions", json=redemption_body(v["id"], c["id"], contract_number="HT-2", invoice_number="FP-2")
    )
    assert again.status_code == 422 and {e["code"] for e in again.json()["errors"]} >= {"voucher_not_active"}


def test_same_contract_or_invoice_only_once(client: TestClient) -> None:
    v = voucher(client, amount="50000")
    c = carrier(client)
    first = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"]))
    assert first.status_code == 201
    same_invoice = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], contract_number="HT-9"))
    assert (same_invoice.status_code, same_invoice.json()["code"]) == (422, "already_subsidised")
    rejected = client.post(f"/v1/redemptions/{first.json()['id']}/reject", json={"reasons": ["服务凭证不符"]})
    assert rejected.json()["status"] == "rejected"
    assert client.get(f"/v1/vouchers/{v['id']}").json()["remaining"] == "50000.00"
    assert client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"])).status_code == 201


def test_redemption_deadlines(client: TestClient) -> None:
    v = voucher(client, claimed_on="2023-11-01")
    c = carrier(client)
    late = client.post(
        "/v1/redemptions", json=redemption_body(v["id"], c["id"], used_on="2023-11-02", submitted_on="2024-01-01")
    )
    assert late.status_code == 422
    assert "redemption_deadline_passed" in {e["code"] for e in late.json()["errors"]}
    on_time = client.post(
        "/v1/redemptions", json=redemption_body(v["id"], c["id"], used_on="2023-11-02", submitted_on="2023-12-31")
    )
    assert on_time.status_code == 201


def test_vouchers_used_before_2023_are_refused(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], used_on="2022-12-31"))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "old_rules_apply", "used_on")
    assert "衢市科发高〔2020〕4号" in r.json()["detail"]


def test_related_carrier_and_missing_materials_refused(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client, related_holders=[ENTERPRISE])
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], bank_receipt=False, paid_amount="9000"))
    assert r.status_code == 422
    assert {e["code"] for e in r.json()["errors"]} == {"carrier_related", "payment_proof", "not_paid_in_full"}


def test_out_of_city_carrier_must_use_a_named_platform(client: TestClient) -> None:
    r = client.post(
        "/v1/carriers",
        json={
            "name": "杭州某检测公司",
            "uscc": make_uscc(901, "330100"),
            "kind": "检测机构",
            "in_quzhou": False,
            "channel": "local_registration",
            "district": "市本级",
        },
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "carrier_channel", "channel")
    assert carrier(client, uscc=make_uscc(902, "330100"), in_quzhou=False, channel="shared_zone")["status"] == "active"


def test_approve_and_pay(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    rid = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"])).json()["id"]
    assert client.post(f"/v1/redemptions/{rid}/pay", json={"paid_on": "2024-04-30"}).status_code == 409
    assert client.post(f"/v1/redemptions/{rid}/approve").json()["status"] == "approved"
    paid = client.post(f"/v1/redemptions/{rid}/pay", json={"paid_on": "2024-05-01"}).json()
    assert paid["status"] == "paid" and "报批延期" in paid["decision_reasons"][0]
    again = client.post(f"/v1/redemptions/{rid}/approve")  # the same approval, today: its first answer, no change
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert client.get(f"/v1/redemptions/{rid}").json()["status"] == "paid"
    another = client.post(f"/v1/redemptions/{rid}/approve", json={"on": "2024-05-02"})
    assert (another.status_code, another.json()["code"]) == (409, "redemption_decided")


def test_fraud_claws_back_and_bars_later_claims(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    rid = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"])).json()["id"]
    record = client.post(
        "/v1/credit-records",
        json={
            "subject_id": ENTERPRISE,
            "subject_kind": "enterprise",
            "kind": "voucher_fraud",
            "decided_on": "2023-05-10",
            "reason": "虚开发票骗取创新券",
            "redemption_id": rid,
        },
    )
    assert record.status_code == 201, record.text
    assert record.json()["ban_until"] == "2026-05-10" and record.json()["basis"] == "衢市科发高〔2022〕44号 五(二)"
    assert client.get(f"/v1/redemptions/{rid}").json()["status"] == "clawed_back"
    refused = claim(client, v["pool_id"], "1000", claimed_on="2023-06-01")
    assert (refused.status_code, refused.json()["code"]) == (422, "credit_ban")
    dossier = client.get(f"/v1/dossiers/enterprises/{ENTERPRISE}").json()
    flag = dossier["credit_flags"][0]
    assert (flag["code"], flag["since"], flag["until"]) == ("voucher_fraud", "2023-05-10", "2026-05-10")
    assert dossier["enterprise"]["uscc"] == ENTERPRISE and len(dossier["vouchers"]) == 1


def test_carrier_lookups(client: TestClient) -> None:
    c = carrier(client)
    assert client.get(f"/v1/carriers/{c['id']}").json()["uscc"] == CARRIER
    assert client.post("/v1/carriers", json={**c, "id": None}).status_code == 422  # unknown fields refused
    suspended = client.patch(f"/v1/carriers/{c['id']}", json={"status": "suspended"}).json()
    assert suspended["status"] == "suspended"
    assert client.get("/v1/carriers/999").status_code == 404


def test_special_audit_needs_its_purpose_at_redemption(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], service_type="special_audit"))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "audit_purpose_required", "audit_purpose")
    ok = client.post(
        "/v1/redemptions",
        json=redemption_body(v["id"], c["id"], service_type="special_audit", audit_purpose="project_acceptance"),
    )
    assert ok.status_code == 201 and ok.json()["amount"] == "4000.00"


def test_statutory_testing_redemption_refused(client: TestClient) -> None:
    v = voucher(client)
    c = carrier(client)
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], statutory_testing=True))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "service_not_supported", "service_type")


def test_entrepreneur_claims_through_zheliban(client: TestClient) -> None:
    p = pool(client)
    person = id_number("330802", dt.date(1992, 8, 8), sequence=456)
    headers = identity_headers("science", citizen=person)
    body = {"pool_id": p["id"], "holder_name": "李四", "amount": "20000", "claimed_on": "2023-03-01"}
    r = client.post("/v1/me/claims", json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert (r.json()["holder_id"], r.json()["holder_kind"]) == (person, "entrepreneur")
    assert client.post("/v1/me/claims", json=body | {"holder_id": "x"}, headers=headers).status_code == 422
    assert client.post("/v1/me/claims", json=body).status_code == 403  # staff token is not a citizen
    assert client.get("/v1/me/records", headers=headers).json()["vouchers"][0]["face_value"] == "20000.00"


OTHER_CARRIER = make_uscc(901, "330800")


def dated_voucher(client: TestClient, claimed_on: str = "2023-03-01", amount: str = "10000", **pool_fields: Any) -> Any:
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
    v = dated_voucher(client)  # issued 2023-03-01, valid through 2023-06-01 (G-01)
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
    v = dated_voucher(client, claimed_on="2026-05-01")  # valid through 2026-08-01
    body = redemption_body(v["id"], c["id"], used_on="2026-05-05")
    last_day = client.post("/v1/redemptions", json=body | {"submitted_on": "2026-05-10"})
    assert (last_day.status_code, last_day.json()["code"]) == (422, "carrier_credit_ban")
    assert client.post("/v1/redemptions", json=body | {"submitted_on": "2026-05-11"}).status_code == 201


def test_a_carrier_banned_before_payment_is_not_paid(client: TestClient) -> None:
    v = dated_voucher(client)
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
    v = dated_voucher(client)
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
    v = dated_voucher(client)
    c = carrier(client)
    # 四(三)2 付款的银行回单和发票: 10,000.01 paid on a 10,000 fee is not a payment of that fee.
    r = client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], paid_amount="10000.01"))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "paid_more_than_fee", "paid_amount")
    assert (
        client.post("/v1/redemptions", json=redemption_body(v["id"], c["id"], paid_amount="10000")).status_code == 201
    )


def test_redemption_cannot_precede_the_use(client: TestClient) -> None:
    v = dated_voucher(client)
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
    v = dated_voucher(client)
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

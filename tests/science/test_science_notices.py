"""GET /v1/me/notices (issue 27): a holder's 创新券 due for redemption (44号 四(二)(四), reading V-20) and an
enterprise's 研究院 科技统计年报 due (43号 三(五), reading I-19), computed from the records."""

import datetime as dt

from fastapi.testclient import TestClient
from science_testdata import ENTERPRISE, carrier, claim_body, enterprise, pool, recognised_institute, redemption_body
from testkit import id_number, identity_headers

from science.parameters import institute_params, voucher_params
from science.rules.institute_management import reports_due
from science.rules.voucher_lifecycle import redeem_by

VOUCHERS = voucher_params(dt.date(2023, 1, 1))
INSTITUTES = institute_params(dt.date(2023, 1, 1))


def test_a_voucher_is_due_on_its_last_valid_day_or_on_31_december_if_that_comes_first() -> None:
    # 四(二) 3个月: issued 2023-09-30, valid through 2023-12-30, inside its year.
    assert redeem_by(dt.date(2023, 9, 30), VOUCHERS) == (dt.date(2023, 12, 30), "衢市科发高〔2022〕44号 四(二)")
    # Issued 2023-10-01 it would hold to 2024-01-01, but 四(四) wants the redemption by 2023-12-31.
    assert redeem_by(dt.date(2023, 10, 1), VOUCHERS) == (dt.date(2023, 12, 31), "衢市科发高〔2022〕44号 四(四)")


def test_each_year_from_recognition_not_yet_reported_is_due_by_the_end_of_the_next() -> None:
    recognised = dt.date(2023, 7, 20)
    # On 2025-06-01, with 2023 reported: 2024 (due 2025-12-31) and 2025 (due 2026-12-31).
    due = reports_due(recognised, [2023], dt.date(2025, 6, 1), INSTITUTES)
    assert [(d.year, d.due_on) for d in due] == [(2024, dt.date(2025, 12, 31)), (2025, dt.date(2026, 12, 31))]
    assert {d.basis for d in due} == {"衢市科发高〔2022〕43号 三(五)"}
    # Nothing reported on the day of recognition: that year's, due 2024-12-31.
    first = reports_due(recognised, [], recognised, INSTITUTES)
    assert [(d.year, d.due_on) for d in first] == [(2023, dt.date(2024, 12, 31))]


def mine(client: TestClient, as_of: str) -> list[tuple[str, str, bool]]:
    r = client.get(
        "/v1/me/notices", params={"as_of": as_of}, headers=identity_headers("science", enterprise=ENTERPRISE)
    )
    assert r.status_code == 200, r.text
    return [(n["due_on"], n["kind"], n["overdue"]) for n in r.json()]


def test_only_a_voucher_with_value_left_and_a_managed_institute_s_reports(client: TestClient) -> None:
    recognised_institute(client)  # recognised 2023-07-20
    pool_id = pool(client)["id"]
    spent = client.post("/v1/claims", json=claim_body(pool_id, claimed_on="2023-03-01")).json()
    # 检验检测 40% of a 25,000 fee: the whole 10,000 reserved, nothing left to redeem.
    body = redemption_body(spent["id"], carrier(client)["id"], fee="25000", paid_amount="25000")
    redeemed = client.post("/v1/redemptions", json=body)
    assert redeemed.status_code == 201 and redeemed.json()["amount"] == "10000.00", redeemed.text
    client.post("/v1/claims", json=claim_body(pool_id, claimed_on="2023-05-10"))  # through 2023-08-10
    assert mine(client, "2023-08-10") == [
        ("2023-08-10", "science.voucher_expires", False),
        ("2024-12-31", "science.annual_report_due", False),
    ]
    # Past its day the voucher has nothing left to do; the report past its day is still owed.
    assert mine(client, "2025-01-01")[0] == ("2024-12-31", "science.annual_report_due", True)
    assert "science.voucher_expires" not in {kind for _, kind, _ in mine(client, "2023-08-11")}


def test_a_person_has_vouchers_but_no_institute(client: TestClient) -> None:
    enterprise(client)
    founder = id_number("330802", dt.date(1996, 6, 6), 1)
    claimed = client.post(
        "/v1/claims",
        json=claim_body(pool(client)["id"], holder_kind="entrepreneur", holder_id=founder, holder_name="周创业"),
    )
    assert claimed.status_code == 201, claimed.text
    r = client.get(
        "/v1/me/notices", params={"as_of": "2023-03-01"}, headers=identity_headers("science", citizen=founder)
    )
    assert [(n["due_on"], n["record"]) for n in r.json()] == [("2023-06-01", f"vouchers/{claimed.json()['id']}")]

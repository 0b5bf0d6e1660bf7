"""G-01 (issue 31): on which day a period counted in months or years ends. Chosen reading: 民法典 第二百零一条 the start
day is not counted, 第二百零二条 the period ends on the corresponding day (the month's end when there is none). Other
reading: the start day is the period's first, so the period ends the day before.

The voucher's validity (`vouchers.validity_start_day_counted`) and the 研究院's registration year and change report
(`institutes.period_start_day_counted`) are switched per request in the what-ifs and the eligibility calculator, and
followed as published by the commands. So are the 3-year bans (`vouchers.fraud_ban_start_day_counted` for 44号 五(二),
`institutes.false_materials_ban_start_day_counted` for 43号 三(六)): each record counted by its own book in the version
in force on the day it was decided, at every check of a claim, a redemption and an application.

The bans' common facts: 衢州元立新材料有限公司 is listed on 2023-05-10. 3年内, the decision day not counted: through
2026-05-10 (the corresponding day), 2026-05-11 free. With the decision day counted as the first: through 2026-05-09,
2026-05-10 free.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import (
    CARRIER,
    ENTERPRISE,
    carrier,
    claim_body,
    eligibility_body,
    enterprise,
    institute_application,
    make_uscc,
    pool,
    recognised_institute,
    redemption_body,
)

from qz_common.params import ParameterBook
from science import parameters
from science.parameters import institute_params
from science.rules.institute_management import change_report

VOUCHER_OTHER = {"vouchers.validity_start_day_counted": "true"}


def claim_what_if(client: TestClient, pool_id: int, claimed_on: str) -> tuple[str, str]:
    body = claim_body(pool_id, "10000", claimed_on=claimed_on) | {"parameters": VOUCHER_OTHER}
    r = client.post("/v1/claims/what-if", json=body)
    assert r.status_code == 200, r.text
    return r.json()["published"]["last_valid_on"], r.json()["scenario"]["last_valid_on"]


def test_a_vouchers_last_valid_day_under_each_reading(client: TestClient) -> None:
    """四(二) 有效期一般为3个月. Claimed 2023-01-15: through 04-15 (the corresponding day), or 04-14 with the claim day
    counted. Claimed 2023-11-30: February 2024 has no 30th, so through its last day 02-29, or 02-28."""
    enterprise(client, hitech_valid_until="2024-12-31")
    p = pool(client)["id"]
    assert claim_what_if(client, p, "2023-01-15") == ("2023-04-15", "2023-04-14")
    assert claim_what_if(client, p, "2023-11-30") == ("2024-02-29", "2024-02-28")


def test_a_submission_on_the_corresponding_day_under_each_reading(client: TestClient) -> None:
    """A voucher claimed 2023-03-01, a service used 05-20 and its redemption submitted 06-01: inside the validity
    as published (through 06-01), 10,000 × 40% = 4,000; outside it with the claim day counted (through 05-31):
    refused, voucher_expired."""
    enterprise(client, hitech_valid_until="2024-12-31")
    voucher = client.post("/v1/claims", json=claim_body(pool(client)["id"], "10000")).json()
    assert voucher["last_valid_on"] == "2023-06-01"
    body = redemption_body(voucher["id"], carrier(client)["id"], used_on="2023-05-20", submitted_on="2023-06-01")
    r = client.post("/v1/redemptions/what-if", json=body | {"parameters": VOUCHER_OTHER})
    assert r.status_code == 200, r.text
    published, scenario = r.json()["published"], r.json()["scenario"]
    assert (published["accepted"], published["amount"]) == (True, "4000.00")
    assert (scenario["accepted"], [p["code"] for p in scenario["problems"]]) == (False, ["voucher_expired"])


def registration_met(client: TestClient, parameters: dict[str, str] | None) -> Any:
    body = eligibility_body(registered_in_quzhou_on="2022-06-01", applied_on="2023-05-31")
    r = client.post(
        "/v1/research-institutes/eligibility", json=body | ({"parameters": parameters} if parameters else {})
    )
    assert r.status_code == 200, r.text
    return next(c["passed"] for c in r.json()["conditions"] if c["code"] == "registration_hitech")


def test_the_registration_year_under_each_reading(client: TestClient) -> None:
    """43号 一(二) 在我市注册1年以上. Registered 2022-06-01, applying 2023-05-31. As published the year is complete on
    2023-06-01 (the corresponding day): not yet met. With the registration day counted it ends 2023-05-31: met."""
    assert registration_met(client, None) is False
    assert registration_met(client, {"institutes.period_start_day_counted": "true"}) is True


def test_the_change_report_deadline_under_each_reading() -> None:
    """43号 三(四) 变更发生后6个月内. A change on 2023-01-10 reported 2023-07-10: on time as published (through
    07-10), late with the change day counted (through 07-09). The report is a stored record that takes no what-if;
    the rule is tried with each reading."""
    published = institute_params(dt.date(2023, 7, 10))
    other = dataclasses.replace(published, period_start_day_counted=True)
    on_time = change_report(dt.date(2023, 1, 10), dt.date(2023, 7, 10), published)
    late = change_report(dt.date(2023, 1, 10), dt.date(2023, 7, 10), other)
    assert (on_time.deadline, on_time.on_time) == (dt.date(2023, 7, 10), True)
    assert (late.deadline, late.on_time) == (dt.date(2023, 7, 9), False)


def test_a_claim_stores_the_last_valid_day_of_the_published_reading(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST /v1/claims stores the voucher's last valid day as the book publishes it: claimed 2023-01-15, through
    04-15; with the other reading published (as 市科技局 would), through 04-14."""
    enterprise(client, hitech_valid_until="2024-12-31")
    p = pool(client)["id"]
    first = client.post("/v1/claims", json=claim_body(p, "10000", claimed_on="2023-01-15")).json()
    original: ParameterBook = parameters.vouchers_book()
    versions = tuple(
        dataclasses.replace(v, values={**v.values, "validity_start_day_counted": True}) for v in original.versions
    )
    monkeypatch.setattr(parameters, "vouchers_book", lambda: dataclasses.replace(original, versions=versions))
    second = client.post("/v1/claims", json=claim_body(p, "10000", claimed_on="2023-01-15")).json()
    assert (first["last_valid_on"], second["last_valid_on"]) == ("2023-04-15", "2023-04-14")


FRAUD_OTHER = {"vouchers.fraud_ban_start_day_counted": "true"}
FALSE_MATERIALS_OTHER = {"institutes.false_materials_ban_start_day_counted": "true"}


def listed_on_10_may_2023(client: TestClient, kind: str) -> dict[str, Any]:
    """The 科研诚信 record of ``kind`` decided 2023-05-10 (POST /v1/credit-records), as stored."""
    record = {"subject_id": ENTERPRISE, "subject_kind": "enterprise", "kind": kind, "decided_on": "2023-05-10"}
    r = client.post("/v1/credit-records", json=record | {"reason": "经核查属实"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def pool_2026(client: TestClient) -> int:
    return int(pool(client, name="2026年第一期", opens_on="2026-01-01", closes_on="2026-12-31")["id"])


def ban_codes(r: Any) -> tuple[list[str], list[str]]:
    """The refusals of a what-if as published and under the scenario, by code."""
    assert r.status_code == 200, r.text
    return (
        [p["code"] for p in r.json()["published"]["problems"]],
        [p["code"] for p in r.json()["scenario"]["problems"]],
    )


@pytest.mark.parametrize(
    ("claimed_on", "published", "scenario"),
    [
        # 2026-05-09: inside the ban under both readings (the other reading's last day).
        ("2026-05-09", ["credit_ban"], ["credit_ban"]),
        # 2026-05-10: the chosen reading's last day (the corresponding day, 第二百零二条), free under the other.
        ("2026-05-10", ["credit_ban"], []),
        # 2026-05-11: free under both.
        ("2026-05-11", [], []),
    ],
)
def test_a_voucher_fraud_ban_under_each_reading_in_the_claim_what_if(
    client: TestClient, claimed_on: str, published: list[str], scenario: list[str]
) -> None:
    """44号 五(二) 3年内不再给予科技项目和财政科技资金支持: a voucher-fraud record decided 2023-05-10 and a claim of
    10,000 from a 2026 pool on ``claimed_on``."""
    enterprise(client, hitech_valid_until="2027-12-31")
    listed_on_10_may_2023(client, "voucher_fraud")
    body = claim_body(pool_2026(client), "10000", claimed_on=claimed_on) | {"parameters": FRAUD_OTHER}
    assert ban_codes(client.post("/v1/claims/what-if", json=body)) == (published, scenario)


def test_the_ban_s_last_day_is_named_under_each_reading(client: TestClient) -> None:
    """The refusal names the last day of the reading it was judged under: on 2026-05-09, 至 2026-05-10 as published
    and 至 2026-05-09 with the decision day counted."""
    enterprise(client, hitech_valid_until="2027-12-31")
    listed_on_10_may_2023(client, "voucher_fraud")
    body = claim_body(pool_2026(client), "10000", claimed_on="2026-05-09") | {"parameters": FRAUD_OTHER}
    r = client.post("/v1/claims/what-if", json=body)
    assert r.status_code == 200, r.text
    assert "（至 2026-05-10）" in r.json()["published"]["problems"][0]["detail"]
    assert "（至 2026-05-09）" in r.json()["scenario"]["problems"][0]["detail"]


def test_a_false_materials_ban_under_each_reading_in_the_claim_and_application_what_ifs(client: TestClient) -> None:
    """43号 三(六) 三年内不得申报各项科技计划项目: a false-materials record decided 2023-05-10, counted by the
    institutes book. On 2026-05-10 a claim (barred too, G-02) and an application are barred as published and not
    with the decision day counted; the claim what-if takes the institutes book's switch as well as the vouchers
    book's (the ban's terms, no other of that book). The application of 2026 may fail other conditions (its standard
    facts are 2023's): only the ban is compared."""
    enterprise(client, hitech_valid_until="2027-12-31")
    listed_on_10_may_2023(client, "institute_false_materials")
    body = claim_body(pool_2026(client), "10000", claimed_on="2026-05-10") | {"parameters": FALSE_MATERIALS_OTHER}
    assert ban_codes(client.post("/v1/claims/what-if", json=body)) == (["credit_ban"], [])
    # The vouchers book's switch does not move a false-materials record (its own book is the institutes book).
    body["parameters"] = FRAUD_OTHER
    assert ban_codes(client.post("/v1/claims/what-if", json=body)) == (["credit_ban"], ["credit_ban"])
    # Its years are the institutes book's too: 2 years from 2023-05-10 run through 2025-05-10, free on 2026-05-10.
    body["parameters"] = {"institutes.false_materials_ban_years": "2"}
    assert ban_codes(client.post("/v1/claims/what-if", json=body)) == (["credit_ban"], [])
    # Years that are no whole number: the scenario cannot be computed.
    body["parameters"] = {"institutes.false_materials_ban_years": "2.5"}
    r = client.post("/v1/claims/what-if", json=body)
    assert (r.status_code, r.json()["code"]) == (422, "scenario_not_computable")
    # No other parameter of the institutes book is read by a claim: refused.
    body["parameters"] = {"institutes.period_start_day_counted": "true"}
    r = client.post("/v1/claims/what-if", json=body)
    assert (r.status_code, r.json()["code"]) == (422, "scenario_invalid")
    for applied_on, published, scenario in (("2026-05-10", True, False), ("2026-05-11", False, False)):
        application = institute_application(application=eligibility_body(applied_on=applied_on))
        r = client.post("/v1/institutes/what-if", json=application | {"parameters": FALSE_MATERIALS_OTHER})
        codes = ban_codes(r)
        assert ("credit_ban" in codes[0], "credit_ban" in codes[1]) == (published, scenario), applied_on


def test_a_voucher_fraud_ban_under_each_reading_in_the_redemption_what_if(client: TestClient) -> None:
    """A voucher claimed 2026-03-01 (valid through 06-01), then a voucher-fraud record decided 2023-05-10 (recorded
    after the claim), a testing service of 10,000 used 2026-05-01 and submitted 2026-05-10: refused as published
    (credit_ban, the ban's last day), accepted with the decision day counted: 10,000 × 40% = 4,000 (三(一) 检验检测)."""
    enterprise(client, hitech_valid_until="2027-12-31")
    claimed = client.post("/v1/claims", json=claim_body(pool_2026(client), "10000", claimed_on="2026-03-01"))
    assert claimed.status_code == 201, claimed.text
    listed_on_10_may_2023(client, "voucher_fraud")
    body = redemption_body(claimed.json()["id"], carrier(client)["id"], used_on="2026-05-01", submitted_on="2026-05-10")
    r = client.post("/v1/redemptions/what-if", json=body | {"parameters": FRAUD_OTHER})
    assert ban_codes(r) == (["credit_ban"], [])
    assert r.json()["scenario"]["amount"] == "4000.00"


@pytest.fixture
def publish_the_decision_day_counted(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Publishes the other reading in every version of a book (as 市科技局 would), as the existing tests swap a book."""

    def published(book: str, key: str) -> None:
        loader = f"{book}_book"
        original: ParameterBook = getattr(parameters, loader)()
        versions = tuple(dataclasses.replace(v, values={**v.values, key: True}) for v in original.versions)
        changed = dataclasses.replace(original, versions=versions)
        monkeypatch.setattr(parameters, loader, lambda: changed)

    return published


def test_the_stored_commands_follow_the_published_counting_of_a_voucher_fraud_ban(
    client: TestClient, publish_the_decision_day_counted: Callable[[str, str], None]
) -> None:
    """As published, a record decided 2023-05-10 is stored through 2026-05-10 and a claim on that day is refused;
    with the other reading published it is stored through 2026-05-09 and a claim on 05-10 is issued, one on 05-09
    still refused."""
    enterprise(client, hitech_valid_until="2027-12-31")
    p = pool_2026(client)
    assert listed_on_10_may_2023(client, "voucher_fraud")["ban_until"] == "2026-05-10"
    r = client.post("/v1/claims", json=claim_body(p, "10000", claimed_on="2026-05-10"))
    assert (r.status_code, r.json()["code"]) == (422, "credit_ban")
    assert client.post("/v1/claims", json=claim_body(p, "10000", claimed_on="2026-05-11")).status_code == 201

    other = make_uscc(2)
    enterprise(client, uscc=other, hitech_valid_until="2027-12-31")
    publish_the_decision_day_counted("vouchers", "fraud_ban_start_day_counted")
    record = {"subject_id": other, "subject_kind": "enterprise", "kind": "voucher_fraud", "decided_on": "2023-05-10"}
    stored = client.post("/v1/credit-records", json=record | {"reason": "经核查属实"})
    assert (stored.status_code, stored.json()["ban_until"]) == (201, "2026-05-09")
    r = client.post("/v1/claims", json=claim_body(p, "10000", holder=other, claimed_on="2026-05-09"))
    assert (r.status_code, r.json()["code"]) == (422, "credit_ban")
    r = client.post("/v1/claims", json=claim_body(p, "10000", holder=other, claimed_on="2026-05-10"))
    assert r.status_code == 201, r.text


def test_the_stored_commands_follow_the_published_counting_of_a_false_materials_ban(
    client: TestClient, publish_the_decision_day_counted: Callable[[str, str], None]
) -> None:
    """With the other reading published in the institutes book, a 研究院 revoked for false materials on 2023-09-01
    is barred through 2026-08-31 (as published: 2026-09-01), and a false-materials record decided 2023-05-10 bars a
    claim on 2026-05-09, not one on 2026-05-10."""
    institute = recognised_institute(client)
    publish_the_decision_day_counted("institutes", "false_materials_ban_start_day_counted")
    r = client.post(
        f"/v1/institutes/{institute['id']}/revoke",
        json={"ground": "false_materials", "decided_on": "2023-09-01", "reason": "专项审计报告数据造假"},
    )
    assert r.status_code == 200, r.text
    records = client.get("/v1/credit-records", params={"subject_id": ENTERPRISE}).json()["items"]
    assert [x["ban_until"] for x in records] == ["2026-08-31"]

    other = make_uscc(2)
    enterprise(client, uscc=other, hitech_valid_until="2027-12-31")
    record = {"subject_id": other, "subject_kind": "enterprise", "kind": "institute_false_materials"}
    stored = client.post("/v1/credit-records", json=record | {"decided_on": "2023-05-10", "reason": "经核查属实"})
    assert (stored.status_code, stored.json()["ban_until"]) == (201, "2026-05-09")
    p = pool_2026(client)
    r = client.post("/v1/claims", json=claim_body(p, "10000", holder=other, claimed_on="2026-05-09"))
    assert (r.status_code, r.json()["code"]) == (422, "credit_ban")
    r = client.post("/v1/claims", json=claim_body(p, "10000", holder=other, claimed_on="2026-05-10"))
    assert r.status_code == 201, r.text


def test_a_carriers_ban_under_each_reading_in_the_impact(client: TestClient) -> None:
    """V-13 with G-01: a voucher claimed 2026-03-01; R1 检验检测 fee 10,000 (10,000 × 40% = 4,000) naming the carrier,
    submitted 2026-05-10 and stored; the carrier is then listed for voucher fraud decided 2023-05-10. Impact over
    2026: as decided R1 was submitted on the ban's last day (through 2026-05-10): 0 (carrier_credit_ban); with the
    decision day counted the ban ended 2026-05-09, and R1, unpaid, is due by 2027-04-30, outside it: 4,000
    (payable). +4,000, one outcome changed."""
    enterprise(client, hitech_valid_until="2027-12-31")
    claimed = client.post("/v1/claims", json=claim_body(pool_2026(client), "10000", claimed_on="2026-03-01"))
    assert claimed.status_code == 201, claimed.text
    c = carrier(client)
    body = redemption_body(claimed.json()["id"], c["id"], used_on="2026-05-01", submitted_on="2026-05-10")
    r1 = client.post("/v1/redemptions", json=body)
    assert r1.status_code == 201, r1.text
    record = {"subject_id": CARRIER, "subject_kind": "carrier", "kind": "voucher_fraud", "decided_on": "2023-05-10"}
    assert client.post("/v1/credit-records", json=record | {"reason": "虚构检测服务骗取创新券资金"}).status_code == 201
    r = client.post("/v1/impact/voucher-redemptions", json={"year": 2026, "parameters": FRAUD_OTHER})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["total_before"], result["total_after"], result["outcome_changed"]) == ("0.00", "4000.00", 1)
    row = next(x for x in result["largest"] if x["record_id"] == str(r1.json()["id"]))
    assert (row["outcome_before"], row["outcome_after"]) == ("carrier_credit_ban", "payable")

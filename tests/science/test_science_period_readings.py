"""G-01 (issue 31): on which day a period counted in months or years ends. Chosen reading: 民法典 第二百零一条 the start
day is not counted, 第二百零二条 the period ends on the corresponding day (the month's end when there is none). Other
reading: the start day is the period's first, so the period ends the day before.

The voucher's validity (`vouchers.validity_start_day_counted`) and the 研究院's registration year and change report
(`institutes.period_start_day_counted`) are switched per request in the what-ifs and the eligibility calculator, and
followed as published by the commands. The 3-year bans keep the chosen reading (the register says why).
"""

import dataclasses
import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import carrier, claim_body, eligibility_body, enterprise, pool, redemption_body

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

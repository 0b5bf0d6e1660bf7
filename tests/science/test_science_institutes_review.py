"""Research institutes (衢市科发高〔2022〕43号) after the clause-by-clause review: monitoring from the whole series
of years, shared equipment capped at 30%, stored enterprise facts, revocation only with its grounds shown,
events on the institute, implausible staff counts."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import ENTERPRISE, eligibility_body, enterprise, institute_application, recognise

from qz_common import clock
from science.api.rules import to_application
from science.api.schemas.rules import InstituteEligibilityIn
from science.parameters import institute_params
from science.rules.institute_conditions import check_site_and_equipment, counted_equipment_value
from science.rules.institute_management import (
    AnnualReport,
    InstituteStatus,
    hitech_loss_review,
    monitoring_verdict,
)

P = institute_params(dt.date(2023, 6, 1))
D = Decimal

# Sales of 1亿 sit in band 2 of 一(四) (5000万至20000万): 4% × 100,000,000 = 4,000,000 ≥ 250万, so 400万 meets the
# standard and 100 yuan misses it.
MEETS = {"sales": "100000000", "rd_expense": "4000000"}
MISSES = {"sales": "100000000", "rd_expense": "100"}


def apply(client: TestClient, **changes: Any) -> Any:
    return client.post("/v1/institutes", json=institute_application(**changes))


def recognised(client: TestClient, hitech_valid_until: str = "2024-12-31") -> dict[str, Any]:
    """A recognised institute whose enterprise record and application agree (registered 2015, 高新 as given)."""
    enterprise(client, registered_in_quzhou_on="2015-03-01", hitech_valid_until=hitech_valid_until)
    response = apply(client, application=eligibility_body(hitech_valid_until=hitech_valid_until))
    assert response.status_code == 201, response.text
    return recognise(client, response.json()["id"])


def report(client: TestClient, institute_id: int, year: int, figures: dict[str, str]) -> Any:
    return client.post(f"/v1/institutes/{institute_id}/annual-reports", json={"year": year, **figures})


def status_of(client: TestClient, institute_id: int) -> str:
    return str(client.get(f"/v1/institutes/{institute_id}").json()["status"])


# ---- 三(五) 连续两年不达标的取消资格: the whole series, in year order ---------------------------------------------


def verdict(*years: tuple[int, bool]) -> InstituteStatus | None:
    result = monitoring_verdict([AnnualReport(year, meets) for year, meets in years], P)
    return None if result is None else result.status


def test_two_consecutive_misses_revoke_in_whatever_order_they_were_filed() -> None:
    # 2023 and 2024 both missed: 连续两年 → 取消, filed 2024 first or 2023 first.
    assert verdict((2024, False), (2023, False)) is InstituteStatus.REVOKED
    assert verdict((2023, False), (2024, False)) is InstituteStatus.REVOKED
    # 2023 and 2025 missed with 2024 unreported: not consecutive, the latest year (2025) is a yellow warning.
    assert verdict((2025, False), (2023, False)) is InstituteStatus.YELLOW_WARNING


def test_a_later_compliant_year_does_not_undo_an_earlier_pair() -> None:
    # 2025 met the standard, but 2023 and 2024 were both missed: the pair revoked the institute.
    assert verdict((2025, True), (2023, False), (2024, False)) is InstituteStatus.REVOKED
    # A compliant year between two misses breaks the run: latest (2025) missed once → yellow.
    assert verdict((2023, False), (2025, False), (2024, True)) is InstituteStatus.YELLOW_WARNING
    assert verdict() is None


def test_api_revokes_when_the_missing_year_of_a_pair_arrives_last(client: TestClient) -> None:
    institute = recognised(client)
    iid = institute["id"]
    assert report(client, iid, 2025, MEETS).json()["outcome"] == "recognised"
    assert report(client, iid, 2023, MISSES).json()["outcome"] == "yellow_warning"
    assert status_of(client, iid) == "recognised"  # the latest year (2025) met the standard
    late = report(client, iid, 2024, MISSES)
    assert late.status_code == 201, late.text
    assert late.json()["outcome"] == "revoked"  # 2023 + 2024 missed: 连续两年
    after = client.get(f"/v1/institutes/{iid}").json()
    assert after["status"] == "revoked" and after["status_basis"] == "衢市科发高〔2022〕43号 三(五)"
    assert "2024" in after["status_reason"]
    # Revoked: no longer monitored.
    assert report(client, iid, 2026, MEETS).status_code == 409


# ---- 一(六) 科研生产共用的设备原值不超过科研设备原值总额的30% ------------------------------------------------------


def equipment_passes(dedicated: str, shared: str) -> bool:
    """一(六) as the eligibility endpoint sees it (the API's own mapping of the request body)."""
    body = InstituteEligibilityIn.model_validate(
        eligibility_body(dedicated_equipment_value=dedicated, shared_equipment_value=shared)
    )
    return check_site_and_equipment(to_application(body), P).passed


@pytest.mark.parametrize(
    ("dedicated", "shared", "counted", "passes"),
    [
        # 280万 dedicated: the shared part may be at most 30% of the total, so ≤ 280万 × 30/70 = 120万.
        # 400万 shared × 30% = 120万 is exactly the cap: 280 + 120 = 400万 → met (以上 includes 400万).
        ("2800000", "4000000", "4000000", True),
        # 1000万 shared × 30% = 300万, capped at 120万: 280 + 120 = 400万 (before the review: 580万).
        ("2800000", "10000000", "4000000", True),
        # 279.999999万 dedicated: cap 2,799,999.99 × 3/7 = 1,199,999.9957…, total 3,999,999.9857… < 400万.
        ("2799999.99", "10000000", None, False),
        # No dedicated equipment at all: nothing shared can be counted (before the review: 2000万 × 30% = 600万, met).
        ("0", "20000000", "0", False),
        # 100万 dedicated, 100万 shared: 30万 is within the cap 100 × 3/7 = 42.857…万 → 130万, short of 400万.
        ("1000000", "1000000", "1300000", False),
    ],
)
def test_shared_equipment_counts_at_30_percent_and_at_most_30_percent_of_the_total(
    dedicated: str, shared: str, counted: str | None, passes: bool
) -> None:
    value = counted_equipment_value(D(dedicated), D(shared), P)
    if counted is not None:
        assert value == D(counted)
    assert (value >= P.min_equipment) is passes
    assert equipment_passes(dedicated, shared) is passes


# ---- 一(二): recognition judges the facts the service holds ---------------------------------------------------


def test_application_contradicting_the_enterprise_record_is_refused(client: TestClient) -> None:
    # The record says registered 2023-01-10 (not yet 1年 on 2023-06-01) and 高新 valid to 2023-05-31 (lapsed).
    enterprise(client, registered_in_quzhou_on="2023-01-10", hitech_valid_until="2023-05-31")
    r = apply(client)  # the request claims 2015-03-01 and 2024-12-31
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "contradicts_enterprise_record"
    assert [e["field"] for e in r.json()["errors"]] == [
        "application.registered_in_quzhou_on",
        "application.hitech_valid_until",
    ]
    assert all(e["basis"] == "衢市科发高〔2022〕43号 一(二)" for e in r.json()["errors"])
    # Stating the record's facts, the application is judged on them: 一(二) fails twice (注册未满1年, 证书已到期).
    honest = apply(
        client,
        application=eligibility_body(registered_in_quzhou_on="2023-01-10", hitech_valid_until="2023-05-31"),
    )
    assert (honest.status_code, honest.json()["code"]) == (422, "conditions_not_met")
    assert honest.json()["field"] == "application.registration_hitech"
    assert client.get("/v1/institutes").json()["total"] == 0


def test_application_matching_the_record_is_accepted(client: TestClient) -> None:
    enterprise(client, registered_in_quzhou_on="2015-03-01", hitech_valid_until="2024-12-31")
    assert apply(client).status_code == 201


# ---- 三(六) revocation: only a recognised institute, with its grounds shown -----------------------------------


def revoke(client: TestClient, institute_id: int, ground: str, decided_on: str = "2024-03-01") -> Any:
    body = {"ground": ground, "decided_on": decided_on, "reason": "复核"}
    return client.post(f"/v1/institutes/{institute_id}/revoke", json=body)


def test_only_a_recognised_institute_can_be_revoked(client: TestClient) -> None:
    enterprise(client)
    applied = apply(client).json()
    r = revoke(client, applied["id"], "terminated")
    assert (r.status_code, r.json()["code"]) == (409, "institute_not_recognised")
    assert status_of(client, applied["id"]) == "applied"


def test_revocation_cannot_precede_recognition(client: TestClient) -> None:
    institute = recognised(client)  # recognised 2023-07-20
    r = revoke(client, institute["id"], "terminated", decided_on="2023-07-19")
    assert (r.status_code, r.json()["field"]) == (422, "decided_on")
    assert revoke(client, institute["id"], "terminated", decided_on="2023-07-20").status_code == 200


def test_rd_below_standard_twice_needs_the_reports_that_show_it(client: TestClient) -> None:
    institute = recognised(client)
    iid = institute["id"]
    none = revoke(client, iid, "rd_below_standard_twice")
    assert (none.status_code, none.json()["code"], none.json()["field"]) == (422, "ground_not_shown", "ground")
    report(client, iid, 2023, MISSES)  # one missed year: a yellow warning, not 连续两年
    once = revoke(client, iid, "rd_below_standard_twice")
    assert (once.status_code, once.json()["code"]) == (422, "ground_not_shown")
    assert "2023" in once.json()["detail"]
    assert status_of(client, iid) == "yellow_warning"


def test_lost_hitech_needs_the_record_to_show_it(client: TestClient) -> None:
    institute = recognised(client)  # the record: 高新 valid to 2024-12-31
    still_valid = revoke(client, institute["id"], "lost_hitech", decided_on="2024-12-31")
    assert (still_valid.status_code, still_valid.json()["code"]) == (422, "ground_not_shown")
    lapsed = revoke(client, institute["id"], "lost_hitech", decided_on="2025-01-01")
    assert lapsed.status_code == 200, lapsed.text
    assert lapsed.json()["status_basis"] == "衢市科发高〔2022〕43号 三(六)2"


# ---- 一(五) counts that cannot exceed their totals ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fulltime_rd_staff": 201, "enterprise_employees": 200}, "fulltime_rd_staff"),
        ({"institute_staff": 201, "enterprise_employees": 200}, "institute_staff"),
        ({"qualified_engineers": 41, "institute_staff": 40}, "qualified_engineers"),
    ],
)
def test_a_part_cannot_exceed_its_total(client: TestClient, changes: dict[str, int], field: str) -> None:
    r = client.post("/v1/research-institutes/eligibility", json=eligibility_body(**changes))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "count_exceeds_total", field)
    enterprise(client)
    applied = apply(client, application=eligibility_body(**changes))
    assert (applied.status_code, applied.json()["field"]) == (422, f"application.{field}")


def test_a_part_equal_to_its_total_is_plausible(client: TestClient) -> None:
    # Every employee in R&D, every institute member qualified: implausible perhaps, but not impossible.
    body = eligibility_body(fulltime_rd_staff=40, institute_staff=40, enterprise_employees=40, qualified_engineers=40)
    assert client.post("/v1/research-institutes/eligibility", json=body).status_code == 200


# ---- 三(六)2 losing 高新 status opens a review, an event on the institute -------------------------------------


def events(client: TestClient, institute_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/v1/institutes/{institute_id}/events")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_certificate_that_runs_out_is_a_ground_for_review_with_no_one_touching_the_record(client: TestClient) -> None:
    """三(六)2 失去高新技术企业资格: the record says valid until 2024-12-31; once that day has passed the institute is
    due for review from 2025-01-01 (the day after), computed on read; a certificate still valid shows nothing."""
    lapsed = recognised(client, hitech_valid_until="2024-12-31")
    review = client.get(f"/v1/institutes/{lapsed['id']}").json()["hitech_review"]
    assert (review["occurred_on"], review["basis"]) == ("2025-01-01", "衢市科发高〔2022〕43号 三(六)2")
    assert "2024-12-31" in review["detail"]
    assert status_of(client, lapsed["id"]) == "recognised"  # a review, not a revocation (I-14)
    valid_until = (clock.today() + dt.timedelta(days=400)).isoformat()
    client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"hitech_valid_until": valid_until})
    assert client.get(f"/v1/institutes/{lapsed['id']}").json()["hitech_review"] is None


def test_losing_hitech_status_opens_a_review(client: TestClient) -> None:
    today = clock.today()  # the service's own clock (衢州 local date)
    valid = (today + dt.timedelta(days=400)).isoformat()
    ended = (today - dt.timedelta(days=30)).isoformat()
    institute = recognised(client, hitech_valid_until=valid)
    iid = institute["id"]
    # Renewing or extending the certificate is no loss.
    later = (today + dt.timedelta(days=800)).isoformat()
    assert client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"hitech_valid_until": later}).status_code == 200
    assert events(client, iid) == []
    # The record now says the certificate ended 30 days ago: lost the day after, a review is due.
    assert client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"hitech_valid_until": ended}).status_code == 200
    [event] = events(client, iid)
    lost_on = (today - dt.timedelta(days=29)).isoformat()
    assert (event["kind"], event["occurred_on"], event["basis"]) == (
        "hitech_lost_review",
        lost_on,
        "衢市科发高〔2022〕43号 三(六)2",
    )
    assert ended in event["detail"]
    # A review, not a revocation: the institute stands until someone decides, and the record now shows the ground.
    assert status_of(client, iid) == "recognised"
    decided = client.post(
        f"/v1/institutes/{iid}/revoke",
        json={"ground": "lost_hitech", "decided_on": today.isoformat(), "reason": "复核：失去高新技术企业资格"},
    )
    assert decided.status_code == 200, decided.text
    # Already lost: clearing the date again opens nothing new (the institute is no longer managed, either).
    assert client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"hitech_valid_until": None}).status_code == 200
    assert len(events(client, iid)) == 1


def test_withdrawn_hitech_status_is_lost_today(client: TestClient) -> None:
    valid = (clock.today() + dt.timedelta(days=400)).isoformat()
    institute = recognised(client, hitech_valid_until=valid)
    assert client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"hitech_valid_until": None}).status_code == 200
    [event] = events(client, institute["id"])
    assert event["occurred_on"] == clock.today().isoformat()
    assert "资格被取消" in event["detail"]


def test_hitech_loss_review_edges() -> None:
    today = dt.date(2023, 6, 1)
    valid = dt.date(2023, 12, 31)
    # 有效期至 1 June: still valid today (the last valid day is inside), nothing lost yet.
    assert hitech_loss_review(valid, today, today) is None
    # 有效期至 31 May: lost on 1 June, the day after.
    ended = hitech_loss_review(valid, dt.date(2023, 5, 31), today)
    assert ended is not None and ended.occurred_on == today and ended.basis == "衢市科发高〔2022〕43号 三(六)2"
    # Withdrawn (no validity any more): lost today.
    withdrawn = hitech_loss_review(valid, None, today)
    assert withdrawn is not None and withdrawn.occurred_on == today
    # Not valid before either (lapsed 31 May, or never 高新): no new loss.
    assert hitech_loss_review(dt.date(2023, 5, 31), None, today) is None
    assert hitech_loss_review(None, None, today) is None

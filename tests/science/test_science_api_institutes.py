"""Research institutes through the API: application, procedure, monitoring, changes, revocation, dossier."""

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import (
    ENTERPRISE,
    eligibility_body,
    enterprise,
    institute_application,
    make_uscc,
    materials_body,
    recognise,
)
from testkit import identity_headers

from qz_common import clock


def apply(client: TestClient, **changes: Any) -> Any:
    return client.post("/v1/institutes", json=institute_application(**changes))


def recognised(client: TestClient) -> dict[str, Any]:
    enterprise(client)
    return recognise(client, apply(client).json()["id"])


def test_application_generates_the_name_and_stores_conditions(client: TestClient) -> None:
    enterprise(client)
    r = apply(client)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "衢州市元立高性能合金材料企业研究院"
    assert body["status"] == "applied" and body["district"] == "柯城区" and len(body["conditions"]) == 9


def test_application_names_every_failing_condition(client: TestClient) -> None:
    enterprise(client)
    r = apply(client, application=eligibility_body(fulltime_rd_staff=14, has_management_system=False))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["application.staff", "application.management_system"]


def test_application_needs_a_registered_enterprise(client: TestClient) -> None:
    unregistered = apply(client)
    assert (unregistered.status_code, unregistered.json()["code"], unregistered.json()["field"]) == (
        422,
        "reference_not_found",
        "enterprise_uscc",
    )


def test_second_live_application_is_409(client: TestClient) -> None:
    enterprise(client)
    apply(client)
    assert apply(client).status_code == 409


def test_procedure_in_order_with_certificate_and_batch(client: TestClient) -> None:
    enterprise(client)
    institute = apply(client).json()
    url = f"/v1/institutes/{institute['id']}/decisions"
    early = client.post(url, json={"action": "recognise", "on": "2023-07-01", "batch": "一"})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    no_cert = client.post(url, json={"action": "recommend", "on": "2023-06-10"})
    assert (no_cert.status_code, no_cert.json()["field"]) == (422, "no_violation_certificate")


def test_full_recognition(client: TestClient) -> None:
    institute = recognised(client)
    assert institute["status"] == "recognised" and institute["batch"] == "2023年第一批"
    assert institute["status_basis"] == "衢市科发高〔2022〕43号 二(四)"


def test_monitoring_yellow_then_revoked(client: TestClient) -> None:
    institute = recognised(client)
    url = f"/v1/institutes/{institute['id']}/annual-reports"
    first = client.post(url, json={"year": 2023, "sales": "100000000", "rd_expense": "3999999.99"})
    assert first.status_code == 201, first.text
    assert first.json()["outcome"] == "yellow_warning"
    assert client.get(f"/v1/institutes/{institute['id']}").json()["status"] == "yellow_warning"
    assert client.post(url, json={"year": 2023, "sales": "1", "rd_expense": "1"}).status_code == 409
    second = client.post(url, json={"year": 2024, "sales": "100000000", "rd_expense": "100"}).json()
    assert second["outcome"] == "revoked"
    after = client.get(f"/v1/institutes/{institute['id']}").json()
    assert after["status"] == "revoked" and after["status_basis"] == "衢市科发高〔2022〕43号 三(五)"


def test_a_compliant_year_clears_the_warning(client: TestClient) -> None:
    institute = recognised(client)
    url = f"/v1/institutes/{institute['id']}/annual-reports"
    client.post(url, json={"year": 2023, "sales": "100000000", "rd_expense": "100"})
    client.post(url, json={"year": 2024, "sales": "100000000", "rd_expense": "4000000"})
    assert client.get(f"/v1/institutes/{institute['id']}").json()["status"] == "recognised"


def test_change_reported_within_six_months_and_rename(client: TestClient) -> None:
    institute = recognised(client)
    url = f"/v1/institutes/{institute['id']}/changes"
    on_time = client.post(
        url,
        json={
            "kind": "rename",
            "description": "企业更名",
            "changed_on": "2023-08-31",
            "reported_on": "2024-02-29",
            "new_trade_name": "元立集团",
        },
    ).json()
    assert on_time["on_time"] is True and on_time["deadline"] == "2024-02-29"
    assert on_time["new_name"] == "衢州市元立集团高性能合金材料企业研究院"
    late = client.post(
        url,
        json={"kind": "restructure", "description": "重组", "changed_on": "2023-08-31", "reported_on": "2024-03-01"},
    ).json()
    assert late["on_time"] is False


def test_upgrade_leaves_the_list(client: TestClient) -> None:
    institute = recognised(client)
    r = client.post(
        f"/v1/institutes/{institute['id']}/upgrade",
        json={"on": "2024-01-10", "provincial_designation": "省级企业研究院"},
    )
    assert r.json()["status"] == "upgraded"
    assert (
        client.post(
            f"/v1/institutes/{institute['id']}/upgrade", json={"on": "2024-01-11", "provincial_designation": "x"}
        ).status_code
        == 409
    )


def test_false_materials_revoke_and_bar_for_three_years(client: TestClient) -> None:
    institute = recognised(client)
    r = client.post(
        f"/v1/institutes/{institute['id']}/revoke",
        json={"ground": "false_materials", "decided_on": "2023-09-01", "reason": "专项审计报告数据造假"},
    )
    assert r.json()["status"] == "revoked" and r.json()["status_basis"] == "衢市科发高〔2022〕43号 三(六)1"
    records = client.get("/v1/credit-records", params={"subject_id": ENTERPRISE}).json()["items"]
    assert records[0]["ban_until"] == "2026-09-01"
    audits = [
        {"year": y, "items": ["rd_staff", "site_area", "equipment_value", "own_ip", "rd_ratio"]}
        for y in (2023, 2024, 2025)
    ]
    again = apply(
        client, application=eligibility_body(applied_on="2026-09-01"), materials=materials_body(audit_reports=audits)
    )
    assert (again.status_code, again.json()["code"]) == (422, "credit_ban")
    dossier = client.get(f"/v1/dossiers/enterprises/{ENTERPRISE}").json()
    assert {f["code"] for f in dossier["credit_flags"]} == {"institute_false_materials", "institute_revoked"}
    assert dossier["institutes"][0]["status"] == "revoked"


def test_district_bound_client_cannot_touch_another_district(client: TestClient) -> None:
    enterprise(client)
    institute = apply(client).json()
    other = identity_headers("science", district="江山市")
    theirs = client.get(f"/v1/institutes/{institute['id']}", headers=other)  # another district's: as an unused id
    assert (theirs.status_code, theirs.json()["field"]) == (404, "institute_id")
    assert theirs.json()["detail"] == client.get("/v1/institutes/999999", headers=other).json()["detail"]
    cited = client.post("/v1/institutes", json=institute_application(), headers=other)  # the enterprise, in a body
    assert (cited.status_code, cited.json()["code"], cited.json()["field"]) == (
        422,
        "reference_not_found",
        "enterprise_uscc",
    )
    assert client.get("/v1/institutes", params={"district": "柯城区"}, headers=other).status_code == 403
    assert client.get("/v1/institutes", headers=other).json()["total"] == 0


def test_read_only_client_cannot_write(client: TestClient) -> None:
    headers = identity_headers("science", scopes=["science:read"])
    r = client.post("/v1/enterprises", json={"uscc": make_uscc(5), "name": "x", "district": "柯城区"}, headers=headers)
    assert (r.status_code, r.json()["code"]) == (403, "scope_missing")


def test_enterprise_errors(client: TestClient) -> None:
    bad = client.post("/v1/enterprises", json={"uscc": "91330802MA0000001X", "name": "x", "district": "柯城区"})
    assert (bad.status_code, bad.json()["field"]) == (422, "uscc")
    enterprise(client)
    dup = client.post("/v1/enterprises", json={"uscc": ENTERPRISE, "name": "x", "district": "柯城区"})
    assert dup.status_code == 409
    assert client.get(f"/v1/enterprises/{make_uscc(77)}").status_code == 404
    patched = client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"on_four_colour_list": True}).json()
    assert patched["on_four_colour_list"] is True


def test_idempotent_enterprise_creation(client: TestClient) -> None:
    body = {"uscc": make_uscc(8), "name": "衢州甲公司", "district": "柯城区"}
    first = client.post("/v1/enterprises", json=body, headers={"Idempotency-Key": "k1"})
    second = client.post("/v1/enterprises", json=body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"


def test_application_needs_complete_materials(client: TestClient) -> None:
    enterprise(client)
    partial = materials_body(
        implementation_plan=False, audit_reports=[{"year": 2022, "items": ["rd_staff", "site_area"]}]
    )
    r = apply(client, materials=partial)
    assert (r.status_code, r.json()["code"]) == (422, "materials_incomplete")
    assert [e["field"] for e in r.json()["errors"]] == [
        "materials.implementation_plan",
        "materials.audit_report",
        "materials.audit_report",
        "materials.audit_report_items",
    ]


# Sales of 1亿 sit in band 2 of 一(四) (5000万至20000万): 4% × 100,000,000 = 4,000,000 ≥ 250万, so 400万 meets the
# standard and 100 yuan misses it.
MEETS = {"sales": "100000000", "rd_expense": "4000000"}
MISSES = {"sales": "100000000", "rd_expense": "100"}


def recognised_on_record(client: TestClient, hitech_valid_until: str = "2024-12-31") -> dict[str, Any]:
    """A recognised institute whose enterprise record and application agree (registered 2015, 高新 as given)."""
    enterprise(client, registered_in_quzhou_on="2015-03-01", hitech_valid_until=hitech_valid_until)
    response = apply(client, application=eligibility_body(hitech_valid_until=hitech_valid_until))
    assert response.status_code == 201, response.text
    return recognise(client, response.json()["id"])


def report(client: TestClient, institute_id: int, year: int, figures: dict[str, str]) -> Any:
    return client.post(f"/v1/institutes/{institute_id}/annual-reports", json={"year": year, **figures})


def status_of(client: TestClient, institute_id: int) -> str:
    return str(client.get(f"/v1/institutes/{institute_id}").json()["status"])


def test_api_revokes_when_the_missing_year_of_a_pair_arrives_last(client: TestClient) -> None:
    institute = recognised_on_record(client)
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
    institute = recognised_on_record(client)  # recognised 2023-07-20
    r = revoke(client, institute["id"], "terminated", decided_on="2023-07-19")
    assert (r.status_code, r.json()["field"]) == (422, "decided_on")
    assert revoke(client, institute["id"], "terminated", decided_on="2023-07-20").status_code == 200


def test_rd_below_standard_twice_needs_the_reports_that_show_it(client: TestClient) -> None:
    institute = recognised_on_record(client)
    iid = institute["id"]
    none = revoke(client, iid, "rd_below_standard_twice")
    assert (none.status_code, none.json()["code"], none.json()["field"]) == (422, "ground_not_shown", "ground")
    report(client, iid, 2023, MISSES)  # one missed year: a yellow warning, not 连续两年
    once = revoke(client, iid, "rd_below_standard_twice")
    assert (once.status_code, once.json()["code"]) == (422, "ground_not_shown")
    assert "2023" in once.json()["detail"]
    assert status_of(client, iid) == "yellow_warning"


def test_lost_hitech_needs_the_record_to_show_it(client: TestClient) -> None:
    institute = recognised_on_record(client)  # the record: 高新 valid to 2024-12-31
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
    lapsed = recognised_on_record(client, hitech_valid_until="2024-12-31")
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
    institute = recognised_on_record(client, hitech_valid_until=valid)
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
    institute = recognised_on_record(client, hitech_valid_until=valid)
    assert client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"hitech_valid_until": None}).status_code == 200
    [event] = events(client, institute["id"])
    assert event["occurred_on"] == clock.today().isoformat()
    assert "资格被取消" in event["detail"]

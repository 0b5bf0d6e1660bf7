"""Issue 12 "Out of reach over HTTP": the calculators, the 互联网医院 route, and agreements linked across 统筹区.

Working days by hand on the State Council schedules: 2023 中秋/国庆 09-29..10-06 off, 10-07 and 10-08 working;
2024 国庆 10-01..10-07 off, 09-29 (Sun) and 10-12 (Sat) working.
"""

from medinsurance_testdata import agreement, institution
from testkit import identity_headers


def calc(client, name, body):
    r = client.post(f"/v1/calculators/{name}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_payment_within_thirty_working_days(client):
    # declared Fri 2023-09-01: 09-04..08 (5), 11..15 (10), 18..22 (15), 25..28 (19), 10-07 Sat (20), 10-08 Sun (21),
    # 10-09..13 (26), 10-16..19 (30)
    r = calc(client, "deadline", {"duty": "payment", "start": "2023-09-01"})
    assert r == {"deadline": "2023-10-19", "provisional": False, "basis": "衢医保发〔2023〕8号 四(六)"}


def test_change_request_within_thirty_working_days(client):
    # approved Fri 2024-09-20: 09-23..27 (5), 09-29 Sun (6), 09-30 (7), 10-08..11 (11), 10-12 Sat (12), 10-14..18 (17),
    # 10-21..25 (22), 10-28..31 (26), 11-01 (27), 11-04, 05, 06 (30)
    r = calc(client, "deadline", {"duty": "major_change", "start": "2024-09-20"})
    assert r["deadline"] == "2024-11-06" and "附件1 一(一)" in r["basis"]


def test_card_within_two_working_days(client):
    # admitted Fri 2024-09-27: 09-29 (Sun, 调休 working) is day 1, Mon 09-30 day 2
    assert calc(client, "deadline", {"duty": "emergency_card", "start": "2024-09-27"})["deadline"] == "2024-09-30"
    # Fri 2027-04-30: 05-01 劳动节 (fixed by date), 05-02 Sun, Mon 05-03 (1), Tue 05-04 (2); no 2027 schedule yet
    later = calc(client, "deadline", {"duty": "emergency_card", "start": "2027-04-30"})
    assert later["deadline"] == "2027-05-04" and later["provisional"] is True


def test_dispensing_days(client):
    # "一般慢性病不超过15天量", "纳入特殊病种及慢性病管理的疾病不超过12周量" (12 × 7 = 84); 不超过 includes the limit
    assert calc(client, "dispensing", {"on": "2024-01-01", "disease": "chronic", "days": 15})["allowed"] is True
    assert calc(client, "dispensing", {"on": "2024-01-01", "disease": "chronic", "days": 16})["allowed"] is False
    special = calc(client, "dispensing", {"on": "2024-01-01", "disease": "managed_special_chronic", "days": 85})
    assert special == {"allowed": False, "max_days": 84, "basis": "衢医保发〔2023〕8号 附件2 二(五)"}
    assert calc(client, "dispensing", {"on": "2024-01-01", "disease": "acute", "days": 7})["allowed"] is True


def test_password_strength(client):
    # "6位以上大小字母加数字": 6 characters suffice (以上 includes 6)
    assert calc(client, "password", {"on": "2024-01-01", "password": "Abc123"})["strong_enough"] is True
    weak = calc(client, "password", {"on": "2024-01-01", "password": "abc12"})
    assert weak["strong_enough"] is False and set(weak["problems"]) == {"长度不足6位", "缺少大写字母"}


def test_price_excess_not_paid(client):
    # 12.50 sold against a 10.00 支付价格, 3 units: excess 2.50 × 3 = 7.50 unpaid; 37.50 − 7.50 = 30.00 payable
    r = calc(client, "price-excess", {"unit_price": "12.50", "payment_standard": "10.00", "quantity": "3"})
    assert (r["payable"], r["unpaid_excess"]) == ("30.00", "7.50")


def test_non_renewal_notice_three_months(client):
    # term ends 2023-12-31; a request on 09-30 reaches 12-30 after 3 months (in time), one on 10-01 reaches 2024-01-01
    assert calc(client, "non-renewal-notice", {"requested_on": "2023-09-30", "ends_on": "2023-12-31"})["in_time"]
    late = calc(client, "non-renewal-notice", {"requested_on": "2023-10-01", "ends_on": "2023-12-31"})
    assert late["in_time"] is False and "附件1 一(三)3" in late["basis"]


def test_grade_change_schedule(client):
    # changed 2023-01-31: 一个月内 → 02-28 (month end, A-02); 六个月内 → 07-31; 验收 05-15 → 次月1日 06-01
    r = calc(client, "grade-change", {"changed_on": "2023-01-31", "accepted_on": "2023-05-15"})
    assert (r["filing_deadline"], r["preparation_deadline"], r["new_rates_from"]) == (
        "2023-02-28",
        "2023-07-31",
        "2023-06-01",
    )


def test_calendar_says_which_days_are_provisional(client):
    assert client.get("/v1/calculators/calendar/2027-01-01").json() == {
        "day": "2027-01-01",
        "working": False,
        "provisional": False,
        "source": "statutory-fixed",
    }
    assert client.get("/v1/calculators/calendar/2027-01-04").json()["provisional"] is True
    assert client.get("/v1/calculators/calendar/2026-01-01").json()["source"] == "chinesecalendar"
    assert client.get("/v1/calculators/calendar/9999-12-31").status_code == 422


# ---------------------------------------------------------------- 互联网医院 (二(一)1)


def test_internet_hospital_route(client):
    facts = {"kind": "internet_hospital", "operating_since": "2020-01-01"}
    alone = client.post("/v1/admission/institution-conditions", json={"on": "2024-01-01", "facts": facts}).json()
    assert alone["route"] == "not_eligible" and alone["conditions_met"] is False
    parent = client.post(
        "/v1/admission/institution-conditions",
        json={"on": "2024-01-01", "facts": facts, "physical_parent_designated": True},
    ).json()
    assert parent["route"] == "supplementary_agreement"
    assert parent["conditions_met"] is (not parent["unmet"])


# ---------------------------------------------------------------- linked agreements (附件1 一(三)3)


def linked_setup(client):
    inst = institution(client)
    home = agreement(client, inst, "2024-01-10")
    away = agreement(client, inst, "2024-02-01", pooling_area="江山市", original_document_number="江医保协〔2024〕8号")
    assert (home["pooling_area"], away["pooling_area"]) == ("柯城区", "江山市")
    same_area = {
        "institution_id": inst["id"],
        "signed_on": "2024-02-01",
        "original_document_number": "柯医保协〔2024〕9号",
    }
    same_area |= {"reason": "补录"}
    assert client.post("/v1/agreement-imports", json=same_area).status_code == 409  # one live agreement per 统筹区
    return home, away


def test_prefecture_suspension_reaches_other_areas(client):
    home, away = linked_setup(client)
    r = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "suspend", "on": "2024-05-01", "days": 60, "by_prefecture_office": True},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "suspended" and [a["id"] for a in r.json()["linked"]] == [away["id"]]
    other = r.json()["linked"][0]
    # 60 days from 05-01: 31 in May + 29 in June → last day 2024-06-29
    assert other["state"] == "suspended" and other["suspended_until"] == "2024-06-29"
    assert "附件1 一(三)3" in other["basis"]
    assert client.get(f"/v1/agreements/{away['id']}").json()["suspended_from"] == "2024-05-01"


def test_county_suspension_stays_in_its_area(client):
    home, away = linked_setup(client)
    r = client.post(f"/v1/agreements/{home['id']}/events", json={"event": "suspend", "on": "2024-05-01", "days": 60})
    assert r.json()["linked"] == []
    away_now = client.get(f"/v1/agreements/{away['id']}").json()
    assert away_now["suspended_from"] is None and away_now["suspensions_this_term"] == 0


def test_prefecture_termination_reaches_other_areas(client):
    home, away = linked_setup(client)
    r = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "terminate", "on": "2024-06-01", "clause": "五(三)5(3)", "by_prefecture_office": True},
    )
    assert r.json()["state"] == "terminated"
    assert client.get(f"/v1/agreements/{away['id']}").json()["terminated_on"] == "2024-06-01"


def test_prefecture_flag_only_for_city_clients_and_suspend_or_terminate(client):
    home, _ = linked_setup(client)
    county = identity_headers("medinsurance", district="柯城区")
    r = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "suspend", "on": "2024-05-01", "days": 60, "by_prefecture_office": True},
        headers=county,
    )
    assert r.status_code == 403 and r.json()["field"] == "by_prefecture_office"
    resume = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "resume", "on": "2024-05-01", "by_prefecture_office": True},
    )
    assert resume.status_code == 422


def test_decision_names_its_agreement_when_several_areas(client):
    home, away = linked_setup(client)
    body = {"institution_id": home["institution_id"], "case": "T3_1", "decided_on": "2024-05-01"}
    body |= {"violation_amount": "1000.00", "ratio": "0.10", "suspension_days": 30}
    unnamed = client.post("/v1/violations", json=body)
    assert unnamed.status_code == 422 and unnamed.json()["field"] == "agreement_id"
    named = client.post("/v1/violations", json={**body, "agreement_id": away["id"]})
    assert named.status_code == 201 and named.json()["agreement_id"] == away["id"]
    assert client.get(f"/v1/agreements/{away['id']}").json()["suspended_from"] == "2024-05-01"
    assert client.get(f"/v1/agreements/{home['id']}").json()["suspended_from"] is None


def test_deadline_late_in_2099_answers(client):
    # the last accepted date: 30 working days later falls in 2100, provisional, never a 5xx
    r = calc(client, "deadline", {"duty": "payment", "start": "2099-12-31"})
    assert r["deadline"] > "2100-01-01" and r["provisional"] is True

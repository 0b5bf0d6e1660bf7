"""How periods are counted, switched (issue 31): readings A-01/A-48 (does the day a 工作日 period runs from count?)
and A-02/A-49 (is a period of N months or years 满 on the corresponding day or the day after?) have one home, the
calendar book (``calendar.working_days_start``, ``calendar.period_complete_on``), consulted by every rule that counts
and switched per request in the what-ifs and the evaluation impact that count.

Every date below is counted by hand on the State Council's published 2023 schedule (as chinesecalendar holds it):
中秋节、国庆节 29 September – 6 October 2023 off, Saturday 7 and Sunday 8 October worked (调休).
"""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from medinsurance_testdata import application, application_event, institution

from medinsurance.parameters import in_force, params
from medinsurance.rules.agreements import payment_deadline
from medinsurance.rules.basis import complete_from, period_complete
from medinsurance.rules.evaluation import MedicalBasic
from medinsurance.rules.performance import reassessment_due
from medinsurance.rules.workdays import add_working_days

D = dt.date
ON = D(2023, 3, 1)
COUNTED = {"calendar.working_days_start": "counted"}
DAY_AFTER = {"calendar.period_complete_on": "day_after"}
PUBLISHED = params("calendar", ON)
START_COUNTED = in_force("calendar", ON, COUNTED).params
FULL_DAY_AFTER = in_force("calendar", ON, DAY_AFTER).params


# ---------------------------------------------------------------- 工作日


def test_thirty_working_days_to_pay_across_the_2023_national_day_holiday() -> None:
    """四(六) "申报后30个工作日内拨付", declared Thursday 2023-09-28 (a working day).

    Not counted (chosen): 9/29–10/6 off; 10/7 Sat (1), 10/8 Sun (2), 10/9–13 (3–7), 10/16–20 (8–12), 10/23–27
    (13–17), 10/30–11/3 (18–22), 11/6–10 (23–27), 11/13 (28), 11/14 (29), 11/15 (30) → 2023-11-15.
    Counted: 9/28 is day 1, so every later day is one further on: 11/14 is the 30th → 2023-11-14."""
    agreement = params("agreement", ON)
    assert payment_deadline(D(2023, 9, 28), agreement, PUBLISHED).date == D(2023, 11, 15)
    assert payment_deadline(D(2023, 9, 28), agreement, START_COUNTED).date == D(2023, 11, 14)


def test_a_start_day_off_work_counts_for_nothing_either_way() -> None:
    """Declared Saturday 2023-09-30 (国庆节, off): counted or not, the first working day is 10/7, so the 30th is
    2023-11-15 (10/7 (1), 10/8 (2), then as above) by both readings."""
    agreement = params("agreement", ON)
    assert payment_deadline(D(2023, 9, 30), agreement, PUBLISHED).date == D(2023, 11, 15)
    assert payment_deadline(D(2023, 9, 30), agreement, START_COUNTED).date == D(2023, 11, 15)


def test_a_worked_saturday_is_a_first_day() -> None:
    """5 working days from Saturday 2023-10-07, a 调休 working day. Not counted: 10/8 Sun (1), 10/9 (2), 10/10 (3),
    10/11 (4), 10/12 (5) → 10/12. Counted: 10/7 (1), 10/8 (2), 10/9 (3), 10/10 (4), 10/11 (5) → 10/11."""
    assert add_working_days(D(2023, 10, 7), 5, start_counted=False).date == D(2023, 10, 12)
    assert add_working_days(D(2023, 10, 7), 5, start_counted=True).date == D(2023, 10, 11)
    assert add_working_days(D(2023, 10, 7), 0, start_counted=True).date == D(2023, 10, 7)  # no days: the day itself


def deadline(client: TestClient, duty: str, start: str, parameters: dict[str, str] | None = None) -> Any:
    r = client.post("/v1/calculators/deadline", json={"duty": duty, "start": start, "parameters": parameters})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_deadline_what_if_counts_the_start_day(client: TestClient) -> None:
    """The deadline calculator takes the switch per request. 附件2 二(十四) "两个工作日内补办", admitted Thursday
    2023-09-28: not counted → 10/7 (1), 10/8 (2) = 2023-10-08; counted → 9/28 (1), 10/7 (2) = 2023-10-07.
    四(六) payment as worked above: 2023-11-15, counted 2023-11-14."""
    assert deadline(client, "emergency_card", "2023-09-28")["deadline"] == "2023-10-08"
    switched = deadline(client, "emergency_card", "2023-09-28", COUNTED)
    assert (switched["deadline"], switched["scenario"]) == ("2023-10-07", COUNTED)
    assert deadline(client, "payment", "2023-09-28")["deadline"] == "2023-11-15"
    assert deadline(client, "payment", "2023-09-28", COUNTED)["deadline"] == "2023-11-14"
    # a figure of the duty's own book and the calendar's reading, switched together: 10 working days counted
    # from 9/28: 9/28 (1), 10/7 (2), 10/8 (3), 10/9–13 (4–8), 10/16 (9), 10/17 (10) → 2023-10-17
    both = COUNTED | {"agreement.payment_working_days": "10"}
    r = client.post("/v1/calculators/deadline", json={"duty": "payment", "start": "2023-09-28", "parameters": both})
    assert r.json()["deadline"] == "2023-10-17"
    assert "calendar=2023-02-18+scenario@" in r.headers["x-parameter-versions"]


def test_a_penalty_paid_in_working_days_counts_as_the_calendar_reads(client: TestClient) -> None:
    """五(五) 30 days read as working days (A-11's other reading) counted as A-01 reads them: decided 2023-09-28, due
    2023-11-15, or 2023-11-14 with the decision day counted (as the payment above)."""
    body = {"tier": 3, "violation_amount": "1000", "ratio": "0.15", "decided_on": "2023-09-28"}
    working = {"sanctions.payment_due_counting": "working_days"}
    due = [
        client.post("/v1/violations/penalty", json=body | {"parameters": parameters}).json()["due_on"]
        for parameters in (working, working | COUNTED)
    ]
    assert due == ["2023-11-15", "2023-11-14"]


def test_a_supplement_deadline_stored_with_the_published_count(client: TestClient) -> None:
    """二(三)2 "5个工作日内补正", notice Saturday 2023-10-07 (a worked 调休 day); a stored command takes the published
    reading, not counted: 10/8 (1), 10/9 (2), 10/10 (3), 10/11 (4), 10/12 (5) → 2023-10-12."""
    app = application(client, institution(client, name="柯城丁诊所"), pre="2023-03-01")
    assert application_event(client, app["id"], "submit", "2023-10-06").status_code == 200
    r = application_event(client, app["id"], "request_supplement", "2023-10-07")
    assert r.json()["supplement_deadline"] == "2023-10-12"


# ---------------------------------------------------------------- 满


def test_three_months_full_on_the_anniversary_or_the_day_after() -> None:
    """Since 2023-03-01, 3 months: the corresponding day is 2023-06-01 (满 then, chosen), or 06-02 (day_after)."""
    assert complete_from(D(2023, 3, 1), 3, PUBLISHED) == D(2023, 6, 1)
    assert complete_from(D(2023, 3, 1), 3, FULL_DAY_AFTER) == D(2023, 6, 2)
    assert period_complete(D(2023, 3, 1), D(2023, 6, 1), 3, PUBLISHED)
    assert not period_complete(D(2023, 3, 1), D(2023, 6, 1), 3, FULL_DAY_AFTER)
    # a month with no corresponding day ends on its last: 2023-11-30 + 3 months → 2024-02-29 (leap year), or 03-01
    assert complete_from(D(2023, 11, 30), 3, PUBLISHED) == D(2024, 2, 29)
    assert complete_from(D(2023, 11, 30), 3, FULL_DAY_AFTER) == D(2024, 3, 1)


def test_a_reassessment_three_months_after_suspension(client: TestClient) -> None:
    """A-49, 附件1 二(四)2 "整改3个月后再进行考核": suspended 2024-04-30 → 2024-07-30 (chosen) or 07-31; suspended
    2024-11-30 → 2025-02-28 (no 30 February) or 2025-03-01."""
    performance = params("performance", D(2024, 4, 30))
    assert reassessment_due(D(2024, 4, 30), performance, PUBLISHED) == D(2024, 7, 30)
    assert reassessment_due(D(2024, 4, 30), performance, FULL_DAY_AFTER) == D(2024, 7, 31)
    assert reassessment_due(D(2024, 11, 30), performance, FULL_DAY_AFTER) == D(2025, 3, 1)


def conditions(client: TestClient, on: str, parameters: dict[str, str] | None = None) -> Any:
    facts = {"kind": "primary_care", "operating_since": "2023-03-01", "qualified_physicians": 3}
    r = client.post("/v1/admission/institution-conditions", json={"on": on, "facts": facts, "parameters": parameters})
    assert r.status_code == 200, r.text
    return {u["code"]: u["reason"] for u in r.json()["unmet"]}


def test_operating_three_months_in_the_admission_what_if(client: TestClient) -> None:
    """二(一)2(1) "正式运营至少3个月", operating since 2023-03-01: on 2023-06-01 met (chosen); read the other way, unmet
    until 06-02, and the reason names that day."""
    assert "operating_months" not in conditions(client, "2023-06-01")
    switched = conditions(client, "2023-06-01", DAY_AFTER)
    assert switched["operating_months"] == "正式运营未满3个月(满于2023-06-02)"
    assert "operating_months" not in conditions(client, "2023-06-02", DAY_AFTER)


def refusal(client: TestClient, on: str, parameters: dict[str, str] | None = None) -> Any:
    body = {"pharmacy": False, "on": on, "fraud_found_on": ["2020-06-01"], "parameters": parameters}
    r = client.post("/v1/refusal-check", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_fraud_bar_ends_a_day_later_read_the_other_way(client: TestClient) -> None:
    """医疗机构(4) "自发现之日起未满3年", found 2020-06-01: 满 on 2023-06-01, so 未满 until 2023-05-31 (chosen); with
    满 the day after the anniversary, 未满 until 2023-06-01, the day that was already free."""
    assert refusal(client, "2023-06-01")["refused"] is False
    switched = refusal(client, "2023-06-01", DAY_AFTER)
    assert (switched["refused"], switched["findings"][0]["until"]) == (True, "2023-06-01")
    assert refusal(client, "2023-05-31")["findings"][0]["until"] == "2023-05-31"
    assert refusal(client, "2023-06-02", DAY_AFTER)["refused"] is False


# 附件4 表1, the sheet of test_medinsurance_evaluations' M at 85: every item full (100) but item 14 (4 家 already in
# the community: 0 of 10) and item 4 (a verified price complaint: 0 of 5) — 100 − 10 − 5 = 85, item 6 (经营时间)
# at 5, its band for 满24个月.
AT_85 = {
    "management_quality": "2",
    "premises": {"owned": True, "area_m2": "500", "comfort": "2"},
    "intermediate_physicians": 3,
    "practice_subjects": 4,
    "community_designated": 4,
    "disclosure": {"verified_price_complaints": 1},
}


def test_an_evaluation_at_exactly_two_years_fails_when_full_only_the_day_after(client: TestClient) -> None:
    """附件4 表1 item 6 经营时间 bands (满24个月 5, 满12个月 3), licensed 2021-06-20, evaluated 2023-06-20: 24 months
    are 满 on the day (chosen), 5 points, total 85, pass (85分(含)以上). Read the other way they are 满 only on 06-21:
    the 12-month band, 3 points, 85 − 5 + 3 = 83, fail. The impact of 2023 finds that one outcome changed."""
    inst = institution(client, name="柯城戊诊所")
    app = application(client, inst, pre="2023-03-01")
    for event, day in (("submit", "2023-06-01"), ("accept", "2023-06-05")):
        assert application_event(client, app["id"], event, day).status_code == 200
    sheet = {
        "kind": "medical_institution",
        "evaluated_on": "2023-06-20",
        "accepted_on": "2023-06-05",
        "basic": dict.fromkeys(MedicalBasic, True),
        "licences": [{"approved_on": "2021-06-20", "uscc": "91110000600037341L"}],
        "sheets": [AT_85],
    }
    r = client.post("/v1/evaluations", json={"application_id": app["id"], "evaluation": sheet})
    assert (r.status_code, r.json()["total"], r.json()["qualified"]) == (201, 85.0, True), r.text
    what_if = client.post("/v1/evaluations/score", json=sheet | {"parameters": DAY_AFTER}).json()
    assert (what_if["total"], what_if["qualified"]) == ("83.00", False)
    body = {"evaluated_from": "2023-01-01", "evaluated_to": "2023-12-31", "parameters": DAY_AFTER}
    result = client.post("/v1/impact/evaluations", json=body).json()
    assert (result["records"], result["outcome_changed"]) == (1, 1)
    assert (result["largest"][0]["outcome_before"], result["largest"][0]["outcome_after"]) == ("pass", "fail")
    used = {x["parameter"]: (x["before"], x["after"]) for x in result["readings"]}
    assert used["calendar.period_complete_on"] == ("anniversary", "day_after")
    assert used["calendar.working_days_start"] == ("not_counted", "not_counted")
    assert result["parameter_versions"]["after"] == "calendar=2023-02-18+scenario, evaluation=2023-02-18"


def test_both_readings_are_listed_with_what_they_switch(client: TestClient) -> None:
    listed = {r["parameter"]: r for r in client.get("/v1/readings", params={"on": "2023-06-01"}).json()}
    counted, full = listed["calendar.working_days_start"], listed["calendar.period_complete_on"]
    assert (counted["id"], full["id"]) == ("A-01", "A-02")
    assert [(c["value"], c["chosen"]) for c in counted["readings"]] == [("not_counted", True), ("counted", False)]
    assert [(c["value"], c["chosen"]) for c in full["readings"]] == [("anniversary", True), ("day_after", False)]
    assert "POST /v1/calculators/deadline" in counted["calculators"]
    assert "POST /v1/impact/evaluations" in full["calculators"]

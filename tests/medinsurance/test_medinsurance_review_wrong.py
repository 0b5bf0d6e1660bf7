"""Issue 12 "Wrong": the seven rules a clause-by-clause review of 衢医保发〔2023〕8号 found wrong.

Working days are counted by hand on the 2023 State Council schedule (端午 06-22..06-24 with 06-25 working;
中秋/国庆 09-29..10-06 with 10-07 and 10-08 working).
"""

import datetime as dt
from decimal import Decimal

import pytest
from medinsurance_testdata import agreement as imported_agreement
from medinsurance_testdata import institution

from medinsurance.parameters import params
from medinsurance.rules import agreements as ag
from medinsurance.rules.application import AppEvent, Application, AppState, Books, ProcessError, step, waiting_bar
from medinsurance.rules.performance import Category, ItemInput, score_table
from medinsurance.rules.sanctions import case_applies, penalty

D = dt.date
PROCESS = params("process", D(2023, 3, 1))
BOOKS = Books(PROCESS, params("evaluation", D(2023, 3, 1)))
AGREEMENT = params("agreement", D(2023, 3, 1))
SANCTIONS = params("sanctions", D(2023, 3, 1))
PERFORMANCE = params("performance", D(2023, 3, 1))


def application(client, inst, pre="2023-03-01"):
    r = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": pre})
    assert r.status_code == 201, r.text
    return r.json()


def event(client, app_id, name, on, **kw):
    return client.post(f"/v1/applications/{app_id}/events", json={"event": name, "on": on, **kw})


def agreement_event(client, agreement_id, name, on, **kw):
    return client.post(f"/v1/agreements/{agreement_id}/events", json={"event": name, "on": on, **kw})


# ---------------------------------------------------------------- 一次性告知 (二(三)2)


def test_second_supplement_notice_refused():
    app = step(Application(AppState.TRIAL, D(2023, 3, 1)), AppEvent.SUBMIT, D(2023, 6, 1), BOOKS)
    noticed = step(app, AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 2), BOOKS)
    # Fri 06-02 not counted; Mon 06-05 … Fri 06-09 are working days 1–5.
    assert noticed.supplement_deadline == D(2023, 6, 9)
    completed = step(noticed, AppEvent.COMPLETE_SUPPLEMENT, D(2023, 6, 5), BOOKS)
    with pytest.raises(ProcessError, match="一次性告知"):
        step(completed, AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 6), BOOKS)


def test_second_supplement_notice_refused_over_http(client):
    app = application(client, institution(client))
    event(client, app["id"], "submit", "2023-06-01")
    assert event(client, app["id"], "request_supplement", "2023-06-02").json()["supplement_deadline"] == "2023-06-09"
    event(client, app["id"], "complete_supplement", "2023-06-05")
    again = event(client, app["id"], "request_supplement", "2023-06-06")
    assert again.status_code == 409 and "一次性告知" in again.json()["detail"]


# ---------------------------------------------------------------- waiting periods bind the USCC


def test_withdrawal_wait_binds_the_entity_not_the_row(client):
    first = institution(client)
    app = application(client, first)
    event(client, app["id"], "submit", "2023-06-01")
    event(client, app["id"], "request_supplement", "2023-06-02")  # 补正 deadline 2023-06-09 (above)
    withdrawn = event(client, app["id"], "lapse_supplement", "2023-06-12").json()
    # withdrawn from 06-10 (the day after the deadline); "须3个月后方可再次申请" → from 2023-09-10 (reading A-07)
    assert withdrawn["state"] == "withdrawn" and withdrawn["reapply_from"] == "2023-09-10"
    # a second institution row of the same operating entity, its trial complete since 2023-04-01
    other = application(client, institution(client, name="柯城康复诊所二部", address="柯城区荷花街道2号"), "2023-01-01")
    refused = event(client, other["id"], "submit", "2023-09-09")
    assert refused.status_code == 409 and refused.json()["code"] == "waiting_period"
    assert refused.json()["until"] == "2023-09-09" and refused.json()["field"] == "on"
    assert event(client, other["id"], "submit", "2023-09-10").json()["state"] == "submitted"


def test_second_failure_bar_ends_on_the_anniversary():
    barred = Application(AppState.BARRED, D(2022, 1, 1), barred_until=D(2024, 7, 1))
    # "1年内不得再次申请", 内 includes the anniversary (reading A-03)
    bar = waiting_bar([barred], D(2024, 7, 1))
    assert bar is not None and bar.until == D(2024, 7, 1) and "二(三)3" in bar.basis
    assert waiting_bar([barred], D(2024, 7, 2)) is None
    withdrawn = Application(AppState.WITHDRAWN, D(2022, 1, 1), reapply_from=D(2024, 9, 1))
    assert waiting_bar([barred, withdrawn], D(2024, 6, 1)).until == D(2024, 8, 31)  # the later end wins


# ---------------------------------------------------------------- events in order (二(三))


def test_steps_may_not_precede_the_previous_one():
    submitted = step(Application(AppState.TRIAL, D(2023, 3, 1)), AppEvent.SUBMIT, D(2023, 6, 1), BOOKS)
    with pytest.raises(ProcessError, match="早于"):
        step(submitted, AppEvent.ACCEPT, D(2023, 5, 31), BOOKS)
    accepted = step(submitted, AppEvent.ACCEPT, D(2023, 6, 1), BOOKS)  # the same day is not earlier
    with pytest.raises(ProcessError, match="早于"):
        step(accepted, AppEvent.EVALUATE, D(2023, 5, 20), BOOKS, score=Decimal(90))
    passed = step(accepted, AppEvent.EVALUATE, D(2023, 6, 20), BOOKS, score=Decimal(90))
    approved = step(passed, AppEvent.APPROVE, D(2023, 7, 10), BOOKS)
    with pytest.raises(ProcessError, match="早于"):
        step(approved, AppEvent.SIGN, D(2020, 7, 10), BOOKS)


def test_out_of_order_events_over_http(client):
    inst = institution(client)
    app = application(client, inst)
    early = event(client, app["id"], "submit", "2023-02-01")  # before the pre-registration itself
    assert early.status_code == 409
    event(client, app["id"], "submit", "2023-06-01")
    assert event(client, app["id"], "accept", "2023-05-31").status_code == 409
    agreement = imported_agreement(client, inst, "2023-07-01")
    before_signing = agreement_event(client, agreement["id"], "suspend", "2023-06-30", days=30)
    assert before_signing.status_code == 409 and "早于" in before_signing.json()["detail"]
    assert agreement_event(client, agreement["id"], "terminate", "2022-07-01").status_code == 409


# ---------------------------------------------------------------- tier-3 cases by kind (五(三)3)


def test_tier3_cases_by_kind():
    for item in range(13, 22):
        assert case_applies(f"T3_{item}", pharmacy=False) and not case_applies(f"T3_{item}", pharmacy=True)
    for item in (12, 22, 23):
        assert case_applies(f"T3_{item}", pharmacy=True) and not case_applies(f"T3_{item}", pharmacy=False)
    for common in ("T3_1", "T3_11", "T3_24", "T1_1", "T5_7"):
        assert case_applies(common, pharmacy=True) and case_applies(common, pharmacy=False)


def test_case_against_wrong_kind_refused_over_http(client):
    clinic = institution(client)
    pharmacy = institution(client, name="荷花大药房", kind="retail_pharmacy")
    body = {"case": "T3_22", "decided_on": "2023-05-01", "violation_amount": "1000.00", "ratio": "0.10"}
    wrong = client.post("/v1/violations", json={**body, "institution_id": clinic["id"]})
    assert wrong.status_code == 422 and wrong.json()["field"] == "case"
    assert client.post("/v1/violations", json={**body, "institution_id": pharmacy["id"]}).status_code == 201
    drg = client.post("/v1/violations", json={**body, "case": "T3_13", "institution_id": pharmacy["id"]})
    assert drg.status_code == 422 and "定点医疗机构" in drg.json()["detail"]


# ---------------------------------------------------------------- renewal and a running 中止 (附件1 一(三)1)


def test_renewal_cannot_erase_a_running_suspension():
    # 90 days from 2023-11-01: 30 (Nov) + 31 (Dec) + 29 → last day 2024-01-29, past the 2023-12-31 term end
    running = ag.suspend(ag.first_term(D(2023, 1, 1)), D(2023, 11, 1), 90, AGREEMENT)
    assert running.suspended_until == D(2024, 1, 29)
    with pytest.raises(ag.AgreementError, match="中止期间不能续签"):
        ag.renew(ag.status_on(running, D(2023, 12, 1), AGREEMENT), D(2023, 12, 1), AGREEMENT)
    ended = ag.status_on(running, D(2024, 1, 1), AGREEMENT)
    assert ended.state is ag.AgreementState.TERMINATED and ended.terminated_on == D(2024, 1, 1)
    with pytest.raises(ag.AgreementError):
        ag.renew(ended, D(2024, 1, 1), AGREEMENT)


def test_renewal_honours_its_date():
    resumed = ag.resume(
        ag.suspend(ag.first_term(D(2023, 1, 1)), D(2023, 6, 1), 30, AGREEMENT), D(2023, 7, 1), AGREEMENT
    )
    with pytest.raises(ag.AgreementError, match="早于"):
        ag.renew(resumed, D(2023, 6, 30), AGREEMENT)  # before the resumption
    renewed = ag.renew(resumed, D(2023, 12, 1), AGREEMENT)
    assert (renewed.starts_on, renewed.ends_on, renewed.last_event_on) == (
        D(2024, 1, 1),
        D(2024, 12, 31),
        D(2023, 12, 1),
    )
    assert renewed.suspensions_this_term == 0  # the ended 中止 belonged to the 2023 term


def test_renewal_over_http_uses_the_event_date(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    agreement_event(client, agreement["id"], "suspend", "2023-11-01", days=90)
    refused = agreement_event(client, agreement["id"], "renew", "2023-12-01")
    assert refused.status_code == 409 and "中止" in refused.json()["detail"]
    late = agreement_event(client, agreement["id"], "renew", "2024-02-01")
    assert late.status_code == 409  # the 中止 ran past 2023-12-31: this term's agreement is 解除


# ---------------------------------------------------------------- tier 4/5 decisions reach the agreement


def test_zero_penalty_has_no_due_date():
    # tier 3, 10% of 0.00 = 0.00: nothing to pay, so no "30日内完成缴款" date
    nothing = penalty(3, Decimal("0.00"), Decimal("0.10"), SANCTIONS, decided_on=D(2023, 5, 1))
    assert nothing.amount == Decimal("0.00") and nothing.due_on is None
    # 1000.00 × 10% = 100.00, due 30 calendar days after 2023-05-01 → 2023-05-31
    due = penalty(3, Decimal("1000.00"), Decimal("0.10"), SANCTIONS, decided_on=D(2023, 5, 1))
    assert (due.amount, due.due_on) == (Decimal("100.00"), D(2023, 5, 31))
    # tier 5 allows no 违约金: ratio 0 → 0.00 and no due date
    assert penalty(5, Decimal("5000.00"), Decimal(0), SANCTIONS, decided_on=D(2023, 5, 1)).due_on is None


def test_tier5_decision_terminates_agreement_and_bars_reapplication(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    decision = client.post(
        "/v1/violations",
        json={"institution_id": inst["id"], "case": "T5_7", "decided_on": "2023-04-01", "violation_amount": "0.00"},
    ).json()
    assert decision["penalty"] == "0.00" and decision["penalty_due_on"] is None
    shown = client.get(f"/v1/agreements/{agreement['id']}").json()
    assert shown["state"] == "terminated" and shown["terminated_on"] == "2023-04-01"  # not "expired" on 2024-01-01
    assert "五(三)5(7)" in shown["basis"]
    # 医疗机构(6) "被解除医保协议未满1年": refused through 2024-03-31, the day before the anniversary
    app = application(client, inst, "2023-06-01")
    refused = event(client, app["id"], "submit", "2024-03-31")
    assert refused.status_code == 409 and refused.json()["until"] == "2024-03-31"
    assert event(client, app["id"], "submit", "2024-04-01").json()["state"] == "submitted"


def test_tier4_may_choose_termination_and_other_tiers_may_not(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    body = {"institution_id": inst["id"], "decided_on": "2023-04-01", "violation_amount": "0.00"}
    tier3 = client.post("/v1/violations", json={**body, "case": "T3_1", "ratio": "0.10", "terminate_agreement": True})
    assert tier3.status_code == 422 and tier3.json()["field"] == "terminate_agreement"
    both = client.post(
        "/v1/violations", json={**body, "case": "T4_1", "terminate_agreement": True, "suspension_days": 60}
    )
    assert both.status_code == 422
    assert client.post("/v1/violations", json={**body, "case": "T4_1", "terminate_agreement": True}).status_code == 201
    assert client.get(f"/v1/agreements/{agreement['id']}").json()["state"] == "terminated"


def test_termination_procedure_steps_in_order(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    url = f"/v1/agreements/{agreement['id']}/termination-steps"
    assert client.post(url, json={"step": "stop_settlement", "on": "2023-04-01"}).status_code == 409  # not decided
    client.post(
        "/v1/violations",
        json={"institution_id": inst["id"], "case": "T5_2", "decided_on": "2023-04-01", "violation_amount": "0.00"},
    )
    assert client.post(url, json={"step": "decision", "on": "2023-04-01"}).status_code == 409  # 1. comes first
    assert client.post(url, json={"step": "stop_settlement", "on": "2023-03-31"}).status_code == 409  # before 解除
    client.post(url, json={"step": "stop_settlement", "on": "2023-04-01"})
    assert client.post(url, json={"step": "decision", "on": "2023-03-31"}).status_code == 409
    client.post(url, json={"step": "decision", "on": "2023-04-03"})
    client.post(url, json={"step": "final_settlement", "on": "2023-04-20"})
    done = client.post(url, json={"step": "liquidation", "on": "2024-03-31"}).json()
    assert [s["step"] for s in done["termination_steps"]] == [
        "stop_settlement",
        "decision",
        "final_settlement",
        "liquidation",
    ]
    assert client.post(url, json={"step": "liquidation", "on": "2024-04-01"}).status_code == 409


# ---------------------------------------------------------------- 累计计算扣分,扣完为止 (the three tables)


def test_work_completion_deductions_accumulate_across_the_group():
    # 门诊类 4 工作完成情况: 结算率 10 + 非标率 5 + 其它重点工作 10 + 日常工作 10 = 35 points.
    # 结算率 12 points short → 12 deducted; the group keeps 35 − 12 = 23 (not 35 − 10 = 25 row by row).
    result = score_table(Category.OUTPATIENT, {"O04a": ItemInput(units={"shortfall_points": Decimal(12)})}, PERFORMANCE)
    group = {i.code: i.score for i in result.items if i.section == "工作完成情况"}
    assert sum(group.values()) == Decimal(23)
    assert group["O04a"] == 0 and group["O04b"] == 3  # the 2 points over 结算率's 10 come off the next row
    # 100 − 2 (O13/O14 unentered = unchanged, 1 of 2 each, A-42) − 12 = 86
    assert result.total == Decimal(86)


def test_group_stops_at_its_total():
    # 药店 4 (with 日常工作 P05a, A-21): 10 + 5 + 10 + 10 = 35; deductions 30 + 5 (非标率 not met) + 8 + 12 = 55 > 35
    inputs = {
        "P04a": ItemInput(units={"shortfall_points": Decimal(30)}),
        "P04b": ItemInput(met=False),
        "P04c": ItemInput(deduction=Decimal(8)),
        "P05a": ItemInput(units={"incidents": Decimal(12)}),
    }
    result = score_table(Category.PHARMACY, inputs, PERFORMANCE)
    assert sum(i.score for i in result.items if i.section == "工作完成情况") == 0
    # 100 − 1 (P12 unchanged, A-42) − 35 = 64: 扣完为止 at the group's total
    assert result.total == Decimal(64)
    # 综合类 14: 10 + 5 + 15 = 30; 5 short on 结算率 and 其他重点工作 −4 → 30 − 9 = 21
    comp = score_table(
        Category.COMPREHENSIVE,
        {"C14a": ItemInput(units={"shortfall_points": Decimal(5)}), "C14c": ItemInput(deduction=Decimal(4))},
        PERFORMANCE,
    )
    assert sum(i.score for i in comp.items if i.section == "工作完成情况") == Decimal(21)


def test_terminate_records_decision_date():
    t = ag.terminate(ag.first_term(D(2023, 1, 1)), D(2023, 4, 1), "x", "五(三)5(2)")
    assert t.last_event_on == D(2023, 4, 1)

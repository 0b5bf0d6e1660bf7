import datetime as dt

import pytest

from medinsurance.parameters import in_force, params
from medinsurance.rules import agreements as ag
from medinsurance.rules.agreements import (
    AgreementError,
    AgreementState,
    check_non_renewal_notice,
    check_voluntary,
    first_term,
    grade_change,
    major_change_deadline,
    next_termination_step,
    relocation_needs_approval,
    renew,
    resume,
    status_on,
    suspend,
    terminate,
)
from qz_common.params import ParameterSet

D = dt.date
P = params("agreement", D(2023, 3, 1))
CALENDAR = params("calendar", P.effective_from)  # how periods are counted (readings)


def test_first_term_to_31_december_and_renewal_one_year():
    a = first_term(D(2023, 8, 20))
    assert a.ends_on == D(2023, 12, 31)
    r = renew(a, D(2023, 12, 1), P)
    assert (r.starts_on, r.ends_on) == (D(2024, 1, 1), D(2024, 12, 31))
    assert status_on(a, D(2024, 1, 1), P).state is AgreementState.EXPIRED
    assert status_on(a, D(2023, 12, 31), P).state is AgreementState.ACTIVE


def test_suspension_max_180_days():
    a = first_term(D(2023, 1, 1))
    with pytest.raises(AgreementError):
        suspend(a, D(2023, 2, 1), 181, P)
    s = suspend(a, D(2023, 2, 1), 180, P)
    assert s.state is AgreementState.SUSPENDED and s.suspended_until == D(2023, 7, 30)


def test_auto_termination_after_180_days():
    s = suspend(first_term(D(2023, 1, 1)), D(2023, 2, 1), 30, P)
    assert status_on(s, D(2023, 7, 30), P).state is AgreementState.SUSPENDED  # 180th day
    t = status_on(s, D(2023, 7, 31), P)
    assert t.state is AgreementState.TERMINATED and t.terminated_on == D(2023, 7, 31)


def test_suspension_past_term_end_terminates_this_term():
    s = suspend(first_term(D(2023, 1, 1)), D(2023, 11, 1), 90, P)
    assert status_on(s, D(2024, 1, 1), P).state is AgreementState.TERMINATED
    r = resume(s, D(2023, 12, 1), P)
    assert r.state is AgreementState.ACTIVE


def test_second_suspension_in_term_terminates():
    s = suspend(first_term(D(2023, 1, 1)), D(2023, 2, 1), 30, P)
    r = resume(s, D(2023, 3, 3), P)
    t = suspend(r, D(2023, 5, 1), 30, P)
    assert t.state is AgreementState.TERMINATED
    assert "五(三)5(1)" in t.basis
    fresh = renew(r, D(2023, 12, 1), P)
    assert suspend(fresh, D(2024, 2, 1), 30, P).state is AgreementState.SUSPENDED


def test_voluntary_three_months_notice_and_public_refused():
    a = first_term(D(2023, 1, 1))
    check_voluntary(a, D(2023, 3, 1), D(2023, 6, 1), P)
    with pytest.raises(AgreementError, match="提前3个月"):
        check_voluntary(a, D(2023, 3, 2), D(2023, 6, 1), P)
    public = first_term(D(2023, 1, 1)).__class__(**{**a.__dict__, "public_institution": True})
    with pytest.raises(AgreementError, match="公立医疗机构"):
        check_voluntary(public, D(2023, 1, 1), D(2023, 12, 1), P)
    with pytest.raises(AgreementError):
        suspend(public, D(2023, 6, 1), 30, P, voluntary=True, notified_on=D(2023, 1, 1))
    check_non_renewal_notice(D(2023, 9, 30), D(2023, 12, 31), P)
    with pytest.raises(AgreementError):
        check_non_renewal_notice(D(2023, 10, 1), D(2023, 12, 31), P)


def test_major_change_thirty_working_days():
    r = major_change_deadline(D(2023, 9, 1), P, CALENDAR)
    # Sept 2023: 中秋/国庆 09-29..10-06 off, 10-07/10-08 调休 working
    assert r.date == D(2023, 10, 19)
    assert major_change_deadline(D(2026, 12, 1), P, CALENDAR).provisional


def test_grade_change_schedule():
    g = grade_change(D(2023, 1, 31), P, accepted_on=D(2023, 5, 15))
    assert g.filing_deadline == D(2023, 2, 28)
    assert g.preparation_deadline == D(2023, 7, 31)
    assert g.new_rates_from == D(2023, 6, 1)
    assert grade_change(D(2023, 12, 10), P, accepted_on=D(2023, 12, 31)).new_rates_from == D(2024, 1, 1)


def test_relocation_needs_approval():
    assert relocation_needs_approval(pharmacy=True, secondary_or_above=False, cross_community=True)
    assert relocation_needs_approval(pharmacy=False, secondary_or_above=False, cross_community=True)
    assert not relocation_needs_approval(pharmacy=False, secondary_or_above=True, cross_community=True)
    assert not relocation_needs_approval(pharmacy=True, secondary_or_above=False, cross_community=False)


def test_termination_and_procedure_order():
    t = terminate(first_term(D(2023, 1, 1)), D(2023, 4, 1), "被吊销许可证", "五(三)5(7)")
    assert t.state is AgreementState.TERMINATED
    with pytest.raises(AgreementError):
        terminate(t, D(2023, 4, 2), "x", "五(三)5(7)")
    with pytest.raises(AgreementError):
        renew(t, D(2023, 5, 1), P)
    assert next_termination_step(frozenset()) == "stop_settlement"
    assert next_termination_step(frozenset({"stop_settlement", "decision"})) == "final_settlement"
    assert next_termination_step(frozenset({"stop_settlement", "decision", "final_settlement", "liquidation"})) is None


def test_second_suspension_while_still_suspended_terminates():
    s = suspend(first_term(D(2023, 1, 1)), D(2023, 2, 1), 30, P)
    t = suspend(s, D(2023, 3, 10), 60, P)
    assert t.state is AgreementState.TERMINATED and t.terminated_on == D(2023, 3, 10)


def test_payment_thirty_working_days_and_reassessment():
    from medinsurance.rules.agreements import payment_deadline
    from medinsurance.rules.performance import reassessment_due

    assert payment_deadline(D(2023, 9, 1), P, CALENDAR).date == D(2023, 10, 19)
    performance = params("performance", D(2024, 4, 30))
    assert reassessment_due(D(2024, 4, 30), performance, CALENDAR) == D(2024, 7, 30)
    assert reassessment_due(D(2024, 11, 30), performance, CALENDAR) == D(2025, 2, 28)


def test_resume_requires_suspension_and_renew_after_expiry():
    a = first_term(D(2023, 1, 1))
    with pytest.raises(AgreementError):
        resume(a, D(2023, 2, 1), P)
    expired = status_on(a, D(2024, 1, 1), P)
    with pytest.raises(AgreementError, match="到期"):  # reading A-60: a lapsed agreement is signed anew
        renew(expired, D(2024, 1, 1), P)
    t = terminate(a, D(2023, 3, 1), "x", "五(三)5(2)")
    with pytest.raises(AgreementError):
        suspend(t, D(2023, 3, 2), 30, P)


def test_a_new_agreement_is_not_voluntarily_suspended() -> None:
    # 二(三)4 a first term runs to 31 December; 附件1 一(三)3 a voluntary 中止 exists only once applied for
    agreement = first_term(dt.date(2023, 3, 1))
    assert (agreement.ends_on, agreement.voluntary_suspension) == (dt.date(2023, 12, 31), False)


AGREEMENT = params("agreement", dt.date(2023, 3, 1))


def test_a_suspension_of_a_single_day_is_allowed() -> None:
    # 附件1 一(三)1 "中止时间原则上不得超过180日": one day is the shortest 中止, ending on the day it starts
    day = dt.date(2023, 6, 1)
    suspended = suspend(first_term(dt.date(2023, 3, 1)), day, 1, params("agreement", day))
    assert (suspended.state, suspended.suspended_from, suspended.suspended_until) == (
        AgreementState.SUSPENDED,
        day,
        day,
    )


def test_a_voluntary_suspension_counts_its_notice_from_the_request() -> None:
    # 附件1 一(三)3 "应提前3个月…提出申请": requested 1 March, effective 1 June (exactly 3 months) is in time;
    # it is the term's first 中止
    suspended = suspend(
        first_term(dt.date(2023, 1, 1)),
        dt.date(2023, 6, 1),
        30,
        AGREEMENT,
        voluntary=True,
        notified_on=dt.date(2023, 3, 1),
    )
    assert (suspended.state, suspended.suspensions_this_term) == (AgreementState.SUSPENDED, 1)


def test_non_renewal_notice_of_exactly_three_months_is_in_time() -> None:
    check_non_renewal_notice(dt.date(2023, 9, 30), dt.date(2023, 12, 30), AGREEMENT)


def test_a_suspension_reaching_the_last_day_of_the_term() -> None:
    # 附件1 一(三)1 "中止期结束,未超过医保协议有效期的,医保协议可继续履行;超过…的,本协议期医保协议解除":
    # on 31 December (the term's last day) the agreement is still suspended and may resume; on 1 January it ends
    suspended = suspend(first_term(dt.date(2023, 1, 1)), dt.date(2023, 12, 1), 60, AGREEMENT)
    assert status_on(suspended, dt.date(2023, 12, 31), AGREEMENT).state is AgreementState.SUSPENDED
    assert resume(suspended, dt.date(2023, 12, 31), AGREEMENT).state is AgreementState.ACTIVE
    ended = status_on(suspended, dt.date(2024, 1, 1), AGREEMENT)
    assert (ended.state, ended.terminated_on) == (AgreementState.TERMINATED, dt.date(2024, 1, 1))


def test_a_terminated_agreement_keeps_its_own_termination() -> None:
    # terminated while suspended: the 180-day automatic 解除 no longer applies to it
    suspended = suspend(first_term(dt.date(2023, 1, 1)), dt.date(2023, 2, 1), 30, AGREEMENT)
    ended = terminate(suspended, dt.date(2023, 2, 10), "违规", "五(三)5(16)")
    later = status_on(ended, dt.date(2023, 12, 1), AGREEMENT)
    assert (later.terminated_on, later.reason) == (dt.date(2023, 2, 10), "违规")


def test_renewal_on_the_signing_day_and_on_the_last_day_of_the_term() -> None:
    # 二(三)4 "协议期限…至当年12月31日"; 附件1 一(二) "协商一致的,可续签医保协议;未达成一致的,医保协议到期后自动解除".
    # Events happen in date order: one on the same day as the previous is in order, the day before is not.
    signed = first_term(dt.date(2023, 3, 1))
    same_day = renew(signed, dt.date(2023, 3, 1), AGREEMENT)
    assert (same_day.starts_on, same_day.ends_on) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    with pytest.raises(AgreementError):
        renew(signed, dt.date(2023, 2, 28), AGREEMENT)
    # the term's last day (12月31日) is still within it; 1 January is after it, even for an agreement marked active
    assert renew(signed, dt.date(2023, 12, 31), AGREEMENT).starts_on == dt.date(2024, 1, 1)
    with pytest.raises(AgreementError, match="到期"):
        renew(signed, dt.date(2024, 1, 1), AGREEMENT)


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


def test_terminate_records_decision_date():
    t = ag.terminate(ag.first_term(D(2023, 1, 1)), D(2023, 4, 1), "x", "五(三)5(2)")
    assert t.last_event_on == D(2023, 4, 1)


def test_termination_procedure_steps_in_order_and_dated():
    # 附件1 一(四) 暂停联网结算 → 下达处理意见 → 完成日常费用结算 → 清算, on an agreement whose 解除 is decided,
    # each step no earlier than the decision and the previous step (reading A-61)
    from medinsurance.rules.agreements import TerminationStep, record_termination_step

    active = first_term(D(2023, 3, 1))
    with pytest.raises(AgreementError, match="已作出解除决定"):
        record_termination_step(active, (), "stop_settlement", D(2023, 4, 1))
    ended = terminate(active, D(2023, 4, 1), "被吊销许可证", "五(三)5(7)")
    with pytest.raises(AgreementError, match="下一步为 stop_settlement"):
        record_termination_step(ended, (), "decision", D(2023, 4, 1))
    with pytest.raises(AgreementError, match="早于"):
        record_termination_step(ended, (), "stop_settlement", D(2023, 3, 31))
    done = record_termination_step(ended, (), "stop_settlement", D(2023, 4, 1))
    assert done == (TerminationStep("stop_settlement", D(2023, 4, 1)),)
    later = (("decision", D(2023, 4, 3)), ("final_settlement", D(2023, 4, 20)), ("liquidation", D(2024, 3, 31)))
    for step, on in later:
        done = record_termination_step(ended, done, step, on)
    assert [s.step for s in done] == ["stop_settlement", "decision", "final_settlement", "liquidation"]
    with pytest.raises(AgreementError, match="已完成"):
        record_termination_step(ended, done, "liquidation", D(2024, 4, 1))


# Readings as switches (issue 31). Agreement events are stored commands and take no what-if, so each other reading
# is tried here on the book with the switch overridden, as a what-if would.


def other_reading(name: str, value: str) -> ParameterSet:
    return in_force("agreement", D(2023, 3, 1), {f"agreement.{name}": value}).params


def test_suspensions_counted_across_a_renewal_end_the_renewed_agreement():
    """A-12 (五(三)5(1) "医保协议有效期内累计2次及以上被中止"): one 中止 in 2023 (2/1, 30 days, resumed 3/3), renewed
    on 2023-12-01 for 2024; a 中止 on 2024-02-01. Chosen (per term): the first of 2024, suspended. Other reading
    (across renewals): the second, 解除 on 2024-02-01."""
    for book, state in ((P, AgreementState.SUSPENDED), (other_reading("suspension_count", "across_renewals"), None)):
        resumed = resume(suspend(first_term(D(2023, 1, 1)), D(2023, 2, 1), 30, book), D(2023, 3, 3), book)
        t = suspend(renew(resumed, D(2023, 12, 1), book), D(2024, 2, 1), 30, book)
        if state is not None:
            assert t.state is state
        else:
            assert (t.state, t.terminated_on) == (AgreementState.TERMINATED, D(2024, 2, 1))


def test_a_suspension_not_counting_its_first_day_ends_the_agreement_a_day_later():
    """A-19 ("中止超过180日…自动解除"): a 中止 from 2023-02-01 not resumed. Chosen (2/1 is day 1): day 180 is 7/30
    (28 + 31 + 30 + 31 + 30 + 30 = 180 days to 7/30), automatic 解除 on 7/31. Other reading (counted from 2/2): day 180
    is 7/31, 解除 on 8/1."""
    book = other_reading("suspension_first_day", "not_counted")
    s = suspend(first_term(D(2023, 1, 1)), D(2023, 2, 1), 30, book)
    assert status_on(s, D(2023, 7, 31), P).terminated_on == D(2023, 7, 31)
    assert status_on(s, D(2023, 7, 31), book).state is AgreementState.SUSPENDED
    assert status_on(s, D(2023, 8, 1), book).terminated_on == D(2023, 8, 1)


def test_a_suspension_decided_while_one_runs_carries_it_on():
    """A-55: 中止 2023-02-01 for 30 days (to 3/2), not resumed; another 中止 decided 3/10 for 60 days. Chosen: the
    second 中止 of the term, 解除 on 3/10. Other reading: no new count, the 中止 runs on to 3/10 + 59 = 5/8."""
    book = other_reading("suspension_while_suspended", "extends")
    s = suspend(first_term(D(2023, 1, 1)), D(2023, 2, 1), 30, book)
    t = suspend(s, D(2023, 3, 10), 60, book)
    assert (t.state, t.suspended_from, t.suspended_until) == (AgreementState.SUSPENDED, D(2023, 2, 1), D(2023, 5, 8))
    assert t.suspensions_this_term == 1


def test_a_request_three_months_ahead_takes_effect_a_day_later_counted_from_the_next_day():
    """A-18 ("应提前3个月…提出申请"): a private institution asks on 2023-03-01 to 中止 from 2023-06-01. Chosen (from
    the corresponding day): in time. Other reading (the 3 months run from 3/2 and end on 6/1): from 6/2 only."""
    book = other_reading("notice_ends_on", "day_after")
    a = first_term(D(2023, 1, 1))
    check_voluntary(a, D(2023, 3, 1), D(2023, 6, 1), P)
    with pytest.raises(AgreementError, match="最早生效2023-06-02"):
        check_voluntary(a, D(2023, 3, 1), D(2023, 6, 1), book)
    check_voluntary(a, D(2023, 3, 1), D(2023, 6, 2), book)


def test_an_expired_agreement_renewed_in_january():
    """A-60: a 2023 agreement not renewed by 12/31; the renewal is agreed on 2024-01-15. Chosen: it lapsed on
    2023-12-31, refused. Other reading (renewable): the 2024 term, 2024-01-01 to 2024-12-31; not once 2024 is over."""
    book = other_reading("late_renewal", "renewable")
    a = first_term(D(2023, 8, 20))
    with pytest.raises(AgreementError, match="到期"):
        renew(status_on(a, D(2024, 1, 15), P), D(2024, 1, 15), P)
    r = renew(status_on(a, D(2024, 1, 15), book), D(2024, 1, 15), book)
    assert (r.state, r.starts_on, r.ends_on) == (AgreementState.ACTIVE, D(2024, 1, 1), D(2024, 12, 31))
    with pytest.raises(AgreementError, match="下一协议期也已届满"):
        renew(status_on(a, D(2025, 1, 1), book), D(2025, 1, 1), book)

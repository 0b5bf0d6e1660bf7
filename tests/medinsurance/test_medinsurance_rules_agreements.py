import datetime as dt

import pytest

from medinsurance.parameters import params
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

D = dt.date
P = params("agreement", D(2023, 3, 1))


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
    r = major_change_deadline(D(2023, 9, 1), P)
    # Sept 2023: 中秋/国庆 09-29..10-06 off, 10-07/10-08 调休 working
    assert r.date == D(2023, 10, 19)
    assert major_change_deadline(D(2026, 12, 1), P).provisional


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

    assert payment_deadline(D(2023, 9, 1), P).date == D(2023, 10, 19)
    performance = params("performance", D(2024, 4, 30))
    assert reassessment_due(D(2024, 4, 30), performance) == D(2024, 7, 30)
    assert reassessment_due(D(2024, 11, 30), performance) == D(2025, 2, 28)


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

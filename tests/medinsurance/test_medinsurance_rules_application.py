import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from medinsurance.parameters import params
from medinsurance.rules.application import (
    AppEvent,
    Application,
    AppState,
    Books,
    ProcessError,
    agreement_end,
    earliest_application,
    extend_for_supplement,
    quarter_of,
    step,
)

D = dt.date
PRE = dt.date(2023, 3, 1)
SUBMIT_ON = dt.date(2023, 6, 1)
ACCEPT_ON = dt.date(2023, 7, 3)
P = params("process", D(2023, 3, 1))
BOOKS = Books(P, params("evaluation", D(2023, 3, 1)))


def fresh(pre=PRE):
    return Application(state=AppState.TRIAL, pre_registered_on=pre)


def submitted(on=SUBMIT_ON):
    return step(fresh(), AppEvent.SUBMIT, on, BOOKS)


def test_trial_three_months_boundary():
    assert earliest_application(D(2023, 3, 1), P) == D(2023, 6, 1)
    with pytest.raises(ProcessError, match="试运行满3个月"):
        step(fresh(), AppEvent.SUBMIT, D(2023, 5, 31), BOOKS)
    assert submitted().state is AppState.SUBMITTED


def test_supplement_five_working_days_and_only_once():
    # notice received Thu 2023-06-15; 2023-06-22/23 端午 holiday, 06-25 (Sun) 调休 working
    a = step(submitted(), AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 15), BOOKS)
    assert a.supplement_deadline == D(2023, 6, 25)  # 16, 19, 20, 21, 25 (Sunday 调休)
    assert not a.provisional
    with pytest.raises(ProcessError, match="一次性告知"):
        step(a, AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 16), BOOKS)
    done = step(a, AppEvent.COMPLETE_SUPPLEMENT, D(2023, 6, 25), BOOKS)
    assert done.state is AppState.SUBMITTED
    with pytest.raises(ProcessError, match="逾期"):
        step(a, AppEvent.COMPLETE_SUPPLEMENT, D(2023, 6, 26), BOOKS)


def test_supplement_lapse_means_withdrawn_and_three_month_wait():
    a = step(submitted(), AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 15), BOOKS)
    with pytest.raises(ProcessError, match="未届满"):
        step(a, AppEvent.LAPSE_SUPPLEMENT, D(2023, 6, 25), BOOKS)
    w = step(a, AppEvent.LAPSE_SUPPLEMENT, D(2023, 6, 26), BOOKS)
    assert w.state is AppState.WITHDRAWN
    assert w.reapply_from == D(2023, 9, 26)
    with pytest.raises(ProcessError, match="2023-09-26起方可再次申请"):
        step(w, AppEvent.SUBMIT, D(2023, 9, 25), BOOKS)
    assert step(w, AppEvent.SUBMIT, D(2023, 9, 26), BOOKS).state is AppState.SUBMITTED


def test_supplement_deadline_into_2027_is_provisional():
    app = replace(submitted(), submitted_on=D(2026, 12, 20))
    a = step(app, AppEvent.REQUEST_SUPPLEMENT, D(2026, 12, 28), BOOKS)
    assert a.supplement_deadline == D(2027, 1, 5)  # 29, 30, 31, (2027-01-01 元旦), 01-04, 01-05
    assert a.provisional


def test_fraud_cancels():
    a = step(submitted(), AppEvent.FRAUD_FOUND, D(2023, 6, 5), BOOKS)
    assert a.state is AppState.CANCELLED
    with pytest.raises(ProcessError):
        step(a, AppEvent.SUBMIT, D(2023, 7, 1), BOOKS)


def accepted(on=ACCEPT_ON):
    return step(submitted(), AppEvent.ACCEPT, on, BOOKS)


def test_evaluation_twenty_working_days_and_supplement_excluded():
    a = accepted()
    assert a.evaluation_deadline == D(2023, 7, 31)  # Mon 07-03 + 20 working days
    b = extend_for_supplement(a, D(2023, 7, 10), D(2023, 7, 14), P)  # 5 working days
    assert b.excluded_working_days == 5
    assert b.evaluation_deadline == D(2023, 8, 7)
    with pytest.raises(ProcessError):
        extend_for_supplement(a, D(2023, 7, 1), D(2023, 7, 2), P)


def test_pass_at_85_and_fail_below():
    assert step(accepted(), AppEvent.EVALUATE, D(2023, 7, 20), BOOKS, score=Decimal("85")).state is AppState.PASSED
    f = step(accepted(), AppEvent.EVALUATE, D(2023, 7, 20), BOOKS, score=Decimal("84.99"))
    assert f.state is AppState.FAILED
    assert f.reevaluation_from == D(2023, 10, 20)


def test_reevaluation_after_three_months_and_second_failure_bars_one_year():
    f = step(accepted(), AppEvent.EVALUATE, D(2023, 7, 20), BOOKS, score=Decimal("80"))
    with pytest.raises(ProcessError, match="整改3个月"):
        step(f, AppEvent.REEVALUATE, D(2023, 10, 19), BOOKS)
    r = step(f, AppEvent.REEVALUATE, D(2023, 10, 20), BOOKS)
    assert r.state is AppState.ACCEPTED
    barred = step(r, AppEvent.EVALUATE, D(2023, 11, 1), BOOKS, score=Decimal("70"))
    assert barred.state is AppState.BARRED
    assert barred.barred_until == D(2024, 11, 1)
    with pytest.raises(ProcessError, match="不得再次申请"):
        step(barred, AppEvent.SUBMIT, D(2024, 11, 1), BOOKS)
    assert step(barred, AppEvent.SUBMIT, D(2024, 11, 2), BOOKS).state is AppState.SUBMITTED


def test_full_path_to_open_and_agreement_to_year_end():
    a = step(accepted(), AppEvent.EVALUATE, D(2023, 7, 20), BOOKS, score=Decimal("90"))
    a = step(a, AppEvent.APPROVE, D(2023, 8, 10), BOOKS)
    a = step(a, AppEvent.SIGN, D(2023, 8, 20), BOOKS)
    assert a.agreement_end == D(2023, 12, 31)
    a = step(a, AppEvent.OPEN_SETTLEMENT, D(2023, 8, 21), BOOKS)
    assert a.state is AppState.OPEN
    assert "二(三)5" in a.basis


def test_invalid_transitions():
    with pytest.raises(ProcessError):
        step(fresh(), AppEvent.APPROVE, D(2023, 8, 1), BOOKS)
    with pytest.raises(ProcessError):
        step(accepted(), AppEvent.EVALUATE, D(2023, 8, 1), BOOKS)  # no score
    with pytest.raises(ProcessError):
        step(submitted(), AppEvent.OPEN_SETTLEMENT, D(2023, 8, 1), BOOKS)


def test_helpers():
    assert quarter_of(D(2023, 6, 30)) == "2023Q2"
    assert quarter_of(D(2023, 7, 1)) == "2023Q3"
    assert agreement_end(D(2024, 2, 29)) == D(2024, 12, 31)


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (AppState.TRIAL, AppEvent.FRAUD_FOUND),
        (AppState.SUBMITTED, AppEvent.SUBMIT),
        (AppState.SUBMITTED, AppEvent.COMPLETE_SUPPLEMENT),
        (AppState.SUBMITTED, AppEvent.LAPSE_SUPPLEMENT),
        (AppState.TRIAL, AppEvent.ACCEPT),
        (AppState.PASSED, AppEvent.REEVALUATE),
        (AppState.APPROVED, AppEvent.APPROVE),
        (AppState.PASSED, AppEvent.SIGN),
        (AppState.OPEN, AppEvent.SUBMIT),
    ],
)
def test_transition_table_rejects(state, event):
    app = Application(state=state, pre_registered_on=PRE)
    with pytest.raises(ProcessError):
        step(app, event, D(2024, 1, 1), BOOKS, score=Decimal("90"))


def test_fraud_during_evaluation_cancels_and_basis():
    a = step(accepted(), AppEvent.FRAUD_FOUND, D(2023, 7, 10), BOOKS)
    assert a.state is AppState.CANCELLED and "二(三)2" in a.basis

import dataclasses
import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from medinsurance.parameters import in_force, params
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
    waiting_bar,
)

D = dt.date
PRE = dt.date(2023, 3, 1)
SUBMIT_ON = dt.date(2023, 6, 1)
ACCEPT_ON = dt.date(2023, 7, 3)
P = params("process", D(2023, 3, 1))
CALENDAR = params("calendar", P.effective_from)  # how periods are counted (readings)
BOOKS = Books(P, params("evaluation", D(2023, 3, 1)), CALENDAR)


def fresh(pre=PRE):
    return Application(state=AppState.TRIAL, pre_registered_on=pre)


def submitted(on=SUBMIT_ON):
    return step(fresh(), AppEvent.SUBMIT, on, BOOKS)


def test_trial_three_months_boundary():
    assert earliest_application(D(2023, 3, 1), P, CALENDAR) == D(2023, 6, 1)
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
    b = extend_for_supplement(a, D(2023, 7, 10), D(2023, 7, 14), P, CALENDAR)  # 5 working days
    assert b.excluded_working_days == 5
    assert b.evaluation_deadline == D(2023, 8, 7)
    with pytest.raises(ProcessError):
        extend_for_supplement(a, D(2023, 7, 1), D(2023, 7, 2), P, CALENDAR)


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


PROCESS = params("process", dt.date(2023, 3, 1))


def test_a_pre_registered_institution_has_no_failures_and_no_excluded_days() -> None:
    fresh = Application(AppState.TRIAL, dt.date(2023, 3, 1))
    assert (fresh.failures, fresh.excluded_working_days) == (0, 0)


def test_a_resubmission_starts_with_no_excluded_days() -> None:
    # 二(三)3 "机构补充材料时间不计入评估期限" concerns one evaluation: a new application starts from nothing
    barred = dataclasses.replace(
        Application(AppState.BARRED, dt.date(2022, 1, 1)), barred_until=dt.date(2023, 5, 31), excluded_working_days=4
    )
    assert step(barred, AppEvent.SUBMIT, dt.date(2023, 6, 1), BOOKS).excluded_working_days == 0


def test_a_supplement_is_completed_once() -> None:
    # 二(三)2 "材料不齐应一次性告知": once completed, there is no open supplement to complete again
    submitted = step(Application(AppState.TRIAL, dt.date(2023, 3, 1)), AppEvent.SUBMIT, dt.date(2023, 6, 1), BOOKS)
    requested = step(submitted, AppEvent.REQUEST_SUPPLEMENT, dt.date(2023, 6, 15), BOOKS)
    completed = step(requested, AppEvent.COMPLETE_SUPPLEMENT, dt.date(2023, 6, 16), BOOKS)
    with pytest.raises(ProcessError, match="无补正"):
        step(completed, AppEvent.COMPLETE_SUPPLEMENT, dt.date(2023, 6, 19), BOOKS)
    with pytest.raises(ProcessError, match="无补正"):  # nor can it lapse afterwards
        step(completed, AppEvent.LAPSE_SUPPLEMENT, dt.date(2023, 7, 31), BOOKS)


def test_a_provisional_deadline_keeps_the_application_provisional() -> None:
    # a deadline once counted without a published holiday schedule stays flagged, even when the next one is certain
    submitted = Application(AppState.SUBMITTED, dt.date(2023, 3, 1), submitted_on=dt.date(2023, 6, 1), provisional=True)
    assert step(submitted, AppEvent.ACCEPT, dt.date(2023, 6, 5), BOOKS).provisional is True


def test_a_reevaluation_starts_afresh_and_only_from_a_failure() -> None:
    # 二(三)3 "整改3个月后方可再次评估": a new 20-工作日 evaluation, no supplement days carried over, the provisional
    # flag kept; a second 再次评估 needs a second failure first
    failed = Application(
        AppState.FAILED,
        dt.date(2023, 3, 1),
        failures=1,
        excluded_working_days=4,
        reevaluation_from=dt.date(2023, 10, 9),
        provisional=True,
    )
    again = step(failed, AppEvent.REEVALUATE, dt.date(2023, 10, 9), BOOKS)
    assert (again.state, again.excluded_working_days, again.provisional) == (AppState.ACCEPTED, 0, True)
    with pytest.raises(ProcessError, match="不可再次评估"):
        step(again, AppEvent.REEVALUATE, dt.date(2023, 10, 10), BOOKS)


def test_a_one_day_supplement_on_the_acceptance_day_extends_the_evaluation() -> None:
    # "机构补充材料时间不计入评估期限": a supplement on Monday 5 June 2023, the day of acceptance itself, is one
    # 工作日 not counted. From 6 June, 20 工作日 (端午 22–23 June off, Sunday 25 June 调休 on) end on 4 July;
    # with the one excluded day, on 5 July
    accepted = Application(AppState.ACCEPTED, dt.date(2023, 3, 1), accepted_on=dt.date(2023, 6, 5), provisional=True)
    day = dt.date(2023, 6, 5)
    extended = extend_for_supplement(accepted, day, day, PROCESS, CALENDAR)
    assert (extended.excluded_working_days, extended.evaluation_deadline) == (1, dt.date(2023, 7, 5))
    assert extended.provisional is True
    passed = dataclasses.replace(accepted, state=AppState.PASSED)
    with pytest.raises(ProcessError, match="仅评估期间"):
        extend_for_supplement(passed, day, day, PROCESS, CALENDAR)


def test_second_supplement_notice_refused():
    app = step(Application(AppState.TRIAL, D(2023, 3, 1)), AppEvent.SUBMIT, D(2023, 6, 1), BOOKS)
    noticed = step(app, AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 2), BOOKS)
    # Fri 06-02 not counted; Mon 06-05 … Fri 06-09 are working days 1–5.
    assert noticed.supplement_deadline == D(2023, 6, 9)
    completed = step(noticed, AppEvent.COMPLETE_SUPPLEMENT, D(2023, 6, 5), BOOKS)
    with pytest.raises(ProcessError, match="一次性告知"):
        step(completed, AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 6), BOOKS)


def test_second_failure_bar_ends_on_the_anniversary():
    barred = Application(AppState.BARRED, D(2022, 1, 1), barred_until=D(2024, 7, 1))
    # "1年内不得再次申请", 内 includes the anniversary (reading A-03)
    bar = waiting_bar([barred], D(2024, 7, 1))
    assert bar is not None and bar.until == D(2024, 7, 1) and "二(三)3" in bar.basis
    assert waiting_bar([barred], D(2024, 7, 2)) is None
    withdrawn = Application(AppState.WITHDRAWN, D(2022, 1, 1), reapply_from=D(2024, 9, 1))
    assert waiting_bar([barred, withdrawn], D(2024, 6, 1)).until == D(2024, 8, 31)  # the later end wins


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


def test_a_supplement_may_not_precede_the_previous_one():
    # 二(三) steps in date order, supplements of 二(三)3 too: accepted Mon 2023-06-05, a supplement recorded from
    # Mon 06-12 to Wed 06-14; another from Thu 06-08 (after the acceptance, before the last one) is out of order
    accepted = Application(AppState.ACCEPTED, D(2023, 3, 1), accepted_on=D(2023, 6, 5), last_event_on=D(2023, 6, 5))
    first = extend_for_supplement(accepted, D(2023, 6, 12), D(2023, 6, 14), P, CALENDAR)
    assert first.excluded_working_days == 3
    with pytest.raises(ProcessError, match="受理之后"):
        extend_for_supplement(first, D(2023, 6, 8), D(2023, 6, 9), P, CALENDAR)
    assert extend_for_supplement(first, D(2023, 6, 12), D(2023, 6, 12), P, CALENDAR).excluded_working_days == 4


# Readings as switches (issue 31). Application steps are stored commands and take no what-if, so each other reading
# is tried here on the process book with the switch overridden.


def process_books(name: str, value: str) -> Books:
    return Books(
        in_force("process", D(2023, 3, 1), {f"process.{name}": value}).params, BOOKS.evaluation, BOOKS.calendar
    )


def test_a_withdrawal_counted_from_the_deadline_day_frees_the_entity_a_day_earlier():
    """A-07: 补正 notice 2023-06-15, deadline 2023-06-25 (5 working days, as above), lapsed. Chosen (withdrawn the
    day after, 6/26): again from 9/26. Other reading (the 3 months from the deadline, 6/25): from 9/25."""
    books = process_books("withdrawal_on", "deadline_day")
    a = step(submitted(), AppEvent.REQUEST_SUPPLEMENT, D(2023, 6, 15), books)
    w = step(a, AppEvent.LAPSE_SUPPLEMENT, D(2023, 6, 26), books)
    assert w.reapply_from == D(2023, 9, 25)
    assert step(w, AppEvent.SUBMIT, D(2023, 9, 25), books).state is AppState.SUBMITTED


def test_failures_carried_past_the_bar_bar_the_next_application_at_its_first_failure():
    """A-08: two failed evaluations (2023-07-20, 2023-11-01) bar the entity to 2024-11-01; it applies again on
    2024-11-02, is accepted on 2024-11-04 and fails (80 < 85) on 2024-11-20. Chosen (a fresh count): its first
    failure, re-evaluation after 3 months (2025-02-20). Other reading (carried): its third, barred to 2025-11-20."""
    for books, state, until in (
        (BOOKS, AppState.FAILED, D(2025, 2, 20)),
        (process_books("failures_after_bar", "carried"), AppState.BARRED, D(2025, 11, 20)),
    ):
        f = step(accepted(), AppEvent.EVALUATE, D(2023, 7, 20), books, score=Decimal("80"))
        r = step(f, AppEvent.REEVALUATE, D(2023, 10, 20), books)
        barred = step(r, AppEvent.EVALUATE, D(2023, 11, 1), books, score=Decimal("70"))
        again = step(step(barred, AppEvent.SUBMIT, D(2024, 11, 2), books), AppEvent.ACCEPT, D(2024, 11, 4), books)
        result = step(again, AppEvent.EVALUATE, D(2024, 11, 20), books, score=Decimal("80"))
        assert result.state is state
        assert (result.reevaluation_from if state is AppState.FAILED else result.barred_until) == until

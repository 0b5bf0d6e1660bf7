import datetime as dt

from medinsurance.rules.workdays import (
    HolidayTable,
    YearSchedule,
    add_working_days,
    day_kind,
    working_days_between,
)

D = dt.date


def test_national_day_2024_is_skipped_and_adjusted_weekend_counts():
    # 2024-09-30 (Mon) notice: next working days are 10-08 … ; 09-29 (Sun) was a 调休 working day.
    assert day_kind(D(2024, 9, 29)).working
    assert not day_kind(D(2024, 10, 1)).working
    r = add_working_days(D(2024, 9, 30), 1)
    assert r.date == D(2024, 10, 8)
    assert not r.provisional


def test_start_day_not_counted():
    # Monday 2023-03-06 + 5 working days = Monday 2023-03-13
    assert add_working_days(D(2023, 3, 6), 5).date == D(2023, 3, 13)
    assert add_working_days(D(2023, 3, 6), 0).date == D(2023, 3, 6)


def test_2027_does_not_crash_and_is_provisional():
    r = add_working_days(D(2026, 12, 30), 5)
    # 2026-12-31 (Thu) working per the published schedule; 2027-01-01 元旦 is fixed by date;
    # then Mon–Fri: 01-04, 01-05, 01-06, 01-07
    assert r.date == D(2027, 1, 7)
    assert r.provisional
    kind = day_kind(D(2027, 1, 1))
    assert not kind.provisional and kind.source == "statutory-fixed" and not kind.working
    assert day_kind(D(2027, 1, 4)).provisional and day_kind(D(2027, 1, 4)).source == "mon-fri"


def test_deadline_inside_2026_is_not_provisional():
    r = add_working_days(D(2026, 12, 24), 5)
    assert r.date == D(2026, 12, 31)
    assert not r.provisional


def test_operator_table_for_2027_is_authoritative():
    table = HolidayTable({2027: YearSchedule(holidays=frozenset({D(2027, 1, 1)}), working_weekends=frozenset())})
    kind = day_kind(D(2027, 1, 1), table)
    assert not kind.working and not kind.provisional and kind.source == "operator"
    r = add_working_days(D(2026, 12, 31), 1, table)
    assert r.date == D(2027, 1, 4)
    assert not r.provisional


def test_operator_working_weekend():
    table = HolidayTable({2027: YearSchedule(working_weekends=frozenset({D(2027, 1, 2)}))})
    assert day_kind(D(2027, 1, 2), table).working


def test_working_days_between_inclusive():
    assert working_days_between(D(2023, 3, 6), D(2023, 3, 10)) == (5, False)
    assert working_days_between(D(2023, 3, 11), D(2023, 3, 12)) == (0, False)
    count, provisional = working_days_between(D(2026, 12, 31), D(2027, 1, 4))
    assert count == 2 and provisional  # 12-31 and 01-04; 01-01 元旦, 01-02/03 weekend

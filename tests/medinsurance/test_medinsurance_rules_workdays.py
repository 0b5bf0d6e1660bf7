import datetime as dt

import chinese_calendar
import pytest

from medinsurance.rules.workdays import (
    DayKind,
    HolidayTable,
    WorkdayResult,
    YearSchedule,
    add_working_days,
    day_kind,
    statutory_holidays,
    working_days_between,
)

D = dt.date


def test_national_day_2024_is_skipped_and_adjusted_weekend_counts():
    # 2024-09-30 (Mon) notice: next working days are 10-08 … ; 09-29 (Sun) was a 调休 working day.
    assert day_kind(D(2024, 9, 29)).working
    assert not day_kind(D(2024, 10, 1)).working
    r = add_working_days(D(2024, 9, 30), 1, start_counted=False)
    assert r.date == D(2024, 10, 8)
    assert not r.provisional


def test_start_day_not_counted():
    # Monday 2023-03-06 + 5 working days = Monday 2023-03-13
    assert add_working_days(D(2023, 3, 6), 5, start_counted=False).date == D(2023, 3, 13)
    assert add_working_days(D(2023, 3, 6), 0, start_counted=False).date == D(2023, 3, 6)


def test_2027_does_not_crash_and_is_provisional():
    r = add_working_days(D(2026, 12, 30), 5, start_counted=False)
    # 2026-12-31 (Thu) working per the published schedule; 2027-01-01 元旦 is fixed by date;
    # then Mon–Fri: 01-04, 01-05, 01-06, 01-07
    assert r.date == D(2027, 1, 7)
    assert r.provisional
    kind = day_kind(D(2027, 1, 1))
    assert not kind.provisional and kind.source == "statutory-fixed" and not kind.working
    assert day_kind(D(2027, 1, 4)).provisional and day_kind(D(2027, 1, 4)).source == "mon-fri"


def test_deadline_inside_2026_is_not_provisional():
    r = add_working_days(D(2026, 12, 24), 5, start_counted=False)
    assert r.date == D(2026, 12, 31)
    assert not r.provisional


def test_operator_table_for_2027_is_authoritative():
    table = HolidayTable({2027: YearSchedule(holidays=frozenset({D(2027, 1, 1)}), working_weekends=frozenset())})
    kind = day_kind(D(2027, 1, 1), table)
    assert not kind.working and not kind.provisional and kind.source == "operator"
    r = add_working_days(D(2026, 12, 31), 1, table, start_counted=False)
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


# ---------------------------------------------------------------- A-01 国务院令第795号 after chinesecalendar's horizon
#
# The 2027 lunar dates relied on, from the Hong Kong Observatory's 公历与农历日期对照表 for 2027 (which lists the 24
# solar terms too): 丁未年正月初一 = Saturday 2027-02-06, so 除夕 (丙午年十二月廿九, a 29-day month) = Friday 02-05,
# 初二 = Sunday 02-07, 初三 = Monday 02-08; 五月初五 = Wednesday 2027-06-09; 八月十五 = Wednesday 2027-09-15;
# the 清明 solar term falls on Monday 2027-04-05.

HOLIDAYS_2027 = {
    D(2027, 1, 1): "元旦",
    D(2027, 2, 5): "春节",  # 除夕
    D(2027, 2, 6): "春节",  # 正月初一
    D(2027, 2, 7): "春节",  # 初二
    D(2027, 2, 8): "春节",  # 初三
    D(2027, 4, 5): "清明节",
    D(2027, 5, 1): "劳动节",
    D(2027, 5, 2): "劳动节",
    D(2027, 6, 9): "端午节",
    D(2027, 9, 15): "中秋节",
    D(2027, 10, 1): "国庆节",
    D(2027, 10, 2): "国庆节",
    D(2027, 10, 3): "国庆节",
}


def test_the_holidays_of_2027_are_those_of_order_795():
    # 第二条: 元旦 1天, 春节 4天 (除夕、正月初一至初三), 清明 1天, 劳动节 2天, 端午 1天, 中秋 1天, 国庆 3天 = 13 days
    assert statutory_holidays(2027) == HOLIDAYS_2027
    for day in HOLIDAYS_2027:
        assert day_kind(day) == DayKind(False, False, "statutory-fixed"), day


def test_the_days_around_the_2027_holidays_are_provisional_working_days():
    # the 调休 swaps and the 补假 of 第六条 (初一 and 初二 fall on a weekend) are set by the yearly notice
    for day in (D(2027, 2, 4), D(2027, 2, 9), D(2027, 4, 6), D(2027, 6, 10), D(2027, 9, 16)):
        assert day_kind(day) == DayKind(True, True, "mon-fri"), day
    assert day_kind(D(2027, 2, 13)) == DayKind(False, True, "mon-fri")  # a Saturday may become a 调休 working day


def test_an_emergency_card_deadline_over_the_2027_spring_festival():
    # 附件2 二(十四) "两个工作日内补办", admitted Thu 2027-02-04: Fri 02-05 除夕, Sat 02-06 初一, Sun 02-07 初二,
    # Mon 02-08 初三 are holidays; Tue 02-09 is working day 1, Wed 02-10 day 2 (provisional: no 2027 schedule yet)
    assert add_working_days(D(2027, 2, 4), 2, start_counted=False) == WorkdayResult(D(2027, 2, 10), True)


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (D(2027, 4, 2), D(2027, 4, 6)),  # Fri; Sat, Sun, Mon 04-05 清明 → Tue 04-06
        (D(2027, 6, 8), D(2027, 6, 10)),  # Tue; Wed 06-09 端午 → Thu 06-10
        (D(2027, 9, 14), D(2027, 9, 16)),  # Tue; Wed 09-15 中秋 → Thu 09-16
    ],
)
def test_one_working_day_across_a_2027_lunar_holiday(start, deadline):
    assert add_working_days(start, 1, start_counted=False) == WorkdayResult(deadline, True)


def test_the_computed_holidays_agree_with_every_published_schedule():
    # chinesecalendar holds the State Council's schedules: from 2008 (清明, 端午, 中秋 made holidays) every day order
    # 795号 names was a holiday, except 5月2日 and 除夕, which the 2024 revision added; from 2025 all of them
    for year in range(2008, 2027):
        spring = [d for d, name in statutory_holidays(year).items() if name == "春节"]
        added_in_2024 = {D(year, 5, 2), min(spring)} if year < 2025 else set()
        for day in set(statutory_holidays(year)) - added_in_2024:
            assert chinese_calendar.is_holiday(day), (year, day, statutory_holidays(year)[day])


def test_an_operator_entered_working_weekend_is_certain_not_provisional() -> None:
    # a 调休 Saturday the operator entered from the published schedule is a 工作日 on that authority
    saturday = dt.date(2027, 1, 2)
    table = HolidayTable({2027: YearSchedule(working_weekends=frozenset({saturday}))})
    assert day_kind(saturday, table) == DayKind(True, False, "operator")


def test_fixed_date_holidays_are_known_in_2027():
    for day in (D(2027, 1, 1), D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)):
        kind = day_kind(day)
        assert not kind.working and not kind.provisional and kind.source == "statutory-fixed"
    monday = day_kind(D(2027, 10, 4))
    assert monday.working and monday.provisional and monday.source == "mon-fri"


def test_deadline_over_national_day_2027():
    # Thu 2027-09-30 + 1 working day: Fri 10-01 国庆 (fixed), 10-02/03 weekend, Mon 10-04 → provisional
    r = add_working_days(D(2027, 9, 30), 1, start_counted=False)
    assert r.date == D(2027, 10, 4) and r.provisional

"""工作日 (working days) behind one function.

Deadlines of 衢医保发〔2023〕8号 counted in 工作日 (二(三)2 "5个工作日内补正", 二(三)3 "评估时间不超过20个
工作日", 附件1 一(一) "30个工作日内", 附件2 二(十四) "两个工作日内补办") follow the State Council holiday
schedule. ``chinesecalendar`` holds it through 2026 and raises NotImplementedError beyond; for later years an
operator may supply the published schedule (``HolidayTable``); where none is published we count Monday–Friday
less the holidays fixed by date in 《全国年节及纪念日放假办法》 (国务院令第795号, from 2025), and mark every other day
provisional (reading A-01). The calendar is never allowed to crash a deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar


@dataclass(frozen=True)
class YearSchedule:
    """An operator-entered schedule for one year: statutory holidays and 调休 working weekend days."""

    holidays: frozenset[dt.date] = frozenset()
    working_weekends: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class HolidayTable:
    """Operator-supplied schedules for years the library does not cover (year → schedule)."""

    years: Mapping[int, YearSchedule] = field(default_factory=dict)


@dataclass(frozen=True)
class DayKind:
    working: bool
    provisional: bool
    source: str  # "chinesecalendar" | "operator" | "statutory-fixed" | "mon-fri"


EMPTY_TABLE = HolidayTable()

# 《全国年节及纪念日放假办法》第二条: the holidays on fixed Gregorian dates (元旦 1月1日, 劳动节 5月1日、2日,
# 国庆节 10月1日、2日、3日). The lunar ones (春节, 清明, 端午, 中秋) and the 调休 swaps are known only from the
# State Council's yearly schedule.
FIXED_DATE_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def day_kind(day: dt.date, table: HolidayTable = EMPTY_TABLE) -> DayKind:
    """The single calendar function: is ``day`` a 工作日, and on what authority."""
    schedule = table.years.get(day.year)
    if schedule is not None:
        if day in schedule.holidays:
            return DayKind(False, False, "operator")
        if day in schedule.working_weekends:
            return DayKind(True, False, "operator")
        return DayKind(day.weekday() < 5, False, "operator")
    try:
        return DayKind(bool(chinese_calendar.is_workday(day)), False, "chinesecalendar")
    except NotImplementedError:
        if (day.month, day.day) in FIXED_DATE_HOLIDAYS:
            return DayKind(False, False, "statutory-fixed")
        return DayKind(day.weekday() < 5, True, "mon-fri")


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool


def add_working_days(start: dt.date, n: int, table: HolidayTable = EMPTY_TABLE) -> WorkdayResult:
    """The ``n``-th working day after ``start`` (the start day itself is not counted, 民法典 第二百零一条).

    ``provisional`` is True when any day examined fell in a year with no published schedule.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    day = start
    provisional = False
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        kind = day_kind(day, table)
        provisional = provisional or kind.provisional
        if kind.working:
            counted += 1
    return WorkdayResult(day, provisional)


def working_days_between(first: dt.date, last: dt.date, table: HolidayTable = EMPTY_TABLE) -> tuple[int, bool]:
    """Number of working days in [first, last] (both ends included) and whether any day was provisional."""
    count = 0
    provisional = False
    day = first
    while day <= last:
        kind = day_kind(day, table)
        provisional = provisional or kind.provisional
        if kind.working:
            count += 1
        day += dt.timedelta(days=1)
    return count, provisional

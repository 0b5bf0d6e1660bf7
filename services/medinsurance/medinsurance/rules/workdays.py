"""工作日 (working days) behind one function.

Deadlines of 衢医保发〔2023〕8号 counted in 工作日 (二(三)2 "5个工作日内补正", 二(三)3 "评估时间不超过20个
工作日", 四(六) "申报后30个工作日内拨付", 附件1 一(一) "30个工作日内", 附件2 二(十四) "两个工作日内补办") follow the
State Council's holidays. ``chinesecalendar`` holds the published yearly schedules (holidays and 调休 swaps) through
2026 and raises NotImplementedError beyond; for later years an operator may enter the published schedule
(``HolidayTable``). Where none is published, the holidays themselves are still known: 《全国年节及纪念日放假办法》
(国务院令第795号) 第二条 fixes every one, the lunar ones by the 农历 and 清明 by its solar term, computed here with the
``tyme4py`` calendar. Only the yearly 调休 swaps (and the day of a 补假, 第六条) are unknown, so every other day
counts Monday–Friday and is marked provisional (reading A-01). The calendar is never allowed to crash a deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import chinese_calendar
from tyme4py.lunar import LunarDay  # type: ignore[import-untyped]
from tyme4py.solar import SolarTerm  # type: ignore[import-untyped]


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
    source: str  # "chinesecalendar" | "operator" | "statutory-fixed" (国务院令第795号 第二条) | "mon-fri"


EMPTY_TABLE = HolidayTable()

# 国务院令第795号 (the 2024 revision of 《全国年节及纪念日放假办法》, in force from 1 January 2025) is applied to the
# years chinesecalendar does not hold: those after its horizon (2027 on). The years before its first (2004) hold no
# deadline of these rules, which took effect in 2023.
# 第二条 全体公民放假的节日, on the Gregorian calendar: 元旦 (1月1日), 劳动节 (5月1日、2日), 国庆节 (10月1日至3日).
GREGORIAN_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}
# 第二条 on the 农历 (month, day): 春节 (正月初一至初三; 除夕, the day before 初一, is added below), 端午节 (五月初五),
# 中秋节 (八月十五).
LUNAR_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "春节",
    (1, 2): "春节",
    (1, 3): "春节",
    (5, 5): "端午节",
    (8, 15): "中秋节",
}


@cache
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """The days of ``year`` that 国务院令第795号 第二条 makes holidays for every citizen, with the holiday's name:
    the Gregorian ones, the 农历 ones of the lunar year beginning in ``year`` (its 除夕 too, "农历除夕"), and 清明节
    on the day of the 清明 solar term ("农历清明当日"). Every one of them falls in ``year`` itself: 除夕 and 正月 in
    January or February, 端午 in May or June, 中秋 in September or October."""
    days = {dt.date(year, month, day): name for (month, day), name in GREGORIAN_HOLIDAYS.items()}
    for (month, day), name in LUNAR_HOLIDAYS.items():
        days[_gregorian(LunarDay.from_ymd(year, month, day))] = name
    days[_gregorian(LunarDay.from_ymd(year, 1, 1).next(-1))] = "春节"  # 除夕: the last day of the lunar year
    days[_gregorian(SolarTerm.from_name(year, "清明").get_julian_day())] = "清明节"
    return days


def _gregorian(day: Any) -> dt.date:
    """A tyme4py lunar day or solar-term moment as a date (Beijing time, as the calendar computes it)."""
    solar = day.get_solar_day()
    return dt.date(solar.get_year(), solar.get_month(), solar.get_day())


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
        if day in statutory_holidays(day.year):
            return DayKind(False, False, "statutory-fixed")
        return DayKind(day.weekday() < 5, True, "mon-fri")


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool


def add_working_days(
    start: dt.date, n: int, table: HolidayTable = EMPTY_TABLE, *, start_counted: bool
) -> WorkdayResult:
    """The last day of ``n`` working days counted from ``start``: the ``n``-th working day after it when the start day
    is not counted (reading A-01, chosen: 民法典 第二百零一条), or, when it is (``start_counted``, the other reading)
    and is itself a working day, the ``n - 1``-th after it. Callers take ``start_counted`` from the calendar book
    (``rules.basis.start_day_counted``), the reading's one home.

    ``provisional`` is True when any day examined fell in a year with no published schedule.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    day = start
    provisional = False
    counted = 0
    if start_counted and n > 0:
        kind = day_kind(start, table)
        provisional = kind.provisional
        counted = 1 if kind.working else 0
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

"""Periods counted in months and years, the way 民法典 counts them.

第二百零二条：按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日。
Whether the start day counts (第二百零一条) and whether the last day is inside a window are readings of each rule,
so they stay with the rule; only the calendar arithmetic is shared.
"""

import calendar
import datetime as dt


class DateOutOfRange(ValueError):
    """A period ends outside the calendar (years 1–9999): the input date or the period is not a real one."""

    def __init__(self, day: dt.date, months: int) -> None:
        super().__init__(f"日期 {day.isoformat()} 加 {months} 个月超出可计算的日期范围（公元 1 年至 9999 年）")
        self.day = day
        self.months = months


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later (or earlier); the month's last day when it has no such day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateOutOfRange(day, months)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The corresponding day ``years`` later (29 February → 28 February in a common year)."""
    return add_months(day, 12 * years)

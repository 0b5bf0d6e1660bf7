"""Basis strings and date arithmetic shared by every rule module.

Every result of this service carries a ``basis``: the document number of
衢医保发〔2023〕8号 and the clause, so a reader can get back to the sentence.
"""

from __future__ import annotations

import datetime as dt

from qz_common.citation import Citation
from qz_common.params import ParameterSet
from qz_common.periods import add_months

DOC = "衢医保发〔2023〕8号"
IN_FORCE_FROM = dt.date(2023, 2, 18)

# Dates a caseworker can mean: wide enough for any licence or deadline, narrow enough that every period added to
# them (years, months, working days) stays a valid date (the API refuses any other).
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2099, 12, 31)


def basis(clause: str) -> str:
    """The basis string for a clause of 衢医保发〔2023〕8号, e.g. ``basis("二(三)2")``."""
    return str(Citation(DOC, clause))


ONE_DAY = dt.timedelta(days=1)
# The book that says how every period of these rules is counted (readings, issue 31): their one home, so
# a switch of either reading moves every deadline and every 满 bar that counts, in every rule given that book.
CALENDAR_BOOK = "calendar"


def complete_from(start: dt.date, months: int, calendar: ParameterSet) -> dt.date:
    """The first day on which a period of ``months`` counted from ``start`` is 满 (complete); 未满 is every day before.

    Reading A-02 (``calendar.period_complete_on``): ``anniversary`` (chosen) — 满 on the corresponding date (month-end
    when there is none, 民法典 第二百零二条); ``day_after`` — only on the day after it.
    """
    corresponding = add_months(start, months)
    return corresponding + ONE_DAY if calendar["period_complete_on"] == "day_after" else corresponding


def period_complete(start: dt.date, on: dt.date, months: int, calendar: ParameterSet) -> bool:
    """Whether a period of ``months`` counted from ``start`` is 满 (complete) on ``on`` (reading A-02)."""
    return on >= complete_from(start, months, calendar)


def start_day_counted(calendar: ParameterSet) -> bool:
    """Reading A-01 (``calendar.working_days_start``): whether the day a period of 工作日 runs from is itself counted
    (``counted``, when it is a working day) or not (``not_counted``, chosen: 民法典 第二百零一条)."""
    return bool(calendar["working_days_start"] == "counted")


def within_recent(event: dt.date, on: dt.date, months: int) -> bool:
    """Whether ``event`` lies within the ``months`` before ``on`` (近N年内 / N年内, boundary included)."""
    return add_months(on, -months) <= event <= on

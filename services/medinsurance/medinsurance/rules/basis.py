"""Basis strings and date arithmetic shared by every rule module.

Every result of this service carries a ``basis``: the document number of
衢医保发〔2023〕8号 and the clause, so a reader can get back to the sentence.
"""

from __future__ import annotations

import datetime as dt

from qz_common.citation import Citation
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


def period_complete(start: dt.date, on: dt.date, months: int) -> bool:
    """Whether a period of ``months`` counted from ``start`` is 满 (complete) on ``on``.

    Reading (AMBIGUITIES.md A-02): a period of N months/years is 满 on the corresponding
    date; 未满 covers every day before it.
    """
    return on >= add_months(start, months)


def within_recent(event: dt.date, on: dt.date, months: int) -> bool:
    """Whether ``event`` lies within the ``months`` before ``on`` (近N年内 / N年内, boundary included)."""
    return add_months(on, -months) <= event <= on

"""Citations and calendar arithmetic shared by every rule module of the science service.

Every result carries a ``basis``: the document number and the clause, so a reader can get
from any figure back to the sentence of 衢市科发高〔2022〕43号, 44号 or 衢政发〔2023〕1号.
"""

from __future__ import annotations

import datetime as dt

from qz_common.citation import Citation
from qz_common.periods import add_months

INSTITUTES_DOC = "衢市科发高〔2022〕43号"
VOUCHERS_DOC = "衢市科发高〔2022〕44号"
POLICIES_DOC = "衢政发〔2023〕1号"
OLD_VOUCHERS_DOC = "衢市科发高〔2020〕4号"

# 43号 四 本办法自2023年1月1日起实施; 44号 六 本办法自2023年1月1日起执行.
IN_FORCE_FROM = dt.date(2023, 1, 1)


def institutes(clause: str) -> str:
    """``衢市科发高〔2022〕43号 一(四)``."""
    return str(Citation(INSTITUTES_DOC, clause))


def vouchers(clause: str) -> str:
    """``衢市科发高〔2022〕44号 三(五)``."""
    return str(Citation(VOUCHERS_DOC, clause))


def policies(clause: str) -> str:
    """``衢政发〔2023〕1号 二13``: items 7–16 sit under 二、科技创新政策."""
    return str(Citation(POLICIES_DOC, clause))


def period_last_day(start: dt.date, months: int, start_day_counted: bool = False) -> dt.date:
    """Last day of a period of ``months`` starting on ``start``.

    民法典 第二百零一条 开始的当日不计入, 第二百零二条 到期月的对应日为期间的最后一日: a three-month voucher issued on
    15 January may be used through 15 April inclusive (AMBIGUITIES.md G-01). Under the other reading
    (``start_day_counted``: the start day is the period's first) it ends the day before: 14 April.
    """
    last = add_months(start, months)
    return last - dt.timedelta(days=1) if start_day_counted else last

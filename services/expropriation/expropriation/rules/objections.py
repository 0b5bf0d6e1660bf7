"""复核: a household's objection to its quote, and the day its answer is due. 衢政发〔2023〕2号 sets no 复核 procedure
and no time to answer one; the day is read from the one deadline it does set that the quote bears on (A-51)."""

from __future__ import annotations

import datetime as dt


def answer_due(signing_deadline: dt.date, filed_on: dt.date) -> dt.date:
    """A-51: due by the project's 签约期限 (三(一)2 counts persons up to "规定的签订房屋拆迁补偿安置协议截止之日",
    三(四)8 rewards signing "在规定时间内"), since the household must know the answer before it must sign. Filed on
    that day or after it, no later day is given: the answer is due the day it is filed."""
    return max(signing_deadline, filed_on)

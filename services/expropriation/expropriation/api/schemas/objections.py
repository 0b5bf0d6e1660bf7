"""Bodies of 复核 requests: filed by the household (浙里办), answered by the caseworker (A-51)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from expropriation.facts.types import Out, PastDate, Strict
from expropriation.rules.types import Method, basis

# The 签约期限 the answer is due by decides the rewards (A-51: the 办法 sets no time for a 复核 itself).
ANSWER_DUE_BASIS = basis("三(四)8")
ItemCode = Annotated[str, Field(min_length=1, max_length=60)]


class ObjectionIn(Strict):
    method: Method | None = Field(None, description="所复核测算的安置方式；省略时为本户登记的安置方式")
    item_codes: Annotated[list[ItemCode], Field(min_length=1, max_length=40)] = Field(
        description="申请复核的项目代码（见测算结果 items[].code）"
    )
    grounds: Annotated[str, Field(min_length=1, max_length=1000)] = Field(description="申请复核的理由")


class ObjectionAnswerIn(Strict):
    outcome: Literal["maintained", "revised"] = Field(
        description="答复结论：maintained 维持原测算；revised 已更正（更正后的测算以本户测算为准）"
    )
    answer: Annotated[str, Field(min_length=1, max_length=2000)] = Field(description="答复内容")
    answered_on: PastDate = Field(description="答复之日")


class ObjectionOut(Out):
    id: int
    household_id: int
    district: str
    method: Method = Field(description="所复核测算的安置方式")
    items: dict[str, str] = Field(description="申请复核的项目及申请时测算的金额（元）")
    grounds: str
    filed_on: dt.date
    answer_due_on: dt.date = Field(description="答复期限（含当日）：项目签约期限，其后申请的为申请当日（A-51）")
    state: str = Field(description="open 待答复 | answered 已答复")
    outcome: str | None
    answer: str | None
    answered_on: dt.date | None
    basis: str = Field(ANSWER_DUE_BASIS, description="答复期限所依：签约期限决定奖励；办法未规定复核期限（A-51）")
    created_at: dt.datetime

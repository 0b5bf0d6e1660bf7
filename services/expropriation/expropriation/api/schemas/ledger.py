"""Bodies of payments and 四(一) clawbacks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from expropriation.facts.household import HouseholdFacts
from expropriation.facts.types import Out, PastDate, Price, RecordId, Strict
from qz_common.money import Yuan


class PaymentIn(Strict):
    agreement_id: RecordId = Field(description="征收补偿协议编号")
    item_code: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="支付的补偿项目代码（见该户测算结果 items[].code）"
    )
    amount: Annotated[Price, Field(gt=0)]
    paid_on: PastDate = Field(description="支付之日")
    reference: str = Field("", max_length=120, description="支付凭证号")


class PaymentOut(Out):
    id: int
    agreement_id: int
    item_code: str
    amount: Yuan
    paid_on: dt.date
    reference: str
    created_at: dt.datetime


class ClawbackIn(Strict):
    agreement_id: RecordId = Field(description="征收补偿协议编号")
    found_on: PastDate = Field(description="发现多付之日")
    reason: Annotated[str, Field(min_length=1, max_length=500)] = Field(description="追回原因")
    corrected: HouseholdFacts = Field(description="查实后的申报（据以重算应得金额）")


class ClawbackOut(Out):
    id: int
    agreement_id: int
    found_on: dt.date
    reason: str
    amount: Yuan
    by_item: dict[str, str]
    basis: str
    created_at: dt.datetime

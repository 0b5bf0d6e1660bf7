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
    source: str = Field(description="payment 支付 | deposit 签约前的补偿提存计入本项（二(四)）")
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
    amount: Yuan = Field(description="应收回的金额（已付超出查实后应得的部分）")
    by_item: dict[str, str] = Field(
        description="逐项收回金额；swap_flat_price 为安置房价款少缴部分，house_voucher_value 为已使用的房票超额部分"
    )
    voucher_cut: Yuan = Field(description="从房票未使用余额中核减的金额（不须以现金收回）")
    basis: str
    created_at: dt.datetime

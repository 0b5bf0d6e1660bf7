"""Bodies of payments and 四(一) clawbacks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from expropriation.casework.ledger import LedgerView
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


class LedgerLineOut(BaseModel):
    code: str
    entitled: Yuan = Field(description="按目前查实的情况和已发生的事项应得")
    paid: Yuan = Field(description="已支付（含计入的提存）")
    recovered: Yuan = Field(description="已收回")
    payable: Yuan = Field(description="尚可支付：应得 −（已付 − 已收回），不为负")


class LedgerOut(BaseModel):
    """What an agreement pays in cash item by item, and what it settles otherwise (the flat's price, the 房票)."""

    agreement_id: int
    lines: list[LedgerLineOut] = Field(description="现金项目")
    held_back: list[str] = Field(description="须按期腾空交付后方可支付的奖励（三(四)8）")
    charges_entitled: Yuan = Field(description="按目前查实的情况应缴的安置房价款（负数，三(三)3(3)）")
    charges_settled: Yuan = Field(description="已结算的安置房价款（负数，含已收回的少缴部分）")
    voucher_entitled: Yuan = Field(description="按目前查实的情况应得的房票价值（三(三)2(2)）")
    voucher_used: Yuan = Field(description="房票已用于购房或已调整为货币的价值（扣除已收回）")
    voucher_unused: Yuan = Field(description="房票尚未使用的价值")
    basis: str = "衢政发〔2023〕2号 三(三)、三(四)8、二(四)、四(一)"

    @classmethod
    def of(cls, agreement_id: int, view: LedgerView) -> LedgerOut:
        zero = Decimal("0")
        entitled = view.entitled
        codes = [c for c, kind in entitled.kinds.items() if kind == "cash"]
        codes += [c for c in view.paid if c not in codes]
        lines = []
        for code in codes:
            due, paid, recovered = (
                entitled.cash.get(code, zero),
                view.paid.get(code, zero),
                view.recovered.get(code, zero),
            )
            payable = max(zero, due - (paid - recovered))
            lines.append(LedgerLineOut(code=code, entitled=due, paid=paid, recovered=recovered, payable=payable))
        return cls(
            agreement_id=agreement_id,
            lines=lines,
            held_back=list(entitled.held_back),
            charges_entitled=entitled.charges,
            charges_settled=view.settled.charges,
            voucher_entitled=entitled.voucher,
            voucher_used=view.settled.voucher_used,
            voucher_unused=view.settled.voucher_unused,
        )

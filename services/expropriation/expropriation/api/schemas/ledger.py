"""Bodies of payments and 四(一) clawbacks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from expropriation.casework.ledger import ClawbackWhatIf, LedgerView, PaymentAssessment
from expropriation.facts.household import HouseholdFacts
from expropriation.facts.quote import RefusalOut
from expropriation.facts.types import Out, PastDate, Price, RecordId, Strict
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters


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


class PaymentWhatIfIn(Strict):
    """A payment as ``POST /v1/payments`` takes it, asked under a scenario: nothing is paid or recorded."""

    agreement_id: RecordId = Field(description="征收补偿协议编号")
    item_code: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="支付的补偿项目代码（见该户测算结果 items[].code）"
    )
    amount: Annotated[Price, Field(gt=0)]
    paid_on: PastDate = Field(description="支付之日")
    parameters: ScenarioParameters = None


class PaymentWhatIfOut(BaseModel):
    """Whether the payment would be accepted under the scenario, and the figures that decide it."""

    agreement_id: int
    item_code: str
    amount: Yuan
    accepted: bool = Field(description="按情景参数（含条文理解切换）登记该笔支付是否会被接受")
    refusal: RefusalOut | None = Field(description="不被接受时的理由（同 POST /v1/payments 的 422）")
    entitled: Yuan = Field(description="该项目按情景参数目前应得的现金")
    paid: Yuan = Field(description="该项目已支付（扣除已收回）")
    parameter_versions: dict[str, str]
    basis: str = "衢政发〔2023〕2号 三(四)8、四(一)"
    scenario: ScenarioEcho = None

    @classmethod
    def of(cls, body: PaymentWhatIfIn, assessed: PaymentAssessment) -> PaymentWhatIfOut:
        r = assessed.refusal
        return cls(
            agreement_id=body.agreement_id,
            item_code=body.item_code,
            amount=body.amount,
            accepted=r is None,
            refusal=RefusalOut(code=r.code, field=r.field, detail=r.detail, basis=r.basis) if r else None,
            entitled=assessed.entitled,
            paid=assessed.net_paid,
            parameter_versions=assessed.versions,
            scenario=body.parameters,
        )


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


class ClawbackWhatIfIn(Strict):
    """A finding as ``POST /v1/clawbacks`` takes it, asked under a scenario: nothing is recorded or recovered."""

    agreement_id: RecordId = Field(description="征收补偿协议编号")
    found_on: PastDate = Field(description="查实之日")
    corrected: HouseholdFacts = Field(description="查实后的申报（据以重算应得金额）")
    parameters: ScenarioParameters = None


class ClawbackWhatIfOut(BaseModel):
    """What the finding would recover under the scenario (the agreement's books with its figures and readings)."""

    agreement_id: int
    found_on: dt.date
    amount: Yuan = Field(description="应收回的金额")
    by_item: dict[str, str] = Field(
        description="逐项收回金额；swap_flat_price 为安置房价款少缴部分，house_voucher_value 为已使用的房票超额部分"
    )
    voucher_cut: Yuan = Field(description="从房票未使用余额中核减的金额（不须以现金收回）")
    basis: str
    parameter_versions: dict[str, str]
    scenario: ScenarioEcho = None

    @classmethod
    def of(cls, what_if: ClawbackWhatIf, scenario: ScenarioEcho) -> ClawbackWhatIfOut:
        c = what_if.result
        return cls(
            agreement_id=what_if.agreement_id,
            found_on=what_if.found_on,
            amount=c.amount,
            by_item={k: str(v) for k, v in c.by_item.items()},
            voucher_cut=c.voucher_cut,
            basis=c.basis,
            parameter_versions=what_if.versions,
            scenario=scenario,
        )


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

"""Bodies of what a household member does and reads through 浙里办 (/v1/me): the four methods compared, the declared
choice, the agreement with its payments and 房票."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from expropriation.api.schemas.agreements import AgreementOut
from expropriation.api.schemas.citizens import masked_agreement, masked_quote
from expropriation.api.schemas.ledger import LedgerOut, PaymentOut
from expropriation.api.schemas.quotes import MethodOutcomeOut
from expropriation.api.schemas.vouchers import VoucherOut
from expropriation.casework.citizens import AgreementView
from expropriation.facts.types import Out, Strict
from expropriation.models import Household
from expropriation.rules.quote import MethodOutcome
from expropriation.rules.types import Method


class MethodChoiceIn(Strict):
    method: Method = Field(description="本户选择的安置方式（三(三)），待征收实施单位确认")


class ChoiceOut(Out):
    """The household's method as the caseworker holds it, and the one it declared (A-52)."""

    household_id: int = Field(validation_alias="id")
    method: Method = Field(description="征收实施单位登记的安置方式（测算与签约所依）")
    declared_method: Method | None = Field(description="本户通过浙里办申报的安置方式")
    declared_on: dt.date | None
    choice_confirmed_on: dt.date | None = Field(description="征收实施单位确认申报之日；未确认时为空")


class MyComparisonOut(BaseModel):
    choice: ChoiceOut
    outcomes: list[MethodOutcomeOut] = Field(description="四种安置方式逐项测算（各项附依据）；不可选的写明原因")
    basis: str = "衢政发〔2023〕2号 三(三)"

    @classmethod
    def of(cls, household: Household, outcomes: tuple[MethodOutcome, ...], me: str) -> MyComparisonOut:
        shown = [MethodOutcomeOut.of(o) for o in outcomes]
        for o in shown:
            if o.quote is not None:
                masked_quote(o.quote, me)
        return cls(choice=ChoiceOut.model_validate(household), outcomes=shown)


class MyAgreementOut(BaseModel):
    agreement: AgreementOut
    payments: list[PaymentOut] = Field(description="每一笔支付（含计入的提存）")
    ledger: LedgerOut = Field(description="逐项应得、已付、尚可支付；房票已用与未用的价值")
    voucher: VoucherOut | None = Field(description="房票：有效期最后一日（expires_on）与剩余价值（remaining_value）")

    @classmethod
    def of(cls, view: AgreementView, me: str) -> MyAgreementOut:
        return cls(
            agreement=masked_agreement(AgreementOut.model_validate(view.agreement), me),
            payments=[PaymentOut.model_validate(p) for p in view.payments],
            ledger=LedgerOut.of(view.agreement.id, view.ledger),
            voucher=VoucherOut.model_validate(view.voucher) if view.voucher else None,
        )

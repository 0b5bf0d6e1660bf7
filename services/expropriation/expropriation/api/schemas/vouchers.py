"""Bodies of 房票 (三(三)2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from expropriation.casework.vouchers import VoucherValidity
from expropriation.facts.types import Out, PastDate, Price, Strict
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters

# --- 房票 (三(三)2) ---------------------------------------------------------------------------------------------------


class VoucherIssueIn(Strict):
    issued_on: PastDate = Field(description="出票日（三(三)2(2) 有效期自出票之日起计算）")


class VoucherUseIn(Strict):
    used_on: PastDate = Field(description="以房票购房（网签）之日")
    purchase_price: Annotated[Price, Field(gt=0, description="所购商品房价格")]
    reference: str = Field("", max_length=120, description="购房合同号")


class VoucherConvertIn(Strict):
    converted_on: PastDate = Field(
        description="剩余价值调整为货币补偿之日：须在以房票购房之后、房票有效期内（三(三)2(2)(4)）"
    )


class VoucherOut(Out):
    id: int
    agreement_id: int
    household_id: int
    district: str
    face_value: Yuan
    issued_on: dt.date
    expires_on: dt.date = Field(description="有效期最后一日（含）")
    state: str
    remaining_value: Yuan
    used_on: dt.date | None
    purchase_price: Yuan | None
    purchase_reference: str
    converted_on: dt.date | None
    converted_value: Yuan | None
    conversion_cash: Yuan | None
    basis: str = "衢政发〔2023〕2号 三(三)2"
    created_at: dt.datetime


class VoucherWhatIfIn(Strict):
    on: dt.date | None = Field(None, description="拟使用或调整之日：答复该日是否仍在有效期内")
    parameters: ScenarioParameters = None


class VoucherWhatIfOut(BaseModel):
    """A stored 房票's period under the scenario; the voucher itself is unchanged."""

    voucher_id: int
    issued_on: dt.date
    expires_on: dt.date = Field(description="按情景参数（含条文理解切换）的有效期最后一日（含）")
    recorded_expires_on: dt.date = Field(description="出票时按参数簿确定并存档的有效期最后一日")
    on: dt.date | None
    valid_on: bool | None = Field(description="on 当日按情景参数是否在有效期内（可用于购房或调整为货币补偿）")
    parameter_versions: dict[str, str]
    basis: str = "衢政发〔2023〕2号 三(三)2(2)"
    scenario: ScenarioEcho = None

    @classmethod
    def of(cls, v: VoucherValidity, scenario: ScenarioEcho) -> VoucherWhatIfOut:
        return cls(
            voucher_id=v.voucher.id,
            issued_on=v.voucher.issued_on,
            expires_on=v.expires_on,
            recorded_expires_on=v.voucher.expires_on,
            on=v.on,
            valid_on=v.valid_on,
            parameter_versions=v.versions,
            scenario=scenario,
        )

"""Bodies of 五 捕捉、扣押."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from dogs.api.schemas.common import Centimetres, Out, Strict
from dogs.rules.capture import CaptureAction
from qz_common.districts import District
from qz_common.ids import IdNumber


class ImpoundmentIn(Strict):
    action: CaptureAction = Field(description="处置方式：capture 捕捉 | seizure 扣押（五）")
    occurred_at: dt.datetime = Field(description="捕捉、扣押时间")
    location: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="地点")
    district: District = Field(description="所在区县（市）")
    police_unit: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="执法单位")
    officer_badge: Annotated[str, Field(min_length=1, max_length=20)] = Field(description="执法人员警号（工号）")
    breed: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="犬种")
    shoulder_height_cm: Centimetres
    body_length_cm: Centimetres
    owner_id_number: IdNumber | None = Field(None, description="犬主身份证号（如已知）")
    registration_id: int | None = Field(None, description="养犬登记编号（如已登记）")
    shelter: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="移交的收容场所")
    handed_over_at: dt.datetime = Field(description="移交收容场所的时间")


class ImpoundmentOut(Out):
    id: int
    action: str
    occurred_at: dt.datetime
    location: str
    district: str
    police_unit: str
    officer_badge: str
    breed: str
    shoulder_height_cm: Decimal
    body_length_cm: Decimal
    large: bool
    fierce: bool | None = Field(description="是否烈性犬；null：犬种未能依名录识别，须由执法人员认定")
    owner_id_number: str | None
    registration_id: int | None
    shelter: str
    handed_over_at: dt.datetime
    created_at: dt.datetime


class MyImpoundmentOut(ImpoundmentOut):
    claim_by: dt.date = Field(description="认领截止日（含当日）：扣押期限届满之日，自捕捉、扣押之次日起算")
    claim_basis: str = Field(description="依据")

"""Bodies of the institution register (api/institutions.py)."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from medinsurance.api.schemas.common import Day, Out, Strict, Text
from medinsurance.rules.eligibility import InstitutionType
from qz_common.districts import District
from qz_common.ids import USCC, IdNumber
from qz_common.scenario import ScenarioEcho, ScenarioParameters


class InstitutionIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)] = Field(description="医药机构名称")
    kind: InstitutionType = Field(description="机构类型")
    uscc: USCC = Field(description="统一社会信用代码")
    district: District = Field(description="所在区县（市）")
    address: Text = Field(description="执业（经营）地址")
    community: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="所在社区（评估“场所布局”用）")
    secondary_or_above: bool = Field(False, description="是否为二级及以上医疗机构")
    public_institution: bool = Field(False, description="是否为公立机构")
    legal_rep_id_number: IdNumber | None = Field(None, description="法定代表人（主要负责人）身份证号")


class InstitutionOut(Out):
    id: int
    name: str
    kind: str
    uscc: str
    district: str
    address: str
    community: str
    secondary_or_above: bool
    public_institution: bool
    legal_rep_id_number: str | None


class ApplicationCheckIn(Strict):
    on: Day = Field(description="拟提交正式定点申请书（或签订医保协议）之日")
    parameters: ScenarioParameters = None


class ApplicationCheckOut(BaseModel):
    barred: bool = Field(description="该日提交申请是否不予受理")
    code: Literal["refused", "waiting_period"] | None = Field(
        description="refused：不予受理情形（二(三)2）；waiting_period：等待期（二(三)2 补正、二(三)3 评估不合格）"
    )
    reason: str | None = Field(description="理由")
    until: dt.date | None = Field(description="至该日（含）止")
    basis: str | None = Field(description="条款依据")
    scenario: ScenarioEcho = None

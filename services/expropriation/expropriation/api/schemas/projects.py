"""Bodies of projects, households and declarations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from expropriation.facts.household import BuildingIn, MemberIn
from expropriation.facts.types import AnnouncementDate, Flag, Out, PastDate, PlanDate, Price, Strict
from expropriation.rules.types import Method
from qz_common.impact import ImpactIn
from qz_common.money import Yuan

# A list of households in one impact request: a project of more is asked for whole (household_ids omitted).
MAX_IMPACT_HOUSEHOLDS = 10_000


class ProjectIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)] = Field(description="征收项目名称")
    district: str = Field(description="柯城区 | 衢江区")
    village: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="被征收的行政村（社区）")
    pre_announcement_date: AnnouncementDate = Field(description="征收土地预公告发布之日")
    announcement_date: AnnouncementDate | None = Field(
        None, description="征收公告发布之日；未发布的省略（五(二)“施行前已实施征收”自征收公告起算的理解读取，A-02）"
    )
    signing_deadline: PlanDate = Field(description="征收补偿方案规定的签约期限届满之日")
    handover_deadline: PlanDate | None = Field(None, description="规定的腾空交房期限届满之日")
    valuation_date: PlanDate = Field(description="评估时点（适用该日施行的参数）")
    outside_urban_plan_area: Flag = Field(False, description="是否在城镇开发边界（城市规划区）以外")
    appraised_price_per_m2: Price | None = Field(None, description="被征收房屋的评估单价（元/m²）")
    market_price_per_m2: Price | None = Field(None, description="同区域新建商品住宅市场评估价（元/m²）")
    early_vacate_rate_per_m2: Price | None = Field(None, description="提前腾空奖励标准（元/m²）；缺省取区参数簿")

    @field_validator("announcement_date", "signing_deadline", "valuation_date")
    @classmethod
    def _after_pre(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        pre = info.data.get("pre_announcement_date")
        if pre is not None and value is not None and value < pre:
            raise ValueError("早于征收土地预公告日")
        return value

    @field_validator("handover_deadline")
    @classmethod
    def _after_signing(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        deadline = info.data.get("signing_deadline")
        if value is not None and deadline is not None and value < deadline:
            raise ValueError("早于签约截止日")
        return value


class ProjectOut(Out):
    id: int
    name: str
    district: str
    village: str
    pre_announcement_date: dt.date
    announcement_date: dt.date | None
    signing_deadline: dt.date
    handover_deadline: dt.date | None
    valuation_date: dt.date
    outside_urban_plan_area: bool
    appraised_price_per_m2: Yuan | None
    market_price_per_m2: Yuan | None
    early_vacate_rate_per_m2: Yuan | None
    created_at: dt.datetime


class HouseholdOut(Out):
    id: int
    project_id: int
    ref: str
    head_name: str
    district: str
    natural_village: str
    method: Method
    declared_method: Method | None = Field(description="本户通过浙里办申报、待确认或已确认的安置方式（A-52）")
    declared_on: dt.date | None
    choice_confirmed_on: dt.date | None = Field(description="确认申报之日；申报待确认时为空")
    facts: dict[str, Any]
    created_at: dt.datetime


class ChoiceConfirmIn(Strict):
    confirmed_on: PastDate = Field(description="确认本户申报的安置方式之日")


class DeclarationIn(Strict):
    declared_on: PastDate = Field(description="申报之日")
    documents: list[
        Literal[
            "户口簿", "不动产权证书", "房屋所有权证", "土地使用权证", "其他有效权属证明", "房屋租赁协议", "房屋抵押协议"
        ]
    ] = Field(min_length=1, description="提交的权属及身份证明材料")
    proofs: list[Literal["certificate", "township_or_land_authority", "building_permit", "other_required"]] = Field(
        min_length=1,
        description="合法面积的证明：权属证书、乡镇（街道）或自然资源部门证明、建房审批文件、其他规定材料（二(三)）",
    )
    members: list[MemberIn] = Field(min_length=1, max_length=60, description="申报的户内人员")
    buildings: list[BuildingIn] = Field(min_length=1, max_length=200, description="申报的房屋")


class DeclarationOut(Out):
    id: int
    household_id: int
    declared_on: dt.date
    documents: list[str]
    proofs: list[str]
    basis: str
    created_at: dt.datetime


class ProjectImpactIn(Strict, ImpactIn):
    household_ids: Annotated[list[int], Field(min_length=1, max_length=MAX_IMPACT_HOUSEHOLDS)] | None = Field(
        None, description="只测算本项目中的这些户；省略时为全部户"
    )

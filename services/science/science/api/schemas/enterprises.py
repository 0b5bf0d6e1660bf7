"""Bodies of api/enterprises.py: enterprises and the “四色” quarterly updates."""

import datetime as dt

from pydantic import Field

from qz_common.districts import District
from qz_common.ids import USCC
from science.api.schemas.common import Name, Out, PastDate, Strict


class EnterpriseIn(Strict):
    uscc: USCC = Field(description="统一社会信用代码")
    name: Name = Field(description="企业名称")
    district: District = Field(description="所在区县（市）")
    registered_in_quzhou_on: dt.date | None = Field(None, description="在衢州市辖区内注册之日")
    hitech_valid_until: dt.date | None = Field(None, description="国家高新技术企业证书有效期至")
    provincial_tech_sme: bool = Field(False, description="是否为省科技型中小企业")
    national_tech_sme: bool = Field(False, description="是否为国家科技型中小企业")
    on_four_colour_list: bool = Field(False, description="是否在“四色”监测名单上")
    competition_winner: bool = Field(False, description="是否在创新创业大赛取得名次")
    incubated: bool = Field(False, description="是否为孵化器、众创空间在孵企业")


class EnterprisePatch(Strict):
    name: Name | None = Field(None, description="企业名称")
    hitech_valid_until: dt.date | None = Field(None, description="国家高新技术企业证书有效期至")
    provincial_tech_sme: bool | None = Field(None, description="是否为省科技型中小企业")
    national_tech_sme: bool | None = Field(None, description="是否为国家科技型中小企业")
    on_four_colour_list: bool | None = Field(None, description="是否在“四色”监测名单上")
    competition_winner: bool | None = Field(None, description="是否在创新创业大赛取得名次")
    incubated: bool | None = Field(None, description="是否为孵化器、众创空间在孵企业")


class EnterpriseOut(Out):
    id: int
    uscc: str
    name: str
    district: str
    registered_in_quzhou_on: dt.date | None
    hitech_valid_until: dt.date | None
    provincial_tech_sme: bool
    national_tech_sme: bool
    on_four_colour_list: bool
    competition_winner: bool
    incubated: bool
    created_at: dt.datetime


class FourColourUpdateIn(Strict):
    """44号 二(四) one enterprise's entry in the quarterly update of the “四色”管理培育库."""

    year: int = Field(ge=2023, le=2100, description="年度")
    quarter: int = Field(ge=1, le=4, description="季度（1–4）")
    listed: bool = Field(description="本季度是否列入培育库")
    updated_on: PastDate = Field(description="属地科技管理部门更新日期")


class FourColourUpdateOut(Out):
    id: int
    enterprise_uscc: str
    quarter: str
    listed: bool
    updated_on: dt.date
    due_on: dt.date
    on_time: bool
    basis: str
    created_at: dt.datetime


class MyEnterpriseOut(Out):
    """What a 浙里办 legal person sees of itself: its 资质 and its “四色” 管理培育库 quarterly updates (44号 二(四))."""

    enterprise: EnterpriseOut
    four_colour_updates: list[FourColourUpdateOut]

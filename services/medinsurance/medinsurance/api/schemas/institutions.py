"""Bodies of the institution register (api/institutions.py)."""

from typing import Annotated

from pydantic import Field

from medinsurance.api.schemas.common import Out, Strict, Text
from medinsurance.rules.eligibility import InstitutionType
from qz_common.districts import District
from qz_common.ids import USCC, IdNumber


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

"""Bodies of the 跨社区移址 filings (api/relocations.py)."""

from typing import Annotated

from pydantic import BaseModel, Field

from medinsurance.api.schemas.common import Out, Strict, Text
from qz_common.ids import USCC


class RelocationIn(Strict):
    operator_uscc: USCC = Field(description="定点医药机构经营主体的统一社会信用代码")
    from_address: Text = Field(description="被征收的原经营场所地址")
    to_address: Text = Field(description="迁入的新经营场所地址")
    reference: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="征收（搬迁）依据文号")


class RelocationFiledOut(Out):
    id: int
    institution_id: int
    operator_uscc: str
    from_address: str
    to_address: str
    reference: str
    needs_approval: bool
    status: str
    basis: str


class RelocationOut(BaseModel):
    filed: list[RelocationFiledOut]

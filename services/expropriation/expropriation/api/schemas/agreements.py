"""Bodies of agreements and their hand-over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from expropriation.facts.types import Out, PastDate, RecordId, Strict
from expropriation.rules.types import Method
from qz_common.money import Yuan


class AgreementIn(Strict):
    household_id: RecordId = Field(description="被征收户编号")
    method: Method = Field(description="协议约定的安置方式")
    signed_on: PastDate = Field(description="签订协议之日")
    handed_over_on: PastDate | None = Field(None, description="腾空交房之日（签约时已交房的）")


class AgreementOut(Out):
    id: int
    household_id: int
    project_id: int
    district: str
    method: Method
    signed_on: dt.date
    handed_over_on: dt.date | None
    city_parameter_version: str
    district_parameter_version: str
    total: Yuan
    quote: dict[str, Any]
    member_id_numbers: list[str]
    building_owner_usccs: list[str]
    created_at: dt.datetime


class HandoverIn(Strict):
    handed_over_on: PastDate = Field(description="腾空交房之日")

"""The value types and base models every expropriation body and stored fact is built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from expropriation.facts.examples import EXAMPLES
from qz_common.clock import today
from qz_common.examples import examples_by_model
from qz_common.inputs import StrictInput
from qz_common.periods import add_months

Area = Annotated[Decimal, Field(ge=0, le=100000, max_digits=12, decimal_places=2, description="平方米")]
Price = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=14, decimal_places=2, description="元")]
Name = Annotated[str, Field(min_length=1, max_length=60)]
Height = Annotated[Decimal, Field(ge=0, le=20, max_digits=5, decimal_places=2, description="米")]
# JSON true/false only: "yes", "1" or "true" as a string are refused, not guessed (the CSV roster converts its cells).
Flag = StrictBool
# Body ids: a BIGINT key, so an id beyond 64 bits is a 422, never a database error.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
# How far ahead a 征收土地预公告 may be dated (a planned announcement), and any other date of a project or quote.
ANNOUNCEMENT_HORIZON_MONTHS = 12
PLANNING_HORIZON_MONTHS = 120


def _not_after_today(value: dt.date) -> dt.date:
    """Deaths, works, signatures, hand-overs, decisions and payments are facts: they cannot lie in the future."""
    if value > today():
        raise ValueError(f"{value} 晚于今天（{today()}），该日期须为已发生的事实")
    return value


def _within(months: int) -> Callable[[dt.date], dt.date]:
    def check(value: dt.date) -> dt.date:
        limit = add_months(today(), months)
        if value > limit:
            raise ValueError(f"{value} 晚于 {limit}，超出合理范围")
        return value

    return check


PastDate = Annotated[dt.date, AfterValidator(_not_after_today)]
AnnouncementDate = Annotated[dt.date, AfterValidator(_within(ANNOUNCEMENT_HORIZON_MONTHS))]
PlanDate = Annotated[dt.date, AfterValidator(_within(PLANNING_HORIZON_MONTHS))]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def area_str(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"

"""Types shared by the request and response bodies of every science router."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from qz_common.clock import today
from qz_common.examples import examples_by_model
from qz_common.inputs import StrictInput
from science.api.examples import EXAMPLES


def _unsigned_zero(value: Decimal) -> Decimal:
    """ "-0" and "-0.00" are zero: stored and shown as 0, never as a negative sign on nothing."""
    return abs(value) if value == 0 else value


def _not_in_future(day: dt.date) -> dt.date:
    """Dates of things that have happened (a service used, a decision taken) cannot lie after today in 衢州."""
    now = today()
    if day > now:
        raise PydanticCustomError("date_in_future", "日期不能晚于今天（{today}）", {"today": now.isoformat()})
    return day


Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, description="元，字符串，最多两位小数"),
    AfterValidator(_unsigned_zero),
]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, description="元，大于0")]
Area = Annotated[
    Decimal, Field(ge=0, max_digits=12, decimal_places=2, description="平方米"), AfterValidator(_unsigned_zero)
]
PastDate = Annotated[dt.date, AfterValidator(_not_in_future)]
# A record's id as the database stores it (BIGINT): larger numbers name nothing and are refused before any query.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Text = Annotated[str, Field(min_length=1, max_length=300)]
# 文书号 of an official decision (e.g. 衢市科发高〔2023〕12号): with its record, kind and day it tells a decision posted
# twice from two decisions (qz_common.idempotency.Decision). Surrounding whitespace is not part of the number.
DocumentNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ConditionOut(BaseModel):
    code: str
    passed: bool
    detail: str
    basis: str


class RefusalReasonOut(BaseModel):
    """One reason a what-if finds its request would be refused: the problem the command would answer."""

    field: str | None = Field(description="所涉字段")
    code: str = Field(description="不予发放或不予受理的原因代码")
    detail: str = Field(description="说明")
    basis: str | None = Field(None, description="条款依据")

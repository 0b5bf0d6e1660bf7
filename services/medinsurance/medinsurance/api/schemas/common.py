"""Types shared by the request and response bodies of every medinsurance router."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from medinsurance.api.examples import EXAMPLES
from medinsurance.rules.basis import EARLIEST, LATEST
from qz_common.examples import examples_by_model
from qz_common.inputs import StrictInput

MAX_ROW_ID = 2**63 - 1

Score = Annotated[Decimal, Field(ge=0, le=100), PlainSerializer(float, return_type=float, when_used="json")]
ScoreOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
# Row ids fit a BIGINT: anything larger is a 422, never a database overflow.
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
# 附件3 二/三 circumstance numbers (unknown numbers are refused by the rule, naming them)
Circumstances = Annotated[list[Annotated[int, Field(ge=1, le=99)]], Field(max_length=20)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
# 文书号 of a decision: with its record, kind and date it tells one decision from another (qz_common.idempotency).
DocumentNumber = Annotated[str, Field(min_length=1, max_length=60)] | None
DOCUMENT_NUMBER = "文书号（同一记录、同一事项、同一日期、同一文书号的决定重复提交时视为同一决定，只办理一次）"
# Dates a caseworker can mean (rules.basis): every period the rules add to them stays a valid date.
Day = Annotated[dt.date, Field(ge=EARLIEST, le=LATEST)]


def _moment_in_range(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(f"时间须在 {EARLIEST} 至 {LATEST} 之间")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment_in_range)]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

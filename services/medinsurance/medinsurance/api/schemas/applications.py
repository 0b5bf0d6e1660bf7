"""Bodies of the 定点申请 process (api/applications.py)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from medinsurance.api.schemas.common import DOCUMENT_NUMBER, Day, DocumentNumber, Out, RowId, Strict
from medinsurance.rules.application import AppEvent


class ApplicationIn(Strict):
    institution_id: RowId = Field(description="申请定点的医药机构编号")
    pre_registered_on: Day = Field(description="预登记之日（试运行满3个月后方可申请，二(三)1）")


class ApplicationEventIn(Strict):
    event: AppEvent = Field(
        description="办理环节：提交申请、要求补正、完成补正、逾期未补正、受理、查实虚假材料、评估、复评、审议通过、签订协议、开通刷卡"
    )
    on: Day = Field(description="办理之日")
    score: Annotated[Decimal, Field(ge=0, le=100)] | None = Field(
        None, description="评估得分（evaluate、reevaluate 时填写）"
    )
    document_number: DocumentNumber = Field(None, description=DOCUMENT_NUMBER)


class SupplementIn(Strict):
    first: Day = Field(description="补充材料期间的第一天")
    last: Day = Field(description="补充材料期间的最后一天（不计入评估期限）")


class ApplicationOut(Out):
    id: int
    institution_id: int
    state: str
    pre_registered_on: dt.date
    submitted_on: dt.date | None
    supplement_notice_on: dt.date | None
    supplement_deadline: dt.date | None
    accepted_on: dt.date | None
    excluded_working_days: int
    evaluation_deadline: dt.date | None
    score: Decimal | None
    failures: int
    reevaluation_from: dt.date | None
    reapply_from: dt.date | None
    barred_until: dt.date | None
    agreement_end: dt.date | None
    cancelled_on: dt.date | None
    provisional: bool
    basis: str

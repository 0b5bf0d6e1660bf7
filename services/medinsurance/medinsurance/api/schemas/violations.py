"""Bodies of the 协议处理 decisions (api/violations.py)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from medinsurance.api.schemas.common import DOCUMENT_NUMBER, Circumstances, Day, DocumentNumber, Out, RowId, Strict
from qz_common.money import Yuan


class ViolationIn(Strict):
    institution_id: RowId = Field(description="医药机构编号")
    agreement_id: RowId | None = Field(None, description="所涉医保协议（机构在多个统筹区有协议时必填）")
    case: Annotated[str, Field(pattern=r"^T[1-5]_\d{1,2}$")] = Field(
        description="协议处理情形代码（T档次_序号，如 T3_2 进销存不符）"
    )
    decided_on: Day = Field(description="作出处理决定之日")
    violation_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Field(
        description="核定的违规医保费用（元）"
    )
    ratio: Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)] = Field(
        Decimal(0), description="违约金支付比例（0–1）"
    )
    standards: Annotated[list[Annotated[int, Field(ge=1, le=21)]], Field(max_length=21)] = Field(
        [], description="适用的违规认定标准序号（附件3 一，1–21）"
    )
    mitigating: Circumstances = Field([], description="从轻情形序号（附件3 二）")
    aggravating: Circumstances = Field([], description="从重情形序号（附件3 三）")
    suspension_days: Annotated[int, Field(ge=1, le=366)] | None = Field(
        None, description="中止医保协议的天数（第三、四档）"
    )
    terminate_agreement: bool = Field(False, description="第四档情形选择解除医保协议（第五档一律解除）")
    document_number: DocumentNumber = Field(None, description=DOCUMENT_NUMBER)


class ViolationOut(Out):
    id: int
    institution_id: int
    agreement_id: int | None
    case_code: str
    tier: int
    decided_on: dt.date
    violation_amount: Yuan
    ratio: Decimal
    penalty: Yuan
    penalty_due_on: dt.date | None
    standards: list[int]
    mitigating: list[int]
    aggravating: list[int]
    suspension_days: int | None
    measures: list[str]
    escalated: bool
    basis: str

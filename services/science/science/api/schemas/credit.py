"""Bodies of api/credit.py: 科研诚信记录."""

import datetime as dt
from typing import Annotated

from pydantic import Field

from science.api.schemas.common import DocumentNumber, Out, PastDate, RecordId, Strict, Text
from science.rules.credit import CreditKind, CreditSubject


class CreditIn(Strict):
    subject_id: Annotated[str, Field(min_length=15, max_length=18)] = Field(
        description="失信主体的统一社会信用代码或身份证号"
    )
    subject_kind: CreditSubject = Field(description="主体类别：企业、创业者、创新载体")
    kind: CreditKind = Field(
        description="失信类别：voucher_fraud 骗取创新券 | institute_false_materials 研究院申报提供虚假材料"
    )
    decided_on: PastDate = Field(description="作出认定之日")
    reason: Text = Field(description="认定理由")
    redemption_id: RecordId | None = Field(None, description="所涉兑付申请编号（如有）")
    document_number: DocumentNumber | None = Field(
        None, description="认定文件的文书号；同一主体同日同类别同文书号的重复提交视为同一决定"
    )


class CreditOut(Out):
    id: int
    subject_id: str
    kind: str
    decided_on: dt.date
    ban_until: dt.date
    reason: str
    basis: str
    document_number: str | None
    redemption_id: int | None
    institute_id: int | None
    created_at: dt.datetime

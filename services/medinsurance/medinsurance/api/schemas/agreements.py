"""Bodies of the 医保协议 endpoints (api/agreements.py)."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from medinsurance.api.schemas.common import DOCUMENT_NUMBER, Day, DocumentNumber, Out, RowId, Strict
from medinsurance.models import Agreement
from medinsurance.rules import agreements as rules
from qz_common.districts import District


class AgreementIn(Strict):
    institution_id: RowId = Field(description="医药机构编号")
    application_id: RowId = Field(description="该机构经党组会审议通过（approved）的定点申请编号（二(三)4）")
    signed_on: Day = Field(description="签订医保协议之日（不早于本办法施行之日2023-02-18）")
    pooling_area: District | None = Field(None, description="签订协议的统筹区（默认机构所在区县）")


class AgreementImportIn(Strict):
    institution_id: RowId = Field(description="医药机构编号")
    signed_on: Day = Field(description="原医保协议的签订之日（至当年12月31日；不早于本办法施行之日2023-02-18）")
    pooling_area: District | None = Field(None, description="签订协议的统筹区（默认机构所在区县）")
    original_document_number: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="原医保协议的文书号（协议编号）"
    )
    reason: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="补录理由（如：平台启用前以纸质方式签订）"
    )


class AgreementEventIn(Strict):
    event: Literal["suspend", "resume", "terminate", "renew"] = Field(
        description="事项：suspend 中止 | resume 恢复 | terminate 解除 | renew 续签"
    )
    on: Day = Field(description="生效之日")
    days: Annotated[int, Field(ge=1, le=366)] | None = Field(None, description="中止天数（suspend）")
    voluntary: bool = Field(False, description="是否为机构主动申请")
    requested_on: Day | None = Field(None, description="主动申请的提出日期（提前3个月）")
    reason: Annotated[str, Field(max_length=200)] | None = Field(None, description="理由")
    clause: Annotated[str, Field(max_length=40)] | None = Field(None, description="依据条款（如“五(三)3”）")
    by_prefecture_office: bool = Field(
        False, description="地市级经办机构中止或解除：该机构在其他统筹区的医保协议同时中止或解除（附件1 一(三)3）"
    )
    document_number: DocumentNumber = Field(None, description=DOCUMENT_NUMBER)


class TerminationStepIn(Strict):
    step: Literal["stop_settlement", "decision", "final_settlement", "liquidation"] = Field(
        description="解除协议的办理步骤：停止结算、作出解除决定、最终结算、清算"
    )
    on: Day = Field(description="办理之日")
    document_number: DocumentNumber = Field(None, description=DOCUMENT_NUMBER)


class TerminationStepOut(BaseModel):
    step: str
    on: dt.date


class AgreementOut(Out):
    id: int
    institution_id: int
    source: str = Field(description="来源：application 定点申请签订 | import 补录平台外签订的协议")
    application_id: int | None = Field(description="签订协议的定点申请")
    original_document_number: str | None = Field(description="补录协议的原文书号")
    import_reason: str | None = Field(description="补录理由")
    pooling_area: str
    state: str
    starts_on: dt.date
    ends_on: dt.date
    public_institution: bool
    suspensions_this_term: int
    suspended_from: dt.date | None
    suspended_until: dt.date | None
    voluntary_suspension: bool
    terminated_on: dt.date | None
    reason: str
    termination_steps: list[TerminationStepOut] | None
    basis: str

    @classmethod
    def as_of(cls, row: Agreement, view: rules.Agreement) -> "AgreementOut":
        """The stored agreement as it stands on a day (``view``: automatic 解除 and expiry applied, A-54)."""
        update = {
            "state": view.state.value,
            "terminated_on": view.terminated_on,
            "reason": view.reason,
            "basis": view.basis,
        }
        return cls.model_validate(row).model_copy(update=update)


class AgreementEventOut(AgreementOut):
    linked: list[AgreementOut] = Field(description="随地市级中止、解除的其他统筹区医保协议")

    @classmethod
    def of(cls, row: Agreement, linked: list[Agreement]) -> "AgreementEventOut":
        return cls(
            **AgreementOut.model_validate(row).model_dump(), linked=[AgreementOut.model_validate(r) for r in linked]
        )

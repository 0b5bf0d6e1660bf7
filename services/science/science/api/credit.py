"""科研诚信记录 (44号 五(二)): fraud stops or recovers funds and bars science funding for 3 years."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from qz_common.app import Engine, Session
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import commands, holder_or_422
from science.api.schemas.credit import CreditIn, CreditOut
from science.casework import credit
from science.models import CreditRecordRow

router = APIRouter(prefix="/v1", tags=["credit"])

_CREDIT_RECORDS = PagedSelect(
    select(CreditRecordRow).order_by(CreditRecordRow.id),
    subject_id=CreditRecordRow.subject_id_lookup,
)


@router.post(
    "/credit-records", status_code=201, summary="列入科研诚信记录（停拨或追回、3年禁入）", response_model=CreditOut
)
async def create_credit_record(
    body: CreditIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    subject_id = holder_or_422(body.subject_kind, body.subject_id, "subject_id")

    async def work() -> CreditOut:
        listing = body.model_dump(include={"subject_kind", "kind", "decided_on", "reason", "redemption_id"})
        return CreditOut.model_validate(
            await credit.record(session, caller, subject_id, document=body.document_number, **listing)
        )

    subject = credit.subject_key(session, subject_id)
    decision = Decision("credit_subject", subject, body.kind.value, body.decided_on, body.document_number or "")
    return await commands.run(
        session,
        caller,
        work,
        request=body,
        key=idempotency_key,
        decision=decision,
        authorise=partial(credit.cited_redemption, session, caller, body.redemption_id),
        status_code=201,
    )


@router.get("/credit-records", summary="科研诚信记录")
async def list_credit_records(
    _caller: Reader,
    engine: Engine,
    paging: Paging,
    subject_id: Annotated[str | None, Query(max_length=18)] = None,
) -> Page[CreditOut]:
    return await _CREDIT_RECORDS.fetch(engine, paging, CreditOut.model_validate, subject_id=subject_id or None)

"""科研诚信记录 (44号 五(二)): fraud stops or recovers funds and bars science funding for 3 years."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import audit, holder_or_422, idempotent, params_on
from science.api.schemas import CreditIn, CreditOut
from science.api.vouchers import release
from science.models import Carrier, CreditRecordRow, Redemption
from science.parameters import institute_params, voucher_params
from science.rules.credit import CREDIT_BASIS, CreditKind, CreditRecord, CreditSubject

router = APIRouter(prefix="/v1", tags=["credit"])

_CREDIT_RECORDS = PagedSelect(
    select(CreditRecordRow).order_by(CreditRecordRow.id),
    subject_id=CreditRecordRow.subject_id,
)


@router.post(
    "/credit-records", status_code=201, summary="列入科研诚信记录（停拨或追回、3年禁入）", response_model=CreditOut
)
async def create_credit_record(
    body: CreditIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    subject_id = holder_or_422(body.subject_kind, body.subject_id, "subject_id")
    years = (
        params_on(voucher_params, body.decided_on, "decided_on").fraud_ban_years
        if body.kind is CreditKind.VOUCHER_FRAUD
        else params_on(institute_params, body.decided_on, "decided_on").false_materials_ban_years
    )
    record = CreditRecord(body.kind, body.decided_on, years)

    async def create() -> CreditOut:
        carrier = None
        if body.subject_kind is CreditSubject.CARRIER:
            carrier = await session.scalar(select(Carrier).where(Carrier.uscc == subject_id))
            if carrier is None:
                raise ProblemError(
                    422, "carrier_not_registered", "该统一社会信用代码不是已注册的创新载体", field="subject_id"
                )
            if body.kind is not CreditKind.VOUCHER_FRAUD:
                detail = "创新载体只适用创新券骗取财政资金记录（44号 五(二)）"
                raise ProblemError(422, "kind_not_for_carrier", detail, field="kind")
        if body.redemption_id is not None:
            redemption = await get_or_404(
                session, Redemption, body.redemption_id, "兑付申请", lock=True, field="redemption_id"
            )
            concerned = redemption.carrier_id == carrier.id if carrier else redemption.holder_id == subject_id
            if not concerned:
                raise ProblemError(422, "subject_mismatch", "兑付申请不属于该主体", field="redemption_id")
            if redemption.status in ("submitted", "approved", "paid"):
                before = snapshot(redemption)
                was_paid = redemption.status == "paid"
                redemption.status = "clawed_back"
                redemption.decision_reasons = [("追回已拨付财政资金" if was_paid else "停拨") + f"：{body.reason}"]
                if not was_paid:
                    await release(session, caller, redemption)
                await session.flush()
                audit.record(session, caller, "claw_back", redemption, before=before)
        row = CreditRecordRow(
            subject_id=subject_id,
            kind=body.kind.value,
            decided_on=record.decided_on,
            ban_until=record.ban_until,
            reason=body.reason,
            basis=CREDIT_BASIS[body.kind],
            redemption_id=body.redemption_id,
        )
        session.add(row)
        await session.flush()
        audit.record(session, caller, "credit_record", row)
        return CreditOut.model_validate(row)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/credit-records", summary="科研诚信记录")
async def list_credit_records(
    _caller: Reader,
    engine: Engine,
    paging: Paging,
    subject_id: Annotated[str | None, Query(max_length=18)] = None,
) -> Page[CreditOut]:
    return await _CREDIT_RECORDS.fetch(
        engine, paging, CreditOut.model_validate, subject_id=subject_id.upper() if subject_id else None
    )

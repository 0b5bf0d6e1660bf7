"""视频监控 outages (附件2 一(二)5): automatic suspension after 24 h, 48 h temporary window on written request."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from medinsurance.api.common import audit, idempotent, in_force, institution_for, institution_in_district
from medinsurance.api.schemas import OutageIn, OutageOut, PathId, QueryId, RepairIn, WindowIn
from medinsurance.models import Outage
from medinsurance.rules.basis import Moment
from medinsurance.rules.conduct import outage_status
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.clock import in_quzhou
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["outages"])

_OUTAGES = PagedSelect(
    select(Outage).order_by(Outage.id),
    institution_id=Outage.institution_id,
    district=institution_in_district(Outage.institution_id),
)


def view(row: Outage, at: dt.datetime) -> OutageOut:
    at = in_quzhou(at)
    p = in_force("conduct", at.date()).params
    s = outage_status(
        in_quzhou(row.failed_at),
        at,
        p,
        repaired_at=in_quzhou(row.repaired_at) if row.repaired_at else None,
        window_requested_at=in_quzhou(row.window_requested_at) if row.window_requested_at else None,
    )
    return OutageOut(
        id=row.id,
        institution_id=row.institution_id,
        failed_at=row.failed_at,
        window_requested_at=row.window_requested_at,
        repaired_at=row.repaired_at,
        at=at,
        status=s.status.value,
        suspended_from=s.suspended_from,
        window_until=s.window_until,
        basis=s.basis,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.post("/outages", status_code=201, summary="登记视频监控故障", response_model=OutageOut)
async def report_outage(
    body: OutageIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> OutageOut:
        await institution_for(session, caller, body.institution_id)
        row = Outage(institution_id=body.institution_id, failed_at=in_quzhou(body.failed_at))
        session.add(row)
        await session.flush()
        audit.record(session, caller, "report", row)
        return view(row, max(in_quzhou(body.failed_at), _now()))

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


async def _locked(session: Session, caller: Writer, outage_id: int) -> Outage:
    row = await session.get(Outage, outage_id, with_for_update=True)
    if row is None:
        raise ProblemError(404, "not_found", "故障记录不存在", field="outage_id")
    await institution_for(session, caller, row.institution_id)
    return row


@router.post("/outages/{outage_id}/window", summary="书面申请临时开通48小时医保结算")
async def request_window(outage_id: PathId, body: WindowIn, caller: Writer, session: Session) -> OutageOut:
    async with session.begin():
        row = await _locked(session, caller, outage_id)
        if row.repaired_at is not None:
            raise ProblemError(409, "outage_repaired", "故障已修复")
        if row.window_requested_at is not None:
            raise ProblemError(409, "window_used", "该故障已申请过临时开通")
        current = view(row, body.requested_at)
        if current.status != "suspended":
            raise ProblemError(
                409, "not_suspended", "未正常运行超过24小时被暂停结算后方可申请临时开通", field="requested_at"
            )
        before = snapshot(row)
        row.window_requested_at = in_quzhou(body.requested_at)
        row.window_reason = body.reason
        await session.flush()
        audit.record(session, caller, "temporary_window", row, before=before)
        return view(row, body.requested_at)


@router.post("/outages/{outage_id}/repair", summary="登记故障修复")
async def repair(outage_id: PathId, body: RepairIn, caller: Writer, session: Session) -> OutageOut:
    async with session.begin():
        row = await _locked(session, caller, outage_id)
        if row.repaired_at is not None:
            raise ProblemError(409, "outage_repaired", "故障已修复")
        if in_quzhou(body.repaired_at) < in_quzhou(row.failed_at):
            raise ProblemError(422, "repair_before_failure", "修复时间早于故障时间", field="repaired_at")
        before = snapshot(row)
        row.repaired_at = in_quzhou(body.repaired_at)
        await session.flush()
        audit.record(session, caller, "repair", row, before=before)
        return view(row, body.repaired_at)


@router.get("/outages/{outage_id}", summary="故障及结算状态（at 默认现在）")
async def get_outage(
    outage_id: PathId, caller: Reader, session: Session, at: Annotated[Moment | None, Query()] = None
) -> OutageOut:
    row = await session.get(Outage, outage_id)
    if row is None:
        raise ProblemError(404, "not_found", "故障记录不存在", field="outage_id")
    await institution_for(session, caller, row.institution_id)
    return view(row, at or _now())


@router.get("/outages", summary="故障列表")
async def list_outages(
    caller: Reader, engine: Engine, paging: Paging, institution_id: QueryId = None
) -> Page[OutageOut]:
    now = _now()
    return await _OUTAGES.fetch(
        engine,
        paging,
        lambda row: view(row, now),
        institution_id=institution_id,
        district=scoped_district(caller, None),
    )

"""视频监控 outages (附件2 一(二)5): automatic suspension after 24 h, 48 h temporary window on written request."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from medinsurance.api.common import commands, institution_in_district
from medinsurance.api.schemas.common import Moment, PathId, QueryId
from medinsurance.api.schemas.outages import OutageIn, OutageOut, RepairIn, WindowIn
from medinsurance.casework import outages
from medinsurance.models import Outage
from qz_common.app import Engine, Session
from qz_common.clock import in_quzhou
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["outages"])

_OUTAGES = PagedSelect(
    select(Outage).order_by(Outage.id),
    institution_id=Outage.institution_id,
    district=institution_in_district(Outage.institution_id),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.post("/outages", status_code=201, summary="登记视频监控故障", response_model=OutageOut)
async def report_outage(
    body: OutageIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def report() -> OutageOut:
        row = await outages.report(session, caller, body.institution_id, body.failed_at)
        return OutageOut.view(row, max(in_quzhou(body.failed_at), _now()))

    return await commands.run(session, caller, report, request=body, key=idempotency_key, status_code=201)


@router.post("/outages/{outage_id}/window", summary="书面申请临时开通48小时医保结算", response_model=OutageOut)
async def request_window(
    outage_id: PathId, body: WindowIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def window() -> OutageOut:
        row = await outages.request_window(session, caller, outage_id, body.requested_at, body.reason)
        return OutageOut.view(row, body.requested_at)

    return await commands.run(session, caller, window, request=(outage_id, body), key=idempotency_key)


@router.post("/outages/{outage_id}/repair", summary="登记故障修复", response_model=OutageOut)
async def repair(
    outage_id: PathId, body: RepairIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def repaired() -> OutageOut:
        return OutageOut.view(await outages.repair(session, caller, outage_id, body.repaired_at), body.repaired_at)

    return await commands.run(session, caller, repaired, request=(outage_id, body), key=idempotency_key)


@router.get("/outages/{outage_id}", summary="故障及结算状态（at 默认现在）")
async def get_outage(
    outage_id: PathId, caller: Reader, session: Session, at: Annotated[Moment | None, Query()] = None
) -> OutageOut:
    return OutageOut.view(await outages.find(session, caller, outage_id), at or _now())


@router.get("/outages", summary="故障列表")
async def list_outages(
    caller: Reader, engine: Engine, paging: Paging, institution_id: QueryId = None
) -> Page[OutageOut]:
    now = _now()
    return await _OUTAGES.fetch(
        engine,
        paging,
        lambda row: OutageOut.view(row, now),
        institution_id=institution_id,
        district=scoped_district(caller, None),
    )

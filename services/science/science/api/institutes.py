"""市级企业研究院 (43号): application → county recommendation → expert review → public notice → recognition,
then management: annual R&D monitoring, changes, upgrade, revocation."""

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Caller, Reader, Writer, ZhelibanUser, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import PathId, commands
from science.api.rules import to_application
from science.api.schemas.institutes import (
    AnnualReportIn,
    AnnualReportOut,
    ChangeIn,
    ChangeOut,
    InstituteApplicationIn,
    InstituteDecisionIn,
    InstituteEventOut,
    InstituteOut,
    InstituteWhatIfIn,
    InstituteWhatIfOut,
    MaterialsIn,
    ReviewOut,
    RevokeIn,
    UpgradeIn,
)
from science.casework import institutes
from science.models import Institute
from science.rules.institute_application import ApplicationMaterials, AuditReport
from science.rules.institute_management import ReviewTrigger

router = APIRouter(prefix="/v1", tags=["institutes"])

_INSTITUTES = PagedSelect(
    select(Institute).order_by(Institute.id),
    status=Institute.status,
    enterprise_uscc=Institute.enterprise_uscc,
    district=Institute.district,
)


def _materials(body: MaterialsIn) -> ApplicationMaterials:
    return ApplicationMaterials(
        body.application_form,
        body.implementation_plan,
        body.commitment,
        tuple(AuditReport(r.year, frozenset(r.items)) for r in body.audit_reports),
    )


@router.post("/institutes", status_code=201, summary="申报市级企业研究院（43号 二(一)）", response_model=InstituteOut)
async def apply(
    body: InstituteApplicationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    application = to_application(body.application, "application.")

    async def work() -> InstituteOut:
        institute = await institutes.apply(
            session,
            caller,
            body.enterprise_uscc,
            body.trade_name,
            body.core_direction,
            _materials(body.materials),
            application,
        )
        return InstituteOut.model_validate(institute)

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.post(
    "/institutes/what-if",
    tags=["what-if"],
    summary="研究院申报情景测算：按现行与情景参数、条文理解判断是否受理、认定条件逐项结果，不保存（43号 一、二(一)）",
    response_model=InstituteWhatIfOut,
)
async def application_what_if(body: InstituteWhatIfIn, caller: Reader, session: Session) -> InstituteWhatIfOut:
    application = to_application(body.application, "application.")
    judged = await institutes.what_if(
        session,
        caller,
        body.enterprise_uscc,
        body.trade_name,
        body.core_direction,
        _materials(body.materials),
        application,
        body.parameters,
    )
    return InstituteWhatIfOut.model_validate({**dataclasses.asdict(judged), "parameters": body.parameters})


@router.get("/institutes", summary="企业研究院列表")
async def list_institutes(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    status: Annotated[str | None, Query(max_length=20)] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[InstituteOut]:
    return await _INSTITUTES.fetch(
        engine,
        paging,
        InstituteOut.model_validate,
        status=status or None,
        enterprise_uscc=enterprise_uscc.upper() if enterprise_uscc else None,
        district=scoped_district(caller, district),
    )


def _institute_out(institute: Institute, review: ReviewTrigger | None) -> InstituteOut:
    return InstituteOut.model_validate(institute).model_copy(
        update={"hitech_review": ReviewOut.model_validate(review) if review else None}
    )


@router.get("/institutes/{institute_id}", summary="企业研究院详情")
async def get_institute(institute_id: PathId, caller: Reader, session: Session) -> InstituteOut:
    institute = await institutes.readable(session, caller, institute_id)
    return _institute_out(institute, await institutes.hitech_review_due(session, institute))


@router.get("/me/institutes", summary="本企业的市级企业研究院：状态及高新资格复核（浙里办，法人，43号）")
async def my_institutes(user: ZhelibanUser, session: Session) -> list[InstituteOut]:
    # A legal person's by its 统一社会信用代码; a person hosts none (no 身份证号 is a USCC), so theirs is empty.
    assert user.user_id is not None
    held = await institutes.of_enterprise(session, user.user_id)
    return [_institute_out(institute, review) for institute, review in held]


@router.post(
    "/institutes/{institute_id}/decisions",
    summary="推荐、评审、公示、认定（43号 二(二)–(四)）",
    response_model=InstituteOut,
)
async def decide(
    institute_id: PathId,
    body: InstituteDecisionIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> InstituteOut:
        institute = await institutes.decide(
            session,
            caller,
            institute_id,
            body.action,
            body.on,
            body.note,
            body.no_violation_certificate,
            body.batch,
            body.document_number,
        )
        return InstituteOut.model_validate(institute)

    request = (institute_id, body)
    return await _decide(
        session, caller, institute_id, body.action, body.on, body.document_number, work, request, idempotency_key
    )


async def _decide(
    session: Session,
    caller: Caller,
    institute_id: int,
    kind: str,
    on: dt.date,
    document: str | None,
    work: Callable[[], Awaitable[InstituteOut]],
    request: object,
    key: str | None,
) -> JSONResponse:
    """A decision on an institute, recognised as one when posted again (AMBIGUITIES.md I-17); replayed only to a
    caller who may read the institute."""
    decision = Decision("institute", institute_id, kind, on, document or "")
    authorise = partial(institutes.readable, session, caller, institute_id)
    return await commands.run(session, caller, work, request=request, key=key, decision=decision, authorise=authorise)


@router.post(
    "/institutes/{institute_id}/annual-reports",
    status_code=201,
    summary="科技统计年报：研发投入监测预警（43号 三(五)）",
    response_model=AnnualReportOut,
)
async def annual_report(
    institute_id: PathId, body: AnnualReportIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> AnnualReportOut:
        report = await institutes.file_annual_report(
            session, caller, institute_id, body.year, body.sales, body.rd_expense
        )
        return AnnualReportOut.model_validate(report)

    request = (institute_id, body)
    return await commands.run(session, caller, work, request=request, key=idempotency_key, status_code=201)


@router.get("/institutes/{institute_id}/annual-reports", summary="年报与监测结果")
async def list_reports(institute_id: PathId, caller: Reader, session: Session) -> list[AnnualReportOut]:
    return [AnnualReportOut.model_validate(r) for r in await institutes.annual_reports(session, caller, institute_id)]


@router.get("/institutes/{institute_id}/events", summary="研究院事件（失去高新技术企业资格待复核等，43号 三(六)）")
async def list_events(institute_id: PathId, caller: Reader, session: Session) -> list[InstituteEventOut]:
    return [InstituteEventOut.model_validate(e) for e in await institutes.events(session, caller, institute_id)]


@router.post(
    "/institutes/{institute_id}/changes",
    status_code=201,
    summary="更名、重组等重大调整（43号 三(四)，6个月内）",
    response_model=ChangeOut,
)
async def report_change(
    institute_id: PathId, body: ChangeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> ChangeOut:
        change = await institutes.report_change(
            session,
            caller,
            institute_id,
            body.kind,
            body.description,
            body.changed_on,
            body.reported_on,
            body.new_trade_name,
            body.new_core_direction,
        )
        return ChangeOut.model_validate(change)

    request = (institute_id, body)
    return await commands.run(session, caller, work, request=request, key=idempotency_key, status_code=201)


@router.post(
    "/institutes/{institute_id}/upgrade",
    summary="升级为省级企业研发机构，退出市级序列（43号 三(四)）",
    response_model=InstituteOut,
)
async def upgrade(
    institute_id: PathId, body: UpgradeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> InstituteOut:
        institute = await institutes.upgrade(
            session, caller, institute_id, body.on, body.provincial_designation, body.document_number
        )
        return InstituteOut.model_validate(institute)

    request = (institute_id, body)
    return await _decide(
        session, caller, institute_id, "upgrade", body.on, body.document_number, work, request, idempotency_key
    )


@router.post(
    "/institutes/{institute_id}/revoke", summary="取消企业研究院资格（43号 三(六)）", response_model=InstituteOut
)
async def revoke_institute(
    institute_id: PathId, body: RevokeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> InstituteOut:
        institute = await institutes.revoke(
            session, caller, institute_id, body.ground, body.decided_on, body.reason, body.document_number
        )
        return InstituteOut.model_validate(institute)

    request = (institute_id, body)
    return await _decide(
        session, caller, institute_id, "revoke", body.decided_on, body.document_number, work, request, idempotency_key
    )

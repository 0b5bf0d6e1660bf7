"""定点申请 following 二(三): 预登记 → 试运行 → 受理 → 评估 → 党组会 → 协议 → 开通刷卡."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from medinsurance.api.common import commands, institution_in_district
from medinsurance.api.schemas.applications import ApplicationEventIn, ApplicationIn, ApplicationOut, SupplementIn
from medinsurance.api.schemas.common import PathId, QueryId
from medinsurance.casework import applications
from medinsurance.models import Application
from medinsurance.rules.application import AppState
from qz_common.app import Engine, Session
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["applications"])

_APPLICATIONS = PagedSelect(
    select(Application).order_by(Application.id),
    institution_id=Application.institution_id,
    state=Application.state,
    district=institution_in_district(Application.institution_id),
)


@router.post("/applications", status_code=201, summary="预登记（开始3个月试运行）", response_model=ApplicationOut)
async def create_application(
    body: ApplicationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def pre_register() -> ApplicationOut:
        row = await applications.pre_register(session, caller, body.institution_id, body.pre_registered_on)
        return ApplicationOut.model_validate(row)

    return await commands.run(session, caller, pre_register, request=body, key=idempotency_key, status_code=201)


@router.post(
    "/applications/{application_id}/events",
    summary="申请流程事件（受理、补正、评估、审议、签约、开通）",
    response_model=ApplicationOut,
)
async def application_event(
    application_id: PathId,
    body: ApplicationEventIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def record() -> ApplicationOut:
        row = await applications.record_event(session, caller, application_id, body.event, body.on, body.score)
        return ApplicationOut.model_validate(row)

    return await commands.run(
        session,
        caller,
        record,
        request=(application_id, body),
        key=idempotency_key,
        decision=Decision("application", application_id, body.event.value, body.on, body.document_number or ""),
        authorise=lambda: applications.find(session, caller, application_id),
    )


@router.post(
    "/applications/{application_id}/supplements",
    summary="评估期间补充材料（不计入评估期限）",
    response_model=ApplicationOut,
)
async def add_supplement(
    application_id: PathId,
    body: SupplementIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def supplement() -> ApplicationOut:
        row = await applications.add_supplement(session, caller, application_id, body.first, body.last)
        return ApplicationOut.model_validate(row)

    return await commands.run(session, caller, supplement, request=(application_id, body), key=idempotency_key)


@router.get("/applications/{application_id}", summary="定点申请详情")
async def get_application(application_id: PathId, caller: Reader, session: Session) -> ApplicationOut:
    return ApplicationOut.model_validate(await applications.find(session, caller, application_id))


@router.get("/applications", summary="定点申请列表")
async def list_applications(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    institution_id: QueryId = None,
    state: Annotated[AppState | None, Query()] = None,
) -> Page[ApplicationOut]:
    return await _APPLICATIONS.fetch(
        engine,
        paging,
        ApplicationOut.model_validate,
        institution_id=institution_id,
        state=state.value if state is not None else None,
        district=scoped_district(caller, None),
    )

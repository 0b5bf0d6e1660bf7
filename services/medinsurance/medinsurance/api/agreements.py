"""医保协议 (二(三)4, 附件1 一): signing, 中止, 恢复, 解除, 续签."""

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.common import commands, institution_in_district
from medinsurance.api.schemas.agreements import (
    AgreementEventIn,
    AgreementEventOut,
    AgreementImportIn,
    AgreementIn,
    AgreementOut,
    TerminationStepIn,
)
from medinsurance.api.schemas.common import PathId, QueryId
from medinsurance.casework import agreements, applications
from medinsurance.casework.common import institution_for
from medinsurance.models import Agreement
from medinsurance.rules.application import AppEvent
from qz_common.app import Engine, Session
from qz_common.clock import today
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["agreements"])

_AGREEMENTS = PagedSelect(
    select(Agreement).order_by(Agreement.id),
    institution_id=Agreement.institution_id,
    district=institution_in_district(Agreement.institution_id),
)


@router.post(
    "/agreements",
    status_code=201,
    summary="签订医保协议：审议通过的定点申请（至当年12月31日）",
    response_model=AgreementOut,
)
async def sign_agreement(
    body: AgreementIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def sign() -> AgreementOut:
        row = await applications.sign_for(
            session, caller, body.institution_id, body.application_id, body.signed_on, body.pooling_area
        )
        return AgreementOut.model_validate(row)

    # the application's `sign` event is the same signature: one decision whichever door it comes through
    signature = Decision("application", body.application_id, AppEvent.SIGN.value, body.signed_on)
    return await commands.run(
        session,
        caller,
        sign,
        request=body,
        key=idempotency_key,
        decision=signature,
        authorise=lambda: applications.find(session, caller, body.application_id, referenced=True),
        status_code=201,
    )


@router.post(
    "/agreement-imports",
    status_code=201,
    summary="补录平台外签订的医保协议（须原文书号，同样审查不予受理情形）",
    response_model=AgreementOut,
)
async def import_agreement(
    body: AgreementImportIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def record() -> AgreementOut:
        return AgreementOut.model_validate(await agreements.import_signed(session, caller, **vars(body)))

    imported = Decision(
        "institution", body.institution_id, "agreement_import", body.signed_on, body.original_document_number
    )
    return await commands.run(
        session,
        caller,
        record,
        request=body,
        key=idempotency_key,
        decision=imported,
        authorise=lambda: institution_for(session, caller, body.institution_id, referenced=True),
        status_code=201,
    )


@router.post(
    "/agreements/{agreement_id}/events",
    summary="协议中止、恢复、解除、续签（地市级中止、解除及于其他统筹区）",
    response_model=AgreementEventOut,
)
async def agreement_event(
    agreement_id: PathId,
    body: AgreementEventIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def record() -> AgreementEventOut:
        event = agreements.AgreementEvent(**body.model_dump(exclude={"document_number"}))
        applied = await agreements.record_event(session, caller, agreement_id, event)
        return AgreementEventOut.of(applied.agreement, applied.linked)

    return await commands.run(
        session,
        caller,
        record,
        request=(agreement_id, body),
        key=idempotency_key,
        decision=Decision("agreement", agreement_id, body.event, body.on, body.document_number or ""),
        authorise=lambda: agreements.find(session, caller, agreement_id),
    )


@router.post(
    "/agreements/{agreement_id}/termination-steps",
    summary="解除协议办理程序（附件1 一(四)）",
    response_model=AgreementOut,
)
async def termination_step(
    agreement_id: PathId,
    body: TerminationStepIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def record() -> AgreementOut:
        row = await agreements.record_termination_step(session, caller, agreement_id, body.step, body.on)
        return AgreementOut.model_validate(row)

    step = Decision("agreement", agreement_id, f"termination:{body.step}", body.on, body.document_number or "")
    return await commands.run(
        session,
        caller,
        record,
        request=(agreement_id, body),
        key=idempotency_key,
        decision=step,
        authorise=lambda: agreements.find(session, caller, agreement_id),
    )


@router.get("/agreements/{agreement_id}", summary="医保协议详情（含自动解除、到期）")
async def get_agreement(agreement_id: PathId, caller: Reader, session: Session) -> AgreementOut:
    row = await agreements.find(session, caller, agreement_id)
    return AgreementOut.as_of(row, agreements.as_of(row, today()))


@router.get("/agreements", summary="医保协议列表")
async def list_agreements(
    caller: Reader, engine: Engine, paging: Paging, institution_id: QueryId = None
) -> Page[AgreementOut]:
    return await _AGREEMENTS.fetch(
        engine,
        paging,
        AgreementOut.model_validate,
        institution_id=institution_id,
        district=scoped_district(caller, None),
    )

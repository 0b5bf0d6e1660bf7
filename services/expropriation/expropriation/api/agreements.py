"""Agreements (with the parameter versions used, so a re-quote reproduces them) and the hand-over."""

from fastapi import APIRouter

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.agreements import AgreementIn, AgreementOut, HandoverIn
from expropriation.casework import agreements, records
from expropriation.facts.quote import QuoteOut
from qz_common.app import Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer

router = APIRouter(prefix="/v1", tags=["cases"])


@router.post("/agreements", status_code=201, response_model=AgreementOut, summary="签订补偿安置协议")
async def sign_agreement(
    body: AgreementIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> AgreementOut:
        record = await agreements.sign(
            session, caller, body.household_id, body.method, body.signed_on, body.handed_over_on
        )
        return AgreementOut.model_validate(record)

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("/agreements/{agreement_id}", summary="补偿安置协议")
async def get_agreement(agreement_id: PathId, caller: Reader, session: Session) -> AgreementOut:
    return AgreementOut.model_validate(await records.agreement_of(session, caller, agreement_id))


@router.get("/agreements/{agreement_id}/requote", summary="按协议所存参数版本重算（应与签约时一致）")
async def requote_agreement(agreement_id: PathId, caller: Reader, session: Session) -> QuoteOut:
    return agreements.requote(await records.agreement_of(session, caller, agreement_id))


@router.post("/agreements/{agreement_id}/handover", summary="登记腾空交付房屋")
async def hand_over(
    agreement_id: PathId, body: HandoverIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> AgreementOut:
        record = await agreements.hand_over(session, caller, agreement_id, body.handed_over_on)
        return AgreementOut.model_validate(record)

    return await commands.run(session, caller, work, request=(agreement_id, body), key=idempotency_key)

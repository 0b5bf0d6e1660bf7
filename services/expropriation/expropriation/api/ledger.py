"""Payments under an agreement and 四(一) clawbacks."""

from fastapi import APIRouter
from sqlalchemy import select

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.ledger import (
    ClawbackIn,
    ClawbackOut,
    ClawbackWhatIfIn,
    ClawbackWhatIfOut,
    LedgerOut,
    PaymentIn,
    PaymentOut,
    PaymentWhatIfIn,
    PaymentWhatIfOut,
)
from expropriation.casework import ledger, records
from expropriation.models import Clawback, Payment
from qz_common.app import Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["cases"])

_PAYMENTS = PagedSelect(select(Payment).order_by(Payment.id), agreement_id=Payment.agreement_id)
_CLAWBACKS = PagedSelect(select(Clawback).order_by(Clawback.id), agreement_id=Clawback.agreement_id)


@router.post("/payments", status_code=201, response_model=PaymentOut, summary="登记支付")
async def record_payment(
    body: PaymentIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> PaymentOut:
        payment = body.model_dump(exclude={"agreement_id"})
        return PaymentOut.model_validate(await ledger.pay(session, caller, body.agreement_id, payment))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.post(
    "/payments/what-if",
    summary="支付的情景测算：按情景参数（含条文理解切换，如 A-40）该笔支付是否会被接受；不登记",
)
async def payment_what_if(body: PaymentWhatIfIn, caller: Reader, session: Session) -> PaymentWhatIfOut:
    payment = body.model_dump(include={"item_code", "amount", "paid_on"})
    assessed = await ledger.payment_what_if(session, caller, body.agreement_id, payment, body.parameters)
    return PaymentWhatIfOut.of(body, assessed)


@router.get(
    "/agreements/{agreement_id}/ledger",
    summary="协议的账目：逐项应得（按目前查实情况和已发生事项）、已付、已收回、尚可支付",
)
async def get_ledger(agreement_id: PathId, caller: Reader, session: Session) -> LedgerOut:
    return LedgerOut.of(agreement_id, await ledger.ledger_of(session, caller, agreement_id))


@router.get("/agreements/{agreement_id}/payments", summary="协议的支付记录")
async def list_payments(agreement_id: PathId, caller: Reader, session: Session, paging: Paging) -> Page[PaymentOut]:
    await records.agreement_of(session, caller, agreement_id)
    return await _PAYMENTS.fetch(session, paging, PaymentOut.model_validate, agreement_id=agreement_id)


@router.post("/clawbacks", status_code=201, response_model=ClawbackOut, summary="弄虚作假骗取补偿的收回（四(一)）")
async def record_clawback(
    body: ClawbackIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> ClawbackOut:
        corrected = body.corrected.model_dump(mode="json", exclude_unset=True)
        record = await ledger.claw_back(session, caller, body.agreement_id, body.found_on, body.reason, corrected)
        return ClawbackOut.model_validate(record)

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.post(
    "/clawbacks/what-if",
    summary="收回的情景测算（四(一)）：按情景参数（含条文理解切换 A-29、A-42）该查实情况应收回多少；不登记、不收回",
)
async def clawback_what_if(body: ClawbackWhatIfIn, caller: Reader, session: Session) -> ClawbackWhatIfOut:
    corrected = body.corrected.model_dump(mode="json", exclude_unset=True)
    what_if = await ledger.clawback_what_if(
        session, caller, body.agreement_id, body.found_on, corrected, body.parameters
    )
    return ClawbackWhatIfOut.of(what_if, body.parameters)


@router.get("/agreements/{agreement_id}/clawbacks", summary="协议的收回记录")
async def list_clawbacks(agreement_id: PathId, caller: Reader, session: Session, paging: Paging) -> Page[ClawbackOut]:
    await records.agreement_of(session, caller, agreement_id)
    return await _CLAWBACKS.fetch(session, paging, ClawbackOut.model_validate, agreement_id=agreement_id)

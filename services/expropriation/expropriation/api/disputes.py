"""Disputes on the 二(四) path to 提存."""

from fastapi import APIRouter

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.disputes import DisputeIn, DisputeOut, DisputeStepIn, dispute_out
from expropriation.casework import disputes
from qz_common.app import Session
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer

router = APIRouter(prefix="/v1", tags=["cases"])


@router.post("/disputes", status_code=201, response_model=DisputeOut, summary="登记产权争议（二(四)）")
async def open_dispute(
    body: DisputeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> DisputeOut:
        return dispute_out(await disputes.open_dispute(session, caller, body.household_id, body.ground, body.detail))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.post("/disputes/{dispute_id}/steps", summary="争议程序推进：方案→证据保全→补偿决定→提存")
async def dispute_step(
    dispute_id: PathId, body: DisputeStepIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> DisputeOut:
        record = await disputes.advance(
            session, caller, dispute_id, body.state, body.on, body.reference, body.deposit_amount
        )
        return dispute_out(record)

    return await commands.run(
        session,
        caller,
        work,
        request=(dispute_id, body),
        key=idempotency_key,
        decision=Decision("dispute", dispute_id, body.state, body.on, body.reference),
        authorise=lambda: disputes.dispute_of(session, caller, dispute_id),
    )


@router.get("/disputes/{dispute_id}", summary="产权争议")
async def get_dispute(dispute_id: PathId, caller: Reader, session: Session) -> DisputeOut:
    return dispute_out(await disputes.dispute_of(session, caller, dispute_id))

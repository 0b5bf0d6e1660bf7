"""复核 requests as the caseworker sees them: every one filed through 浙里办, to be answered (A-51)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.objections import ObjectionAnswerIn, ObjectionOut
from expropriation.casework import objections
from expropriation.models import Objection
from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["cases"])

# In the order they were filed (a cursor pages on the id; each carries its answer_due_on).
_OBJECTIONS = PagedSelect(
    select(Objection).order_by(Objection.id),
    district=Objection.district,
    state=Objection.state,
)


@router.get("/objections", summary="复核申请列表（state=open 为待答复）")
async def list_objections(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    state: Annotated[Literal["open", "answered"] | None, Query(description="open 待答复 | answered 已答复")] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[ObjectionOut]:
    scope = scoped_district(caller, district)
    return await _OBJECTIONS.fetch(engine, paging, ObjectionOut.model_validate, district=scope, state=state)


@router.get("/objections/{objection_id}", summary="复核申请")
async def get_objection(objection_id: PathId, caller: Reader, session: Session) -> ObjectionOut:
    return ObjectionOut.model_validate(await objections.objection_of(session, caller, objection_id))


@router.post("/objections/{objection_id}/answer", summary="答复复核申请")
async def answer_objection(
    objection_id: PathId,
    body: ObjectionAnswerIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> ObjectionOut:
        record = await objections.answer(session, caller, objection_id, body.outcome, body.answer, body.answered_on)
        return ObjectionOut.model_validate(record)

    return await commands.run(
        session,
        caller,
        work,
        request=(objection_id, body),
        key=idempotency_key,
        decision=Decision("objection", objection_id, "answer", body.answered_on),
        authorise=lambda: objections.objection_of(session, caller, objection_id),
    )

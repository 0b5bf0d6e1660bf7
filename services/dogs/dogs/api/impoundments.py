"""五 公安机关捕捉、扣押大型犬、烈性犬并移交收容(留验)场所."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from dogs.api.common import audit, cited, idempotent, refuse_future
from dogs.api.schemas import ImpoundmentIn, ImpoundmentOut
from dogs.models import Impoundment, Registration
from dogs.parameters import breeds_book, notice_book
from dogs.rules.capture import CLAUSE, capture_problems
from dogs.rules.classification import BreedCatalogue, classify
from dogs.rules.notice import resolve
from qz_common.app import Engine, Session
from qz_common.clock import in_quzhou
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, ensure_district, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1/impoundments", tags=["impoundments"])

_IMPOUNDMENTS = PagedSelect(
    select(Impoundment).order_by(Impoundment.id),
    owner_id_number=Impoundment.owner_id_number,
    district=Impoundment.district,
)


@router.post("", status_code=201, summary="登记捕捉、扣押并移交收容场所（五）", response_model=ImpoundmentOut)
async def record_impoundment(
    body: ImpoundmentIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    ensure_district(caller, body.district)
    if body.occurred_at.tzinfo is None or body.handed_over_at.tzinfo is None:
        raise ProblemError(422, "timezone_required", "捕捉时间和移交时间须带时区", field="occurred_at")
    refuse_future(occurred_at=body.occurred_at, handed_over_at=body.handed_over_at)
    day = in_quzhou(body.occurred_at).date()
    result = classify(
        body.breed,
        body.shoulder_height_cm,
        body.body_length_cm,
        resolve(notice_book(), day).params,
        BreedCatalogue.from_params(resolve(breeds_book(), day).params),
    )
    problems = capture_problems(result, body.occurred_at, body.handed_over_at)

    async def create() -> ImpoundmentOut:
        await cited(
            session,
            caller,
            Registration,
            body.registration_id,
            field="registration_id",
            label="养犬登记",
            required=True,
        )
        if problems:
            raise ProblemError(
                422,
                "not_within_clause_five",
                "；".join(problems),
                field="breed",
                basis=CLAUSE,
                reasons=list(result.reasons),
            )
        record = Impoundment(**body.model_dump(), large=result.large, fierce=result.fierce)
        session.add(record)
        await session.flush()
        audit.record(session, caller, "create", record)
        return ImpoundmentOut.model_validate(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("", summary="捕捉、扣押记录列表")
async def list_impoundments(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    owner_id_number: Annotated[IdNumber | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[ImpoundmentOut]:
    return await _IMPOUNDMENTS.fetch(
        engine,
        paging,
        ImpoundmentOut.model_validate,
        owner_id_number=owner_id_number,
        district=scoped_district(caller, district),
    )

"""五 公安机关捕捉、扣押大型犬、烈性犬并移交收容(留验)场所."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from dogs.api.common import commands
from dogs.api.schemas.impoundments import ImpoundmentIn, ImpoundmentOut
from dogs.casework import impoundments
from dogs.models import Impoundment
from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1/impoundments", tags=["impoundments"])

_IMPOUNDMENTS = PagedSelect(
    select(Impoundment).order_by(Impoundment.id),
    owner_id_number=Impoundment.owner_id_number_lookup,
    district=Impoundment.district,
)


@router.post("", status_code=201, summary="登记捕捉、扣押并移交收容场所（五）", response_model=ImpoundmentOut)
async def record_impoundment(
    body: ImpoundmentIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> ImpoundmentOut:
        record = await impoundments.record(session, caller, Impoundment(**body.model_dump()))
        return ImpoundmentOut.model_validate(record)

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


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

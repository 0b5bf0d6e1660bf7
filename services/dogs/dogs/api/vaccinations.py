"""六 免疫点 records."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from dogs.api.common import commands
from dogs.api.schemas.vaccinations import VaccinationIn, VaccinationOut
from dogs.casework import vaccinations
from dogs.models import Vaccination
from qz_common.app import Engine, Session
from qz_common.db import get_in_district
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1/vaccinations", tags=["vaccinations"])

_VACCINATIONS = PagedSelect(
    select(Vaccination).order_by(Vaccination.id),
    owner_id_number=Vaccination.owner_id_number_lookup,
    district=Vaccination.district,
)


@router.post("", status_code=201, summary="录入免疫信息（六）", response_model=VaccinationOut)
async def create_vaccination(
    body: VaccinationIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> VaccinationOut:
        record = await vaccinations.record(session, caller, Vaccination(**body.model_dump()))
        return VaccinationOut.model_validate(record)

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("", summary="免疫记录列表")
async def list_vaccinations(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    owner_id_number: Annotated[IdNumber | None, Query(description="养犬人身份证号")] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[VaccinationOut]:
    return await _VACCINATIONS.fetch(
        engine,
        paging,
        VaccinationOut.model_validate,
        owner_id_number=owner_id_number,
        district=scoped_district(caller, district),
    )


@router.get("/{vaccination_id}", summary="免疫记录")
async def get_vaccination(vaccination_id: int, caller: Reader, session: Session) -> VaccinationOut:
    record = await get_in_district(session, caller, Vaccination, vaccination_id, "免疫记录", field="vaccination_id")
    return VaccinationOut.model_validate(record)

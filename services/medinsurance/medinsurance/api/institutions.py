"""医药机构 register (with the USCC of the operating entity)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from medinsurance.api.common import commands
from medinsurance.api.schemas.common import PathId
from medinsurance.api.schemas.institutions import (
    ApplicationCheckIn,
    ApplicationCheckOut,
    InstitutionIn,
    InstitutionOut,
)
from medinsurance.casework import bars, institutions
from medinsurance.casework.common import institution_for
from medinsurance.models import Institution
from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.ids import USCC
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["institutions"])

_INSTITUTIONS = PagedSelect(
    select(Institution).order_by(Institution.id),
    uscc=Institution.uscc,
    district=Institution.district,
)


@router.post("/institutions", status_code=201, summary="登记医药机构", response_model=InstitutionOut)
async def create_institution(
    body: InstitutionIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def register() -> InstitutionOut:
        registration = institutions.Registration(**vars(body))
        return InstitutionOut.model_validate(await institutions.register(session, caller, registration))

    return await commands.run(session, caller, register, request=body, key=idempotency_key, status_code=201)


@router.get("/institutions", summary="医药机构列表")
async def list_institutions(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    uscc: Annotated[USCC | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[InstitutionOut]:
    return await _INSTITUTIONS.fetch(
        engine, paging, InstitutionOut.model_validate, uscc=uscc, district=scoped_district(caller, district)
    )


@router.get("/institutions/{institution_id}", summary="医药机构详情")
async def get_institution(institution_id: PathId, caller: Reader, session: Session) -> InstitutionOut:
    return InstitutionOut.model_validate(await institution_for(session, caller, institution_id))


@router.post(
    "/institutions/{institution_id}/application-check",
    summary="再次申请定点的核查：某日提交申请是否遇不予受理情形或等待期（二(三)2、二(三)3），可作情景测算（不写入）",
)
async def check_application(
    institution_id: PathId, body: ApplicationCheckIn, caller: Reader, session: Session
) -> ApplicationCheckOut:
    bar = await bars.check(session, caller, institution_id, body.on, body.parameters)
    if bar is None:
        return ApplicationCheckOut(
            barred=False, code=None, reason=None, until=None, basis=None, scenario=body.parameters
        )
    return ApplicationCheckOut(
        barred=True, code=bar.code, reason=bar.reason, until=bar.until, basis=bar.basis, scenario=body.parameters
    )

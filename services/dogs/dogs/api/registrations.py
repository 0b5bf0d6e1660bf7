"""三 养犬登记: submitted → approved (registration number issued) | rejected with reasons; the owner's moves."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from dogs.api.common import idempotent
from dogs.api.schemas.common import RejectIn
from dogs.api.schemas.registrations import AddressChangeIn, AddressChangeOut, RegistrationIn, RegistrationOut
from dogs.casework import registrations
from dogs.models import Registration
from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["registrations"])

_REGISTRATIONS = PagedSelect(
    select(Registration).order_by(Registration.id),
    owner_id_number=Registration.owner_id_number,
    status=Registration.status,
    district=Registration.district,
)


@router.post("/registrations", status_code=201, summary="养犬登记申请（三）", response_model=RegistrationOut)
async def submit_registration(
    body: RegistrationIn,
    request: Request,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    max_photo_bytes = request.app.state.settings.max_photo_bytes

    async def create() -> RegistrationOut:
        application = Registration(**body.model_dump())
        return RegistrationOut.model_validate(await registrations.submit(session, caller, application, max_photo_bytes))

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/registrations", summary="养犬登记列表（可按养犬人身份证号筛选）")
async def list_registrations(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    owner_id_number: Annotated[IdNumber | None, Query(description="养犬人身份证号")] = None,
    status: Annotated[Literal["submitted", "approved", "rejected"] | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[RegistrationOut]:
    return await _REGISTRATIONS.fetch(
        engine,
        paging,
        RegistrationOut.model_validate,
        owner_id_number=owner_id_number,
        status=status,
        district=scoped_district(caller, district),
    )


@router.get("/registrations/{registration_id}", summary="养犬登记")
async def get_registration(registration_id: int, caller: Reader, session: Session) -> RegistrationOut:
    return RegistrationOut.model_validate(await registrations.registration(session, caller, registration_id))


@router.post("/registrations/{registration_id}/approve", summary="审核通过并发放登记号")
async def approve_registration(registration_id: int, caller: Writer, session: Session) -> RegistrationOut:
    async with session.begin():
        record = await registrations.approve(session, caller, registration_id)
        return RegistrationOut.model_validate(record)


@router.post("/registrations/{registration_id}/reject", summary="不予登记（须说明理由）")
async def reject_registration(
    registration_id: int, body: RejectIn, caller: Writer, session: Session
) -> RegistrationOut:
    async with session.begin():
        record = await registrations.reject(session, caller, registration_id, body.reasons)
        return RegistrationOut.model_validate(record)


@router.post("/address-changes", summary="养犬人住所变更（如因房屋征收搬迁）")
async def change_owner_address(body: AddressChangeIn, caller: Writer, session: Session) -> AddressChangeOut:
    """Moves every approved registration of the owner to the new address; idempotent by nature."""
    async with session.begin():
        change = await registrations.change_address(
            session, caller, body.owner_id_number, body.address, body.district, body.key_area
        )
    return AddressChangeOut(
        owner_id_number=body.owner_id_number,
        changed_registration_ids=[record.id for record in change.moved],
        flagged=change.flagged,
    )

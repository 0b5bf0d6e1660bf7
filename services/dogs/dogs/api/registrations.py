"""三 养犬登记: submitted → approved (registration number issued) | rejected with reasons; the owner's moves."""

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Request
from sqlalchemy import select

from dogs.api.common import commands, decision
from dogs.api.schemas.common import RejectIn
from dogs.api.schemas.registrations import (
    AddressChangeIn,
    AddressChangeOut,
    ApproveRegistrationIn,
    RegistrationIn,
    RegistrationOut,
    RenewalIn,
    RenewalWhatIfIn,
    RenewalWhatIfOut,
)
from dogs.casework import registrations
from dogs.models import Registration
from qz_common.app import Engine, Session
from qz_common.clock import today
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["registrations"])

_REGISTRATIONS = PagedSelect(
    select(Registration).order_by(Registration.id),
    owner_id_number=Registration.owner_id_number_lookup,
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

    async def work() -> RegistrationOut:
        application = Registration(**body.model_dump())
        return RegistrationOut.model_validate(await registrations.submit(session, caller, application, max_photo_bytes))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


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


@router.post("/registrations/{registration_id}/approve", summary="审核通过并发放登记号", response_model=RegistrationOut)
async def approve_registration(
    registration_id: int,
    caller: Writer,
    session: Session,
    body: Annotated[ApproveRegistrationIn, Body(default_factory=ApproveRegistrationIn)],
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> RegistrationOut:
        record = await registrations.approve(session, caller, registration_id, body.document_number, body.breed_finding)
        return RegistrationOut.model_validate(record)

    return await commands.run(
        session,
        caller,
        work,
        request=(registration_id, body),
        key=idempotency_key,
        decision=decision("registration", registration_id, "approve", body.document_number),
        authorise=lambda: registrations.registration(session, caller, registration_id),
    )


@router.post(
    "/registrations/{registration_id}/reject", summary="不予登记（须说明理由）", response_model=RegistrationOut
)
async def reject_registration(
    registration_id: int, body: RejectIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> RegistrationOut:
        record = await registrations.reject(session, caller, registration_id, body.reasons, body.document_number)
        return RegistrationOut.model_validate(record)

    return await commands.run(
        session,
        caller,
        work,
        request=(registration_id, body),
        key=idempotency_key,
        decision=decision("registration", registration_id, "reject", body.document_number),
        authorise=lambda: registrations.registration(session, caller, registration_id),
    )


@router.post(
    "/registrations/{registration_id}/renewal",
    summary="养犬登记续期（凭新的免疫记录，三3）",
    response_model=RegistrationOut,
)
async def renew_registration(
    registration_id: int, body: RenewalIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> RegistrationOut:
        return RegistrationOut.model_validate(
            await registrations.renew(session, caller, registration_id, body.vaccination_id)
        )

    return await commands.run(session, caller, work, request=(registration_id, body), key=idempotency_key)


@router.post(
    "/registrations/{registration_id}/renewal/what-if",
    tags=["what-if"],
    summary="续期情景测算：按现行与情景参数、条文理解测算须续期之日，不续期、不存档（三3）",
)
async def renewal_what_if(
    registration_id: int,
    caller: Reader,
    session: Session,
    body: Annotated[RenewalWhatIfIn, Body(default_factory=RenewalWhatIfIn)],
) -> RenewalWhatIfOut:
    day = body.as_of or today()
    judged = await registrations.renewal_what_if(session, caller, registration_id, day, body.parameters)
    return RenewalWhatIfOut.of(judged, body.parameters)


@router.post("/address-changes", summary="养犬人住所变更（如因房屋征收搬迁）", response_model=AddressChangeOut)
async def change_owner_address(
    body: AddressChangeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    """Moves every approved registration of the owner to the new address; a registration already there is left
    alone, so a repeated change moves nothing (a retried key answers what the first request did)."""

    async def work() -> AddressChangeOut:
        change = await registrations.change_address(
            session, caller, body.owner_id_number, body.address, body.district, body.key_area
        )
        return AddressChangeOut(
            owner_id_number=body.owner_id_number,
            changed_registration_ids=[record.id for record in change.moved],
            flagged=change.flagged,
        )

    return await commands.run(session, caller, work, request=body, key=idempotency_key)

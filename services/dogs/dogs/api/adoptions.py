"""四 领养: shelter dogs offered, applications queued strictly in submission order."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from dogs.api.common import commands, decision
from dogs.api.schemas.adoptions import (
    AdoptionApplicationIn,
    AdoptionApplicationOut,
    ApproveAdoptionIn,
    ShelterDogIn,
    ShelterDogOut,
)
from dogs.api.schemas.common import RejectIn
from dogs.casework import adoptions
from dogs.models import AdoptionApplication, ShelterDog
from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["adoptions"])

SHELTER_DOGS = PagedSelect(
    select(ShelterDog).order_by(ShelterDog.id),
    status=ShelterDog.status,
    district=ShelterDog.district,
)
_ADOPTION_APPLICATIONS = PagedSelect(
    select(AdoptionApplication).order_by(AdoptionApplication.dog_id, AdoptionApplication.queue_position),
    dog_id=AdoptionApplication.dog_id,
    applicant_id_number=AdoptionApplication.applicant_id_number_lookup,
    district=lambda stmt, value: stmt.join(ShelterDog).where(ShelterDog.district == value),
)


@router.post("/shelter-dogs", status_code=201, summary="收容犬只开放领养", response_model=ShelterDogOut)
async def offer_dog(
    body: ShelterDogIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> ShelterDogOut:
        return ShelterDogOut.model_validate(await adoptions.offer(session, caller, ShelterDog(**body.model_dump())))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("/shelter-dogs", summary="可领养犬只列表")
async def list_dogs(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    status: Annotated[Literal["available", "adopted"] | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[ShelterDogOut]:
    return await SHELTER_DOGS.fetch(
        engine, paging, ShelterDogOut.model_validate, status=status, district=scoped_district(caller, district)
    )


@router.post(
    "/shelter-dogs/{dog_id}/applications",
    status_code=201,
    summary="提交领养申请（按提交先后排序）",
    response_model=AdoptionApplicationOut,
)
async def apply_for_adoption(
    dog_id: int,
    body: AdoptionApplicationIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> AdoptionApplicationOut:
        application = await adoptions.apply(session, caller, dog_id, AdoptionApplication(**body.model_dump()))
        return AdoptionApplicationOut.model_validate(application)

    return await commands.run(session, caller, work, request=(dog_id, body), key=idempotency_key, status_code=201)


@router.get("/adoption-applications", summary="领养申请列表")
async def list_applications(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    dog_id: int | None = None,
    applicant_id_number: Annotated[IdNumber | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[AdoptionApplicationOut]:
    return await _ADOPTION_APPLICATIONS.fetch(
        engine,
        paging,
        AdoptionApplicationOut.model_validate,
        dog_id=dog_id,
        applicant_id_number=applicant_id_number,
        district=scoped_district(caller, district),
    )


@router.post(
    "/adoption-applications/{application_id}/approve",
    summary="审核通过领养（须逐项确认条件）",
    response_model=AdoptionApplicationOut,
)
async def approve_adoption(
    application_id: int,
    body: ApproveAdoptionIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> AdoptionApplicationOut:
        application = await adoptions.approve(session, caller, application_id, body.checklist, body.document_number)
        return AdoptionApplicationOut.model_validate(application)

    return await commands.run(
        session,
        caller,
        work,
        request=(application_id, body),
        key=idempotency_key,
        decision=decision("adoption_application", application_id, "approve", body.document_number),
        authorise=lambda: adoptions.application_and_dog(session, caller, application_id),
    )


@router.post(
    "/adoption-applications/{application_id}/reject", summary="领养申请不予通过", response_model=AdoptionApplicationOut
)
async def reject_adoption(
    application_id: int, body: RejectIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> AdoptionApplicationOut:
        application = await adoptions.reject(session, caller, application_id, body.reasons, body.document_number)
        return AdoptionApplicationOut.model_validate(application)

    return await commands.run(
        session,
        caller,
        work,
        request=(application_id, body),
        key=idempotency_key,
        decision=decision("adoption_application", application_id, "reject", body.document_number),
        authorise=lambda: adoptions.application_and_dog(session, caller, application_id),
    )

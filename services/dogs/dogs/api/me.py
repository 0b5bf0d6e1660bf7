"""养犬一点通: what a 浙里办 person does themselves (三 登记 and its renewal, 住所变更, 四 领养, 五 认领), under the
caseworker's casework, for the signed-in person only (``citizen.citizen_id``, never an id of the body or path)."""

from typing import Annotated

from fastapi import APIRouter, Request, UploadFile
from fastapi.params import File

from dogs.api.adoptions import SHELTER_DOGS
from dogs.api.common import commands
from dogs.api.photos import store_photo
from dogs.api.schemas.adoptions import AdoptionApplicationOut, MyAdoptionApplicationIn, ShelterDogOut
from dogs.api.schemas.impoundments import ImpoundmentOut, MyImpoundmentOut
from dogs.api.schemas.photos import PhotoOut
from dogs.api.schemas.registrations import (
    AddressChangeOut,
    MaterialsOut,
    MyAddressChangeIn,
    MyRegistrationIn,
    RegistrationOut,
    RenewalIn,
)
from dogs.casework import adoptions, impoundments, notices, registrations
from dogs.models import AdoptionApplication, Impoundment, Registration
from dogs.rules.capture import CLAIM_BASIS
from dogs.rules.registration import Channel
from qz_common.app import Engine, Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Citizen
from qz_common.notices import AsOf, Notice, counted_from
from qz_common.pagination import Page, Paging

router = APIRouter(prefix="/v1/me", tags=["citizens"])


def _me(citizen: Citizen) -> str:
    assert citizen.citizen_id is not None  # Citizen guarantees it: the person is the signed-in one, never the body's
    return citizen.citizen_id


@router.post("/photos", status_code=201, summary="上传本人犬只照片（浙里办，三5）", response_model=PhotoOut)
async def upload_my_photo(
    request: Request,
    citizen: Citizen,
    session: Session,
    file: Annotated[UploadFile, File(description="JPEG 或 PNG")],
    idempotency_key: IdempotencyKey = None,
) -> object:
    return await store_photo(request, citizen, session, file, idempotency_key)


@router.post(
    "/registrations", status_code=201, summary="本人申请养犬登记（浙里办，三）", response_model=RegistrationOut
)
async def submit_my_registration(
    body: MyRegistrationIn, request: Request, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    max_photo_bytes = request.app.state.settings.max_photo_bytes

    async def work() -> RegistrationOut:
        application = Registration(**body.model_dump(), owner_id_number=_me(citizen), channel=Channel.ZHELIBAN)
        return RegistrationOut.model_validate(
            await registrations.submit(session, citizen, application, max_photo_bytes)
        )

    return await commands.run(session, citizen, work, request=body, key=idempotency_key, status_code=201)


@router.get("/registrations/{registration_id}/materials", summary="本人登记申请须补正的材料（一次性告知，三）")
async def my_registration_materials(
    registration_id: int, request: Request, citizen: Citizen, session: Session
) -> MaterialsOut:
    now = await registrations.materials_now(
        session, citizen, registration_id, request.app.state.settings.max_photo_bytes
    )
    return MaterialsOut(
        registration_id=now.record.id,
        status=now.record.status,
        checked_on=now.checked_on,
        complete=not now.problems,
        missing=[vars(p) for p in now.problems],
        valid_until=now.valid_until,
    )


@router.post(
    "/registrations/{registration_id}/renewal",
    summary="本人养犬登记续期（凭新的免疫记录，三3）",
    response_model=RegistrationOut,
)
async def renew_my_registration(
    registration_id: int, body: RenewalIn, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> RegistrationOut:
        record = await registrations.renew(session, citizen, registration_id, body.vaccination_id)
        return RegistrationOut.model_validate(record)

    return await commands.run(session, citizen, work, request=(registration_id, body), key=idempotency_key)


@router.post("/address-change", summary="本人申报养犬住所变更（浙里办）", response_model=AddressChangeOut)
async def change_my_address(
    body: MyAddressChangeIn, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    """Moves every approved registration of the person, as the caseworker's address change does (D-07 in the
    重点管理区: a large or fierce dog's move there is refused and nothing moves)."""

    async def work() -> AddressChangeOut:
        change = await registrations.change_address(
            session, citizen, _me(citizen), body.address, body.district, body.key_area
        )
        return AddressChangeOut(
            owner_id_number=_me(citizen),
            changed_registration_ids=[record.id for record in change.moved],
            flagged=change.flagged,
        )

    return await commands.run(session, citizen, work, request=body, key=idempotency_key)


@router.get("/shelter-dogs", summary="可领养的收容犬只（浙里办，四）")
async def shelter_dogs_to_adopt(_citizen: Citizen, engine: Engine, paging: Paging) -> Page[ShelterDogOut]:
    return await SHELTER_DOGS.fetch(engine, paging, ShelterDogOut.model_validate, status="available")


@router.post(
    "/shelter-dogs/{dog_id}/applications",
    status_code=201,
    summary="本人申请领养收容犬只（按提交先后排序，四）",
    response_model=AdoptionApplicationOut,
)
async def apply_to_adopt(
    dog_id: int,
    body: MyAdoptionApplicationIn,
    citizen: Citizen,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> AdoptionApplicationOut:
        application = AdoptionApplication(**body.model_dump(), applicant_id_number=_me(citizen))
        return AdoptionApplicationOut.model_validate(await adoptions.apply(session, citizen, dog_id, application))

    return await commands.run(session, citizen, work, request=(dog_id, body), key=idempotency_key, status_code=201)


def _with_claim(record: Impoundment) -> MyImpoundmentOut:
    seen = ImpoundmentOut.model_validate(record).model_dump()
    return MyImpoundmentOut(**seen, claim_by=impoundments.claim_by(record), claim_basis=CLAIM_BASIS)


@router.get("/impoundments", summary="本人被捕捉、扣押的犬只及认领截止日（五）")
async def my_impoundments(citizen: Citizen, session: Session) -> list[MyImpoundmentOut]:
    return [_with_claim(record) for record in await impoundments.of_person(session, _me(citizen))]


@router.get("/impoundments/{impoundment_id}", summary="本人被捕捉、扣押的犬只及认领截止日（五）")
async def my_impoundment(impoundment_id: int, citizen: Citizen, session: Session) -> MyImpoundmentOut:
    return _with_claim(await impoundments.impoundment(session, citizen, impoundment_id))


@router.get("/notices", summary="本人养犬事项的到期提醒（免疫、续期、补正、认领）")
async def my_notices(
    request: Request,
    citizen: Citizen,
    session: Session,
    as_of: AsOf = None,
) -> list[Notice]:
    return await notices.due_for(session, citizen, request.app.state.settings.max_photo_bytes, counted_from(as_of))

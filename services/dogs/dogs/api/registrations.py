"""三 养犬登记: submitted → approved (registration number issued) | rejected with reasons."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.api.common import audit, cited, idempotent
from dogs.api.schemas import AddressChangeIn, AddressChangeOut, RegistrationIn, RegistrationOut, RejectIn
from dogs.models import Photo, Registration, Vaccination
from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, classify
from dogs.rules.notice import resolve
from dogs.rules.registration import (
    CLAUSE,
    PhotoOnFile,
    RegistrationMaterials,
    VaccinationOnFile,
    check_materials,
    registration_number,
)
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.clock import today
from qz_common.db import get_or_404, utcnow
from qz_common.districts import DISTRICT_CODES, District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Reader, Writer, ensure_district, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["registrations"])

_REGISTRATIONS = PagedSelect(
    select(Registration).order_by(Registration.id),
    owner_id_number=Registration.owner_id_number,
    status=Registration.status,
    district=Registration.district,
)


async def _vaccination(session: AsyncSession, caller: Caller, vaccination_id: int | None) -> VaccinationOnFile | None:
    record = await cited(session, caller, Vaccination, vaccination_id, field="vaccination_id", label="免疫记录")
    if record is None:
        return None
    return VaccinationOnFile(record.owner_id_number, record.vaccine_name, record.vaccinated_on, record.next_due_on)


async def _photo(session: AsyncSession, photo_id: str | None) -> PhotoOnFile | None:
    record = await session.get(Photo, photo_id) if photo_id else None
    return PhotoOnFile(record.content_type, record.size_bytes) if record else None


@router.post("/registrations", status_code=201, summary="养犬登记申请（三）", response_model=RegistrationOut)
async def submit_registration(
    body: RegistrationIn,
    request: Request,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    ensure_district(caller, body.district)
    day = today()
    notice = resolve(notice_book(), day)
    classification = classify(
        body.breed,
        body.shoulder_height_cm,
        body.body_length_cm,
        notice.params,
        BreedCatalogue.from_params(resolve(breeds_book(), day).params),
    )

    async def create() -> RegistrationOut:
        materials = RegistrationMaterials(
            applied_on=day,
            key_area=body.key_area,
            owner_id_number=body.owner_id_number,
            residence_permit_number=body.residence_permit_number,
            residence_proof_type=body.residence_proof_type,
            residence_proof_number=body.residence_proof_number,
            vaccination=await _vaccination(session, caller, body.vaccination_id),
            breed=body.breed,
            front_photo=await _photo(session, body.front_photo_id),
            side_photo=await _photo(session, body.side_photo_id),
        )
        problems = check_materials(materials, classification, request.app.state.settings.max_photo_bytes)
        if problems:
            raise ProblemError(
                422,
                "registration_materials_invalid",
                "登记材料不齐全或不符合要求：" + "；".join(p.detail for p in problems),
                field=problems[0].field,
                errors=[vars(p) for p in problems],
            )
        record = Registration(**body.model_dump(), breed_recognised=classification.recognised)
        record.owner_id_number = body.owner_id_number.strip().upper()
        session.add(record)
        await session.flush()
        audit.record(session, caller, "submit", record)
        return RegistrationOut.model_validate(record)

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
    record = await get_or_404(session, Registration, registration_id, "养犬登记", field="registration_id")
    ensure_district(caller, record.district)
    return RegistrationOut.model_validate(record)


async def _decide(
    session: AsyncSession, caller: Caller, registration_id: int, status: str, reasons: list[str] | None
) -> RegistrationOut:
    async with session.begin():
        record = await session.get(Registration, registration_id, with_for_update=True)
        if record is None:
            raise ProblemError(404, "not_found", "养犬登记不存在", field="registration_id")
        ensure_district(caller, record.district)
        if record.status != "submitted":
            raise ProblemError(409, "registration_already_decided", f"该申请已处理（{record.status}），不能重复审核")
        before = snapshot(record)
        record.status = status
        record.rejection_reasons = reasons
        record.decided_at = utcnow()
        record.decided_by = caller.client_id
        if status == "approved":
            record.registration_number = registration_number(
                DISTRICT_CODES.get(record.district, "330800"), record.decided_at.year, record.id
            )
        await session.flush()
        audit.record(session, caller, status, record, before=before)
        return RegistrationOut.model_validate(record)


@router.post("/registrations/{registration_id}/approve", summary="审核通过并发放登记号")
async def approve_registration(registration_id: int, caller: Writer, session: Session) -> RegistrationOut:
    return await _decide(session, caller, registration_id, "approved", None)


@router.post("/registrations/{registration_id}/reject", summary="不予登记（须说明理由）")
async def reject_registration(
    registration_id: int, body: RejectIn, caller: Writer, session: Session
) -> RegistrationOut:
    return await _decide(session, caller, registration_id, "rejected", body.reasons)


@router.post("/address-changes", summary="养犬人住所变更（如因房屋征收搬迁）")
async def change_owner_address(body: AddressChangeIn, caller: Writer, session: Session) -> AddressChangeOut:
    """Moves every approved registration of the owner to the new address; idempotent by nature."""
    ensure_district(caller, body.district)
    changed, flagged = [], []
    async with session.begin():
        rows = (
            await session.scalars(
                select(Registration)
                .where(Registration.owner_id_number == body.owner_id_number, Registration.status == "approved")
                .order_by(Registration.id)
                .with_for_update()
            )
        ).all()
        # District first, before anything changes: every registration of the owner must be the caller's to move.
        for record in rows:
            ensure_district(caller, record.district, field="owner_id_number")
        for record in rows:
            if (record.address, record.district, record.key_area) == (body.address, body.district, body.key_area):
                continue
            before = snapshot(record)
            record.address, record.district, record.key_area = body.address, body.district, body.key_area
            await session.flush()
            audit.record(session, caller, "address_change", record, before=before)
            changed.append(record.id)
            if body.key_area and not before["key_area"]:
                flagged.append(
                    f"登记 {record.registration_number} 迁入重点管理区：请核查是否为大型犬、烈性犬（{CLAUSE}、五）"
                )
    return AddressChangeOut(owner_id_number=body.owner_id_number, changed_registration_ids=changed, flagged=flagged)

"""三 养犬登记: submitted → approved (registration number issued) | rejected with reasons; the owner's moves."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.common import audit, classify_on, ensure_own, notice_on
from dogs.models import Photo, Registration, Vaccination
from dogs.rules.registration import (
    BreedFinding,
    MaterialProblem,
    PhotoOnFile,
    RegistrationMaterials,
    RenewalDay,
    ResidenceProof,
    VaccinationOnFile,
    approval_problems,
    check_materials,
    key_area_refusal,
    key_area_refuses_large_or_fierce,
    registration_number,
    renewal_day,
    renewal_due,
    renewal_problems,
    undecided_breed_entering,
    valid_until,
)
from qz_common.clock import today
from qz_common.db import get_in_district, get_referenced, utcnow
from qz_common.districts import DISTRICT_CODES
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district
from qz_common.scenario import in_scenario, scenario_computation


async def registration(
    session: AsyncSession, caller: Caller, registration_id: int, *, lock: bool = False
) -> Registration:
    """The registration the path names, if the caller may see it (404 for another district's, or through 浙里办 for
    another person's, as for an unused id)."""
    record = await get_in_district(
        session, caller, Registration, registration_id, "养犬登记", field="registration_id", lock=lock
    )
    ensure_own(caller, record.owner_id_number, "养犬登记", field="registration_id")
    return record


def _on_file(record: Vaccination) -> VaccinationOnFile:
    return VaccinationOnFile(record.owner_id_number, record.vaccine_name, record.vaccinated_on, record.next_due_on)


async def _vaccination_cited(
    session: AsyncSession, caller: Caller, vaccination_id: int | None
) -> VaccinationOnFile | None:
    """The 免疫记录 a body cites: the caller's district's, and through 浙里办 one naming the person (D-22)."""
    if vaccination_id is None:
        return None
    record = await get_referenced(session, caller, Vaccination, vaccination_id, "免疫记录", field="vaccination_id")
    ensure_own(caller, record.owner_id_number, "免疫记录", field="vaccination_id", referenced=True)
    return _on_file(record)


async def _photo_on_file(session: AsyncSession, photo_id: str | None, uploader: str | None) -> PhotoOnFile | None:
    """A photo by id; ``uploader`` given (a 浙里办 person citing it), only one they uploaded: another's is as absent
    as an unused id (D-22)."""
    record = await session.get(Photo, photo_id) if photo_id else None
    if record is None or (uploader is not None and record.uploader_id_number != uploader):
        return None
    return PhotoOnFile(record.content_type, record.size_bytes)


async def _materials(
    session: AsyncSession,
    application: Registration,
    day: date,
    vaccination: VaccinationOnFile | None,
    photo_uploader: str | None,
) -> RegistrationMaterials:
    proof = application.residence_proof_type
    return RegistrationMaterials(
        applied_on=day,
        key_area=application.key_area,
        owner_id_number=application.owner_id_number,
        owner_registered_address=application.owner_registered_address,
        residence_permit_number=application.residence_permit_number,
        residence_proof_type=ResidenceProof(proof) if proof else None,
        residence_proof_number=application.residence_proof_number,
        vaccination=vaccination,
        breed=application.breed,
        front_photo=await _photo_on_file(session, application.front_photo_id, photo_uploader),
        side_photo=await _photo_on_file(session, application.side_photo_id, photo_uploader),
    )


async def submit(
    session: AsyncSession, caller: Caller, application: Registration, max_photo_bytes: int
) -> Registration:
    """Store ``application`` (new, as filed) if every material of 三 is in order today, else name each failing one
    at once (一次性告知).

    Until checked, the materials of a filed application may be missing (None), whatever the columns say.
    """
    ensure_district(caller, application.district)
    day = today()
    dog = classify_on(day, application.breed, application.shoulder_height_cm, application.body_length_cm)
    vaccination = await _vaccination_cited(session, caller, application.vaccination_id)
    materials = await _materials(session, application, day, vaccination, caller.citizen_id)
    problems = check_materials(materials, dog, max_photo_bytes, notice_on(day))
    if problems:
        raise _refused("registration_materials_invalid", "登记材料不齐全或不符合要求：", problems)
    application.breed_recognised = dog.recognised
    application.owner_id_number = application.owner_id_number.strip().upper()
    return await audit.add(session, caller, "submit", application)


def _refused(code: str, summary: str, problems: list[MaterialProblem]) -> ProblemError:
    detail = summary + "；".join(p.detail for p in problems)
    return ProblemError(422, code, detail, field=problems[0].field, errors=[vars(p) for p in problems])


async def _decide(
    session: AsyncSession,
    caller: Caller,
    registration_id: int,
    status: str,
    reasons: list[str] | None,
    document_number: str | None,
    breed_finding: BreedFinding | None = None,
) -> Registration:
    record = await registration(session, caller, registration_id, lock=True)
    if record.status != "submitted":
        raise ProblemError(409, "registration_already_decided", f"该申请已处理（{record.status}），不能重复审核")
    if status == "approved":
        day = today()
        dog = classify_on(day, record.breed, record.shoulder_height_cm, record.body_length_cm)
        refuses = record.key_area and key_area_refuses_large_or_fierce(notice_on(day))
        if problems := approval_problems(dog, refuses, breed_finding):
            raise _refused(problems[0].code, "不能审核通过：", problems)
    async with audit.change(session, caller, status, record):
        record.breed_finding = breed_finding
        record.status = status
        record.rejection_reasons = reasons
        record.decided_at = utcnow()
        record.decided_by = caller.client_id
        record.decision_document_number = document_number
        if status == "approved":
            # The record's id is the sequence: unique without a counter to lock.
            record.registration_number = registration_number(
                DISTRICT_CODES.get(record.district, "330800"), record.decided_at.year, record.id
            )
    return record


async def approve(
    session: AsyncSession,
    caller: Caller,
    registration_id: int,
    document_number: str | None,
    breed_finding: BreedFinding | None,
) -> Registration:
    """综合行政执法部门……予以处理: the application is registered and its number issued, the dog classed today; for a
    breed the list cannot place, with the approving officer's finding (required in the 重点管理区, D-03)."""
    return await _decide(session, caller, registration_id, "approved", None, document_number, breed_finding)


async def reject(
    session: AsyncSession, caller: Caller, registration_id: int, reasons: list[str], document_number: str | None
) -> Registration:
    """The application is refused, with the reasons the owner is told."""
    return await _decide(session, caller, registration_id, "rejected", reasons, document_number)


@dataclass(frozen=True)
class AddressChange:
    moved: list[Registration]
    flagged: list[str]


async def change_address(
    session: AsyncSession, caller: Caller, owner_id_number: str, address: str, district: str, key_area: bool
) -> AddressChange:
    """Move every approved registration of the owner to the new address (one already there is left alone)."""
    ensure_district(caller, district)
    records = (
        await session.scalars(
            select(Registration)
            .where(Registration.owner_id_number_lookup == owner_id_number, Registration.status == "approved")
            .order_by(Registration.id)
            .with_for_update()
        )
    ).all()
    # District first, before anything changes: every registration of the owner must be the caller's to move.
    for record in records:
        ensure_district(caller, record.district, field="owner_id_number")
    moving = [r for r in records if (r.address, r.district, r.key_area) != (address, district, key_area)]
    refuses = key_area and key_area_refuses_large_or_fierce(notice_on(today()))
    flagged = _refuse_large_or_fierce_entering(moving) if refuses else []
    for record in moving:
        async with audit.change(session, caller, "address_change", record):
            record.address, record.district, record.key_area = address, district, key_area
    return AddressChange(moving, flagged)


def _refuse_large_or_fierce_entering(moving: list[Registration]) -> list[str]:
    """D-07: a move into the 重点管理区 is refused as a registration there is (nothing moves), for a dog large or fierce
    today; a breed the list cannot place and no officer has decided moves, flagged for a decision."""
    day, refusals, flagged = today(), [], []
    for record in moving:
        dog = classify_on(day, record.breed, record.shoulder_height_cm, record.body_length_cm)
        finding = BreedFinding(record.breed_finding) if record.breed_finding else None
        if refusal := key_area_refusal(dog, finding, "key_area", f"登记 {record.registration_number}："):
            refusals.append(refusal)
        elif flag := undecided_breed_entering(record.registration_number, dog, finding):
            flagged.append(flag)
    if refusals:
        raise _refused("large_or_fierce_in_key_area", "不能迁入重点管理区：", refusals)
    return flagged


@dataclass(frozen=True)
class MaterialsNow:
    """A stored application's materials checked again today (D-23), the day its 免疫证明 stops covering, and the day
    the registration is due for renewal (None: none, D-24)."""

    record: Registration
    checked_on: date
    problems: list[MaterialProblem]
    valid_until: date
    renewal_due: date | None


async def materials_now(
    session: AsyncSession, caller: Caller, registration_id: int, max_photo_bytes: int, day: date | None = None
) -> MaterialsNow:
    """一次性告知 for a stored application: every material of 三 as it stands on ``day`` (today unless given), each
    failing one named with its clause (a vaccination that lapsed while the application waited, above all). The
    materials are those the record holds, read as stored: the check is the submission's, on that day."""
    record = await registration(session, caller, registration_id)
    day = day or today()
    vaccination = _on_file(await session.get_one(Vaccination, record.vaccination_id))
    materials = await _materials(session, record, day, vaccination, photo_uploader=None)  # the ones it was filed with
    dog = classify_on(day, record.breed, record.shoulder_height_cm, record.body_length_cm)
    params = notice_on(day)
    problems = check_materials(materials, dog, max_photo_bytes, params)
    return MaterialsNow(record, day, problems, valid_until(vaccination, params), renewal_due(vaccination, params))


async def renew(session: AsyncSession, caller: Caller, registration_id: int, vaccination_id: int) -> Registration:
    """续期 (D-24): the registration, approved or still awaiting its decision, stands from now on a new 免疫证明 that
    三3 accepts today for its owner and that covers longer than the one it stood on."""
    record = _renewable(await registration(session, caller, registration_id, lock=True))
    renewal = await _vaccination_cited(session, caller, vaccination_id)
    assert renewal is not None  # a cited id that names nothing was refused above
    current = _on_file(await session.get_one(Vaccination, record.vaccination_id))
    day = today()
    if problems := renewal_problems(current, renewal, record.owner_id_number, day, notice_on(day)):
        raise _refused("renewal_refused", "不能续期：", problems)
    async with audit.change(session, caller, "renew", record):
        record.vaccination_id = vaccination_id
    return record


def _renewable(record: Registration) -> Registration:
    """An approved registration, or an application still waiting, may be renewed; a refused one may not (D-24)."""
    if record.status not in ("approved", "submitted"):
        raise ProblemError(409, "registration_not_renewable", f"该申请已不予登记（{record.status}），不能续期")
    return record


@dataclass(frozen=True)
class RenewalWhatIf:
    """When a registration is due for renewal, as the book of the day stands and under a scenario (None if none)."""

    record: Registration
    as_of: date
    published: RenewalDay
    scenario: RenewalDay | None


async def renewal_what_if(
    session: AsyncSession, caller: Caller, registration_id: int, day: date, overrides: Mapping[str, str] | None
) -> RenewalWhatIf:
    """续期 (D-24) asked of the registration the path names on ``day``: its renewal day and the day its 免疫证明 stops
    covering under the notice's book in force that day, and under ``overrides`` (figures and readings: D-24's
    ``registration_renewal_due``, D-09's ``vaccination_due_date_covers``). It stands on the vaccination it cites now.
    Reads only: nothing is renewed, audited or stored. A refused application has no renewal (409, as ``renew``)."""
    record = _renewable(await registration(session, caller, registration_id))
    published = notice_on(day)
    scenario = in_scenario(published, overrides) if overrides else None  # 422 scenario_invalid naming each override
    vaccination = _on_file(await session.get_one(Vaccination, record.vaccination_id))
    with scenario_computation(overrides):
        under = renewal_day(vaccination, scenario, day) if scenario is not None else None
    return RenewalWhatIf(record, day, renewal_day(vaccination, published, day), under)

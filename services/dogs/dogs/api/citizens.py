"""What this service holds on one person: the citizen's own view (/v1/me) and the cross-bureau dossier."""

from typing import Annotated

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.api.schemas.adoptions import AdoptionApplicationOut
from dogs.api.schemas.citizens import PersonRecords
from dogs.api.schemas.impoundments import ImpoundmentOut
from dogs.api.schemas.registrations import RegistrationOut
from dogs.api.schemas.vaccinations import VaccinationOut
from dogs.models import AdoptionApplication, Impoundment, Registration, ShelterDog, Vaccination
from qz_common.app import Session
from qz_common.identity import Citizen, Reader
from qz_common.ids import IdNumber

router = APIRouter(tags=["citizens"])


async def records_of(session: AsyncSession, id_number: str, district: str | None = None) -> PersonRecords:
    """Every record naming the person; a district-bound caller sees its district's records only."""
    registrations = (
        select(Registration).where(Registration.owner_id_number_lookup == id_number).order_by(Registration.id)
    )
    vaccinations = select(Vaccination).where(Vaccination.owner_id_number_lookup == id_number).order_by(Vaccination.id)
    impoundments = select(Impoundment).where(Impoundment.owner_id_number_lookup == id_number).order_by(Impoundment.id)
    applications = (
        select(AdoptionApplication)
        .join(ShelterDog)
        .where(AdoptionApplication.applicant_id_number_lookup == id_number)
        .order_by(AdoptionApplication.id)
    )
    if district:
        registrations = registrations.where(Registration.district == district)
        vaccinations = vaccinations.where(Vaccination.district == district)
        impoundments = impoundments.where(Impoundment.district == district)
        applications = applications.where(ShelterDog.district == district)
    return PersonRecords(
        registrations=[RegistrationOut.model_validate(r) for r in await session.scalars(registrations)],
        vaccinations=[VaccinationOut.model_validate(r) for r in await session.scalars(vaccinations)],
        adoption_applications=[AdoptionApplicationOut.model_validate(r) for r in await session.scalars(applications)],
        impoundments=[ImpoundmentOut.model_validate(r) for r in await session.scalars(impoundments)],
    )


@router.get("/v1/me/records", summary="本人的养犬登记、免疫、领养申请和扣押记录（浙里办）")
async def my_records(citizen: Citizen, session: Session) -> PersonRecords:
    assert citizen.citizen_id is not None
    return await records_of(session, citizen.citizen_id)


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人档案（供网关跨部门汇总）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session
) -> PersonRecords:
    return await records_of(session, id_number, caller.district)

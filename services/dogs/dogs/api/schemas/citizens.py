"""What the service holds on one person (the citizen's own view and the cross-bureau dossier)."""

from pydantic import BaseModel

from dogs.api.schemas.adoptions import AdoptionApplicationOut
from dogs.api.schemas.impoundments import ImpoundmentOut
from dogs.api.schemas.registrations import RegistrationOut
from dogs.api.schemas.vaccinations import VaccinationOut


class PersonRecords(BaseModel):
    registrations: list[RegistrationOut]
    vaccinations: list[VaccinationOut]
    adoption_applications: list[AdoptionApplicationOut]
    impoundments: list[ImpoundmentOut]

"""Bodies of /v1/me and the cross-bureau dossiers (api/dossiers.py)."""

import datetime as dt

from pydantic import BaseModel

from medinsurance.api.schemas.agreements import AgreementOut
from medinsurance.api.schemas.institutions import InstitutionOut
from medinsurance.api.schemas.proxies import ProxyOut
from medinsurance.api.schemas.violations import ViolationOut


class CreditFlag(BaseModel):
    code: str
    detail: str
    since: dt.date | None
    until: dt.date | None
    basis: str


class EnterpriseDossier(BaseModel):
    uscc: str
    institutions: list[InstitutionOut]
    agreements: list[AgreementOut]
    violations: list[ViolationOut]
    credit_flags: list[CreditFlag]


class PersonDossier(BaseModel):
    proxy_authorisations: list[ProxyOut]
    institutions_as_legal_rep: list[InstitutionOut]

"""Request and response bodies of the medinsurance API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from medinsurance.api.examples import GRADE_REQUEST
from medinsurance.rules.application import AppEvent
from medinsurance.rules.conduct import ProxyGround, Relationship
from medinsurance.rules.eligibility import InstitutionType
from medinsurance.rules.performance import Category
from qz_common.districts import District
from qz_common.ids import USCC, IdNumber
from qz_common.money import Yuan
from qz_common.scenario import ScenarioParameters

Score = Annotated[Decimal, Field(ge=0, le=100), PlainSerializer(float, return_type=float, when_used="json")]
ScoreOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------------------------------------------------------------- calculations


class GradeInstitutionIn(Strict):
    id: Annotated[str, Field(min_length=1, max_length=64)]
    half_year_score: Score
    annual_score: Score
    new_this_year: bool = False


class GradeIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [GRADE_REQUEST]})

    category: Category
    institutions: Annotated[list[GradeInstitutionIn], Field(min_length=1, max_length=5000)]
    on: dt.date | None = Field(None, description="按哪一天的规定（默认今天，北京时间）")
    parameters: ScenarioParameters = None


class ConsequencesOut(BaseModel):
    items: list[str]
    min_inspections_per_year: int | None
    fund_preallocation: str | None
    publication: str | None
    settlement_suspended: bool
    reassess_after_months: int | None


class GradeResultOut(BaseModel):
    id: str
    final_score: ScoreOut | None
    grade: str | None
    rank: int | None
    consequences: ConsequencesOut
    basis: str


class GradeOut(BaseModel):
    results: list[GradeResultOut]
    in_force: bool
    notice: str | None
    scenario: dict[str, str] | None = Field(None, description="情景测算所用的参数覆盖值；为空即按现行参数")


class PenaltyIn(Strict):
    tier: Annotated[int, Field(ge=1, le=5)]
    violation_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
    ratio: Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)]
    mitigating: list[int] = []
    aggravating: list[int] = []
    decided_on: dt.date | None = None


class PenaltyOut(BaseModel):
    penalty: Yuan
    ratio: Decimal
    allowed_low: Decimal
    allowed_high: Decimal
    due_on: dt.date | None
    basis: str


# ---------------------------------------------------------------- institutions


class InstitutionIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    kind: InstitutionType
    uscc: USCC
    district: District
    address: Text
    community: Annotated[str, Field(min_length=1, max_length=100)]
    secondary_or_above: bool = False
    public_institution: bool = False
    legal_rep_id_number: IdNumber | None = None


class InstitutionOut(Out):
    id: int
    name: str
    kind: str
    uscc: str
    district: str
    address: str
    community: str
    secondary_or_above: bool
    public_institution: bool
    legal_rep_id_number: str | None


# ---------------------------------------------------------------- applications


class ApplicationIn(Strict):
    institution_id: int
    pre_registered_on: dt.date


class ApplicationEventIn(Strict):
    event: AppEvent
    on: dt.date
    score: Annotated[Decimal, Field(ge=0, le=100)] | None = None


class SupplementIn(Strict):
    first: dt.date
    last: dt.date


class ApplicationOut(Out):
    id: int
    institution_id: int
    state: str
    pre_registered_on: dt.date
    submitted_on: dt.date | None
    supplement_notice_on: dt.date | None
    supplement_deadline: dt.date | None
    accepted_on: dt.date | None
    excluded_working_days: int
    evaluation_deadline: dt.date | None
    score: Decimal | None
    failures: int
    reevaluation_from: dt.date | None
    reapply_from: dt.date | None
    barred_until: dt.date | None
    agreement_end: dt.date | None
    cancelled_on: dt.date | None
    provisional: bool
    basis: str


# ---------------------------------------------------------------- agreements


class AgreementIn(Strict):
    institution_id: int
    signed_on: dt.date


class AgreementEventIn(Strict):
    event: Literal["suspend", "resume", "terminate", "renew"]
    on: dt.date
    days: Annotated[int, Field(ge=1)] | None = None
    voluntary: bool = False
    requested_on: dt.date | None = Field(None, description="主动申请的提出日期（提前3个月）")
    reason: Annotated[str, Field(max_length=200)] | None = None
    clause: Annotated[str, Field(max_length=40)] | None = None


class AgreementOut(Out):
    id: int
    institution_id: int
    state: str
    starts_on: dt.date
    ends_on: dt.date
    public_institution: bool
    suspensions_this_term: int
    suspended_from: dt.date | None
    suspended_until: dt.date | None
    voluntary_suspension: bool
    terminated_on: dt.date | None
    reason: str
    basis: str


# ---------------------------------------------------------------- violations


class ViolationIn(Strict):
    institution_id: int
    case: Annotated[str, Field(pattern=r"^T[1-5]_\d{1,2}$")]
    decided_on: dt.date
    violation_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
    ratio: Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)] = Decimal(0)
    standards: list[Annotated[int, Field(ge=1, le=21)]] = []
    mitigating: list[int] = []
    aggravating: list[int] = []
    suspension_days: Annotated[int, Field(ge=1)] | None = None


class ViolationOut(Out):
    id: int
    institution_id: int
    agreement_id: int | None
    case_code: str
    tier: int
    decided_on: dt.date
    violation_amount: Yuan
    ratio: Decimal
    penalty: Yuan
    penalty_due_on: dt.date | None
    standards: list[int]
    mitigating: list[int]
    aggravating: list[int]
    suspension_days: int | None
    measures: list[str]
    escalated: bool
    basis: str


# ---------------------------------------------------------------- proxies


class ProxyIn(Strict):
    principal_id_number: IdNumber
    agent_id_number: IdNumber
    ground: ProxyGround
    relationship: Relationship
    starts_on: dt.date
    agent_full_capacity: bool = True
    stable_chronic_special_or_mental: bool = True
    carer_special_circumstance: bool = False
    replaces_id: int | None = Field(None, description="变更代理人时被替换的委托")


class ProxyOut(Out):
    id: int
    principal_id_number: str
    agent_id_number: str
    ground: str
    relationship: str
    starts_on: dt.date
    expires_on: dt.date | None
    status: str
    revoked_on: dt.date | None
    replaces_id: int | None
    drug_scope: str
    basis: str


class RevokeIn(Strict):
    on: dt.date


# ---------------------------------------------------------------- outages


class OutageIn(Strict):
    institution_id: int
    failed_at: dt.datetime


class WindowIn(Strict):
    requested_at: dt.datetime
    reason: Annotated[str, Field(min_length=1, max_length=300)]


class RepairIn(Strict):
    repaired_at: dt.datetime


class OutageOut(BaseModel):
    id: int
    institution_id: int
    failed_at: dt.datetime
    window_requested_at: dt.datetime | None
    repaired_at: dt.datetime | None
    at: dt.datetime
    status: str
    suspended_from: dt.datetime | None
    window_until: dt.datetime | None
    basis: str


# ---------------------------------------------------------------- relocation, dossiers


class RelocationIn(Strict):
    operator_uscc: USCC
    from_address: Text
    to_address: Text
    reference: Annotated[str, Field(min_length=1, max_length=100)]


class RelocationFiledOut(Out):
    id: int
    institution_id: int
    operator_uscc: str
    from_address: str
    to_address: str
    reference: str
    needs_approval: bool
    status: str
    basis: str


class RelocationOut(BaseModel):
    filed: list[RelocationFiledOut]


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


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")

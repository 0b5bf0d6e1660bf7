"""Request and response bodies of the medinsurance API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from medinsurance.api.examples import EXAMPLES
from medinsurance.rules.application import AppEvent
from medinsurance.rules.basis import Day, Moment
from medinsurance.rules.conduct import ProxyGround, Relationship
from medinsurance.rules.eligibility import InstitutionType
from medinsurance.rules.performance import Category
from qz_common.districts import District
from qz_common.examples import examples_by_model
from qz_common.ids import USCC, IdNumber
from qz_common.inputs import StrictInput
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters

MAX_ROW_ID = 2**63 - 1

Score = Annotated[Decimal, Field(ge=0, le=100), PlainSerializer(float, return_type=float, when_used="json")]
ScoreOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
# Row ids fit a BIGINT: anything larger is a 422, never a database overflow.
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
# 附件3 二/三 circumstance numbers (unknown numbers are refused by the rule, naming them)
Circumstances = Annotated[list[Annotated[int, Field(ge=1, le=99)]], Field(max_length=20)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------------------------------------------------------------- calculations


class GradeInstitutionIn(Strict):
    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(description="定点医药机构编码")
    half_year_score: Score = Field(description="半年考核得分（0–100，附件1 二(三)）")
    annual_score: Score = Field(description="年度考核得分（0–100，附件1 二(三)）")
    new_this_year: bool = Field(False, description="当年新纳入定点（不参与定级，附件1 二(四)）")


class GradeIn(Strict):
    category: Category = Field(
        description="考核类别：comprehensive 综合类医疗机构 | outpatient 门诊类 | pharmacy 零售药店"
    )
    institutions: Annotated[list[GradeInstitutionIn], Field(min_length=1, max_length=5000)] = Field(
        description="参加定级的定点医药机构（同一类别）"
    )
    on: Day | None = Field(None, description="按哪一天的规定（默认今天，北京时间）")
    parameters: ScenarioParameters = None


class ConsequencesOut(BaseModel):
    items: list[str]
    min_inspections_per_year: int | None
    fund_preallocation: str | None
    publication: str | None
    settlement_suspended: bool
    reassess_after_months: int | None
    caseworker_review: str | None = Field(None, description="并列跨越排名末两位界线：由经办机构决定是否暂停联网结算")


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
    scenario: ScenarioEcho = None


class PenaltyIn(Strict):
    tier: Annotated[int, Field(ge=1, le=5)] = Field(description="违约处理等级（五(一)–(五)对应1–5级）")
    violation_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Field(
        description="核定的违规医保费用（元）"
    )
    ratio: Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)] = Field(
        description="拟定的违约金支付比例（0–1，须在该等级允许的区间内）"
    )
    mitigating: Circumstances = Field([], description="从轻情形序号（附件3 二）")
    aggravating: Circumstances = Field([], description="从重情形序号（附件3 三）")
    decided_on: Day | None = Field(None, description="作出处理决定之日（默认今天；违约金缴纳期限由此起算）")
    parameters: ScenarioParameters = None


class PenaltyOut(BaseModel):
    penalty: Yuan
    ratio: Decimal
    allowed_low: Decimal
    allowed_high: Decimal
    due_on: dt.date | None
    basis: str
    scenario: ScenarioEcho = None


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
    institution_id: RowId
    pre_registered_on: Day


class ApplicationEventIn(Strict):
    event: AppEvent
    on: Day
    score: Annotated[Decimal, Field(ge=0, le=100)] | None = None


class SupplementIn(Strict):
    first: Day
    last: Day


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
    institution_id: RowId
    signed_on: Day
    pooling_area: District | None = Field(None, description="签订协议的统筹区（默认机构所在区县）")


class AgreementEventIn(Strict):
    event: Literal["suspend", "resume", "terminate", "renew"]
    on: Day
    days: Annotated[int, Field(ge=1, le=366)] | None = None
    voluntary: bool = False
    requested_on: Day | None = Field(None, description="主动申请的提出日期（提前3个月）")
    reason: Annotated[str, Field(max_length=200)] | None = None
    clause: Annotated[str, Field(max_length=40)] | None = None
    by_prefecture_office: bool = Field(
        False, description="地市级经办机构中止或解除：该机构在其他统筹区的医保协议同时中止或解除（附件1 一(三)3）"
    )


class TerminationStepIn(Strict):
    step: Literal["stop_settlement", "decision", "final_settlement", "liquidation"]
    on: Day


class TerminationStepOut(BaseModel):
    step: str
    on: dt.date


class AgreementOut(Out):
    id: int
    institution_id: int
    pooling_area: str
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
    termination_steps: list[TerminationStepOut] | None
    basis: str


class AgreementEventOut(AgreementOut):
    linked: list[AgreementOut] = Field(description="随地市级中止、解除的其他统筹区医保协议")


# ---------------------------------------------------------------- violations


class ViolationIn(Strict):
    institution_id: RowId
    agreement_id: RowId | None = Field(None, description="所涉医保协议（机构在多个统筹区有协议时必填）")
    case: Annotated[str, Field(pattern=r"^T[1-5]_\d{1,2}$")]
    decided_on: Day
    violation_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
    ratio: Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)] = Decimal(0)
    standards: Annotated[list[Annotated[int, Field(ge=1, le=21)]], Field(max_length=21)] = []
    mitigating: Circumstances = []
    aggravating: Circumstances = []
    suspension_days: Annotated[int, Field(ge=1, le=366)] | None = None
    terminate_agreement: bool = Field(False, description="第四档情形选择解除医保协议（第五档一律解除）")


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
    institution_id: RowId | None = Field(
        None, description="办理委托的定点医药机构（委托随其所在区县）；缺省时为登记客户端所在区县"
    )
    principal_id_number: IdNumber
    agent_id_number: IdNumber
    ground: ProxyGround
    relationship: Relationship
    starts_on: Day
    agent_full_capacity: bool = True
    stable_chronic_special_or_mental: bool = True
    carer_special_circumstance: bool = False
    replaces_id: RowId | None = Field(None, description="变更代理人时被替换的委托")


class ProxyOut(Out):
    id: int
    institution_id: int | None
    district: str | None
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
    on: Day


# ---------------------------------------------------------------- outages


class OutageIn(Strict):
    institution_id: RowId
    failed_at: Moment


class WindowIn(Strict):
    requested_at: Moment
    reason: Annotated[str, Field(min_length=1, max_length=300)]


class RepairIn(Strict):
    repaired_at: Moment


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

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
    name: Annotated[str, Field(min_length=1, max_length=120)] = Field(description="医药机构名称")
    kind: InstitutionType = Field(description="机构类型")
    uscc: USCC = Field(description="统一社会信用代码")
    district: District = Field(description="所在区县（市）")
    address: Text = Field(description="执业（经营）地址")
    community: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="所在社区（评估“场所布局”用）")
    secondary_or_above: bool = Field(False, description="是否为二级及以上医疗机构")
    public_institution: bool = Field(False, description="是否为公立机构")
    legal_rep_id_number: IdNumber | None = Field(None, description="法定代表人（主要负责人）身份证号")


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
    institution_id: RowId = Field(description="申请定点的医药机构编号")
    pre_registered_on: Day = Field(description="预登记之日（试运行满3个月后方可申请，二(三)1）")


class ApplicationEventIn(Strict):
    event: AppEvent = Field(
        description="办理环节：提交申请、要求补正、完成补正、逾期未补正、受理、查实虚假材料、评估、复评、审议通过、签订协议、开通刷卡"
    )
    on: Day = Field(description="办理之日")
    score: Annotated[Decimal, Field(ge=0, le=100)] | None = Field(
        None, description="评估得分（evaluate、reevaluate 时填写）"
    )


class SupplementIn(Strict):
    first: Day = Field(description="补充材料期间的第一天")
    last: Day = Field(description="补充材料期间的最后一天（不计入评估期限）")


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
    institution_id: RowId = Field(description="医药机构编号")
    signed_on: Day = Field(description="签订医保协议之日")
    pooling_area: District | None = Field(None, description="签订协议的统筹区（默认机构所在区县）")


class AgreementEventIn(Strict):
    event: Literal["suspend", "resume", "terminate", "renew"] = Field(
        description="事项：suspend 中止 | resume 恢复 | terminate 解除 | renew 续签"
    )
    on: Day = Field(description="生效之日")
    days: Annotated[int, Field(ge=1, le=366)] | None = Field(None, description="中止天数（suspend）")
    voluntary: bool = Field(False, description="是否为机构主动申请")
    requested_on: Day | None = Field(None, description="主动申请的提出日期（提前3个月）")
    reason: Annotated[str, Field(max_length=200)] | None = Field(None, description="理由")
    clause: Annotated[str, Field(max_length=40)] | None = Field(None, description="依据条款（如“五(三)3”）")
    by_prefecture_office: bool = Field(
        False, description="地市级经办机构中止或解除：该机构在其他统筹区的医保协议同时中止或解除（附件1 一(三)3）"
    )


class TerminationStepIn(Strict):
    step: Literal["stop_settlement", "decision", "final_settlement", "liquidation"] = Field(
        description="解除协议的办理步骤：停止结算、作出解除决定、最终结算、清算"
    )
    on: Day = Field(description="办理之日")


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
    institution_id: RowId = Field(description="医药机构编号")
    agreement_id: RowId | None = Field(None, description="所涉医保协议（机构在多个统筹区有协议时必填）")
    case: Annotated[str, Field(pattern=r"^T[1-5]_\d{1,2}$")] = Field(
        description="协议处理情形代码（T档次_序号，如 T3_2 进销存不符）"
    )
    decided_on: Day = Field(description="作出处理决定之日")
    violation_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Field(
        description="核定的违规医保费用（元）"
    )
    ratio: Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)] = Field(
        Decimal(0), description="违约金支付比例（0–1）"
    )
    standards: Annotated[list[Annotated[int, Field(ge=1, le=21)]], Field(max_length=21)] = Field(
        [], description="适用的违规认定标准序号（附件3 一，1–21）"
    )
    mitigating: Circumstances = Field([], description="从轻情形序号（附件3 二）")
    aggravating: Circumstances = Field([], description="从重情形序号（附件3 三）")
    suspension_days: Annotated[int, Field(ge=1, le=366)] | None = Field(
        None, description="中止医保协议的天数（第三、四档）"
    )
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
    principal_id_number: IdNumber = Field(description="委托人（参保人）身份证号")
    agent_id_number: IdNumber = Field(description="代理人身份证号")
    ground: ProxyGround = Field(
        description="委托原因：行动不便（残疾、瘫痪、高龄）、无民事行为能力的精神类疾病、未成年人、外伤（附件2 二(四)）"
    )
    relationship: Relationship = Field(description="代理人与参保人关系：直系亲属或近亲属、照护人员、其他")
    starts_on: Day = Field(description="委托起始日")
    agent_full_capacity: bool = Field(True, description="代理人是否为具有完全民事行为能力的成年人")
    stable_chronic_special_or_mental: bool = Field(
        True, description="所配药品是否用于诊断明确、病情稳定、治疗方案确定的慢性病、特殊病、精神病（长期委托的条件）"
    )
    carer_special_circumstance: bool = Field(False, description="照护人员作代理人的特殊情况是否成立")
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
    on: Day = Field(description="撤销委托之日")


# ---------------------------------------------------------------- outages


class OutageIn(Strict):
    institution_id: RowId = Field(description="医药机构编号")
    failed_at: Moment = Field(description="医保结算系统故障发生时间")


class WindowIn(Strict):
    requested_at: Moment = Field(description="申请临时开通结算的时间")
    reason: Annotated[str, Field(min_length=1, max_length=300)] = Field(description="申请理由")


class RepairIn(Strict):
    repaired_at: Moment = Field(description="系统修复时间")


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
    operator_uscc: USCC = Field(description="定点医药机构经营主体的统一社会信用代码")
    from_address: Text = Field(description="被征收的原经营场所地址")
    to_address: Text = Field(description="迁入的新经营场所地址")
    reference: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="征收（搬迁）依据文号")


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

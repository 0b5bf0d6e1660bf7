"""Request and response bodies of the science API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from qz_common.clock import today
from qz_common.districts import District
from qz_common.examples import examples_by_model
from qz_common.ids import USCC
from qz_common.inputs import StrictInput
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters
from science.api.examples import EXAMPLES
from science.rules.credit import CreditKind, CreditSubject
from science.rules.institute_application import AuditItem
from science.rules.institute_conditions import (
    AcquisitionMode,
    ImportantField,
    IpKind,
    KeyIndustry,
    KnowledgeIntensive,
)
from science.rules.institute_management import RevocationGround
from science.rules.policies_2023 import CarrierLevel, IncubatorEvent
from science.rules.voucher_lifecycle import ApplicantKind, CarrierChannel
from science.rules.voucher_subsidy import AuditPurpose, ServiceType


def _unsigned_zero(value: Decimal) -> Decimal:
    """ "-0" and "-0.00" are zero: stored and shown as 0, never as a negative sign on nothing."""
    return abs(value) if value == 0 else value


def _not_in_future(day: dt.date) -> dt.date:
    """Dates of things that have happened (a service used, a decision taken) cannot lie after today in 衢州."""
    now = today()
    if day > now:
        raise PydanticCustomError("date_in_future", "日期不能晚于今天（{today}）", {"today": now.isoformat()})
    return day


Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, description="元，字符串，最多两位小数"),
    AfterValidator(_unsigned_zero),
]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, description="元，大于0")]
Area = Annotated[
    Decimal, Field(ge=0, max_digits=12, decimal_places=2, description="平方米"), AfterValidator(_unsigned_zero)
]
PastDate = Annotated[dt.date, AfterValidator(_not_in_future)]
# A record's id as the database stores it (BIGINT): larger numbers name nothing and are refused before any query.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Text = Annotated[str, Field(min_length=1, max_length=300)]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---- rules -------------------------------------------------------------------------------------------------


class IpRightIn(Strict):
    kind: IpKind = Field(
        description="自主知识产权类别：发明专利、植物新品种、集成电路布图设计、实用新型、软件著作权等（43号 一(七)）"
    )
    obtained_on: PastDate = Field(description="授权（登记）日期")
    in_declared_field: bool = Field(True, description="是否属于研究院申报的技术领域")
    mode: AcquisitionMode = Field(
        AcquisitionMode.OWN_RESEARCH, description="取得方式：自主研发、受让、受赠、并购、独占许可（43号 一(七)）"
    )


class IncidentIn(Strict):
    kind: Text = Field(
        description="事件类别及简述：重大安全、质量事故，严重的环境、知识产权、税务违法或科研失信行为（43号 一(九)）"
    )
    occurred_on: PastDate = Field(description="发生日期")


class RelaxationIn(Strict):
    min_site_m2: Area
    min_equipment: Money


class InstituteEligibilityIn(Strict):
    applied_on: dt.date | None = Field(None, description="申请日期（默认今天，北京时间）")
    important_fields: list[ImportantField] = Field(
        default_factory=list,
        description="所属重点领域：互联网+、生命健康、新材料、标志性产业链、其他重要领域（43号 一）",
    )
    key_industries: list[KeyIndustry] = Field(
        default_factory=list, description="所属产业：支柱产业、主导产业、高新技术产业（43号 一）"
    )
    registered_in_quzhou_on: dt.date | None = Field(
        None, description="在衢州市辖区内注册之日（含入驻“创新飞地”的企业；43号 一(二)）"
    )
    independent_legal_person: bool = Field(description="是否具有独立法人资格（43号 一(二)）")
    hitech_valid_until: dt.date | None = Field(None, description="国家高新技术企业证书有效期至（43号 一(二)）")
    has_city_engineering_centre: bool = Field(description="是否已建有市级工程技术研发中心（43号 一(三)）")
    last_year_sales: Money
    last_year_rd_expense: Money
    has_independent_rd_unit: bool = Field(description="是否设有独立的研发机构（43号 一(四)）")
    fulltime_rd_staff: Count = Field(description="专职研发人员数（43号 一(五)）")
    enterprise_employees: Count = Field(description="企业当年职工总数（43号 一(五)）")
    institute_staff: Count = Field(description="研发机构职工总数（43号 一(五)）")
    qualified_engineers: Count = Field(description="专科以上学历或中级以上职称的工程技术人员数（43号 一(五)）")
    tech_service: bool = Field(False, description="是否为技术服务类企业（研发投入比例按服务收入认定）")
    funding_secured: bool = Field(description="研发所需资金是否落实，并具备实验、试验条件及基础设施（43号 一(六)）")
    site_m2: Area
    dedicated_equipment_value: Money
    shared_equipment_value: Money = Decimal(0)
    ip_rights: list[IpRightIn] = Field(
        default_factory=list, max_length=2000, description="企业拥有的自主知识产权（43号 一(七)）"
    )
    has_management_system: bool = Field(description="是否建立研发项目、经费、人员管理制度（43号 一(八)）")
    incidents: list[IncidentIn] = Field(
        default_factory=list, max_length=200, description="申请前发生的重大事故或失信等情形（43号 一(九)）"
    )
    knowledge_intensive: KnowledgeIntensive | None = Field(
        None,
        description="知识密集型企业的领域（集成电路、人工智能、生物医药、新材料、软件），可按规定放宽场地、设备条件",
    )
    relaxation: RelaxationIn | None = Field(None, description="经认定放宽的场地面积和设备原值下限（如有）")


class EligibilityCheckIn(InstituteEligibilityIn):
    """The stateless check; a stored application (``InstituteApplicationIn``) takes no what-if parameters."""

    parameters: ScenarioParameters = None


class ConditionOut(BaseModel):
    code: str
    passed: bool
    detail: str
    basis: str


class EligibilityOut(BaseModel):
    eligible: bool
    conditions: list[ConditionOut]
    parameter_version: str
    scenario: ScenarioEcho = None


class InstituteNameIn(Strict):
    trade_name: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="企业字号（如“华晶”）")
    core_direction: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="研究院的核心研究方向（如“氟硅新材料”）"
    )


class InstituteNameOut(BaseModel):
    name: str
    basis: str


class SubsidyIn(Strict):
    service_type: ServiceType = Field(
        description="服务类型：委托开发、技术咨询、专项审计、检验检测、财务咨询、科技成果先用后转保险（44号 三）"
    )
    fee: PositiveMoney
    via_shared_platform: bool = Field(
        False, description="检验检测是否通过共享平台（浙江省科技大脑、仪器共享平台）取得，比例更高（44号 三(四)）"
    )
    statutory_testing: bool = Field(False, description="强制检测、法定检测（不纳入支持范围）")
    audit_purpose: AuditPurpose | None = Field(
        None, description="专项审计的用途：高新技术企业申报、研发机构申报、项目验收、其他（44号 三(三)）"
    )
    on: dt.date | None = Field(None, description="按哪一天的标准（默认今天）")
    parameters: ScenarioParameters = None


class LineOut(BaseModel):
    label: str
    amount: Yuan
    basis: str


class SubsidyOut(BaseModel):
    subsidy: Yuan
    supported: bool
    lines: list[LineOut]
    basis: list[str]
    reason: str | None
    parameter_version: str
    scenario: ScenarioEcho = None


class PolicyCalculation(Strict):
    """A 衢政发〔2023〕1号 calculator: the policy year, and what-if values of the ``policies`` book."""

    year: int = Field(2023, ge=2000, le=2100, description="政策年度（衢政发〔2023〕1号 适用于2023年）")
    parameters: ScenarioParameters = None


class RdSubsidyIn(PolicyCalculation):
    rd_expense: Money
    previous_rd_expense: Money
    revenue: Money


class AwardOut(BaseModel):
    eligible: bool
    subsidy: Yuan
    lines: list[LineOut]
    basis: list[str]
    reasons: list[str]
    parameter_version: str
    scenario: ScenarioEcho = None


class InternationalBaseIn(PolicyCalculation):
    filed_with_province: bool = Field(description="是否已在省科技厅备案（衢政发〔2023〕1号 二14）")
    rated_excellent: bool = Field(description="省级考核评价是否为优秀")


class OverseasRdIn(PolicyCalculation):
    overseas_rd_investment: Money
    already_awarded: bool = Field(False, description="是否已获得过该项一次性奖励")


class IncubatorIn(PolicyCalculation):
    event: IncubatorEvent = Field(
        description="事项：新认定孵化器、新认定众创空间、众创空间考核优秀（衢政发〔2023〕1号 二15）"
    )
    level: CarrierLevel = Field(description="级别：国家级、省级")
    superior_award: Money | None = Field(None, description="上级已给予的奖励金额（元，如有）")


class InsuranceCompensationIn(PolicyCalculation):
    """衢政发〔2023〕1号 二8 科技成果先用后转保险: 企业实际投保费用."""

    premium: PositiveMoney


class InnovationCentreIn(PolicyCalculation):
    """衢政发〔2023〕1号 二10 省高端化学品技术创新中心."""

    provincial_funding: PositiveMoney = Field(description="省财政补助经费")
    city_funding: Money | None = Field(None, description="拟安排的市财政合计补助经费（可选，判断是否达到下限）")


class TechTransferIn(PolicyCalculation):
    """衢政发〔2023〕1号 二12 符合条件的居民企业技术转让所得."""

    income: Money


class TechTransferOut(BaseModel):
    exempt: Yuan = Field(description="不超过500万元的部分，免征企业所得税")
    halved: Yuan = Field(description="超过500万元的部分，减半征收")
    taxable_base: Yuan = Field(description="减半后计入应纳税所得的部分")
    basis: str
    parameter_version: str
    scenario: ScenarioEcho = None


class TargetOut(BaseModel):
    metric: str
    comparator: str
    value: str
    unit: str


class PolicyItemOut(BaseModel):
    number: int
    title: str
    responsible: list[str]
    targets: list[TargetOut]
    measures: list[str]
    calculator: str | None
    basis: str


# ---- enterprises -----------------------------------------------------------------------------------------


class EnterpriseIn(Strict):
    uscc: USCC = Field(description="统一社会信用代码")
    name: Name = Field(description="企业名称")
    district: District = Field(description="所在区县（市）")
    registered_in_quzhou_on: dt.date | None = Field(None, description="在衢州市辖区内注册之日")
    hitech_valid_until: dt.date | None = Field(None, description="国家高新技术企业证书有效期至")
    provincial_tech_sme: bool = Field(False, description="是否为省科技型中小企业")
    national_tech_sme: bool = Field(False, description="是否为国家科技型中小企业")
    on_four_colour_list: bool = Field(False, description="是否在“四色”监测名单上")
    competition_winner: bool = Field(False, description="是否在创新创业大赛取得名次")
    incubated: bool = Field(False, description="是否为孵化器、众创空间在孵企业")


class EnterprisePatch(Strict):
    name: Name | None = Field(None, description="企业名称")
    hitech_valid_until: dt.date | None = Field(None, description="国家高新技术企业证书有效期至")
    provincial_tech_sme: bool | None = Field(None, description="是否为省科技型中小企业")
    national_tech_sme: bool | None = Field(None, description="是否为国家科技型中小企业")
    on_four_colour_list: bool | None = Field(None, description="是否在“四色”监测名单上")
    competition_winner: bool | None = Field(None, description="是否在创新创业大赛取得名次")
    incubated: bool | None = Field(None, description="是否为孵化器、众创空间在孵企业")


class EnterpriseOut(Out):
    id: int
    uscc: str
    name: str
    district: str
    registered_in_quzhou_on: dt.date | None
    hitech_valid_until: dt.date | None
    provincial_tech_sme: bool
    national_tech_sme: bool
    on_four_colour_list: bool
    competition_winner: bool
    incubated: bool
    created_at: dt.datetime


class FourColourUpdateIn(Strict):
    """44号 二(四) one enterprise's entry in the quarterly update of the “四色”管理培育库."""

    year: int = Field(ge=2023, le=2100, description="年度")
    quarter: int = Field(ge=1, le=4, description="季度（1–4）")
    listed: bool = Field(description="本季度是否列入培育库")
    updated_on: PastDate = Field(description="属地科技管理部门更新日期")


class FourColourUpdateOut(Out):
    id: int
    enterprise_uscc: str
    quarter: str
    listed: bool
    updated_on: dt.date
    due_on: dt.date
    on_time: bool
    basis: str
    created_at: dt.datetime


# ---- institutes ------------------------------------------------------------------------------------------


class AuditReportIn(Strict):
    year: int = Field(ge=2000, le=2100, description="专项审计报告所属年度")
    items: list[AuditItem] = Field(description="专项审计报告包含的事项")


class MaterialsIn(Strict):
    """43号 二(一) 申请材料."""

    application_form: bool = Field(description="附件1 建设申请书")
    implementation_plan: bool = Field(description="附件2 建设实施方案")
    commitment: bool = Field(description="附件3 企业承诺书")
    audit_reports: list[AuditReportIn] = Field(default_factory=list, max_length=10, description="近三年专项审计报告")


class InstituteApplicationIn(Strict):
    enterprise_uscc: USCC = Field(description="申请企业的统一社会信用代码")
    trade_name: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="企业字号（研究院统一命名用）")
    core_direction: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="研究院的核心研究方向")
    materials: MaterialsIn = Field(description="申请材料（43号 二(一)）")
    application: InstituteEligibilityIn = Field(description="认定条件逐项情况（43号 一）")


class InstituteOut(Out):
    id: int
    enterprise_uscc: str
    district: str
    name: str
    trade_name: str
    core_direction: str
    status: str
    applied_on: dt.date
    eligible: bool
    conditions: list[ConditionOut]
    tech_service: bool
    knowledge_intensive: str | None
    no_violation_certificate: str | None
    batch: str | None
    recognised_on: dt.date | None
    status_reason: str | None
    status_basis: str | None
    status_changed_on: dt.date | None
    parameter_version: str
    created_at: dt.datetime


InstituteAction = Literal["recommend", "pass_review", "fail_review", "publicise", "recognise", "reject"]


class InstituteDecisionIn(Strict):
    action: InstituteAction = Field(description="办理环节：县级推荐、评审通过、评审未通过、公示、认定、不予认定")
    on: PastDate = Field(description="办理之日")
    note: Annotated[str, Field(max_length=300)] | None = Field(None, description="办理意见")
    no_violation_certificate: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="县级科技管理部门开具的无违法证明编号（recommend 时必填）"
    )
    batch: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        None, description="认定批次（recognise 时必填）"
    )


class AnnualReportIn(Strict):
    year: int = Field(ge=2022, le=2100, description="报告年度")
    sales: Money
    rd_expense: Money


class AnnualReportOut(Out):
    id: int
    institute_id: int
    year: int
    sales: Yuan
    rd_expense: Yuan
    meets_standard: bool
    detail: str
    outcome: str
    basis: list[str]
    created_at: dt.datetime


class ChangeIn(Strict):
    kind: Literal["rename", "restructure", "other"] = Field(
        description="变更类别：rename 更名 | restructure 重组 | other 其他"
    )
    description: Text = Field(description="变更情况说明")
    changed_on: PastDate = Field(description="变更发生之日")
    reported_on: PastDate = Field(description="报告之日")
    new_trade_name: Annotated[str, Field(min_length=1, max_length=60)] | None = Field(
        None, description="更名后的企业字号"
    )
    new_core_direction: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="变更后的核心研究方向"
    )


class InstituteEventOut(Out):
    id: int
    institute_id: int
    kind: str
    occurred_on: dt.date
    detail: str
    basis: str
    created_at: dt.datetime


class ChangeOut(Out):
    id: int
    institute_id: int
    kind: str
    description: str
    changed_on: dt.date
    reported_on: dt.date
    deadline: dt.date
    on_time: bool
    new_name: str | None
    created_at: dt.datetime


class UpgradeIn(Strict):
    on: PastDate = Field(description="升级为省级企业研究院之日")
    provincial_designation: Text = Field(description="省级认定的名称及文号")


class RevokeIn(Strict):
    ground: RevocationGround = Field(
        description="取消资格的原因：提供虚假材料、企业注销、失去高新技术企业资格、发生重大事故、研发投入连续两年未达标"
    )
    decided_on: PastDate = Field(description="作出取消决定之日")
    reason: Text = Field(description="取消理由")


# ---- vouchers --------------------------------------------------------------------------------------------


class CarrierIn(Strict):
    name: Name = Field(description="创新载体名称")
    uscc: USCC = Field(description="统一社会信用代码")
    kind: Annotated[str, Field(min_length=1, max_length=40, description="科研院所、高等学校、科技创新服务平台等")]
    in_quzhou: bool = Field(description="是否在衢州市注册")
    channel: CarrierChannel = Field(
        description="入驻渠道：本地注册、四省边际共享专区、浙江省科技大脑、浙江省仪器共享平台"
    )
    district: District = Field(description="所在区县（市）")
    related_holders: list[Annotated[str, Field(min_length=15, max_length=18)]] = Field(
        default_factory=list, description="与本载体存在隶属、共建关系的企业（统一社会信用代码）或创业者（身份证号）"
    )


class CarrierPatch(Strict):
    status: Literal["active", "suspended"] | None = Field(None, description="状态：active 正常 | suspended 暂停服务")
    related_holders: list[Annotated[str, Field(min_length=15, max_length=18)]] | None = Field(
        None, description="与本载体存在隶属、共建关系的企业或创业者（替换原名单）"
    )


class CarrierOut(Out):
    id: int
    name: str
    uscc: str
    kind: str
    in_quzhou: bool
    channel: str
    district: str
    status: str
    related_holders: list[str]
    created_at: dt.datetime


class PoolIn(Strict):
    name: Name = Field(description="创新券资金池名称")
    district: District = Field("市本级", description="资金所属区县（市）或市本级")
    total: PositiveMoney
    opens_on: dt.date = Field(description="开放申领之日")
    closes_on: dt.date = Field(description="截止申领之日")

    @model_validator(mode="after")
    def _window(self) -> "PoolIn":
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on 不得早于 opens_on")
        return self


class PoolOut(Out):
    id: int
    name: str
    district: str
    total: Yuan
    available: Yuan
    opens_on: dt.date
    closes_on: dt.date
    created_at: dt.datetime


class MyClaimIn(Strict):
    """A 创业者's own claim through 浙里办: the holder is the authenticated citizen."""

    pool_id: RecordId = Field(description="创新券资金池编号")
    holder_name: Name = Field(description="申领人姓名")
    amount: PositiveMoney
    claimed_on: PastDate | None = Field(None, description="申领日期（默认今天，北京时间）")
    has_innovation_need: bool = Field(True, description="是否有科技创新服务需求")
    competition_winner: bool = Field(False, description="在创新创业大赛取得名次")
    incubated: bool = Field(False, description="孵化器、众创空间在孵")


class ClaimIn(Strict):
    pool_id: RecordId = Field(description="创新券资金池编号")
    holder_kind: ApplicantKind = Field(description="申领人类别：企业、创业者")
    holder_id: Annotated[str, Field(min_length=15, max_length=18, description="企业统一社会信用代码或创业者身份证号")]
    holder_name: Name = Field(description="申领人名称（姓名）")
    amount: PositiveMoney
    claimed_on: PastDate | None = Field(None, description="申领日期（默认今天，北京时间）")
    has_innovation_need: bool = Field(True, description="是否有科技创新服务需求")
    competition_winner: bool = Field(False, description="创业者：在创新创业大赛取得名次")
    incubated: bool = Field(False, description="创业者：孵化器、众创空间在孵")


class VoucherOut(Out):
    id: int
    pool_id: int
    district: str
    holder_kind: str
    holder_id: str
    holder_name: str
    face_value: Yuan
    remaining: Yuan
    returned: Yuan
    issued_on: dt.date
    last_valid_on: dt.date
    status: str
    priority_grounds: list[str]
    created_at: dt.datetime


class ExpireIn(Strict):
    as_of: PastDate = Field(description="收回截至哪一天（不得晚于今天）")


class ExpireOut(BaseModel):
    expired_voucher_ids: list[int]
    returned: Yuan
    basis: str


class RedemptionIn(Strict):
    voucher_id: RecordId = Field(description="创新券编号")
    carrier_id: RecordId = Field(description="提供服务的创新载体编号")
    service_type: ServiceType = Field(description="服务类型（44号 三）")
    fee: PositiveMoney
    paid_amount: Money
    via_shared_platform: bool = Field(False, description="检验检测是否通过共享平台取得")
    statutory_testing: bool = Field(False, description="是否为强制检测、法定检测（不予支持）")
    audit_purpose: AuditPurpose | None = Field(None, description="专项审计的用途")
    contract_number: Annotated[str, Field(min_length=1, max_length=120)] = Field(description="技术合同编号")
    contract_sealed_by_both: bool = Field(description="技术合同是否盖有双方公章（44号 四(四)）")
    bank_receipt: bool = Field(description="是否有银行付款凭证")
    invoice_number: Annotated[str, Field(min_length=1, max_length=120)] = Field(
        description="发票号码（同一发票只能享受1次补助）"
    )
    service_evidence: bool = Field(description="是否有服务结果凭证（如查新报告、检验检测报告）")
    used_on: PastDate = Field(description="使用创新券（服务发生）日期")
    submitted_on: PastDate | None = Field(None, description="提交兑付申请日期（默认今天）")
    funded_by_other_programme: bool = Field(False, description="该服务是否已获其他财政资金支持")


class RedemptionOut(Out):
    id: int
    voucher_id: int
    carrier_id: int
    holder_id: str
    service_type: str
    fee: Yuan
    paid_amount: Yuan
    via_shared_platform: bool
    contract_number: str
    invoice_number: str
    used_on: dt.date
    submitted_on: dt.date
    entitlement: Yuan
    amount: Yuan
    lines: list[dict[str, Any]]
    basis: list[str]
    status: str
    payment_due: dt.date
    decision_reasons: list[str] | None
    paid_on: dt.date | None
    created_at: dt.datetime


class ReasonsIn(Strict):
    reasons: Annotated[list[Text], Field(min_length=1)] = Field(description="不予兑付的理由（逐条）")


class PayIn(Strict):
    paid_on: PastDate = Field(description="拨付之日")


class CreditIn(Strict):
    subject_id: Annotated[str, Field(min_length=15, max_length=18)] = Field(
        description="失信主体的统一社会信用代码或身份证号"
    )
    subject_kind: CreditSubject = Field(description="主体类别：企业、创业者、创新载体")
    kind: CreditKind = Field(
        description="失信类别：voucher_fraud 骗取创新券 | institute_false_materials 研究院申报提供虚假材料"
    )
    decided_on: PastDate = Field(description="作出认定之日")
    reason: Text = Field(description="认定理由")
    redemption_id: RecordId | None = Field(None, description="所涉兑付申请编号（如有）")


class CreditOut(Out):
    id: int
    subject_id: str
    kind: str
    decided_on: dt.date
    ban_until: dt.date
    reason: str
    basis: str
    redemption_id: int | None
    institute_id: int | None
    created_at: dt.datetime


class CreditFlag(BaseModel):
    code: str
    detail: str
    since: dt.date
    until: dt.date | None
    basis: str

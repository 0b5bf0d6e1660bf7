"""Bodies of the stateless calculators (api/rules.py): 43号 一 and 三(七), 44号 三, 衢政发〔2023〕1号 items 7–16."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters
from science.api.schemas.common import Area, ConditionOut, Count, Money, PastDate, PositiveMoney, Strict, Text
from science.rules.institute_conditions import (
    AcquisitionMode,
    ImportantField,
    IpKind,
    KeyIndustry,
    KnowledgeIntensive,
)
from science.rules.policies_2023 import CarrierLevel, IncubatorEvent
from science.rules.voucher_subsidy import AuditPurpose, ServiceType


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

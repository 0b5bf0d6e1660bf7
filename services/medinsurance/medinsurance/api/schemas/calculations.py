"""Bodies of the stateless rule endpoints (api/calculations.py): grading, 违约金, the 附件4 evaluation tables, 不予受理,
the 绩效考核 tables and the admission conditions."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from medinsurance.api.schemas.common import Circumstances, Day, Out, Score, ScoreOut, Strict
from medinsurance.rules import evaluation as tables
from medinsurance.rules.eligibility import Employee, InstitutionFacts, InstitutionType, PharmacyFacts
from medinsurance.rules.performance import AssessmentInput, Category, ItemInput
from medinsurance.rules.refusal import ApplicantRecord, Termination
from qz_common.errors import ProblemError
from qz_common.ids import USCC
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters

MAX_RECORDS = 100  # dated records per list: far above any real applicant, small enough to answer at once
MAX_UNITS = 100_000  # counted units per deduction kind (percentage points, incidents, steps)
NonNeg = Annotated[int, Field(ge=0, le=10_000)]
# Input bounds (not law): an 评估小组 is a handful of experts; an institution's licence and penalty history is short.
MAX_EVALUATORS = 30
MAX_LICENCES = 50
MAX_PENALTIES = 200
# A checked evaluation becomes the rules' records field by field (same names, nested records included).
_MEDICAL = TypeAdapter(tables.MedicalEvaluation)
_PHARMACY = TypeAdapter(tables.PharmacyEvaluation)

# ---------------------------------------------------------------- grading and 违约金


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

    def to_rules(self) -> list[AssessmentInput]:
        """The institutions to grade; an institution named twice is refused, naming the second."""
        seen: set[str] = set()
        for k, inst in enumerate(self.institutions):
            if inst.id in seen:
                raise ProblemError(
                    422, "duplicate_institution", f"机构 {inst.id} 重复出现", field=f"institutions.{k}.id"
                )
            seen.add(inst.id)
        return [AssessmentInput(i.id, i.half_year_score, i.annual_score, i.new_this_year) for i in self.institutions]


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


# ---------------------------------------------------------------- 附件4 表1/表2 evaluation


class Hardware(Strict):
    """配备医保要求的硬件装置 (7分)."""

    missing_devices: NonNeg = Field(0, description="少配备的医保要求设施设备数（每项扣1分）")
    not_isolated: bool = Field(False, description="未与其他网络安全隔离、未与互联网物理隔离（扣2分）")
    missing_monitoring_devices: NonNeg = Field(0, description="少安装的人脸识别、视频监控设备数（每项扣3分）")
    bad_positions: NonNeg = Field(0, description="不符合安装要求的位置数（每个扣1分）")
    unclear_device_types: NonNeg = Field(0, description="不清晰的设备种类数（每种扣2分）")


class Disclosure(Strict):
    """信息公开制度."""

    prices_not_public: bool = Field(False, description="未公开药品、服务项目和材料的价格（扣2分）")
    missing_statements: NonNeg = Field(0, description="未向参保人员提供费用结算清单的例数（每例扣1分）")
    verified_price_complaints: NonNeg = Field(0, description="查实的价格投诉举报例数（表1每例扣5分，表2每例扣4分）")
    irregular_prices: NonNeg = Field(0, description="定价或标识不规范的例数（每例扣1分）")


class Premises(Strict):
    """经营场所: tenure, area, environment (and rooms for 表1)."""

    owned: bool = Field(False, description="房产所有权属法人代表（或负责人）或单位所有（得4分）")
    lease_months: NonNeg = Field(0, description="租赁合同年限（月；满1、2、3年分别得1、2、3分）")
    area_m2: Annotated[Decimal, Field(ge=0)] = Field(Decimal(0), description="实际经营面积（m²，按档得分）")
    comfort: Annotated[Decimal, Field(ge=0, le=2)] = Field(Decimal(0), description="环境舒适酌情得分（0–2分）")
    rooms_missing: Annotated[int, Field(ge=0, le=3)] = Field(
        0, description="表1：诊疗室、药房、输液室缺少的间数（每少一室扣1分）"
    )


class Ledger(Strict):
    """财务台账 (8分)."""

    accounts: Literal["computerised", "paper_only", "none"] = Field(
        "computerised",
        description="会计账目：computerised 电算化明细账 | paper_only 仅纸质明细账（得3分） | none 未建立（扣5分）",
    )
    findings: NonNeg = Field(0, description="未做到账账相符、账实相符的发现项数（每项扣1分）")


class Inventory(Strict):
    """进销存管理 (17分)."""

    computerised: bool = Field(True, description="购进、销售是否纳入“进、销、存”电算化管理（否则扣5分）")
    same_computer: bool = Field(True, description="经营电脑与上传医保系统电脑是否为同一台（否则扣3分）")
    mismatched_varieties: Annotated[int, Field(ge=0, le=5)] = Field(
        0, description="抽查5个品种中进销存不对应的品种数（每个扣1分）"
    )
    missing_binding_months: NonNeg = Field(0, description="评估前3个月中未按月装订的月数（每月扣2分）")
    binding_incomplete: bool = Field(False, description="装订是否不齐全（扣1分）")
    missing_stock_months: NonNeg = Field(0, description="盘存表缺少的月数（每月扣2分）")
    stock_detail_missing: bool = Field(False, description="盘存明细是否缺失（扣1分）")
    missing_fields: NonNeg = Field(0, description="药品购进记录缺少字段数（每个扣0.2分）")


class PenaltyRecord(Strict):
    """与医疗行为相关的行政处罚记录."""

    on: Day = Field(description="行政处罚日期（三年内的计入，以受理时间为准）")
    warning: bool = Field(
        description="是否为警告、通报批评类处罚（每次扣1分；其他类一次扣2分、两次扣5分、三次及以上扣10分）"
    )


class Licence(Strict):
    approved_on: Day = Field(description="执业（经营）许可证核准之日（计算经营时间长短）")
    uscc: USCC = Field(description="许可证对应的统一社会信用代码（代码不变按最早许可证计算）")


class Subjects(Strict):
    """For 规范化村级医疗机构 items 3, 8, 12 follow the 上级医疗机构 (参照上级医疗机构标准)."""

    hardware: Hardware = Field(description="上级医疗机构的硬件装置情况（规范化村级医疗机构参照上级标准）")
    basic_account: bool = Field(description="上级医疗机构是否所有资金收支通过基本账户")
    practice_subjects: Annotated[int, Field(ge=0)] = Field(description="上级医疗机构的诊疗科目数")


class MedicalSheet(Strict):
    """One evaluator's sheet for 表1 评估指标."""

    management_quality: Annotated[Decimal, Field(ge=1, le=2)] = Field(description="1 管理制度整体质量（1–2分，主观分）")
    unmaintained_cases: NonNeg = Field(0, description="2 未按要求维护标准数据库基础信息的例数（每例扣1分）")
    hardware: Hardware = Field(Hardware(), description="3 医保要求的硬件装置")
    disclosure: Disclosure = Field(Disclosure(), description="4 信息公开制度")
    premises: Premises = Field(Premises(), description="5 经营场所")
    physicians_meet_requirement: bool = Field(True, description="7 是否按规定配备医师（得2分）")
    intermediate_physicians: NonNeg = Field(0, description="7 增加的中级职称医师人数（每名加1分）")
    senior_physicians: NonNeg = Field(0, description="7 增加的副高及以上职称医师人数（每名加2分）")
    rehired_physicians: NonNeg = Field(0, description="7 有效劳务合同的中级及以上职称退休返聘医师人数")
    basic_account: bool = Field(True, description="8 所有资金收支是否通过本单位基本账户（得2分）")
    ledger: Ledger = Field(Ledger(), description="9 财务台账")
    inventory: Inventory = Field(Inventory(), description="10 进销存管理")
    irregular_records: Annotated[int, Field(ge=0, le=8)] = Field(
        0, description="11 抽查8份资料中不合理或不规范的份数（每份扣0.5分）"
    )
    practice_subjects: NonNeg = Field(1, description="12 执业许可证中的诊疗科目（大类）数")
    procurement_ok: bool = Field(True, description="13 是否按规定通过“智慧医保”招采子系统采购并按时结算（得2分）")
    community_designated: NonNeg = Field(0, description="14 社区内已有二级以下定点医疗机构家数")
    community_same_type: NonNeg = Field(0, description="14 其中同类型医疗机构家数")


class MedicalEvaluationSheets(Strict):
    """A 表1 evaluation as entered: the facts and every evaluator's sheet (stored by ``POST /v1/evaluations``)."""

    kind: Literal["medical_institution"] = Field(
        "medical_institution", description="评估表：medical_institution 表1 医疗机构"
    )
    evaluated_on: Day = Field(description="评估之日")
    accepted_on: Day = Field(description="受理之日（行政处罚记录以受理时间为准）")
    basic: dict[tables.MedicalBasic, bool] = Field(description="基础指标1–10逐项是否符合（任一“否”即不合格）")
    licences: list[Licence] = Field(
        min_length=1, max_length=MAX_LICENCES, description="执业许可证（核准日期与统一社会信用代码）"
    )
    standardised_village: bool = Field(False, description="是否为规范化村级医疗机构（3、8、12项参照上级医疗机构）")
    village_clinic: bool = Field(False, description="是否为规范化村卫生室（经营面积60㎡以上即得满分）")
    community_station: bool = Field(False, description="是否为社区卫生服务站（经营面积150㎡以上即得满分）")
    secondary_or_above: bool = Field(False, description="是否为二级及以上医疗机构（不适用场所布局）")
    parent: Subjects | None = Field(None, description="规范化村级医疗机构的上级医疗机构情况")
    penalties: list[PenaltyRecord] = Field(
        default_factory=list, max_length=MAX_PENALTIES, description="与医疗行为相关的行政处罚记录"
    )
    sheets: list[MedicalSheet] = Field(
        min_length=1, max_length=MAX_EVALUATORS, description="各评估人员的评分表（取平均）"
    )

    def to_rules(self) -> tables.MedicalEvaluation:
        return _MEDICAL.validate_python(self.model_dump(exclude={"parameters"}))


class MedicalEvaluationIn(MedicalEvaluationSheets):
    parameters: ScenarioParameters = None


class PharmacySheet(Strict):
    """One evaluator's sheet for 表2 评估指标."""

    management_quality: Annotated[Decimal, Field(ge=1, le=2)] = Field(
        description="1 医保药品管理制度整体质量（1–2分，主观分）"
    )
    unmaintained_cases: NonNeg = Field(0, description="2 未按要求维护标准数据库基础信息的例数（每例扣1分）")
    disclosure: Disclosure = Field(Disclosure(), description="3 信息公开制度")
    premises: Premises = Field(Premises(), description="4 经营场所")
    chain: bool = Field(False, description="6 经营模式是否为零售（连锁）（连锁得5分，否则3分）")
    pharmacists_meet_requirement: bool = Field(True, description="7 是否按规定配备药师（得2分）")
    additional_licensed_pharmacists: NonNeg = Field(0, description="7 增加的执业药师人数（每名加2分）")
    rehired_pharmacists: NonNeg = Field(0, description="7 退休返聘药师人数（每名加1分）")
    basic_account: bool = Field(True, description="8 所有资金收支是否通过本单位基本账户（得2分）")
    ledger: Ledger = Field(Ledger(), description="9 财务台账")
    inventory: Inventory = Field(Inventory(), description="10 进销存数据传输和对应")
    nonconforming_layout: Annotated[int, Field(ge=0, le=3)] = Field(
        0, description="11 营业面积、专区、专柜设置不符合规范的项数"
    )
    positive_list_breached: bool = Field(False, description="11 其他用品是否超出正面清单")
    insurance_marks: bool = Field(True, description="12 是否设立医保用药标识（未设立不得分）")
    inaccurate_marks: NonNeg = Field(0, description="12 医保用药标识不准确的例数（每例扣1分）")
    hardware: Hardware = Field(Hardware(), description="13 医保要求的硬件装置")
    catalogue_drug_varieties: NonNeg = Field(0, description="14 浙江省医保药品目录内药品种类数")
    community_pharmacies: NonNeg = Field(0, description="15 社区内已有定点零售药店家数")


class PharmacyEvaluationSheets(Strict):
    """A 表2 evaluation as entered: the facts and every evaluator's sheet (stored by ``POST /v1/evaluations``)."""

    kind: Literal["retail_pharmacy"] = Field("retail_pharmacy", description="评估表：retail_pharmacy 表2 零售药店")
    evaluated_on: Day = Field(description="评估之日")
    accepted_on: Day = Field(description="受理之日（行政处罚记录以受理时间为准）")
    basic: dict[tables.PharmacyBasic, bool] = Field(description="基础指标1–11逐项是否符合（任一“否”即不合格）")
    licences: list[Licence] = Field(
        min_length=1, max_length=MAX_LICENCES, description="药品经营许可证（核准日期与统一社会信用代码）"
    )
    penalties: list[PenaltyRecord] = Field(
        default_factory=list, max_length=MAX_PENALTIES, description="与医疗行为相关的行政处罚记录"
    )
    sheets: list[PharmacySheet] = Field(
        min_length=1, max_length=MAX_EVALUATORS, description="各评估人员的评分表（取平均）"
    )

    def to_rules(self) -> tables.PharmacyEvaluation:
        return _PHARMACY.validate_python(self.model_dump(exclude={"parameters"}))


class PharmacyEvaluationIn(PharmacyEvaluationSheets):
    parameters: ScenarioParameters = None


EvaluationIn = Annotated[MedicalEvaluationIn | PharmacyEvaluationIn, Field(discriminator="kind")]
EvaluationSheets = Annotated[MedicalEvaluationSheets | PharmacyEvaluationSheets, Field(discriminator="kind")]


class Closed(Out):
    """An answer whose published schema has always said it carries no other field."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")


class ItemScore(Closed):
    no: int
    name: str
    max: Decimal
    score: Decimal
    basis: str


class EvaluationOut(Closed):
    kind: str
    items: list[ItemScore]
    basic_passed: bool
    failed_basic: list[str]
    total: Decimal
    qualified: bool
    evaluator_totals: list[Decimal]
    basis: str
    scenario: ScenarioEcho = None


# ---------------------------------------------------------------- 不予受理 (二(三)2)


class TerminationIn(Strict):
    on: Day = Field(description="协议解除之日")
    liabilities_fulfilled: bool = Field(description="是否已履行完毕违约责任")


# dated records of an applicant (二(三)2): far fewer than MAX_RECORDS in any real case
Days = Annotated[list[Day], Field(max_length=MAX_RECORDS)]
Terminations = Annotated[list[TerminationIn], Field(max_length=MAX_RECORDS)]


class RefusalIn(Strict):
    pharmacy: bool = Field(description="申请人是否为零售药店（否则为医疗机构）")
    on: Day = Field(description="申请受理审查之日")
    non_basic_main_scope: bool = Field(
        False,
        description="以医疗美容、辅助生殖、生活照护、种植牙、健康体检等非基本医疗服务为主要执业范围（医疗机构(1)）",
    )
    price_policy_not_followed: bool = Field(
        False, description="基本医疗服务未执行医疗保障行政部门制定的医药价格政策（医疗机构(2)）"
    )
    admin_penalty_unfulfilled: bool = Field(False, description="未依法履行行政处罚责任")
    fraud_found_on: Days = Field([], description="以弄虚作假等不正当手段申请定点被发现之日（3年内不予受理）")
    terminated_for_violation: Terminations = Field(
        [], description="因违法违规被解除医保协议的记录（3年内或未完全履行行政处罚责任的不予受理）"
    )
    terminated_for_breach: Terminations = Field(
        [], description="因违反医保协议约定或医保相关规定被解除协议的记录（1年内或未完全履行违约责任的不予受理）"
    )
    legal_rep_serious_termination_on: Days = Field(
        [],
        description="法定代表人、主要负责人或实际控制人曾因严重违法违规导致原定点机构被解除医保协议之日（5年内不予受理）",
    )
    legal_rep_on_dishonest_list: bool = Field(False, description="法定代表人、主要负责人或实际控制人被列入失信人名单")
    medical_service_penalty_on: Days = Field([], description="因医疗服务行为受到有关行政部门处罚之日（1年内不予受理）")
    irregular_practice_on: Days = Field(
        [], description="非法行医、非法医疗广告、诊室外包等不规范经营行为之日（近2年内不予受理）"
    )
    same_entity_sanction_on: Days = Field(
        [], description="同一法人主体（投资主体）的相关定点机构因违规被暂停、解除或终止医保协议之日（1年内不予受理）"
    )
    same_entity_under_investigation: bool = Field(
        False, description="同一法人主体的相关定点机构正在接受经办机构调查处理"
    )
    other_legal_ground: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="法律法规规定的其他不予受理的情形（文字说明）"
    )
    annual_assessment_termination_on: Days = Field([], description="因年度考核被解除医保协议之日（附件1 二(四)）")
    parameters: ScenarioParameters = None

    def to_rules(self) -> ApplicantRecord:
        return ApplicantRecord(
            non_basic_main_scope=self.non_basic_main_scope,
            price_policy_not_followed=self.price_policy_not_followed,
            admin_penalty_unfulfilled=self.admin_penalty_unfulfilled,
            fraud_found_on=tuple(self.fraud_found_on),
            terminated_for_violation=tuple(
                Termination(t.on, t.liabilities_fulfilled) for t in self.terminated_for_violation
            ),
            terminated_for_breach=tuple(Termination(t.on, t.liabilities_fulfilled) for t in self.terminated_for_breach),
            legal_rep_serious_termination_on=tuple(self.legal_rep_serious_termination_on),
            legal_rep_on_dishonest_list=self.legal_rep_on_dishonest_list,
            medical_service_penalty_on=tuple(self.medical_service_penalty_on),
            irregular_practice_on=tuple(self.irregular_practice_on),
            same_entity_sanction_on=tuple(self.same_entity_sanction_on),
            same_entity_under_investigation=self.same_entity_under_investigation,
            other_legal_ground=self.other_legal_ground,
            annual_assessment_termination_on=tuple(self.annual_assessment_termination_on),
        )


class RefusalFindingOut(BaseModel):
    case: str
    clause: str
    reason: str
    until: dt.date | None
    basis: str


class RefusalOut(BaseModel):
    refused: bool
    findings: list[RefusalFindingOut]
    scenario: ScenarioEcho = None


# ---------------------------------------------------------------- 绩效考核 tables


class TableItemIn(Strict):
    units: dict[str, Annotated[Decimal, Field(ge=0, le=MAX_UNITS)]] = Field(
        default_factory=dict,
        max_length=10,
        description="按扣分单位计的数量，单位名称见参数簿（如 shortfall_points 降低的百分点）",
    )
    deduction: Annotated[Decimal, Field(ge=0, le=100)] = Field(
        Decimal(0), description="直接录入的扣分（entered 类项目）"
    )
    met: bool = Field(True, description="达标类项目是否达标")
    change: Literal["increased", "unchanged", "decreased"] = Field(
        "unchanged", description="与上年相比：increased 上升 | unchanged 持平 | decreased 下降（变化类项目）"
    )
    severe: bool = Field(False, description="是否情节严重（扣完该项分值）")


class TableScoreIn(Strict):
    category: Category = Field(description="考核表：comprehensive 综合类 | outpatient 门诊类 | pharmacy 零售药店")
    on: Day | None = Field(None, description="按哪一天的考核标准（默认今天，北京时间）")
    items: dict[str, TableItemIn] = Field(
        default_factory=dict, max_length=40, description="行代码 → 录入（未知行代码 422）"
    )
    parameters: ScenarioParameters = None

    def to_rules(self) -> dict[str, ItemInput]:
        return {k: ItemInput(v.units, v.deduction, v.met, v.change, v.severe) for k, v in self.items.items()}


class TableItemOut(BaseModel):
    code: str
    section: str
    name: str
    max: ScoreOut
    score: ScoreOut
    basis: str


class TableScoreOut(BaseModel):
    category: str
    items: list[TableItemOut]
    total: ScoreOut
    basis: str
    scenario: ScenarioEcho = None


# ---------------------------------------------------------------- admission conditions (二(一), 二(二))


class InstitutionFactsIn(Strict):
    kind: InstitutionType = Field(description="医疗机构类型（二(一)1 可申请定点的类别）")
    operating_since: Day = Field(description="正式运营起始日（须运营满规定月数，二(一)2）")
    qualified_physicians: Annotated[int, Field(ge=0)] = Field(0, description="具有执业资格的医师人数")
    massage_staff: Annotated[int, Field(ge=0)] = Field(0, description="盲人医疗按摩人员数（盲人医疗按摩所）")
    massage_beds: Annotated[int, Field(ge=0)] = Field(0, description="按摩床位数（盲人医疗按摩所）")
    floor_area_m2: Annotated[Decimal, Field(ge=0)] = Field(Decimal(0), description="业务用房建筑面积（m²）")
    beds: Annotated[int, Field(ge=0)] = Field(0, description="核定床位数（达到规定床位须设内部医保管理部门）")
    leader_responsible: bool = Field(False, description="是否由主要负责人负责医保工作")
    insurance_staff: Annotated[int, Field(ge=0)] = Field(0, description="专（兼）职医保管理人员数")
    internal_insurance_department: bool = Field(False, description="是否设有内部医保管理部门")
    rules_in_place: bool = Field(False, description="是否建立医保管理制度（财务、统计、信息管理等）")
    system_connected: bool = Field(False, description="信息系统是否具备与医保信息系统对接条件")
    inventory_managed: bool = Field(False, description="药品、耗材是否实行进销存管理")
    other_conditions_met: bool = Field(True, description="是否符合法律法规和省级以上医保部门规定的其他条件")


class EmployeeIn(Strict):
    contract_start: Day = Field(description="劳动合同起始日")
    contract_end: Day | None = Field(None, description="劳动合同终止日（无固定期限为空）")
    registered_locally: bool = Field(True, description="执业药师是否注册在本药店")


class PharmacyFactsIn(Strict):
    has_drug_trading_licence: bool = Field(description="是否取得《药品经营许可证》")
    operating_since: Day = Field(description="正式运营起始日（须运营满规定月数，二(二)1）")
    pharmacists: list[EmployeeIn] = Field(
        default_factory=list, max_length=MAX_RECORDS, description="执业药师（含劳动合同期限）"
    )
    insurance_staff: list[EmployeeIn] = Field(
        default_factory=list, max_length=MAX_RECORDS, description="医保管理人员（含劳动合同期限）"
    )
    classified_storage_and_marks: bool = Field(False, description="药品是否分类存放并设医保标识")
    rules_in_place: bool = Field(False, description="是否建立医保管理制度")
    system_connected: bool = Field(False, description="信息系统是否具备与医保信息系统对接条件")
    business_scope_medical_only: bool = Field(False, description="经营范围是否仅限药品、医疗器械等医药类商品")
    total_area_m2: Annotated[Decimal, Field(ge=0)] = Field(Decimal(0), description="营业场所总面积（m²）")
    non_drug_area_m2: Annotated[Decimal, Field(ge=0)] = Field(Decimal(0), description="非药品经营区域面积（m²）")
    inventory_managed: bool = Field(False, description="是否实行药品进销存管理")
    other_conditions_met: bool = Field(True, description="是否符合法律法规和省级以上医保部门规定的其他条件")


class UnmetOut(BaseModel):
    code: str
    reason: str
    basis: str


class ConditionsOut(BaseModel):
    route: str
    route_reason: str
    route_basis: str
    conditions_met: bool
    unmet: list[UnmetOut]
    scenario: ScenarioEcho = None


class InstitutionConditionsIn(Strict):
    on: Day = Field(description="申请之日")
    has_practice_licence: bool = Field(True, description="是否取得《医疗机构执业许可证》（或备案）")
    physical_parent_designated: bool = Field(
        False, description="互联网医院：所依托的实体医疗机构是否已为定点医疗机构（二(一)1）"
    )
    facts: InstitutionFactsIn = Field(description="机构的人员、场所、制度等情况")
    parameters: ScenarioParameters = None

    def to_rules(self) -> InstitutionFacts:
        return InstitutionFacts(**self.facts.model_dump())


class PharmacyConditionsIn(Strict):
    on: Day = Field(description="申请之日")
    facts: PharmacyFactsIn = Field(description="药店的许可、人员、场所、制度等情况")
    parameters: ScenarioParameters = None

    def to_rules(self) -> PharmacyFacts:
        f = self.facts
        return PharmacyFacts(
            **f.model_dump(exclude={"pharmacists", "insurance_staff"}),
            pharmacists=tuple(Employee(**vars(e)) for e in f.pharmacists),
            insurance_staff=tuple(Employee(**vars(e)) for e in f.insurance_staff),
        )

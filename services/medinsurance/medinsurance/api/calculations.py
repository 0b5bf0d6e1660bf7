"""Stateless rule endpoints: grade (附件1 二(四)), penalty (五(五)), evaluation (附件4 表1/表2), refusal (二(三)2)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from medinsurance.api.common import in_force
from medinsurance.api.examples import EXAMPLES
from medinsurance.api.schemas import (
    ConsequencesOut,
    GradeIn,
    GradeOut,
    GradeResultOut,
    PenaltyIn,
    PenaltyOut,
    ScoreOut,
    Strict,
)
from medinsurance.rules.basis import Day
from medinsurance.rules.eligibility import (
    ApplicationRoute,
    Employee,
    InstitutionFacts,
    InstitutionType,
    PharmacyFacts,
    Unmet,
    WhoMayApply,
    institution_conditions,
    pharmacy_conditions,
    who_may_apply,
)
from medinsurance.rules.evaluation import (
    EvaluationResult,
    MedicalEvaluation,
    PharmacyEvaluation,
    implausible,
    score_medical,
    score_pharmacy,
)
from medinsurance.rules.performance import AssessmentInput, Category, ItemInput, grade_all, score_table
from medinsurance.rules.refusal import ApplicantRecord, Termination, refusal_findings
from medinsurance.rules.sanctions import RatioOutOfRange, penalty, ratio_range
from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.examples import examples_by_model
from qz_common.identity import Reader
from qz_common.scenario import ScenarioEcho, ScenarioParameters, scenario_computation

router = APIRouter(prefix="/v1", tags=["rules"])
MAX_RECORDS = 100  # dated records per list: far above any real applicant, small enough to answer at once
MAX_UNITS = 100_000  # counted units per deduction kind (percentage points, incidents, steps)


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


def _grade(body: GradeIn) -> GradeOut:
    seen: set[str] = set()
    for k, inst in enumerate(body.institutions):
        if inst.id in seen:
            raise ProblemError(422, "duplicate_institution", f"机构 {inst.id} 重复出现", field=f"institutions.{k}.id")
        seen.add(inst.id)
    force = in_force("performance", body.on or today(), body.parameters)
    inputs = [AssessmentInput(i.id, i.half_year_score, i.annual_score, i.new_this_year) for i in body.institutions]
    try:
        with scenario_computation(body.parameters):
            results = grade_all(body.category, inputs, force.params)
    except ValueError as exc:
        raise ProblemError(422, "invalid_institutions", str(exc), field="institutions") from None
    return GradeOut(
        results=[
            GradeResultOut(
                id=r.id,
                final_score=r.final_score,
                grade=r.grade.value if r.grade else None,
                rank=r.rank,
                consequences=ConsequencesOut(**vars(r.consequences)),
                basis=r.basis,
            )
            for r in results
        ],
        in_force=force.in_force,
        notice=force.notice,
        scenario=body.parameters,
    )


@router.post("/assessments/grade", summary="绩效考核定级（附件1 二(四)）")
async def grade(body: GradeIn, _caller: Reader) -> GradeOut:
    # A pool of thousands is ranked in a worker thread so other requests keep being served meanwhile.
    return await run_in_threadpool(_grade, body)


@router.post("/violations/penalty", summary="违约金计算（五(五)：核定违规医保费用×违约支付比例）")
async def compute_penalty(body: PenaltyIn, _caller: Reader) -> PenaltyOut:
    p = in_force("sanctions", body.decided_on or today(), body.parameters).params
    try:
        with scenario_computation(body.parameters):
            allowed = ratio_range(
                body.tier, p, mitigating=frozenset(body.mitigating), aggravating=frozenset(body.aggravating)
            )
            result = penalty(
                body.tier,
                body.violation_amount,
                body.ratio,
                p,
                decided_on=body.decided_on,
                mitigating=frozenset(body.mitigating),
                aggravating=frozenset(body.aggravating),
            )
    except RatioOutOfRange as exc:
        raise ProblemError(
            422,
            "ratio_out_of_range",
            str(exc),
            field="ratio",
            errors=[{"field": "ratio", "code": "ratio_out_of_range", "detail": str(exc)}],
            allowed_low=str(exc.allowed.low),
            allowed_high=str(exc.allowed.high),
        ) from None
    except ValueError as exc:
        raise ProblemError(422, "invalid_circumstances", str(exc), field="mitigating") from None
    return PenaltyOut(
        penalty=result.amount,
        ratio=result.ratio,
        allowed_low=allowed.low,
        allowed_high=allowed.high,
        due_on=result.due_on,
        basis=result.basis,
        scenario=body.parameters,
    )


class MedicalEvaluationIn(MedicalEvaluation):
    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))

    parameters: ScenarioParameters = None


class PharmacyEvaluationIn(PharmacyEvaluation):
    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))

    parameters: ScenarioParameters = None


EvaluationIn = Annotated[MedicalEvaluationIn | PharmacyEvaluationIn, Field(discriminator="kind")]


class EvaluationOut(EvaluationResult):
    scenario: ScenarioEcho = None


@router.post("/evaluations/score", summary="新增定点评估评分（附件4 表1/表2）")
async def score_evaluation(body: EvaluationIn, _caller: Reader) -> EvaluationOut:
    problems = implausible(body, today())
    if problems:
        raise ProblemError(
            422,
            "evaluation_implausible",
            "；".join(x.detail for x in problems),
            field=problems[0].field,
            errors=[{"field": x.field, "code": "implausible", "detail": x.detail} for x in problems],
        )
    p = in_force("evaluation", body.evaluated_on, body.parameters).params
    try:
        with scenario_computation(body.parameters):
            result = score_medical(body, p) if isinstance(body, MedicalEvaluation) else score_pharmacy(body, p)
    except ValueError as exc:
        raise ProblemError(422, "evaluation_input_invalid", str(exc), field="parent") from None
    return EvaluationOut(**dict(result), scenario=body.parameters)


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


@router.post("/refusal-check", summary="不予受理情形判定（二(三)2）")
async def refusal_check(body: RefusalIn, _caller: Reader) -> RefusalOut:
    p = in_force("refusal", body.on, body.parameters).params
    record = ApplicantRecord(
        non_basic_main_scope=body.non_basic_main_scope,
        price_policy_not_followed=body.price_policy_not_followed,
        admin_penalty_unfulfilled=body.admin_penalty_unfulfilled,
        fraud_found_on=tuple(body.fraud_found_on),
        terminated_for_violation=tuple(
            Termination(t.on, t.liabilities_fulfilled) for t in body.terminated_for_violation
        ),
        terminated_for_breach=tuple(Termination(t.on, t.liabilities_fulfilled) for t in body.terminated_for_breach),
        legal_rep_serious_termination_on=tuple(body.legal_rep_serious_termination_on),
        legal_rep_on_dishonest_list=body.legal_rep_on_dishonest_list,
        medical_service_penalty_on=tuple(body.medical_service_penalty_on),
        irregular_practice_on=tuple(body.irregular_practice_on),
        same_entity_sanction_on=tuple(body.same_entity_sanction_on),
        same_entity_under_investigation=body.same_entity_under_investigation,
        other_legal_ground=body.other_legal_ground,
        annual_assessment_termination_on=tuple(body.annual_assessment_termination_on),
    )
    with scenario_computation(body.parameters):
        findings = refusal_findings(record, body.on, body.pharmacy, p)
    return RefusalOut(
        scenario=body.parameters,
        refused=bool(findings),
        findings=[
            RefusalFindingOut(case=f.case.value, clause=f.clause, reason=f.reason, until=f.until, basis=f.basis)
            for f in findings
        ],
    )


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


@router.post("/assessments/score", summary="绩效考核表逐项评分（综合类/门诊类/零售药店）")
async def score_assessment_table(body: TableScoreIn, _caller: Reader) -> TableScoreOut:
    p = in_force("performance", body.on or today(), body.parameters).params
    try:
        with scenario_computation(body.parameters):
            result = score_table(
                body.category,
                {k: ItemInput(v.units, v.deduction, v.met, v.change, v.severe) for k, v in body.items.items()},
                p,
            )
    except ValueError as exc:
        raise ProblemError(422, "invalid_items", str(exc), field="items") from None
    return TableScoreOut(
        category=result.category.value,
        items=[TableItemOut(**vars(i)) for i in result.items],
        total=result.total,
        basis=result.basis,
        scenario=body.parameters,
    )


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


class PharmacyConditionsIn(Strict):
    on: Day = Field(description="申请之日")
    facts: PharmacyFactsIn = Field(description="药店的许可、人员、场所、制度等情况")
    parameters: ScenarioParameters = None


def _conditions_out(route: WhoMayApply, unmet: list[Unmet], scenario: dict[str, str] | None) -> ConditionsOut:
    return ConditionsOut(
        route=route.route.value,
        route_reason=route.reason,
        route_basis=route.basis,
        # a route that does not lead to designation cannot have its conditions met
        conditions_met=route.route is not ApplicationRoute.NOT_ELIGIBLE and not unmet,
        unmet=[UnmetOut(code=u.code, reason=u.reason, basis=u.basis) for u in unmet],
        scenario=scenario,
    )


@router.post("/admission/institution-conditions", summary="医疗机构申请类别与申请条件（二(一)1、2）")
async def institution_admission(body: InstitutionConditionsIn, _caller: Reader) -> ConditionsOut:
    p = in_force("admission", body.on, body.parameters).params
    route = who_may_apply(
        body.facts.kind,
        has_practice_licence=body.has_practice_licence,
        physical_parent_designated=body.physical_parent_designated,
    )
    facts = InstitutionFacts(**body.facts.model_dump())
    with scenario_computation(body.parameters):
        unmet = institution_conditions(facts, body.on, p)
    return _conditions_out(route, unmet, body.parameters)


@router.post("/admission/pharmacy-conditions", summary="零售药店申请条件（二(二)1）")
async def pharmacy_admission(body: PharmacyConditionsIn, _caller: Reader) -> ConditionsOut:
    p = in_force("admission", body.on, body.parameters).params
    f = body.facts
    route = who_may_apply(InstitutionType.RETAIL_PHARMACY, has_drug_trading_licence=f.has_drug_trading_licence)
    facts = PharmacyFacts(
        **f.model_dump(exclude={"pharmacists", "insurance_staff"}),
        pharmacists=tuple(Employee(**e.model_dump()) for e in f.pharmacists),
        insurance_staff=tuple(Employee(**e.model_dump()) for e in f.insurance_staff),
    )
    with scenario_computation(body.parameters):
        unmet = pharmacy_conditions(facts, body.on, p)
    return _conditions_out(route, unmet, body.parameters)

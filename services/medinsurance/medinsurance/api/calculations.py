"""Stateless rule endpoints: grade (附件1 二(四)), penalty (五(五)), evaluation (附件4 表1/表2), refusal (二(三)2)."""

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from medinsurance.api.schemas.calculations import (
    ConditionsOut,
    ConsequencesOut,
    EvaluationIn,
    EvaluationOut,
    GradeIn,
    GradeOut,
    GradeResultOut,
    InstitutionConditionsIn,
    PenaltyIn,
    PenaltyOut,
    PharmacyConditionsIn,
    RefusalFindingOut,
    RefusalIn,
    RefusalOut,
    TableItemOut,
    TableScoreIn,
    TableScoreOut,
    UnmetOut,
)
from medinsurance.casework import evaluations
from medinsurance.parameters import counted_in_force, in_force
from medinsurance.rules.eligibility import (
    InstitutionType,
    Unmet,
    WhoMayApply,
    conditions_met,
    institution_conditions,
    pharmacy_conditions,
    who_may_apply,
)
from medinsurance.rules.performance import grade_all, score_table
from medinsurance.rules.refusal import refusal_findings
from medinsurance.rules.sanctions import RatioOutOfRange, penalty, ratio_range
from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.identity import Reader
from qz_common.scenario import scenario_computation

router = APIRouter(prefix="/v1", tags=["rules"])


def _grade(body: GradeIn) -> GradeOut:
    inputs = body.to_rules()
    force = in_force("performance", body.on or today(), body.parameters)
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


def _out_of_range(exc: RatioOutOfRange) -> ProblemError:
    """The ratio refused, with the range the tier and circumstances allow."""
    return ProblemError(
        422,
        "ratio_out_of_range",
        str(exc),
        field="ratio",
        errors=[{"field": "ratio", "code": "ratio_out_of_range", "detail": str(exc)}],
        allowed_low=str(exc.allowed.low),
        allowed_high=str(exc.allowed.high),
    )


@router.post("/violations/penalty", summary="违约金计算（五(五)：核定违规医保费用×违约支付比例）")
async def compute_penalty(body: PenaltyIn, _caller: Reader) -> PenaltyOut:
    force, cal = counted_in_force("sanctions", body.decided_on or today(), body.parameters)
    p = force.params
    weighed = {"mitigating": frozenset(body.mitigating), "aggravating": frozenset(body.aggravating)}
    try:
        with scenario_computation(body.parameters):
            allowed = ratio_range(body.tier, p, **weighed)
            result = penalty(
                body.tier, body.violation_amount, body.ratio, p, decided_on=body.decided_on, calendar=cal, **weighed
            )
    except RatioOutOfRange as exc:
        raise _out_of_range(exc) from None
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


@router.post("/evaluations/score", summary="新增定点评估评分（附件4 表1/表2）")
async def score_evaluation(body: EvaluationIn, _caller: Reader) -> EvaluationOut:
    evaluation = body.to_rules()
    evaluations.check_plausible(evaluation)
    force, calendar = counted_in_force("evaluation", evaluation.evaluated_on, body.parameters)
    result = evaluations.scored(evaluation, force.params, calendar, body.parameters)
    return EvaluationOut.model_validate(vars(result) | {"scenario": body.parameters})


@router.post("/refusal-check", summary="不予受理情形判定（二(三)2）")
async def refusal_check(body: RefusalIn, _caller: Reader) -> RefusalOut:
    force, calendar = counted_in_force("refusal", body.on, body.parameters)
    with scenario_computation(body.parameters):
        findings = refusal_findings(body.to_rules(), body.on, body.pharmacy, force.params, calendar)
    return RefusalOut(
        scenario=body.parameters,
        refused=bool(findings),
        findings=[
            RefusalFindingOut(case=f.case.value, clause=f.clause, reason=f.reason, until=f.until, basis=f.basis)
            for f in findings
        ],
    )


@router.post("/assessments/score", summary="绩效考核表逐项评分（综合类/门诊类/零售药店）")
async def score_assessment_table(body: TableScoreIn, _caller: Reader) -> TableScoreOut:
    p = in_force("performance", body.on or today(), body.parameters).params
    try:
        with scenario_computation(body.parameters):
            result = score_table(body.category, body.to_rules(), p)
    except ValueError as exc:
        raise ProblemError(422, "invalid_items", str(exc), field="items") from None
    return TableScoreOut(
        category=result.category.value,
        items=[TableItemOut(**vars(i)) for i in result.items],
        total=result.total,
        basis=result.basis,
        scenario=body.parameters,
    )


def _conditions_out(route: WhoMayApply, unmet: list[Unmet], scenario: dict[str, str] | None) -> ConditionsOut:
    return ConditionsOut(
        route=route.route.value,
        route_reason=route.reason,
        route_basis=route.basis,
        conditions_met=conditions_met(route, unmet),
        unmet=[UnmetOut(code=u.code, reason=u.reason, basis=u.basis) for u in unmet],
        scenario=scenario,
    )


@router.post("/admission/institution-conditions", summary="医疗机构申请类别与申请条件（二(一)1、2）")
async def institution_admission(body: InstitutionConditionsIn, _caller: Reader) -> ConditionsOut:
    force, calendar = counted_in_force("admission", body.on, body.parameters)
    route = who_may_apply(
        body.facts.kind,
        has_practice_licence=body.has_practice_licence,
        physical_parent_designated=body.physical_parent_designated,
    )
    with scenario_computation(body.parameters):
        unmet = institution_conditions(body.to_rules(), body.on, force.params, calendar)
    return _conditions_out(route, unmet, body.parameters)


@router.post("/admission/pharmacy-conditions", summary="零售药店申请条件（二(二)1）")
async def pharmacy_admission(body: PharmacyConditionsIn, _caller: Reader) -> ConditionsOut:
    force, calendar = counted_in_force("admission", body.on, body.parameters)
    route = who_may_apply(InstitutionType.RETAIL_PHARMACY, has_drug_trading_licence=body.facts.has_drug_trading_licence)
    with scenario_computation(body.parameters):
        unmet = pharmacy_conditions(body.to_rules(), body.on, force.params, calendar)
    return _conditions_out(route, unmet, body.parameters)

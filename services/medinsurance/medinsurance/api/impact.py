"""Impact (issue 31): what a scenario's figures and readings are worth across a year's 绩效考核 grades and a period's
新增定点 evaluations."""

from typing import Any

from fastapi import APIRouter

from medinsurance.api.schemas.assessments import AssessmentImpactIn
from medinsurance.api.schemas.evaluations import EvaluationImpactIn
from medinsurance.casework import impact
from qz_common.app import Session
from qz_common.identity import Reader
from qz_common.impact import ImpactOut
from qz_common.impact_export import IMPACT_FILES, ImpactFormat, impact_answer

router = APIRouter(prefix="/v1/impact", tags=["impact"])


@router.post(
    "/assessments",
    summary="影响测算：某年度的绩效考核按现行参数与情景参数各算一次（计分、定级），统计等级改变的机构（附件1 二(四)）",
    response_model=ImpactOut,
    responses=IMPACT_FILES,
)
async def assessments(body: AssessmentImpactIn, caller: Reader, session: Session, format: ImpactFormat = "json") -> Any:
    impact.check_scenario(body.year, body.parameters)
    result = await impact.year_impact(
        session, caller, body.year, body.district, body.parameters, largest=body.largest, bins=body.bins
    )
    return impact_answer(result, format, f"impact-assessments-{body.year}")


@router.post(
    "/evaluations",
    summary="影响测算：某期间的新增定点评估按现行参数与情景参数各算一次（附件4 表1/表2），统计合格与否改变的评估",
    response_model=ImpactOut,
    responses=IMPACT_FILES,
)
async def evaluations(body: EvaluationImpactIn, caller: Reader, session: Session, format: ImpactFormat = "json") -> Any:
    scope = body.scope()
    impact.check_evaluation_scope(scope.first, scope.last, body.parameters)
    result = await impact.evaluation_impact(
        session, caller, scope, body.parameters, largest=body.largest, bins=body.bins
    )
    return impact_answer(result, format, f"impact-evaluations-{scope.first}-{scope.last}")

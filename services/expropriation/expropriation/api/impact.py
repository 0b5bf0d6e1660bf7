"""Impact (issue 31): what a scenario's figures and readings are worth across a project's stored households."""

from typing import Any

from fastapi import APIRouter, Request

from expropriation.api.common import PathId
from expropriation.api.jobs import start_job
from expropriation.api.schemas.jobs import JobOut
from expropriation.api.schemas.projects import ProjectImpactIn
from expropriation.casework import impact, jobs, projects
from qz_common.app import Session
from qz_common.identity import Reader
from qz_common.impact import ImpactOut
from qz_common.impact_export import IMPACT_FILES, ImpactFormat, impact_answer

router = APIRouter(prefix="/v1", tags=["impact"])


@router.post(
    "/projects/{project_id}/impact",
    summary="影响测算：项目各户按现行参数与情景参数（含条文理解切换）各测一次，汇总差额；户数超过阈值时返回 202 与任务",
    response_model=ImpactOut,
    responses={**IMPACT_FILES, 202: {"model": JobOut, "description": "已转为后台任务：Location 头给出任务地址"}},
)
async def project_impact(
    project_id: PathId,
    body: ProjectImpactIn,
    request: Request,
    caller: Reader,
    session: Session,
    format: ImpactFormat = "json",
) -> Any:
    project = await projects.project_of(session, caller, project_id)
    impact.scenario_params(project, body.parameters)  # a scenario the books refuse is a 422 now, not a failed job
    scope = impact.ImpactScope(body.parameters, body.household_ids, body.largest, body.bins)
    total = await impact.scope_size(session, project, body.household_ids)
    if total <= request.app.state.settings.batch_job_threshold:
        result = await impact.project_impact(session, project, scope)
        return impact_answer(result, format, f"impact-project-{project.id}")
    order = jobs.impact_order(project.id, total, scope)
    await session.rollback()  # the reads are over: the job is made by a command, in a transaction of its own
    return await start_job(request, session, caller, order, asked=(project_id, body))


@router.get(
    "/jobs/{job_id}/impact",
    summary="影响测算任务的结果（json | xlsx 工作簿 | svg 图表）",
    response_model=ImpactOut,
    responses=IMPACT_FILES,
)
async def job_impact(job_id: PathId, caller: Reader, session: Session, format: ImpactFormat = "json") -> Any:
    result = impact.result_of(await jobs.job_of(session, caller, job_id))
    return impact_answer(result, format, f"impact-job-{job_id}")

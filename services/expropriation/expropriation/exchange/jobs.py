"""Long work as jobs: a batch quote of more households than ``batch_job_threshold`` answers 202 at once.

The job (table ``jobs``) records its progress (done/total), the households that could not be quoted (errors) and,
when done, the same result the synchronous batch quote returns. ``GET /v1/jobs/{id}`` reports it; the
``Location`` header of the 202 names it. The work runs in the service process after the answer is sent.
"""

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from starlette.background import BackgroundTask

from expropriation.api.schemas import BatchQuoteOut
from expropriation.models import Household, Job, Project
from expropriation.rules.types import Method
from qz_common.app import Session
from qz_common.audit import actor_of
from qz_common.db import Database, get_or_404, utcnow
from qz_common.identity import Caller, Reader, ensure_district

log = logging.getLogger("qz.expropriation.jobs")
router = APIRouter(prefix="/v1/jobs", tags=["projects"])
_PROGRESS_EVERY = 25  # households between progress writes


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="batch_quote（整个项目逐户测算）")
    project_id: int
    district: str
    status: str = Field(description="queued 排队 | running 进行中 | done 完成 | failed 失败")
    done: int = Field(description="已处理户数")
    total: int = Field(description="总户数")
    errors: list[dict[str, Any]] = Field(description="未能测算的户（户号、代码、中文说明）")
    result: dict[str, Any] | None = Field(description="完成后与同步批量测算相同的结果")
    created_at: dt.datetime
    finished_at: dt.datetime | None


async def household_count(session: Session, project: Project) -> int:
    return int(await session.scalar(select(func.count()).where(Household.project_id == project.id)) or 0)


# The batch quote itself (api.projects.batch), handed in so that this module does not import the router.
BatchQuote = Callable[..., Awaitable[BatchQuoteOut]]


async def start_batch_job(
    request: Request,
    session: Session,
    caller: Caller,
    project: Project,
    method: Method | None,
    total: int,
    compute: BatchQuote,
) -> JSONResponse:
    job = Job(
        kind="batch_quote",
        project_id=project.id,
        district=project.district,
        status="queued",
        done=0,
        total=total,
        errors=[],
        result=None,
        requested_by=actor_of(caller),
    )
    session.add(job)
    await session.commit()  # the reads before it (the project, the count) opened the session's transaction
    body = JobOut.model_validate(job).model_dump(mode="json")
    task = BackgroundTask(run_batch_job, request.app.state.db, job.id, method, compute)
    return JSONResponse(body, status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}, background=task)


async def _set(database: Database, job_id: int, **values: Any) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(Job).where(Job.id == job_id).values(**values))


async def run_batch_job(database: Database, job_id: int, method: Method | None, compute: BatchQuote) -> None:
    async def progress(done: int) -> None:
        if done % _PROGRESS_EVERY == 0:
            await _set(database, job_id, done=done)

    await _set(database, job_id, status="running")
    try:
        async with database.sessionmaker() as session:
            job = await session.get(Job, job_id)
            project = await session.get(Project, job.project_id) if job else None
            assert project is not None
            result = await compute(session, project, method, progress=progress)
    except Exception:
        log.exception("batch quote job failed", extra={"job_id": job_id})
        error = {"code": "internal_error", "detail": "批量测算中断，请联系管理员并提供任务编号"}
        await _set(database, job_id, status="failed", errors=[error], finished_at=utcnow())
        return
    refused = [
        {"household_ref": h["ref"], **{k: h["refusal"][k] for k in ("code", "detail", "field")}}
        for h in result.households
        if "refusal" in h
    ]
    await _set(
        database,
        job_id,
        status="done",
        done=len(result.households),
        errors=refused,
        result=result.model_dump(mode="json"),
        finished_at=utcnow(),
    )


@router.get("/{job_id}", summary="任务进度（已处理/总数、错误、完成后的结果）")
async def get_job(job_id: int, caller: Reader, session: Session) -> JobOut:
    job = await get_or_404(session, Job, job_id, "任务")
    ensure_district(caller, job.district)
    return JobOut.model_validate(job)

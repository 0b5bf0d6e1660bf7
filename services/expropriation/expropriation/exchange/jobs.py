"""Long work as jobs: a batch quote or a roster import of more households than ``batch_job_threshold``.

Such a request answers ``202`` at once, with the job and its ``Location``; the work runs in the service process
after the answer. The job (table ``jobs``) records its progress (done/total), its errors (households that could
not be quoted; for a refused roster every error, and nothing imported) and, when done, the same result the
synchronous request returns. ``GET /v1/jobs/{id}`` reports it.
"""

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from expropriation.api.common import PathId
from expropriation.api.schemas import BatchQuoteOut, HouseholdIn, ImportOut
from expropriation.models import Household, Job, Project
from expropriation.rules.types import Method
from qz_common.app import Session
from qz_common.audit import actor_of
from qz_common.db import Database, get_or_404, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller, Reader, ensure_district

log = logging.getLogger("qz.expropriation.jobs")
router = APIRouter(prefix="/v1/jobs", tags=["projects"])
_PROGRESS_EVERY = 25  # households between progress writes

Progress = Callable[[int], Awaitable[None]]
# The work of a job: in its own session, reporting progress; its result and the errors to show on the job.
Work = Callable[[AsyncSession, Progress], Awaitable[tuple[BaseModel, list[dict[str, Any]]]]]
# api.projects.batch and api.projects.store_roster, handed in so that this module does not import the router.
BatchQuote = Callable[..., Awaitable[BatchQuoteOut]]
StoreRoster = Callable[..., Awaitable[ImportOut]]


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="batch_quote（整个项目逐户测算）| roster_import（花名册导入）")
    project_id: int
    district: str
    status: str = Field(description="queued 排队 | running 进行中 | done 完成 | failed 失败")
    done: int = Field(description="已处理户数")
    total: int = Field(description="总户数")
    errors: list[dict[str, Any]] = Field(description="错误：未能测算的户，或花名册被拒的各处错误（此时未导入任何记录）")
    result: dict[str, Any] | None = Field(description="完成后与同步请求相同的结果")
    created_at: dt.datetime
    finished_at: dt.datetime | None


async def household_count(session: Session, project: Project) -> int:
    return int(await session.scalar(select(func.count()).where(Household.project_id == project.id)) or 0)


async def start_job(
    request: Request, session: Session, caller: Caller, project: Project, kind: str, total: int, work: Work
) -> JSONResponse:
    job = Job(
        kind=kind,
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
    task = BackgroundTask(run_job, request.app.state.db, job.id, work)
    return JSONResponse(body, status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}, background=task)


async def _set(database: Database, job_id: int, **values: Any) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(Job).where(Job.id == job_id).values(**values))


async def run_job(database: Database, job_id: int, work: Work) -> None:
    async def progress(done: int) -> None:
        if done % _PROGRESS_EVERY == 0:
            await _set(database, job_id, done=done)

    await _set(database, job_id, status="running")
    try:
        async with database.sessionmaker() as session:
            result, errors = await work(session, progress)
    except ProblemError as refused:  # refused as a whole (a roster with errors): nothing was stored
        errors = refused.errors or [{"field": refused.field, "code": refused.code, "detail": refused.detail}]
        await _set(database, job_id, status="failed", errors=errors, finished_at=utcnow())
        return
    except Exception:
        log.exception("job failed", extra={"job_id": job_id})
        error = {"code": "internal_error", "detail": "任务中断，请联系管理员并提供任务编号"}
        await _set(database, job_id, status="failed", errors=[error], finished_at=utcnow())
        return
    await _set(
        database,
        job_id,
        status="done",
        done=Job.total,
        errors=errors,
        result=result.model_dump(mode="json"),
        finished_at=utcnow(),
    )


def batch_quote_work(compute: BatchQuote, project_id: int, method: Method | None) -> Work:
    async def work(session: AsyncSession, progress: Progress) -> tuple[BaseModel, list[dict[str, Any]]]:
        project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
        result = await compute(session, project, method, progress=progress)
        refused = [
            {"household_ref": h["ref"], **{k: h["refusal"][k] for k in ("code", "detail", "field")}}
            for h in result.households
            if "refusal" in h
        ]
        return result, refused

    return work


def roster_import_work(
    store: StoreRoster, caller: Caller, project_id: int, households: Sequence[HouseholdIn], database: Database
) -> Work:
    async def work(session: AsyncSession, progress: Progress) -> tuple[BaseModel, list[dict[str, Any]]]:
        async with session.begin():  # one transaction: the whole roster or nothing
            project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
            # SQLite lets one connection write at a time: there the progress shows when the roster commits.
            steps = None if database.is_sqlite else progress
            return await store(session, caller, project, households, [], progress=steps), []

    return work


@router.get("/{job_id}", summary="任务进度（已处理/总数、错误、完成后的结果）")
async def get_job(job_id: PathId, caller: Reader, session: Session) -> JobOut:
    job = await get_or_404(session, Job, job_id, "任务", field="job_id")
    ensure_district(caller, job.district)
    return JobOut.model_validate(job)

"""Long work as jobs: a batch quote or a roster import of more households than ``batch_job_threshold``.

Such a request answers ``202`` at once, with the job and its ``Location`` (api/jobs.py); the work runs in the service
process after the answer. The job (table ``jobs``) records its progress (done/total), its errors (households that could
not be quoted; for a refused roster every error, and nothing imported) and, when done, the same result the
synchronous request returns. ``GET /v1/jobs/{id}`` reports it.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.projects import store_roster
from expropriation.casework.quotes import batch
from expropriation.facts.household import HouseholdIn
from expropriation.models import Household, Job, Project
from expropriation.rules.types import Method
from qz_common.audit import actor_of
from qz_common.db import Database, get_or_404, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district

log = logging.getLogger("qz.expropriation.jobs")
_PROGRESS_EVERY = 25  # households between progress writes

Progress = Callable[[int], Awaitable[None]]
# The work of a job: in its own session, reporting progress; its result and the errors to show on the job.
Work = Callable[[AsyncSession, Progress], Awaitable[tuple[BaseModel, list[dict[str, Any]]]]]


async def household_count(session: AsyncSession, project: Project) -> int:
    return int(await session.scalar(select(func.count()).where(Household.project_id == project.id)) or 0)


async def create_job(session: AsyncSession, caller: Caller, project: Project, kind: str, total: int) -> Job:
    """The job, committed before the answer so that it can be polled while its work runs."""
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
    return job


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


def batch_quote_work(project_id: int, method: Method | None) -> Work:
    async def work(session: AsyncSession, progress: Progress) -> tuple[BaseModel, list[dict[str, Any]]]:
        project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
        result = await batch(session, project, method, progress=progress)
        refused = [
            {"household_ref": h["ref"], **{k: h["refusal"][k] for k in ("code", "detail", "field")}}
            for h in result.households
            if "refusal" in h
        ]
        return result, refused

    return work


def roster_import_work(caller: Caller, project_id: int, households: Sequence[HouseholdIn], database: Database) -> Work:
    async def work(session: AsyncSession, progress: Progress) -> tuple[BaseModel, list[dict[str, Any]]]:
        async with session.begin():  # one transaction: the whole roster or nothing
            project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
            # SQLite lets one connection write at a time: there the progress shows when the roster commits.
            steps = None if database.is_sqlite else progress
            return await store_roster(session, caller, project, households, [], progress=steps), []

    return work


async def job_of(session: AsyncSession, caller: Caller, job_id: int) -> Job:
    job = await get_or_404(session, Job, job_id, "任务", field="job_id")
    ensure_district(caller, job.district)
    return job

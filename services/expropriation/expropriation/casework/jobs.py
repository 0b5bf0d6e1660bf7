"""Long work as jobs: a batch quote, an impact or a roster import of more households than ``batch_job_threshold``.

Such a request answers ``202`` at once, with the job and its ``Location`` (api/jobs.py); the work runs in the service
process after the answer. The job (table ``jobs``) records its progress (done/total), its errors (households that could
not be quoted; for a refused roster every error, and nothing imported) and, when done, the same result the
synchronous request returns. ``GET /v1/jobs/{id}`` reports it.

A job survives the process that runs it. That process holds it under a lease (``lease_until``), renewed every third
of ``job_lease_s`` (``heartbeat_at``) while the job waits for a worker or runs. A job whose lease has run out has lost
its process (killed, crashed, restarted): every service process looks for such jobs when it starts and at each
renewal after, and takes them over:

- a batch quote or an impact is run again from the start, on the project as it is stored then. It writes nothing but
  the job (and a batch quote its lines, those of earlier attempts deleted first), so running it again is the same
  request answered later. After ``MAX_ATTEMPTS`` takes it fails (``interrupted``), so that a job which brings its
  process down cannot bring down every process in turn.
- a roster import fails (``interrupted``: nothing imported, send the file again). Its households are stored in the
  same transaction as the job's end, so an import that lost its process stored nothing, and the caseworker still
  has the file. Running it again would need the roster kept in the job: names and 身份证号 in a table beside the
  records that are meant to hold them (and to encrypt them), for a file the caseworker can resend.

A batch quote's households are not held whole (issue 32): the job writes its lines a chunk at a time as it makes
them (table ``job_lines``, each line sealed, in short transactions of their own that name the attempt, like every
write of its holder), and its ``result`` keeps the answer without them; ``GET /v1/jobs/{id}`` reads them back a chunk
at a time (``lines_of``). A batch quote taken over deletes the lines of its earlier attempts before it writes its own.

Every write of a holder names the attempt it holds (``attempts``): a process that lost its lease (stalled beyond it)
finds its writes refused (``LeaseLost``) and stops, and cannot overwrite the job another process took.

Limits: one active (queued or running) job per project and kind (409 ``job_running`` with the job's ``Location``;
the unique index ``uq_jobs_active_per_project`` holds it in the database too); at most ``job_queue_cap`` active jobs
in the service, all its processes together (429 ``job_queue_full`` with ``Retry-After``: 429, not 503, since the
gateway's breaker counts 503s, and a full queue is no reason to cut the service off); each process works on
``job_workers`` jobs at a time, the others wait queued.

The jobs are rows of the service's own database, claimed with the locks every command takes (BEGIN IMMEDIATE on
SQLite, row locks with SKIP LOCKED on PostgreSQL), rather than a job library's: those that keep jobs in a database
are PostgreSQL-only (procrastinate, pgqueuer) or, for SQLite and PostgreSQL both, a pre-release their authors say not
to run in production (APScheduler 4); the others need a broker this deployment does not run (Celery, arq, dramatiq,
saq: Redis or RabbitMQ), and the service runs on SQLite and PostgreSQL alike.
"""

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import CursorResult, delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.impact import ImpactScope, project_impact
from expropriation.casework.projects import project_of, store_roster
from expropriation.casework.quotes import open_batch, summary_of
from expropriation.facts.household import HouseholdIn
from expropriation.models import JOB_ACTIVE, Household, Job, JobLine, Project
from expropriation.rules.types import Method
from expropriation.settings import ExpropriationSettings
from qz_common.audit import actor_of
from qz_common.db import Database, get_in_district, get_or_404, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller

log = logging.getLogger("qz.expropriation.jobs")
_PROGRESS_EVERY = 25  # households between progress writes
LINES_CHUNK = 500  # a batch quote's lines written, and read back, a transaction at a time
FIRST_ATTEMPT = 1
MAX_ATTEMPTS = 3
# Seconds a client is asked to wait when the queue is full: about what a batch of a few thousand households takes.
QUEUE_FULL_RETRY_AFTER_S = 30
# PostgreSQL advisory lock taken by every admission, so that two admissions cannot both see the last free place.
_ADMISSION_LOCK = 0x717A_6A6F_6273  # "qzjobs"
_KINDS = {"batch_quote": "批量测算", "roster_import": "花名册导入", "impact": "影响测算"}
_INTERNAL_ERROR = {"code": "internal_error", "detail": "任务中断，请联系管理员并提供任务编号"}


def location(job_id: int) -> str:
    return f"/v1/jobs/{job_id}"


class LeaseLost(Exception):
    """The job is no longer this process's: another took it over when the lease ran out (or it has ended)."""


@dataclass(frozen=True)
class JobLimits:
    lease_s: float
    queue_cap: int
    workers: int

    @classmethod
    def of(cls, settings: ExpropriationSettings) -> "JobLimits":
        return cls(settings.job_lease_s, settings.job_queue_cap, settings.job_workers)

    def lease_from(self, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(seconds=self.lease_s)


@dataclass(frozen=True)
class Lease:
    """This process's hold on one job: every write names the attempt held, and is refused once another holds it."""

    database: Database
    job_id: int
    attempt: int

    async def write(self, within: AsyncSession | None = None, **values: Any) -> None:
        """Change the job, in ``within``'s transaction or in one of its own."""
        statement = (
            update(Job)
            .where(Job.id == self.job_id, Job.attempts == self.attempt, Job.status.in_(JOB_ACTIVE))
            .values(**values)
        )
        if within is None:
            async with self.database.sessionmaker() as session, session.begin():
                changed = cast(CursorResult[Any], await session.execute(statement)).rowcount
        else:
            changed = cast(CursorResult[Any], await within.execute(statement)).rowcount
        if changed == 0:
            raise LeaseLost(self.job_id)

    async def progress(self, done: int) -> None:
        if done % _PROGRESS_EVERY == 0:
            await self.write(done=done)

    async def finish(self, result: BaseModel, errors: list[dict[str, Any]], within: AsyncSession | None = None) -> None:
        end = {"status": "done", "done": Job.total, "lease_until": None, "finished_at": utcnow()}
        await self.write(within, **end, errors=errors, result=result.model_dump(mode="json"))

    async def fail(self, errors: list[dict[str, Any]]) -> None:
        await self.write(status="failed", errors=errors, lease_until=None, finished_at=utcnow())

    async def forget_earlier_lines(self) -> None:
        """Delete the lines the job's earlier attempts wrote (a job taken over runs again from the start)."""
        async with self.database.sessionmaker() as session, session.begin():
            await self.write(session, done=0)  # holds the job's row (PostgreSQL) until the lines are gone
            await session.execute(delete(JobLine).where(JobLine.job_id == self.job_id, JobLine.attempt != self.attempt))

    async def write_lines(self, first: int, lines: list[dict[str, Any]]) -> None:
        """Store ``lines`` as the job's lines from position ``first`` on, in a transaction of their own, if this
        process still holds the job (``LeaseLost`` otherwise, and nothing is written)."""
        rows = [
            {"job_id": self.job_id, "attempt": self.attempt, "position": first + offset, "line": line}
            for offset, line in enumerate(lines)
        ]
        async with self.database.sessionmaker() as session, session.begin():
            # First the job's row, guarded by the attempt: on PostgreSQL it stays locked until the lines commit, so
            # a process taking the job over (SELECT … FOR UPDATE SKIP LOCKED) cannot slip in between.
            await self.write(session, done=first + len(lines))
            await session.execute(insert(JobLine), rows)


# The work of a job: in its own session, reporting progress and finishing through its lease.
Work = Callable[[AsyncSession, Lease], Awaitable[None]]


@dataclass(frozen=True)
class JobOrder:
    """A job asked for: its project, kind and size, what running it again needs, and its work."""

    project_id: int
    kind: str
    total: int
    arguments: dict[str, Any]
    work: Work


async def household_count(session: AsyncSession, project: Project) -> int:
    return int(await session.scalar(select(func.count()).where(Household.project_id == project.id)) or 0)


async def create_job(session: AsyncSession, caller: Caller, order: JobOrder, limits: JobLimits) -> Job:
    """Inside the command's transaction: the job, queued and leased to this process, if its project has no active job
    of its kind (409) and the service's queue has room (429)."""
    if session.get_bind().dialect.name == "postgresql":  # SQLite: the command's BEGIN IMMEDIATE serialises already
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADMISSION_LOCK})
    project = await project_of(session, caller, order.project_id, lock=True)
    active = Job.status.in_(JOB_ACTIVE)
    running = await session.scalar(select(Job).where(Job.project_id == project.id, Job.kind == order.kind, active))
    if running is not None:
        raise ProblemError(
            409,
            "job_running",
            f"本项目已有进行中的{_KINDS[order.kind]}任务（任务 {running.id}），完成后方可再次提交",
            headers={"Location": location(running.id)},
            job_id=running.id,
        )
    if (await session.scalar(select(func.count()).select_from(Job).where(active)) or 0) >= limits.queue_cap:
        raise ProblemError(
            429,
            "job_queue_full",
            f"后台任务已满（{limits.queue_cap} 个进行中），请稍后重试",
            headers={"Retry-After": str(QUEUE_FULL_RETRY_AFTER_S)},
            limit=limits.queue_cap,
        )
    now = utcnow()
    job = Job(
        kind=order.kind,
        project_id=project.id,
        district=project.district,
        status="queued",
        done=0,
        total=order.total,
        errors=[],
        result=None,
        requested_by=actor_of(caller),
        arguments=order.arguments,
        attempts=FIRST_ATTEMPT,
        lease_until=limits.lease_from(now),
        heartbeat_at=now,
    )
    session.add(job)
    await session.flush()
    return job


class JobRunner:
    """The jobs of this service process: it works on them, ``workers`` at a time, keeps their leases, and takes over
    the jobs whose lease has run out (at start-up, then every third of a lease)."""

    def __init__(self, database: Database, limits: JobLimits) -> None:
        self.database = database
        self.limits = limits
        self._held: dict[int, int] = {}  # job id → the attempt this process holds
        self._tasks: set[asyncio.Task[None]] = set()
        self._workers = asyncio.Semaphore(limits.workers)

    def start(self) -> None:
        self._spawn(self._keep())

    async def stop(self) -> None:
        """Stop working; the jobs not finished are let go at once (their lease ends now), so that the next process
        to look takes them over without waiting for it to run out."""
        unfinished = dict(self._held)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            async with self.database.sessionmaker() as session, session.begin():
                for job_id, attempt in unfinished.items():
                    await _let_go(session, job_id, attempt)
        except Exception:  # the database unreachable: the leases run out by themselves
            log.exception("jobs not let go", extra={"jobs": sorted(unfinished)})

    def submit(self, job_id: int, attempt: int, work: Work) -> None:
        """Work on the job (committed, leased to this process for ``attempt``) as soon as a worker is free."""
        self._held[job_id] = attempt
        self._spawn(self._run(Lease(self.database, job_id, attempt), work))

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)  # a reference, so the task is not collected while it runs
        task.add_done_callback(self._tasks.discard)

    async def _run(self, lease: Lease, work: Work) -> None:
        try:
            async with self._workers:
                await lease.write(status="running")
                try:
                    async with self.database.sessionmaker() as session:
                        await work(session, lease)
                except ProblemError as refused:  # refused as a whole (a roster with errors): nothing was stored
                    named = {"field": refused.field, "code": refused.code, "detail": refused.detail}
                    await lease.fail(refused.errors or [named])
                except LeaseLost:
                    raise
                except Exception:
                    log.exception("job failed", extra={"job_id": lease.job_id})
                    await lease.fail([_INTERNAL_ERROR])
        except LeaseLost:
            log.warning("job taken over by another process", extra={"job_id": lease.job_id})
        except Exception:  # the job's end could not be written (a database outage): its lease will run out
            log.exception("job end not recorded", extra={"job_id": lease.job_id})
        finally:
            self._held.pop(lease.job_id, None)

    async def _keep(self) -> None:
        while True:
            try:
                await self._renew()
                while await self._take_over_one():
                    pass
            except Exception:  # the database unreachable or busy: the next round tries again
                log.exception("job lease round failed")
            await asyncio.sleep(self.limits.lease_s / 3)

    async def _renew(self) -> None:
        if not self._held:
            return  # no transaction: on SQLite it would take the database's write lock for nothing
        now = utcnow()
        async with self.database.sessionmaker() as session, session.begin():
            for job_id, attempt in list(self._held.items()):
                await session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.attempts == attempt, Job.status.in_(JOB_ACTIVE))
                    .values(lease_until=self.limits.lease_from(now), heartbeat_at=now)
                )

    async def _take_over_one(self) -> bool:
        """Take over one job whose lease has run out: run it again here, or fail it. False when there is none."""
        now = utcnow()
        async with self.database.sessionmaker() as session, session.begin():
            job = await session.scalar(
                select(Job)
                .where(Job.status.in_(JOB_ACTIVE), or_(Job.lease_until.is_(None), Job.lease_until < now))
                .order_by(Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)  # another process taking one over skips it; SQLite ignores it
            )
            if job is None:
                return False
            again = _RUN_AGAIN.get(job.kind)
            if again is None or job.attempts >= MAX_ATTEMPTS:
                job.status, job.errors = "failed", [_interrupted(job)]
                job.lease_until, job.finished_at = None, now
                log.warning("job interrupted", extra={"job_id": job.id, "attempts": job.attempts})
                return True
            job.attempts += 1
            job.status, job.done = "queued", 0
            job.lease_until, job.heartbeat_at = self.limits.lease_from(now), now
            job_id, attempt, work = job.id, job.attempts, again(job)
        log.info("job taken over", extra={"job_id": job_id, "attempt": attempt})
        self.submit(job_id, attempt, work)
        return True


async def _let_go(session: AsyncSession, job_id: int, attempt: int) -> None:
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.attempts == attempt, Job.status.in_(JOB_ACTIVE))
        .values(lease_until=utcnow())
    )


def _interrupted(job: Job) -> dict[str, str]:
    if job.kind == "roster_import":
        detail = "导入过程中服务中断，花名册未导入任何记录：请重新上传该文件"
        return {"field": "file", "code": "interrupted", "detail": detail}
    return {"code": "interrupted", "detail": f"任务已中断 {job.attempts} 次，未能完成：请联系管理员并提供任务编号"}


def _batch_quote_work(project_id: int, method: Method | None) -> Work:
    async def work(session: AsyncSession, lease: Lease) -> None:
        if lease.attempt > FIRST_ATTEMPT:
            await lease.forget_earlier_lines()
        made = await open_batch(session, project_id, method, progress=lease.progress)
        refused: list[dict[str, Any]] = []
        chunk: list[dict[str, Any]] = []
        written = 0
        async for line in made.lines:
            if "refusal" in line:
                refusal = line["refusal"]
                refused.append({"household_ref": line["ref"], **{k: refusal[k] for k in ("code", "detail", "field")}})
            chunk.append(json.loads(to_json(line)))  # as the synchronous answer writes it
            if len(chunk) == LINES_CHUNK:
                await lease.write_lines(written, chunk)
                written, chunk = written + len(chunk), []
        if chunk:
            await lease.write_lines(written, chunk)
        await lease.finish(summary_of(made), refused)

    return work


def batch_quote_order(project_id: int, total: int, method: Method | None) -> JobOrder:
    arguments = {"method": method.value if method else None}
    return JobOrder(project_id, "batch_quote", total, arguments, _batch_quote_work(project_id, method))


def roster_import_order(caller: Caller, project_id: int, households: Sequence[HouseholdIn]) -> JobOrder:
    async def work(session: AsyncSession, lease: Lease) -> None:
        async with session.begin():  # one transaction: the whole roster and the job's end, or nothing
            project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
            # SQLite lets one connection write at a time: there the progress shows when the roster commits.
            steps = None if lease.database.is_sqlite else lease.progress
            result = await store_roster(session, caller, project, households, [], progress=steps)
            await lease.finish(result, [], within=session)

    return JobOrder(project_id, "roster_import", len(households), {}, work)


def _impact_work(project_id: int, scope: ImpactScope) -> Work:
    async def work(session: AsyncSession, lease: Lease) -> None:
        project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
        result = await project_impact(session, project, scope, progress=lease.progress)
        await lease.finish(result, [])

    return work


def impact_order(project_id: int, total: int, scope: ImpactScope) -> JobOrder:
    """Like a batch quote, an impact writes nothing but its job: one lost with its process is run again."""
    return JobOrder(project_id, "impact", total, asdict(scope), _impact_work(project_id, scope))


def _batch_quote_again(job: Job) -> Work:
    method = job.arguments.get("method")
    return _batch_quote_work(job.project_id, Method(method) if method else None)


# How a job whose process was lost is run again, by kind; a kind not named here fails (see the module's docstring).
_RUN_AGAIN: dict[str, Callable[[Job], Work]] = {
    "batch_quote": _batch_quote_again,
    "impact": lambda job: _impact_work(job.project_id, ImpactScope(**job.arguments)),
}


async def job_of(session: AsyncSession, caller: Caller, job_id: int) -> Job:
    """The job, if the caller may see it; another district's job answers as an unused id does (404)."""
    return await get_in_district(session, caller, Job, job_id, "任务", field="job_id")


def answered_from_lines(job: Job) -> bool:
    """Whether the job's answer is its ``result`` with its lines (``lines_of``) as the households: a batch quote done
    since issue 32. One done before keeps its households in its ``result`` (an empty project has none either way)."""
    result = job.result
    return job.kind == "batch_quote" and job.status == "done" and result is not None and result.get("households") == []


async def lines_of(session: AsyncSession, job: Job) -> AsyncIterator[dict[str, Any]]:
    """The lines of a batch-quote job's attempt, in order, read ``LINES_CHUNK`` at a time."""
    after, chunk = -1, LINES_CHUNK
    while True:
        read = await session.execute(
            select(JobLine.position, JobLine.line)
            .where(JobLine.job_id == job.id, JobLine.attempt == job.attempts, JobLine.position > after)
            .order_by(JobLine.position)
            .limit(chunk)
        )
        rows = read.all()
        for position, line in rows:
            yield line
            after = position
        if len(rows) < chunk:
            return

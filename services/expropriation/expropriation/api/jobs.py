"""Jobs: long work answered with 202 at once and polled at /v1/jobs/{id} (casework/jobs.py does the work)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.jobs import JobOut
from expropriation.casework import jobs
from expropriation.models import Job
from qz_common.app import Session
from qz_common.identity import Caller, Reader
from qz_common.spool import Spool

router = APIRouter(prefix="/v1/jobs", tags=["projects"])


async def start_job(
    request: Request, session: Session, caller: Caller, order: jobs.JobOrder, *, asked: Any, key: str | None = None
) -> JSONResponse:
    """202 with the job and its ``Location`` (409 if its project has one of its kind active, 429 if the queue is full);
    this process works on it after the answer. ``asked`` names the request, for ``key``'s replays."""
    runner: jobs.JobRunner = request.app.state.job_runner

    async def create() -> JobOut:
        return JobOut.model_validate(await jobs.create_job(session, caller, order, runner.limits))

    answer = await commands.run(session, caller, create, request=asked, key=key, status_code=202)
    job_id = JobOut.model_validate_json(bytes(answer.body)).id  # the job made, or the one a retried key was answered
    answer.headers["Location"] = jobs.location(job_id)
    if "Idempotent-Replayed" not in answer.headers:
        runner.submit(job_id, jobs.FIRST_ATTEMPT, order.work)
    return answer


@router.get("/{job_id}", summary="任务进度（已处理/总数、错误、完成后的结果）", response_model=JobOut)
async def get_job(job_id: PathId, caller: Reader, session: Session) -> JobOut | StreamingResponse:
    job = await jobs.job_of(session, caller, job_id)
    answer = JobOut.model_validate(job)
    if jobs.answered_from_lines(job):
        return await _with_lines(session, job, answer)
    return answer


# Stands for the households in a done batch quote's answer while it is written, then replaced by its lines.
_LINES = "\x00lines\x00"
_LINES_JSON = to_json(_LINES)


async def _with_lines(session: AsyncSession, job: Job, answer: JobOut) -> StreamingResponse:
    """The job as ``JobOut``, its result's households its lines, read a chunk at a time and written one at a time to a
    spool (issue 32): the answer a batch quote's job gave when its result held every household."""
    households, separator = Spool(), b""
    async for line in jobs.lines_of(session, job):
        households.write(separator + to_json(line))
        separator = b","
    result = (answer.result or {}) | {"households": [_LINES]}
    before, after = answer.model_copy(update={"result": result}).model_dump_json().encode().split(_LINES_JSON)
    return households.response("application/json", before=before, after=after)

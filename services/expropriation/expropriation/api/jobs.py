"""Jobs: long work answered with 202 at once and polled at /v1/jobs/{id} (casework/jobs.py does the work)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.jobs import JobOut
from expropriation.casework import jobs
from qz_common.app import Session
from qz_common.identity import Caller, Reader

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


@router.get("/{job_id}", summary="任务进度（已处理/总数、错误、完成后的结果）")
async def get_job(job_id: PathId, caller: Reader, session: Session) -> JobOut:
    return JobOut.model_validate(await jobs.job_of(session, caller, job_id))

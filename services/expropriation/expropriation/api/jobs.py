"""Jobs: long work answered with 202 at once and polled at /v1/jobs/{id} (casework/jobs.py does the work)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from expropriation.api.common import PathId
from expropriation.api.schemas.jobs import JobOut
from expropriation.casework import jobs
from expropriation.models import Project
from qz_common.app import Session
from qz_common.identity import Caller, Reader

router = APIRouter(prefix="/v1/jobs", tags=["projects"])


async def start_job(
    request: Request, session: Session, caller: Caller, project: Project, kind: str, total: int, work: jobs.Work
) -> JSONResponse:
    """202 with the job's ``Location``; its work runs in this process after the answer has left."""
    job = await jobs.create_job(session, caller, project, kind, total)
    body = JobOut.model_validate(job).model_dump(mode="json")
    task = BackgroundTask(jobs.run_job, request.app.state.db, job.id, work)
    return JSONResponse(body, status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}, background=task)


@router.get("/{job_id}", summary="任务进度（已处理/总数、错误、完成后的结果）")
async def get_job(job_id: PathId, caller: Reader, session: Session) -> JobOut:
    return JobOut.model_validate(await jobs.job_of(session, caller, job_id))

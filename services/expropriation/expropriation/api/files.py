"""Files caseworkers exchange: the roster template and its import, the project's settlement sheet."""

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, UploadFile

from expropriation.api.common import PathId, commands
from expropriation.api.jobs import start_job
from expropriation.api.schemas.jobs import JobOut
from expropriation.casework import jobs, projects, quotes
from expropriation.exchange.negotiation import XLSX_MEDIA_TYPE, attachment, disposition, negotiate
from expropriation.exchange.roster import RosterLimits, read_roster, template
from expropriation.exchange.settlement import SHEET_FORMATS, settlement_csv, settlement_xlsx
from expropriation.facts.quote import ImportOut
from qz_common.app import Session
from qz_common.contract import file_response
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer
from qz_common.spool import Spool

router = APIRouter(prefix="/v1", tags=["projects"])
TEMPLATE_FORMATS = {"xlsx": XLSX_MEDIA_TYPE, "csv": "text/csv"}


@router.get(
    "/roster-template",
    summary="花名册模板下载（XLSX 或 CSV：中文表头、逐列说明、示例行）",
    response_class=Response,
    responses=file_response("花名册模板", *TEMPLATE_FORMATS.values()),
)
async def roster_template(
    request: Request,
    caller: Reader,
    format: Annotated[Literal["xlsx", "csv"] | None, Query(description="xlsx（默认）或 csv；也可用 Accept 头")] = None,
) -> Response:
    chosen = negotiate(request, format, TEMPLATE_FORMATS)
    media_type = TEMPLATE_FORMATS[chosen] + ("; charset=utf-8" if chosen == "csv" else "")
    return attachment(template(chosen), media_type, f"roster-template.{chosen}")


@router.post(
    "/projects/{project_id}/roster",
    status_code=201,
    summary="导入项目花名册（UTF-8 或 GB18030/GBK 的 CSV，或 XLSX；模板见 /v1/roster-template）；户数过多时转为任务",
    response_model=ImportOut,
    responses={
        202: {"model": JobOut, "description": "已转为后台任务：Location 头给出任务地址"},
        409: {"description": "本项目已有进行中的花名册导入任务：Location 头给出该任务"},
        413: {"description": "文件过大：上传大小、XLSX 解压后大小、行数或读取时间超过上限（limit 给出上限）"},
        429: {"description": "后台任务已满（见 Retry-After）"},
    },
)
async def import_roster(
    project_id: PathId,
    file: UploadFile,
    request: Request,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    settings = request.app.state.settings
    raw = await file.read(settings.max_csv_bytes + 1)
    if len(raw) > settings.max_csv_bytes:
        raise ProblemError(413, "payload_too_large", "花名册文件过大", field="file")
    households, errors = await read_roster(raw, RosterLimits.of(settings))  # UTF-8 (BOM or not), GB18030/GBK or XLSX
    # What an Idempotency-Key answers for is the file as sent: a retry sends the same bytes. The same households saved
    # in another format are another request (422 idempotency_key_reused). Dumping every household to fingerprint it
    # instead held a 10,000-household roster twice over (issue 32: the import's peak 144 → 62 MB over idle).
    request_document = (project_id, hashlib.sha256(raw).hexdigest())
    if not errors and len(households) > settings.batch_job_threshold:
        order = jobs.roster_import_order(caller, project_id, households)
        return await start_job(request, session, caller, order, asked=request_document, key=idempotency_key)

    async def work_now() -> ImportOut:
        project = await projects.project_of(session, caller, project_id)
        return await projects.store_roster(session, caller, project, households, errors)

    return await commands.run(session, caller, work_now, request=request_document, key=idempotency_key, status_code=201)


@router.get(
    "/projects/{project_id}/settlement-sheet",
    summary="结算清单导出（CSV 或 XLSX，一户一行、一项一列；?format= 或 Accept 选择）",
    response_class=Response,
    responses=file_response(
        "结算清单（UTF-8 带 BOM 的 CSV，或 XLSX），中文表头，逐项条款、合计行", *SHEET_FORMATS.values()
    ),
)
async def settlement_sheet(
    project_id: PathId,
    request: Request,
    caller: Reader,
    session: Session,
    format: Annotated[Literal["csv", "xlsx"] | None, Query(description="csv（默认）或 xlsx；也可用 Accept 头")] = None,
) -> Response:
    await projects.project_of(session, caller, project_id)
    await session.rollback()  # the check is over: the sheet reads a snapshot
    batch = await quotes.open_batch(session, project_id, None)
    versions = quotes.parameter_versions(batch.project)
    if negotiate(request, format, SHEET_FORMATS) == "xlsx":
        content = settlement_xlsx(batch.project, [line async for line in batch.lines], versions)
        return attachment(content, XLSX_MEDIA_TYPE, f"settlement-{project_id}.xlsx")
    rows = Spool()
    before, after = await settlement_csv(batch.project, batch.lines, versions, rows)
    headers = disposition(f"settlement-{project_id}.csv")
    return rows.response("text/csv; charset=utf-8", before=before, after=after, headers=headers)

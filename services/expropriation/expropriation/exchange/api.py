"""The roster template caseworkers fill in (the import itself is ``POST /v1/projects/{id}/roster``)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from expropriation.exchange.negotiation import XLSX_MEDIA_TYPE, attachment, negotiate
from expropriation.exchange.roster import template
from qz_common.contract import file_response
from qz_common.identity import Reader

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

"""``GET /api/v1/me/notices``: what is due for the signed-in 浙里办 person or enterprise, across bureaus (issue 27).

Each bureau computes its own deadlines from its own records when asked (every service's ``GET /v1/me/notices``, a
list of ``qz_common.notices.Notice``); the gateway keeps nothing. It asks the sources at once as the dossier does
(gateway.dossier: each source its deadline, reported source by source, so a slow bureau hides none of the others) and
merges their lists earliest first (``due_first``).

A source that does not answer a list of notices, a 404 included, is not "nothing due": it is reported as failed and
the answer is incomplete (``complete`` false, ``X-Aggregate-Complete: false``). A deadline left out of a list said to
be whole is worse than a list said to be partial.
"""

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from gateway.auth import Principal
from gateway.dossier import fetch_source, signed_in_user
from qz_common.identity import UserType
from qz_common.notices import Notice, due_first

router = APIRouter(prefix="/api/v1", tags=["cross-bureau"])

NOTICES_PATH = "/v1/me/notices"
# The bureaus that hold deadlines of each kind of user. A person may also hold 创新券 as a 创业者 (44号 四(一)
# "创业者凭身份证等注册"), so science answers a person too; an enterprise's deadlines are the science bureau's alone.
SOURCES = {
    UserType.PERSON: ("dogs", "expropriation", "medinsurance", "science"),
    UserType.LEGAL_PERSON: ("science",),
}
_NOTICE_LIST = TypeAdapter(list[Notice])


class SourceOutcome(BaseModel):
    service: str = Field(description="部门服务", examples=["dogs"])
    status: str = Field(description="ok，或 timeout、unavailable、busy、error（该部门的待办未能列出）")
    http_status: int | None = Field(None, description="该部门答复的 HTTP 状态（status 为 error 时）")
    detail: str | None = Field(None, description="未能列出的原因")
    elapsed_ms: float = Field(description="该部门答复用时（毫秒）")


class NoticesOut(BaseModel):
    complete: bool = Field(description="各部门均已答复；为 false 时列表不全，见 sources")
    sources: list[SourceOutcome]
    notices: list[Notice] = Field(description="各部门的待办期限，截止日期最早者在前")


@router.get(
    "/me/notices",
    summary="本人或本企业的待办期限（浙里办）：各部门按记录计算、截止日期最早者在前，"
    "个人为养犬、征收、医保代配药、科技创新券，法人为科技创新券与研究院科技统计年报",
    response_model=NoticesOut,
    response_model_exclude_none=True,  # a source's http_status and detail only when it failed, as in the dossier
    openapi_extra={"security": [{"ApiKey": [], "CitizenAssertion": []}]},
)
async def my_notices(
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(signed_in_user)],
    as_of: Annotated[dt.date | None, Query(description="以哪一天为今天（默认今天，北京时间），各部门同用")] = None,
) -> NoticesOut:
    # Only the services' /v1/me endpoints are asked, with the user in the identity token: nothing about anyone else.
    assert principal.user is not None
    path = NOTICES_PATH if as_of is None else f"{NOTICES_PATH}?as_of={as_of.isoformat()}"
    results = await asyncio.gather(
        *(fetch_source(request, principal, service, path) for service in SOURCES[principal.user.user_type])
    )
    notices: list[Notice] = []
    for result in results:
        data = result.pop("data", None)
        if result["status"] == "ok":
            try:
                notices += _NOTICE_LIST.validate_python(data)
            except ValidationError:
                result.update(status="error", detail="答复不是待办期限列表")
    complete = all(result["status"] == "ok" for result in results)
    response.headers["X-Aggregate-Complete"] = "true" if complete else "false"
    return NoticesOut(
        complete=complete, sources=[SourceOutcome(**result) for result in results], notices=due_first(notices)
    )

"""Cross-bureau dossiers: fan out to the services concurrently, each with its own deadline.

The answer takes about as long as the slowest source (never longer than the
deadline) and says, source by source, what it got; ``complete`` is false and
``X-Aggregate-Complete: false`` is set when any source failed.
"""

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from gateway.auth import Principal, authenticate, deny
from gateway.keys import Client
from gateway.proxy import enforce_rate_limit, upstream_headers
from gateway.upstream import UpstreamFailure
from qz_common.ids import USCC, IdNumber

router = APIRouter(prefix="/api/v1", tags=["cross-bureau"])

CITIZEN_SOURCES = ("dogs", "expropriation", "medinsurance")
ENTERPRISE_SOURCES = ("science", "medinsurance", "expropriation")


async def _fetch(request: Request, principal: Principal, service: str, path: str) -> dict[str, Any]:
    state = request.app.state
    deadline = state.settings.dossier_deadline_s
    started = time.perf_counter()
    source: dict[str, Any] = {"service": service}
    try:
        status, body = await asyncio.wait_for(
            state.upstreams.json(
                service, "GET", path, headers=upstream_headers(request, service, principal), retryable=False
            ),
            timeout=deadline,
        )
    except TimeoutError:
        source.update(status="timeout", detail=f"{deadline} 秒内未响应")
    except UpstreamFailure as failure:
        # UpstreamFailure kinds are named like the source statuses: timeout | unavailable | error.
        source.update(status=failure.kind, detail=failure.detail)
    else:
        if status == 200:
            source.update(status="ok", data=body)
        else:
            detail = body.get("detail") if isinstance(body, dict) else None
            source.update(status="error", http_status=status, detail=detail)
    source["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return source


async def _dossier_client(request: Request) -> Client:
    """Dependency: authenticate before the path is validated."""
    client = await authenticate(request)
    if client.is_adapter:
        raise deny(request, 403, "adapter_limited_to_me", "浙里办接入方只能访问 /api/v1/me/...", client.client_id)
    await enforce_rate_limit(request, client)
    return client


async def _dossier(
    request: Request, client: Client, sources: tuple[str, ...], path: str, subject: dict[str, str]
) -> JSONResponse:
    missing = [s for s in sources if not client.may_use(s)]
    if missing:
        detail = f"汇总档案需要以下服务的读取权限：{'、'.join(missing)}"
        raise deny(request, 403, "scope_missing", detail, client.client_id)
    principal = Principal(client)
    results = await asyncio.gather(*(_fetch(request, principal, s, path) for s in sources))
    complete = all(r["status"] == "ok" for r in results)
    body: dict[str, Any] = {
        **subject,
        "complete": complete,
        "sources": [{k: v for k, v in r.items() if k != "data"} for r in results],
        "records": {r["service"]: r.get("data") for r in results},
    }
    flags = [
        {"bureau": r["service"], **flag}
        for r in results
        if isinstance(r.get("data"), dict)
        for flag in r["data"].get("credit_flags", [])
    ]
    if "uscc" in subject:
        body["credit_flags"] = flags
    return JSONResponse(body, headers={"X-Aggregate-Complete": "true" if complete else "false"})


@router.get("/citizens/{id_number}/dossier", summary="个人跨部门档案（养犬、征收、医保代配药）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, Path(description="身份证号")],
    request: Request,
    client: Annotated[Client, Depends(_dossier_client)],
) -> JSONResponse:
    return await _dossier(
        request, client, CITIZEN_SOURCES, f"/v1/dossiers/citizens/{id_number}", {"id_number": id_number}
    )


@router.get("/enterprises/{uscc}/dossier", summary="企业跨部门档案（科技、医保定点、征收非住宅）及信用标记")
async def enterprise_dossier(
    uscc: Annotated[USCC, Path(description="统一社会信用代码")],
    request: Request,
    client: Annotated[Client, Depends(_dossier_client)],
) -> JSONResponse:
    return await _dossier(request, client, ENTERPRISE_SOURCES, f"/v1/dossiers/enterprises/{uscc}", {"uscc": uscc})

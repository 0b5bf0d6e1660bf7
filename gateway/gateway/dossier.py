"""Cross-bureau dossiers: fan out to the services concurrently, each with its own deadline.

The answer takes about as long as the slowest source (never longer than the
deadline) and says, source by source, what it got; ``complete`` is false and
``X-Aggregate-Complete: false`` is set when any source failed.
"""

import asyncio
import time
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Request, Response

from gateway.auth import Principal, authenticate, deny, verify_assertion
from gateway.keys import Client
from gateway.proxy import enforce_rate_limit, upstream_headers
from gateway.upstream import UpstreamFailure
from qz_common.identity import UserType
from qz_common.ids import USCC, IdNumber

router = APIRouter(prefix="/api/v1", tags=["cross-bureau"])

CITIZEN_SOURCES = ("dogs", "expropriation", "medinsurance")
# The signed-in 浙里办 user's own records, source by source: the services' /v1/me endpoints; a person's, or a legal
# person's (its 创新券, 兑付 and credit records, found by its 统一社会信用代码).
OWN_SOURCES = {
    UserType.PERSON: {
        "dogs": "/v1/me/records",
        "expropriation": "/v1/me/household",
        "medinsurance": "/v1/me/proxy-authorisations",
    },
    UserType.LEGAL_PERSON: {"science": "/v1/me/records"},
}
ENTERPRISE_SOURCES = ("science", "medinsurance", "expropriation")


async def fetch_source(request: Request, principal: Principal, service: str, path: str) -> dict[str, Any]:
    """``GET path`` of ``service`` within the dossier deadline: the source's ``status`` (ok | timeout | unavailable |
    error, with ``http_status`` and ``detail``), its answer as ``data`` when ok, and ``elapsed_ms``."""
    state = request.app.state
    deadline = state.settings.dossier_deadline_s
    started = time.perf_counter()
    source: dict[str, Any] = {"service": service}
    try:
        async with asyncio.timeout(deadline):  # not wait_for: no extra task per source
            status, body = await state.upstreams.json(
                service, "GET", path, headers=upstream_headers(request, service, principal), retryable=False
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


def _require_scopes(request: Request, client: Client, sources: tuple[str, ...]) -> None:
    missing = [s for s in sources if not client.may_use(s)]
    if missing:
        detail = f"汇总档案需要以下服务的读取权限：{'、'.join(missing)}"
        raise deny(request, 403, "scope_missing", detail, client.client_id)


async def _dossier(request: Request, principal: Principal, paths: dict[str, str], subject: dict[str, str]) -> Response:
    """Ask every source (service → its path) at once; say source by source what came back."""
    results = await asyncio.gather(*(fetch_source(request, principal, s, path) for s, path in paths.items()))
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
    # orjson: a dossier carries every source's records, parsed and written again; json took three times as long.
    return Response(
        orjson.dumps(body),
        media_type="application/json",
        headers={"X-Aggregate-Complete": "true" if complete else "false"},
    )


@router.get("/citizens/{id_number}/dossier", summary="个人跨部门档案（养犬、征收、医保代配药）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, Path(description="身份证号")],
    request: Request,
    client: Annotated[Client, Depends(_dossier_client)],
) -> Response:
    _require_scopes(request, client, CITIZEN_SOURCES)
    paths = {service: f"/v1/dossiers/citizens/{id_number}" for service in CITIZEN_SOURCES}
    return await _dossier(request, Principal(client), paths, {"id_number": id_number})


@router.get("/enterprises/{uscc}/dossier", summary="企业跨部门档案（科技、医保定点、征收非住宅）及信用标记")
async def enterprise_dossier(
    uscc: Annotated[USCC, Path(description="统一社会信用代码")],
    request: Request,
    client: Annotated[Client, Depends(_dossier_client)],
) -> Response:
    _require_scopes(request, client, ENTERPRISE_SOURCES)
    paths = {service: f"/v1/dossiers/enterprises/{uscc}" for service in ENTERPRISE_SOURCES}
    return await _dossier(request, Principal(client), paths, {"uscc": uscc})


async def signed_in_user(request: Request) -> Principal:
    """Dependency: the 浙里办 adapter, and the person or enterprise its signed assertion names."""
    client = await authenticate(request)
    if not client.is_adapter:
        raise deny(request, 403, "citizen_path_only_for_adapter", "/api/v1/me 仅供浙里办接入方调用", client.client_id)
    assertion = verify_assertion(request, client)
    await enforce_rate_limit(request, client)
    return Principal(client, assertion.user)


@router.get(
    "/me/dossier",
    summary="本人跨部门档案（浙里办）：个人为养犬、征收、医保代配药，法人为科技创新券与诚信记录，仅限声明中的本人或本企业",
    openapi_extra={"security": [{"ApiKey": [], "CitizenAssertion": []}]},
)
async def my_dossier(request: Request, principal: Annotated[Principal, Depends(signed_in_user)]) -> Response:
    # Only the services' /v1/me endpoints are asked, with the citizen in the identity token: no 身份证号 in a path,
    # nothing about anyone else. The subject is not echoed back: the adapter already knows who signed in.
    assert principal.user is not None
    return await _dossier(request, principal, OWN_SOURCES[principal.user.user_type], {})

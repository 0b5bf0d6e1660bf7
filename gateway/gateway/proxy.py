"""``/api/{service}/...`` and ``/api/v1/me/{service}/...``: authenticated, rate-limited, streamed proxying."""

import re
import time
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from gateway.auth import (
    Principal,
    authenticate,
    deny,
    enforce_bucket,
    is_write,
    spend_assertion,
    verify_assertion,
)
from gateway.keys import Client
from gateway.ratelimit import adapter_rate, citizen_bucket, citizen_rate, client_bucket
from gateway.transport import Body
from gateway.upstream import UpstreamFailure, Upstreams
from qz_common.context import TraceContext, current_request_id, current_trace
from qz_common.errors import ProblemError, ProblemHTTPException, problem_response
from qz_common.identity import IDENTITY_HEADER, TOKEN_LIFETIME, UserType, mint_token

# The proxy routes take only the request and read {service} from its path parameters: declared as parameters, the
# two strings cost FastAPI's dependency solving about an eighth of a proxied request's CPU (docs/PERFORMANCE.md).
router = APIRouter(include_in_schema=False)

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
}
# Credentials of the outside world never reach a service; the service trusts only the gateway's token.
_NOT_FORWARDED = _HOP_BY_HOP | {"x-api-key", "x-citizen-assertion", IDENTITY_HEADER.lower(), "content-length"}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_BUFFERED_BYTES = 256 * 1024
# The gateway's own uvicorn writes Date and Server (a second copy of each would make the answer ambiguous), and the
# request id is the gateway's.
_NOT_PASSED_BACK = _HOP_BY_HOP | {"x-request-id", "date", "server"}
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


# Characters that may stand unescaped in a path (RFC 3986 pchar and "/") and in a query (and "?"); "%" keeps the
# client's own escapes.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def raw_tail(request: Request, prefix: str) -> str:
    """The request path after ``prefix``, exactly as the client encoded it.

    The decoded path would turn ``%3F`` into a query, ``%23`` into a fragment and ``%2F`` into a separator when
    the URL is rebuilt for the service; the raw path keeps their meaning. Dot segments are refused: an HTTP client
    would resolve ``..`` and so leave the prefix (``/v1/me/`` of the 浙里办 adapter, above all).
    """
    raw = request.scope.get("raw_path") or quote(request.url.path).encode()
    segments = raw.decode("latin-1").split("/")
    depth = prefix.count("/") + 1
    if unquote("/".join(segments[:depth])) != prefix:
        raise ProblemError(400, "invalid_path", "路径的服务前缀中不得含有编码字符", field="path")
    tail = segments[depth:]
    if any(unquote(segment) in (".", "..") for segment in tail):
        raise ProblemError(400, "invalid_path", "路径中不得含有 . 或 .. 段", field="path")
    # Spaces, control and non-ASCII characters (possible only in an ASGI raw_path) are escaped, never sent raw.
    return quote("/" + "/".join(tail), safe=_PATH_SAFE)


def query_of(request: Request) -> str:
    """``?`` and the query as the client encoded it (or nothing); what may not stand in a query is escaped."""
    raw = request.scope["query_string"]
    return "?" + quote(raw, safe=_QUERY_SAFE) if raw else ""


# A link target that is an absolute path (``</v1/registrations?cursor=…>``), as the services write them.
_LINK_TARGET = re.compile(r"<(/[^>]*)>")


def gateway_links(value: str, service_prefix: str, gateway_prefix: str) -> str:
    """A service's ``Link`` header with its targets under ``service_prefix`` moved under ``gateway_prefix``.

    A service names its own paths (``/v1/registrations``); the caller reaches them at the gateway's
    (``/api/dogs/v1/registrations``, and ``/v1/me/…`` at ``/api/v1/me/dogs/…``)."""

    def moved(target: re.Match[str]) -> str:
        path = target.group(1)
        if not path.startswith(service_prefix + "/"):
            return target.group(0)
        return f"<{gateway_prefix}{path[len(service_prefix) :]}>"

    return _LINK_TARGET.sub(moved, value)


def child_traceparent() -> str:
    """W3C trace context for a call to a service: the caller's trace (or the one the gateway started), with the
    gateway's span for this request as the parent, the span the caller's ``traceresponse`` names (``tracestate``
    passes on as the caller sent it).

    When the gateway traces (``qz_common.telemetry``), its call's client span replaces it (``gateway.transport``).
    """
    trace = current_trace() or TraceContext.continuing(None)
    return trace.header()


def identity_token(request: Request, service: str, principal: Principal) -> str:
    """The signed identity for the service; reused for half its 60-second life to keep signing off the hot path."""
    cache: dict[tuple[str, Principal], tuple[str, float]] = request.app.state.token_cache
    now = time.monotonic()
    cached = cache.get((service, principal))
    if cached is not None and cached[1] > now:
        return cached[0]
    client, user = principal.client, principal.user
    person = user is not None and user.user_type is UserType.PERSON
    token = mint_token(
        request.app.state.signing_key,
        audience=service,
        client_id=client.client_id,
        scopes=client.scopes,
        district=client.district,
        citizen_id=user.id if user is not None and person else None,
        enterprise_id=user.id if user is not None and not person else None,
        auth_level=user.auth_level if user is not None else None,
        agent_id_number=user.agent_id_number if user is not None else None,
        agent_name=user.agent_name if user is not None else None,
    )
    if len(cache) > 10_000:
        cache.clear()
    cache[(service, principal)] = (token, now + TOKEN_LIFETIME.total_seconds() / 2)
    return token


def upstream_headers(request: Request, service: str, principal: Principal) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
    headers["x-request-id"] = current_request_id() or ""
    headers["traceparent"] = child_traceparent()
    headers[IDENTITY_HEADER] = identity_token(request, service, principal)
    if request.client:
        headers["x-forwarded-for"] = request.client.host
    return headers


async def enforce_rate_limit(request: Request, client: Client) -> None:
    """The client's bucket; a 浙里办 adapter's holds all its citizens together, at the adapter rate."""
    rate = adapter_rate(request.app.state.settings) if client.is_adapter else None
    await enforce_bucket(request, client_bucket(client.client_id), client.client_id, rate)


async def forward(
    request: Request, service: str, path: str, principal: Principal, mount: tuple[str, str] | None = None
) -> Response:
    """``path`` of ``service`` for the caller; ``mount``: the service's path prefix and the gateway's in front of it
    (by default ``""`` and ``/api/<service>``), for the links of the answer."""
    state = request.app.state
    upstreams: Upstreams = state.upstreams
    if service not in state.settings.service_urls:
        raise ProblemError(404, "unknown_service", f"没有名为 {service} 的服务", field="service")
    method = request.method
    retryable = method in _SAFE_METHODS or (method == "POST" and "idempotency-key" in request.headers)
    started = time.perf_counter()
    status = 500
    try:
        # Retries must replay the body, so retryable requests are buffered (qz_common.limits bounds every body); so
        # are small bodies, cheaper sent whole with their length than streamed in chunks. A request with neither a
        # length nor a transfer coding has no body (RFC 9112 §6.3): nothing to wait for (most GETs; reading the empty
        # body was 4% of a proxied read).
        declared = request.headers.get("content-length", "")
        small = declared.isdigit() and int(declared) <= _BUFFERED_BYTES
        if declared in ("", "0") and "transfer-encoding" not in request.headers:
            content: Body = b""
        else:
            content = await request.body() if retryable or small else request.stream()
        upstream = await upstreams.send(
            service,
            method,
            path + query_of(request),
            headers=upstream_headers(request, service, principal),
            content=content,
            retryable=retryable,
        )
        status = upstream.status
        headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _NOT_PASSED_BACK}
        if (link := upstream.headers.get("link")) is not None:
            service_prefix, gateway_prefix = mount or ("", f"/api/{service}")
            headers = {k: v for k, v in headers.items() if k.lower() != "link"}
            headers["link"] = gateway_links(link, service_prefix, gateway_prefix)
        length = upstream.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) <= _BUFFERED_BYTES:
            # Small answers (nearly all JSON) are cheaper to pass on whole than to stream.
            headers.pop("content-length", None)
            return Response(await upstreams.read(service, upstream), status_code=status, headers=headers)
    except ProblemHTTPException as refused:  # the client's body: too large or too slow
        status = refused.status_code
        raise
    except UpstreamFailure as failure:
        status = failure.status
        retry_after = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
        return problem_response(
            failure.status, f"upstream_{failure.kind}", failure.detail, service=service, headers=retry_after
        )
    finally:
        route = await upstreams.route_of(service, path)
        state.metrics.latency.labels(service, route).observe(time.perf_counter() - started)
        state.metrics.requests.labels(service, method, str(status)).inc()
    return StreamingResponse(
        upstream.chunks(), status_code=status, headers=headers, background=BackgroundTask(upstream.close)
    )


@router.api_route("/api/v1/me/{service}/{path:path}", methods=ALL_METHODS)
async def citizen_proxy(request: Request) -> Response:
    """浙里办 adapter calls, for the signed-in person or enterprise only: ``/api/v1/me/dogs/records`` → dogs
    ``/v1/me/records``.

    Each 浙里办 user has a bucket of their own, smaller than the adapter's (one user cannot use up the adapter's), and
    every request, refused assertions included, takes from the adapter's bucket too, which all its users share (so
    many users together cannot pass more than the adapter rate). A write spends its assertion last, once it has
    passed the limits, so that a 429 leaves the assertion usable for the retry.
    """
    service = request.path_params["service"]
    client = await authenticate(request)
    if not client.is_adapter:
        await enforce_rate_limit(request, client)
        raise deny(request, 403, "citizen_path_only_for_adapter", "/api/v1/me 仅供浙里办接入方调用", client.client_id)
    try:
        assertion = verify_assertion(request, client)
    except ProblemError:
        await enforce_rate_limit(request, client)
        raise
    own = citizen_rate(request.app.state.settings)
    await enforce_bucket(request, citizen_bucket(client.client_id, assertion.user.id), client.client_id, own)
    await enforce_rate_limit(request, client)  # a citizen over their own limit takes nothing from the adapter's
    tail = raw_tail(request, f"/api/v1/me/{service}")
    if is_write(request):
        await spend_assertion(request, client, assertion)
    principal = Principal(client, assertion.user)
    return await forward(request, service, f"/v1/me{tail}", principal, mount=("/v1/me", f"/api/v1/me/{service}"))


@router.api_route("/api/{service}/{path:path}", methods=ALL_METHODS)
async def service_proxy(request: Request) -> Response:
    service = request.path_params["service"]
    client = await authenticate(request)
    await enforce_rate_limit(request, client)  # before the checks, so denied requests are counted too
    if client.is_adapter:
        raise deny(request, 403, "adapter_limited_to_me", "浙里办接入方只能访问 /api/v1/me/...", client.client_id)
    if service in request.app.state.settings.service_urls and not client.may_use(service):
        raise deny(request, 403, "scope_missing", f"该客户端没有 {service} 的任何权限", client.client_id)
    tail = raw_tail(request, f"/api/{service}")
    if unquote(tail).rstrip("/") == "/metrics":  # a service's metrics are for the operators' network only
        raise ProblemError(404, "not_found", "资源不存在")
    return await forward(request, service, tail, Principal(client))

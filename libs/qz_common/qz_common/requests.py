"""Every request's way in and out of an app, in one pure ASGI pass.

On the way in: the request id (``X-Request-ID`` when acceptable, else a new one) and the caller's ``traceparent``
go into the request context; the request limits (``qz_common.limits``) refuse oversized headers and bodies before
any work; the parameter versions the answer will consult start being collected. On the way out, one ``send``
wrapper adds ``X-Request-ID`` and ``X-Parameter-Versions`` to the response and notes its status; then the request
is counted in the Prometheus metrics and written as one access-log line.

One middleware, not four stacked (request context, metrics, limits, parameter versions), so a request passes one
coroutine frame and each message one ``send`` wrapper instead of four.
"""

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qz_common.context import set_request_context
from qz_common.errors import problem_response
from qz_common.limits import BodyReadTimeout, BodyTooLarge, RequestLimits
from qz_common.metrics import RequestMetrics
from qz_common.parameter_api import parameter_versions_header
from qz_common.params import CONSULTED, ParameterSet

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
# W3C trace context: version-traceid-parentid-flags
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

access_log = logging.getLogger("qz.access")


def new_request_id() -> str:
    """128 random bits as four groups of eight hex digits (``3f9a01c2-…``).

    Logs mask digit runs that may be a mobile (eleven digits from 13–19) or a 身份证号 (fifteen or more:
    ``qz_common.logs``). Ungrouped, about one random id in eighty held such a run, and its log lines then carried
    a different id from the one the client was given. No run crosses a dash, and eight digits are never masked.
    """
    digits = os.urandom(16).hex()
    return "-".join(digits[i : i + 8] for i in range(0, 32, 8))


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


class PlatformMiddleware:
    def __init__(self, app: ASGIApp, *, limits: RequestLimits, metrics: RequestMetrics) -> None:
        self.app = app
        self.limits = limits
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        incoming = _header(headers, _REQUEST_ID_HEADER_BYTES)
        request_id = incoming if incoming and _ACCEPTABLE_REQUEST_ID.match(incoming) else new_request_id()
        traceparent = _header(headers, b"traceparent")
        set_request_context(
            request_id,
            traceparent if traceparent and _TRACEPARENT.match(traceparent) else None,
            f"{scope.get('method')} {scope.get('path')}",
        )
        consulted: dict[str, ParameterSet] = {}
        consulting = CONSULTED.set(consulted)
        status = 500
        response_started = False

        async def platform_send(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                out = [(k, v) for k, v in message.get("headers", []) if k.lower() != _REQUEST_ID_HEADER_BYTES]
                out.append((_REQUEST_ID_HEADER_BYTES, request_id.encode()))
                if consulted:
                    out.append(parameter_versions_header(consulted))
                message["headers"] = out
            await send(message)

        self.metrics.in_flight.inc()
        try:
            refusal = self.limits.refusal(headers)
            if refusal is not None:
                await refusal(scope, receive, platform_send)
                return
            try:
                await self.app(scope, self.limits.limited(scope, receive), platform_send)
            except (BodyTooLarge, BodyReadTimeout) as exc:
                # raised where no exception handler saw it (a streamed body read by a background task)
                if response_started:
                    raise
                await problem_response(exc.status_code, exc.code, exc.detail)(scope, receive, platform_send)
        finally:
            CONSULTED.reset(consulting)
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            self.metrics.observe(scope, status, elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "query": scope.get("query_string", b"").decode("latin-1"),
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )

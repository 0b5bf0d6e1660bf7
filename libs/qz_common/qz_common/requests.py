"""Every request's way in and out of an app, in one pure ASGI pass.

On the way in: the request id (``X-Request-ID`` when acceptable, else a new one) and the W3C trace context (the
caller's ``traceparent`` when valid, else a new trace; a malformed one is ignored) go into the request context; the
request limits (``qz_common.limits``) refuse oversized headers and bodies before any work; the parameter versions
the answer will consult start being collected. On the way out, one ``send`` wrapper adds ``X-Request-ID``,
``traceresponse`` (W3C Trace Context Level 2: the trace and this request's span, so a caller can find the trace of
any answer), ``X-Parameter-Versions`` and the headers the request's code set with
``qz_common.context.set_response_header`` to the response, and notes its status; then the request is counted in the
Prometheus metrics and written as one access-log line.

One middleware, not four stacked (request context, metrics, limits, parameter versions), so a request passes one
coroutine frame and each message one ``send`` wrapper instead of four.
"""

import logging
import os
import re
import time

from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qz_common.context import (
    TraceContext,
    collect_response_headers,
    parse_traceparent,
    set_request_context,
    stop_collecting_response_headers,
)
from qz_common.errors import problem_response
from qz_common.limits import BodyReadTimeout, BodyTooLarge, RequestLimits
from qz_common.metrics import RequestMetrics
from qz_common.parameter_api import parameter_versions_header
from qz_common.params import CONSULTED, ParameterSet

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_TRACERESPONSE_HEADER = b"traceresponse"
# Headers the middleware writes itself: one of the same name from the app (a service's answer the gateway passes
# on) would make the answer ambiguous.
_OWN_HEADERS = frozenset({_REQUEST_ID_HEADER_BYTES, _TRACERESPONSE_HEADER})

access_log = logging.getLogger("qz.access")


def new_request_id() -> str:
    """128 random bits as four groups of eight hex digits (``3f9a01c2-…``).

    Logs mask digit runs that may be a mobile (eleven digits from 13–19) or a 身份证号 (fifteen or more:
    ``qz_common.logs``). Ungrouped, about one random id in eighty held such a run, and its log lines then carried
    a different id from the one the client was given. No run crosses a dash, and eight digits are never masked.
    """
    digits = os.urandom(16).hex()
    return "-".join(digits[i : i + 8] for i in range(0, 32, 8))


def request_trace(traceparent: str | None) -> TraceContext:
    """The request's trace context: the traced request's span when OpenTelemetry traces it
    (``qz_common.telemetry``, whose middleware has read the same ``traceparent``), else a span id of its own in the
    caller's trace or in a new one."""
    traced = trace.get_current_span().get_span_context()
    if traced.is_valid:
        return TraceContext(f"{traced.trace_id:032x}", f"{traced.span_id:016x}", f"{traced.trace_flags:02x}")
    return TraceContext.continuing(traceparent)


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
        traceparent = parse_traceparent(_header(headers, b"traceparent"))
        request_trace_context = request_trace(traceparent)
        set_request_context(
            request_id, traceparent, f"{scope.get('method')} {scope.get('path')}", request_trace_context
        )
        consulted: dict[str, ParameterSet] = {}
        consulting = CONSULTED.set(consulted)
        extra_headers: dict[bytes, bytes] = {}
        collecting = collect_response_headers(extra_headers)
        status = 500
        response_started = False

        async def platform_send(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                replaced = _OWN_HEADERS | extra_headers.keys() if extra_headers else _OWN_HEADERS
                out = [(k, v) for k, v in message.get("headers", []) if k.lower() not in replaced]
                out.append((_REQUEST_ID_HEADER_BYTES, request_id.encode()))
                out.append((_TRACERESPONSE_HEADER, request_trace_context.header().encode()))
                if consulted:
                    out.append(parameter_versions_header(consulted))
                out.extend(extra_headers.items())
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
            stop_collecting_response_headers(collecting)
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

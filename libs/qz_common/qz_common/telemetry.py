"""OpenTelemetry traces across the gateway and the bureaus: one dossier, one trace.

When ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, every deployable traces its requests and its SQLAlchemy engine, and
the gateway its calls to the services (``gateway.transport``), with a tracer provider of its own named after the
service, so the W3C ``traceparent`` the gateway sends joins each bureau's spans to the gateway's trace; spans go
over OTLP/HTTP, configured by the standard ``OTEL_EXPORTER_OTLP_*`` variables, and log lines made inside a span
carry its ``trace_id``.

Off by default, and then nothing is instrumented at all: spans that go nowhere cost a third of a one-row read
even unsampled (the instrumentation's middleware, hooks and per-statement events run regardless; measured in
docs/PERFORMANCE.md). Without it the gateway still sends each bureau a ``traceparent`` with the caller's trace id
(``gateway.proxy.child_traceparent``) and every log line carries the ``traceparent`` it came with.

The request span is named after the route template the request matched (``GET /v1/vaccinations/{vaccination_id}``),
set when the response starts: the router has matched by then, so naming costs no second route lookup (FastAPI's own
instrumentation walks every route of the app before each request to find it).
"""

import logging
import os

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import get_meter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.util.http import parse_excluded_urls
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qz_common.metrics import route_label

# Probes and scrapes would be most of the spans and tell nothing. Patterns are searched in the whole URL:
# anchored to the host, so the gateway's /api/dogs/healthz (a forwarded call) is still traced.
_UNTRACED_URLS = ",".join(f"//[^/]+/{path}$" for path in ("healthz", "readyz", "metrics"))


def span_processor() -> SpanProcessor | None:
    """Where finished spans go: the OTLP exporter when an endpoint is configured, else nowhere."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter())


def instrument_service(app: FastAPI, engine: AsyncEngine, service_name: str) -> TracerProvider | None:
    """Trace the app's requests and its database statements when spans have somewhere to go.

    The provider (or None, untraced) is kept on ``app.state.tracer_provider``. Call after the app's own middleware
    is added: the request span then encloses it, so the access-log line is written inside the span.
    """
    app.state.tracer_provider = None
    if (processor := span_processor()) is None:
        return None
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(processor)
    app.add_middleware(SpanNamedAfterRoute)
    app.add_middleware(
        OpenTelemetryMiddleware,
        excluded_urls=parse_excluded_urls(_UNTRACED_URLS),
        default_span_details=_span_before_routing,
        tracer_provider=provider,
        exclude_spans=["receive", "send"],
    )
    # The instrumentation's per-engine tracer; its instrumentor patches create_engine globally, once per
    # process, which would give every app of a test process the first app's provider.
    tracer = trace.get_tracer("opentelemetry.instrumentation.sqlalchemy", tracer_provider=provider)
    connections = get_meter(__name__).create_up_down_counter("db.client.connections.usage", unit="connections")
    EngineTracer(tracer, engine.sync_engine, connections)  # type: ignore[no-untyped-call]
    app.state.tracer_provider = provider
    _log_trace_ids()
    return provider


def _span_before_routing(scope: Scope) -> tuple[str, dict[str, str]]:
    return str(scope.get("method", "HTTP")), {}


class SpanNamedAfterRoute:
    """Names the request span ``METHOD /route/{template}`` (and sets ``http.route``) once the router has matched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def naming_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                span = trace.get_current_span()
                if span.is_recording():
                    route = route_label(scope)
                    span.update_name(f"{scope.get('method', 'HTTP')} {route}")
                    span.set_attribute("http.route", route)
            await send(message)

        await self.app(scope, receive, naming_send)


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def _log_trace_ids() -> None:
    """Give every log record made inside a span a ``trace_id`` (the JSON formatter writes it out)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "adds_trace_id", False):
        return

    def with_trace_id(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if (trace_id := current_trace_id()) is not None:
            record.trace_id = trace_id
        return record

    with_trace_id.adds_trace_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(with_trace_id)

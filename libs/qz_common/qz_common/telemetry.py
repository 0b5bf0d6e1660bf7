"""OpenTelemetry traces across the gateway and the bureaus: one dossier, one trace.

Every deployable traces its FastAPI app and its SQLAlchemy engine, and the gateway its httpx client, with
a tracer provider of its own named after the service, so the W3C ``traceparent`` the gateway sends joins
each bureau's spans to the gateway's trace. Spans are always made (log lines carry ``trace_id``) but are
exported only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set: then over OTLP/HTTP, configured by the
standard ``OTEL_EXPORTER_OTLP_*`` variables. Off by default.
"""

import logging
import os

import httpx
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import get_meter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy.ext.asyncio import AsyncEngine

# Probes and scrapes would be most of the spans and tell nothing. Patterns are searched in the whole URL:
# anchored to the host, so the gateway's /api/dogs/healthz (a forwarded call) is still traced.
_UNTRACED_URLS = ",".join(f"//[^/]+/{path}$" for path in ("healthz", "readyz", "metrics"))


def span_processor() -> SpanProcessor | None:
    """Where finished spans go: the OTLP exporter when an endpoint is configured, else nowhere."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter())


def instrument_service(app: FastAPI, engine: AsyncEngine, service_name: str) -> TracerProvider:
    """Trace the app's requests and its database statements; the provider is kept on ``app.state``."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    if (processor := span_processor()) is not None:
        provider.add_span_processor(processor)
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls=_UNTRACED_URLS, exclude_spans=["receive", "send"]
    )
    # The instrumentation's per-engine tracer; its instrumentor patches create_engine globally, once per
    # process, which would give every app of a test process the first app's provider.
    tracer = trace.get_tracer("opentelemetry.instrumentation.sqlalchemy", tracer_provider=provider)
    connections = get_meter(__name__).create_up_down_counter("db.client.connections.usage", unit="connections")
    EngineTracer(tracer, engine.sync_engine, connections)  # type: ignore[no-untyped-call]
    app.state.tracer_provider = provider
    _log_trace_ids()
    return provider


def instrument_client(client: httpx.AsyncClient, provider: TracerProvider) -> None:
    """Trace outgoing calls and send ``traceparent`` with them."""
    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)


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

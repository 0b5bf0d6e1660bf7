"""One dossier is one trace: the gateway's spans and each bureau's request and database spans share it.

The gateway and the three bureaus a citizen dossier reads run in this process (each service on a real
HTTP port, so ``traceparent`` travels as in production), with an in-memory exporter in place of OTLP.
"""

import contextlib
import importlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from testkit import DatabaseFactory, free_port, id_number

from gateway.main import create_app as create_gateway
from qz_common import telemetry
from qz_common.settings import PlatformSettings

SOURCES = ("dogs", "expropriation", "medinsurance")  # what a citizen dossier reads (gateway/dossier.py)
DEV_PLATFORM = PlatformSettings(dev_mode=True)


class ThreadedServer:
    """A service on a real port, served by uvicorn in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "server did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    monkeypatch.setattr(telemetry, "span_processor", lambda: SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def gateway(
    spans: InMemorySpanExporter, database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    with contextlib.ExitStack() as running:
        urls = {}
        for name in SOURCES:
            monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", database_factory.create(name))
            app = importlib.import_module(f"{name}.main").create_app(platform=DEV_PLATFORM)
            urls[name] = running.enter_context(ThreadedServer(app))
        monkeypatch.setenv("GATEWAY_DATABASE_URL", database_factory.create("gateway"))
        monkeypatch.setenv("GATEWAY_SERVICE_URLS", json.dumps(urls))
        with TestClient(create_gateway(platform=DEV_PLATFORM)) as client:
            yield client


def _service(span: ReadableSpan) -> Any:
    return span.resource.attributes["service.name"]


def _scope(span: ReadableSpan) -> str:
    return span.instrumentation_scope.name if span.instrumentation_scope else ""


def test_a_dossier_is_one_trace_across_the_gateway_and_each_bureau(
    gateway: TestClient, spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    citizen = id_number("330802", sequence=77)
    with caplog.at_level(logging.INFO, logger="qz.access"):
        r = gateway.get(f"/api/v1/citizens/{citizen}/dossier", headers={"X-API-Key": "dev-key"})
    assert r.status_code == 200, r.text
    assert {source["service"]: source["status"] for source in r.json()["sources"]} == dict.fromkeys(SOURCES, "ok")

    finished = spans.get_finished_spans()
    [root] = [s for s in finished if _service(s) == "gateway" and s.kind == SpanKind.SERVER and "dossier" in s.name]
    assert root.name == "GET /api/v1/citizens/{id_number}/dossier"
    assert root.parent is None and root.context is not None
    trace_id = root.context.trace_id
    trace = [s for s in finished if s.context is not None and s.context.trace_id == trace_id]
    assert {_service(s) for s in trace} == {"gateway", *SOURCES}
    outgoing = [s for s in trace if _service(s) == "gateway" and s.kind == SpanKind.CLIENT]
    assert len(outgoing) == len(SOURCES), "one httpx span per bureau called"
    for source in SOURCES:
        own = [s for s in trace if _service(s) == source]
        [server] = [s for s in own if s.kind == SpanKind.SERVER]
        # named after the route template, so the 身份证号 in the path never reaches the trace backend
        route = (server.attributes or {}).get("http.route")
        assert route and "{" in str(route) and server.name == f"GET {route}" and citizen not in server.name
        assert server.parent is not None and server.parent.span_id in {s.context.span_id for s in outgoing if s.context}
        assert any(_scope(s) == "opentelemetry.instrumentation.sqlalchemy" for s in own), f"{source} ran no query"
    # Every span but the gateway's root hangs from another span of the same trace.
    ids = {s.context.span_id for s in trace if s.context}
    assert all(s.parent is not None and s.parent.span_id in ids for s in trace if s is not root)

    [logged] = [rec for rec in caplog.records if getattr(rec, "path", "").endswith("/dossier")]
    assert getattr(logged, "trace_id", None) == format(trace_id, "032x"), "the gateway logs the trace id"

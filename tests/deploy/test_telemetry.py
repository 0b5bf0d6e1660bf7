"""Telemetry as operators receive it: traces, metrics, and the monitoring objects written against them.

One dossier is one trace: the gateway's spans and each bureau's request and database spans share it. The
gateway and the three bureaus a citizen dossier reads run in this process (each service on a real HTTP port,
so ``traceparent`` travels as in production), with an in-memory exporter in place of OTLP; science's address
answers nothing, so the gateway's upstream-failure metrics have samples too.

Every deployable exports the process and Python runtime metrics and ``qz_build_info``, and every metric and
label the PrometheusRule and the Grafana dashboard of deploy/k8s/components/monitoring name is one that those
running deployables export (or a series Prometheus itself adds for each target).
"""

import contextlib
import importlib
import json
import logging
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import uvicorn
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from testkit import DatabaseFactory, free_port, id_number

from gateway.main import create_app as create_gateway
from qz_common import telemetry
from qz_common.metrics import BUILD_COMMIT_VARIABLE, BUILD_VERSION_VARIABLE
from qz_common.settings import PlatformSettings

SOURCES = ("dogs", "expropriation", "medinsurance")  # what a citizen dossier reads (gateway/dossier.py)
DEV_PLATFORM = PlatformSettings(dev_mode=True)
DEV_KEY = {"X-API-Key": "dev-key"}
MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "components" / "monitoring"
# Labels Prometheus adds to every series of a ServiceMonitor's target, and the series it makes per target.
TARGET_LABELS = {"job", "instance", "namespace", "pod", "service", "endpoint", "container"}
PER_TARGET_SERIES = {"up": set()}
# The series names prometheus_client writes for a family of each type (a family with no sample yet has none).
SERIES_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
}


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
def service_urls(
    spans: InMemorySpanExporter, database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """The dossier's sources, each on a port of its own."""
    with contextlib.ExitStack() as running:
        urls = {}
        for name in SOURCES:
            monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", database_factory.create(name))
            app = importlib.import_module(f"{name}.main").create_app(platform=DEV_PLATFORM)
            urls[name] = running.enter_context(ThreadedServer(app))
        yield urls


@pytest.fixture
def gateway(
    service_urls: dict[str, str], database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    science = f"http://127.0.0.1:{free_port()}"  # nothing listens: calls to science fail as upstream errors
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_factory.create("gateway"))
    monkeypatch.setenv("GATEWAY_SERVICE_URLS", json.dumps(service_urls | {"science": science}))
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


def exported_series(exposition: str) -> dict[str, set[str]]:
    """Series name -> its label names, from a /metrics answer."""
    series: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(exposition):
        for suffix in SERIES_SUFFIXES[family.type]:
            series.setdefault(family.name + suffix, set())
        for sample in family.samples:
            series.setdefault(sample.name, set()).update(sample.labels)
    return series


def test_every_deployable_exports_the_runtime_metrics_and_its_build(
    database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOGS_DATABASE_URL", database_factory.create("dogs"))
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_factory.create("gateway"))
    monkeypatch.delenv(BUILD_VERSION_VARIABLE, raising=False)
    monkeypatch.delenv(BUILD_COMMIT_VARIABLE, raising=False)
    dogs_app = importlib.import_module("dogs.main").create_app(platform=DEV_PLATFORM)  # built from a checkout
    # what deploy/Dockerfile sets from its VERSION and COMMIT build arguments
    monkeypatch.setenv(BUILD_VERSION_VARIABLE, "1.4.0")
    monkeypatch.setenv(BUILD_COMMIT_VARIABLE, "4feba1d")
    with TestClient(dogs_app) as dogs, TestClient(create_gateway(platform=DEV_PLATFORM)) as gateway:
        expositions = {"dogs": dogs.get("/metrics").text, "gateway": gateway.get("/metrics", headers=DEV_KEY).text}
    builds = {}
    for name, exposition in expositions.items():
        families = {family.name: family for family in text_string_to_metric_families(exposition)}
        # prometheus_client's default collectors: process (Linux /proc) and Python
        assert {"process_cpu_seconds", "process_resident_memory_bytes", "process_open_fds"} <= families.keys()
        assert {"python_info", "python_gc_collections"} <= families.keys()
        assert families["process_resident_memory_bytes"].samples[0].value > 0
        [build] = families["qz_build_info"].samples
        assert build.value == 1
        builds[name] = build.labels
    assert builds == {
        "dogs": {"service": "dogs", "version": "unknown", "commit": "unknown"},
        "gateway": {"service": "gateway", "version": "1.4.0", "commit": "4feba1d"},
    }


def test_the_gateway_metrics_take_the_key_as_a_bearer_token_as_a_servicemonitor_sends_it(
    gateway: TestClient,
) -> None:
    assert gateway.get("/metrics", headers={"Authorization": "Bearer dev-key"}).status_code == 200
    for refused in ("Bearer not-a-key", "Bearer ", "Basic dev-key"):
        answer = gateway.get("/metrics", headers={"Authorization": refused})
        assert answer.status_code == 401, refused


def monitoring_expressions() -> dict[str, str]:
    """Every PromQL expression of the PrometheusRule and the dashboard, by where it is."""
    expressions = {}
    rule = yaml.safe_load((MONITORING / "prometheusrule.yaml").read_text())
    for group in rule["spec"]["groups"]:
        for alert in group["rules"]:
            expressions[f"alert {alert['alert']}"] = alert["expr"]
    dashboard = json.loads((MONITORING / "dashboards" / "qz-platform.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            # Grafana's own interval variable, not PromQL: any duration stands for it
            expression = target["expr"].replace("$__rate_interval", "5m")
            expressions[f"panel {panel['title']!r} {target['refId']}"] = expression
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            [(metric, label)] = re.findall(r"^label_values\((\w+), (\w+)\)$", variable["definition"])
            expressions[f"variable {variable['name']}"] = f"count by ({label}) ({metric})"
    return expressions


def names_in(expression: str) -> tuple[dict[str, set[str]], set[str]]:
    """The metrics an expression selects with the labels it matches on each, and the labels it groups by."""
    selected: dict[str, set[str]] = {}
    grouping: set[str] = set()

    def visit(node: promql_parser.Expr) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            matchers = {m.name: m.value for m in node.matchers.matchers}
            name = node.name or matchers.pop("__name__")
            selected.setdefault(name, set()).update(matchers)
        elif isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
            grouping.update(node.modifier.labels)
        elif isinstance(node, promql_parser.BinaryExpr) and node.modifier is not None:
            if node.modifier.matching is not None:
                grouping.update(node.modifier.matching.labels)
            grouping.update(node.modifier.group_labels or ())
        return True

    promql_parser.walk(promql_parser.parse(expression), visit)
    return selected, grouping


def test_every_alert_and_dashboard_expression_names_metrics_the_deployables_export(
    gateway: TestClient, service_urls: dict[str, str]
) -> None:
    gateway.get(f"/api/dogs/v1/dossiers/citizens/{id_number('330802', sequence=78)}", headers=DEV_KEY)
    gateway.get("/api/science/v1/parameters", headers=DEV_KEY)  # science is down: upstream errors
    gateway.get("/api/dogs/v1/dossiers/citizens/x")  # no key: a denial
    exported = exported_series(gateway.get("/metrics", headers=DEV_KEY).text)
    for url in service_urls.values():
        with urllib.request.urlopen(f"{url}/metrics") as answer:  # a bureau's internal port
            for name, labels in exported_series(answer.read().decode()).items():
                exported.setdefault(name, set()).update(labels)
    exported |= PER_TARGET_SERIES
    assert {"gateway_upstream_errors_total", "gateway_denied_total"} <= {n for n, labels in exported.items() if labels}

    expressions = monitoring_expressions()
    assert len(expressions) >= 20
    for where, expression in expressions.items():
        selected, grouping = names_in(expression)
        assert selected, where
        for metric, matched in selected.items():
            assert metric in exported, f"{where}: no deployable exports {metric}"
            assert matched <= exported[metric] | TARGET_LABELS, f"{where}: {metric} has no {matched - exported[metric]}"
        known = set().union(*(exported[metric] for metric in selected)) | TARGET_LABELS
        assert grouping <= known, f"{where}: grouped by {grouping - known}, which {sorted(selected)} do not carry"

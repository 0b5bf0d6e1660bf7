"""Metrics every app exports (Prometheus): count, latency and in-flight requests per route template, the process and
Python runtime (``process_*``, ``python_*``) and which build runs (``qz_build_info``).

Each app has a registry of its own (tests run several apps in one process; the default registry would count them
together), so the runtime collectors prometheus_client puts on its default registry are added to it here.

The route label is the template the request matched (``/v1/registrations/{registration_id}``), the same path the
app's OpenAPI document lists, or ``unmatched``: never the raw path, so a 身份证号 in a URL cannot reach /metrics
and the label set stays bounded whatever clients send.
"""

import os
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from starlette.routing import BaseRoute
from starlette.types import Scope

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Set in the image from the build arguments of deploy/Dockerfile; a process started from a checkout has neither.
BUILD_VERSION_VARIABLE, BUILD_COMMIT_VARIABLE = "QZ_BUILD_VERSION", "QZ_BUILD_COMMIT"
UNKNOWN_BUILD = "unknown"


def new_registry() -> CollectorRegistry:
    """A registry with the process (CPU, memory, open files) and Python (version, garbage collection) collectors."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


def record_build(registry: CollectorRegistry, service: str) -> None:
    """``qz_build_info{service, version, commit} 1``: which release each replica runs (during a rollout, both)."""
    info = Gauge("qz_build_info", "The build this process runs", ["service", "version", "commit"], registry=registry)
    version = os.environ.get(BUILD_VERSION_VARIABLE) or UNKNOWN_BUILD
    info.labels(service, version, os.environ.get(BUILD_COMMIT_VARIABLE) or UNKNOWN_BUILD).set(1)


class RequestMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or new_registry()
        self.requests = Counter(
            "qz_http_requests_total", "Requests answered", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "qz_http_request_duration_seconds",
            "Time to answer, per route template",
            ["method", "route"],
            registry=self.registry,
            buckets=LATENCY_BUCKETS,
        )
        self.in_flight = Gauge("qz_http_requests_in_flight", "Requests being answered", registry=self.registry)

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope.get("method", "")
        method = method if method in _METHODS else "OTHER"
        route = route_label(scope)
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


def route_label(scope: Scope) -> str:
    route: BaseRoute | None = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else UNMATCHED


def install_metrics(
    app: FastAPI,
    registry: CollectorRegistry | None,
    access: Callable[[Request], Awaitable[None]] | None,
) -> RequestMetrics:
    """Serve /metrics (``access`` may refuse the caller: raise a ProblemError); the platform middleware
    (``qz_common.requests``) counts every request into the returned metrics. ``registry``: the caller's own (made
    with ``new_registry``), or a new one; the build is recorded under ``app.state.service_name``."""
    metrics = RequestMetrics(registry)
    record_build(metrics.registry, app.state.service_name)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics(request: Request) -> Response:
        if access is not None:
            await access(request)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics

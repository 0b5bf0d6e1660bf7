"""Prometheus metrics of the gateway (its own registry, served at /metrics to clients with the metrics scope).

Upstream calls are labelled with the route template of the service's own OpenAPI document
(``/v1/registrations/{registration_id}``) or ``unmatched``: never the raw path, which may hold a 身份证号 and
whose variety has no bound.
"""

import re
import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from qz_common.metrics import LATENCY_BUCKETS, UNMATCHED, new_registry

_PARAMETER = re.compile(r"\\{[^/}]+\\}")


def _template_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + _PARAMETER.sub("[^/]+", re.escape(template)) + "$")


class RouteTemplates:
    """Each service's path templates, read from its OpenAPI document; re-read when missing (service was down)."""

    RETRY_S = 30.0

    def __init__(self) -> None:
        self._tables: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        self._next_try: dict[str, float] = {}

    def load(self, service: str, document: dict[str, Any]) -> None:
        templates = list(document.get("paths", {}))
        # literal segments before parameters: /v1/registrations/search before /v1/registrations/{id}
        templates.sort(key=lambda t: (t.count("{"), -len(t)))
        self._tables[service] = [(_template_pattern(t), t) for t in templates]

    def wants(self, service: str) -> bool:
        """Whether the service's document should be fetched now (missing, and not tried in the last RETRY_S)."""
        if service in self._tables or time.monotonic() < self._next_try.get(service, 0.0):
            return False
        self._next_try[service] = time.monotonic() + self.RETRY_S
        return True

    def match(self, service: str, path: str) -> str:
        for pattern, template in self._tables.get(service, ()):
            if pattern.match(path):
                return template
        return UNMATCHED


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = new_registry()  # qz_common.app adds the request metrics and the build to it
        self.requests = Counter(
            "gateway_requests_total", "Requests answered", ["service", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "gateway_request_duration_seconds",
            "Time to answer, per route and service",
            ["service", "route"],
            registry=self.registry,
            buckets=LATENCY_BUCKETS,
        )
        self.upstream_errors = Counter(
            "gateway_upstream_errors_total", "Failed upstream calls", ["service", "kind"], registry=self.registry
        )
        self.breaker_state = Gauge(
            "gateway_breaker_state",
            "Circuit breaker state per service (0 closed, 1 half-open, 2 open)",
            ["service"],
            registry=self.registry,
        )
        self.rate_limiter_degraded = Gauge(
            "gateway_rate_limiter_degraded",
            "1 while Redis is unreachable and rate limits use in-process buckets",
            registry=self.registry,
        )
        self.denied = Counter(
            "gateway_denied_total", "Requests refused by the gateway", ["reason"], registry=self.registry
        )

"""Prometheus metrics of the gateway (its own registry, served at /metrics)."""

import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_ID_SEGMENT = re.compile(r"/(\d+|[0-9a-f]{32}|[0-9]{17}[0-9Xx]|[0-9A-HJ-NP-RTUW-Y]{18})(?=/|$)")


def route_template(path: str) -> str:
    """Collapse ids (numbers, uuids, 身份证号, USCC) so routes do not explode label cardinality or leak PII."""
    return _ID_SEGMENT.sub("/{id}", path)


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gateway_requests_total", "Requests answered", ["service", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "gateway_request_duration_seconds",
            "Time to answer, per route and service",
            ["service", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
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

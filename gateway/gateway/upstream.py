"""Calls from the gateway to the services: timeouts, retries, circuit breakers, metrics."""

import asyncio
import json
import random
from collections.abc import Mapping
from typing import Any, ClassVar

import orjson
from opentelemetry.sdk.trace import TracerProvider

from gateway.breaker import BreakerState, CircuitBreaker
from gateway.metrics import GatewayMetrics, RouteTemplates
from gateway.settings import GatewaySettings
from gateway.transport import Body, ServiceClient, UpstreamError, UpstreamResponse

_BREAKER_GAUGE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


# Idle connections to a service are dropped before the service drops them (uvicorn's keep-alive is 5 s), so the
# gateway never sends a request on a connection the service is closing.
UPSTREAM_KEEPALIVE_S = 4.0

# Answers that say the service itself is unwell; any other answer, a 500 included, proves it is up and answering.
UPSTREAM_FAILURE_STATUSES = frozenset({502, 503, 504})


class UpstreamFailure(Exception):
    """The service could not answer: ``kind`` is unavailable or busy (503), timeout (504) or error (502)."""

    STATUS: ClassVar[dict[str, int]] = {"unavailable": 503, "busy": 503, "timeout": 504, "error": 502}
    DETAIL: ClassVar[dict[str, str]] = {
        "unavailable": "服务 {service} 暂不可用（熔断中或无法连接），请稍后再试",
        "busy": "服务 {service} 当前请求过多，请稍后再试",
        "timeout": "服务 {service} 响应超时",
        "error": "服务 {service} 返回了无效响应",
    }

    def __init__(self, service: str, kind: str, retry_after: int | None = None) -> None:
        super().__init__(f"{service}: {kind}")
        self.service = service
        self.kind = kind
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return self.STATUS[self.kind]

    @property
    def detail(self) -> str:
        return self.DETAIL[self.kind].format(service=self.service)


class Upstreams:
    """One connection pool and one circuit breaker per service: a slow client of one bureau cannot starve another.

    The breaker counts only failures of the service itself (connection errors, timeouts, 502/503/504). A 500 is
    the service answering one request it could not handle: counting it would let one client's bad requests take
    the bureau away from everyone.
    """

    def __init__(
        self, settings: GatewaySettings, metrics: GatewayMetrics, tracer_provider: TracerProvider | None = None
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.clients = {
            name: ServiceClient(
                url,
                settings.pool_connections_per_service,
                UPSTREAM_KEEPALIVE_S,
                settings.pool_wait_s,
                tracer_provider,
            )
            for name, url in settings.service_urls.items()
        }
        self.deadlines = {name: client.deadlines(settings.timeout_for(name)) for name, client in self.clients.items()}
        self.breakers = {
            name: CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_reset_s)
            for name in settings.service_urls
        }
        for name in settings.service_urls:
            self.metrics.breaker_state.labels(name).set(0)
        self.routes = RouteTemplates()

    async def load_route_templates(self) -> None:
        await asyncio.gather(*(self.route_of(service, "/") for service in self.settings.service_urls))

    async def route_of(self, service: str, path: str) -> str:
        """The service's route template ``path`` matches, for metric labels (``unmatched`` if none)."""
        if self.routes.wants(service):
            document = await self._openapi(service)
            if document is not None:
                self.routes.load(service, document)
        return self.routes.match(service, path)

    async def _openapi(self, service: str) -> dict[str, Any] | None:
        """The service's OpenAPI document, or None when it cannot be had now (for labels only: no breaker)."""
        client = self.clients[service]
        try:
            response = await client.request("GET", "/openapi.json", {}, None, client.deadlines(2.0))
            body = await response.read()
            document = orjson.loads(body) if response.status == 200 else None
        except (UpstreamError, orjson.JSONDecodeError):
            return None
        return document if isinstance(document, dict) else None

    def breaker_states(self) -> dict[str, str]:
        return {name: breaker.state.value for name, breaker in self.breakers.items()}

    def _observe_breaker(self, service: str) -> None:
        self.metrics.breaker_state.labels(service).set(_BREAKER_GAUGE[self.breakers[service].state])

    async def send(
        self,
        service: str,
        method: str,
        target: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: Body = None,
        retryable: bool = False,
    ) -> UpstreamResponse:
        """Send ``method target`` (path and query) and return the answer with its body unread (read or stream it,
        then close it)."""
        breaker = self.breakers[service]
        client = self.clients[service]
        deadlines = self.deadlines[service]
        attempts = 1 + (self.settings.retry_attempts if retryable else 0)
        kind = "error"
        for attempt in range(attempts):
            if not breaker.allow():
                self.metrics.upstream_errors.labels(service, "breaker_open").inc()
                self._observe_breaker(service)
                raise UpstreamFailure(service, "unavailable", breaker.retry_after())
            try:
                response = await client.request(method, target, headers or {}, content, deadlines)
            except UpstreamError as error:
                if error.kind == "busy":
                    # the gateway's own pool for this service is full: busy, not a failure of the service
                    breaker.abandon_probe()
                    self.metrics.upstream_errors.labels(service, "pool_full").inc()
                    raise UpstreamFailure(service, "busy", 1) from None
                kind = error.kind
            except BaseException:
                # the client's own side failed (its body too large or too slow): says nothing about the service
                breaker.abandon_probe()
                raise
            else:
                if response.status not in UPSTREAM_FAILURE_STATUSES:
                    breaker.record_success()
                    self._observe_breaker(service)
                    if response.status >= 500:
                        self.metrics.upstream_errors.labels(service, f"http_{response.status}").inc()
                    return response
                if attempt + 1 == attempts:
                    breaker.record_failure()
                    self._observe_breaker(service)
                    self.metrics.upstream_errors.labels(service, f"http_{response.status}").inc()
                    return response  # the service's own problem document passes through
                response.close()
                kind = "error"
            breaker.record_failure()
            self._observe_breaker(service)
            self.metrics.upstream_errors.labels(service, kind).inc()
            if attempt + 1 < attempts:
                await asyncio.sleep(self.settings.retry_backoff_s * (2**attempt) * (1 + random.random()))
        raise UpstreamFailure(service, kind, breaker.retry_after() or None)

    @staticmethod
    async def read(service: str, response: UpstreamResponse) -> bytes:
        """The whole body of ``response``, closed afterwards; a body cut short is the service's failure."""
        try:
            return await response.read()
        except UpstreamError as error:
            raise UpstreamFailure(service, error.kind) from error

    async def json(
        self, service: str, method: str, path: str, *, headers: Mapping[str, str], body: object = None, retryable: bool
    ) -> tuple[int, object]:
        """A whole JSON exchange (for dossiers and cases), body read and closed."""
        content = None
        send_headers = dict(headers)
        if body is not None:
            content = json.dumps(body, ensure_ascii=False).encode()
            send_headers["content-type"] = "application/json"
        response = await self.send(service, method, path, headers=send_headers, content=content, retryable=retryable)
        try:
            return response.status, orjson.loads(await self.read(service, response))
        except orjson.JSONDecodeError:
            raise UpstreamFailure(service, "error") from None

    async def close(self) -> None:
        for client in self.clients.values():
            await client.close()

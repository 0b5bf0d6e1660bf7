"""The gateway's HTTP client for the services: aiohttp's connection pool and C HTTP parser, used directly.

httpx's own transport (httpcore, the pure-Python h11 parser) was half of the gateway's CPU per proxied request;
httpx's API over aiohttp's pool (httpx-aiohttp) still spent a fifth of a proxied quote building httpx's requests and
URLs and translating between the two libraries' objects (docs/PERFORMANCE.md). So the gateway speaks aiohttp's API.

What a call to a service guarantees:

* Each service has a pool of its own, ``connections`` wide. A call that finds every connection busy waits at most
  ``pool_wait_s`` and then fails as ``busy``: the gateway's own pool is full, which the breaker must not count as
  the service failing. (aiohttp folds that wait into its connect timeout, so the pool is guarded here.)
* Nothing a service answers is remembered between calls of different callers (no cookie jar), bodies pass as they
  are (no decompression, no redirects followed), and the path and query are sent as the proxy escaped them.
* Failures come out as the kinds the breaker and the problem documents tell apart: ``timeout`` (504),
  ``unavailable`` (503: refused, reset, closed) and ``error`` (502: no valid HTTP answer). A failure of the
  caller's own body while it streams upstream (too large, too slow) is raised as itself, not as the service's.
* With a tracer provider, each call is a client span whose context travels as ``traceparent``. The span names the
  method and the service's address, not the path: a path can hold a 身份证号, and only route templates (the
  services' server spans) reach the trace backend.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping

import aiohttp
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, StatusCode
from yarl import URL

# A service that does not accept a connection within this long is not there (the read timeout is per service).
CONNECT_TIMEOUT_S = 2.0

Body = bytes | AsyncIterator[bytes] | None


class UpstreamError(Exception):
    """A call that got no valid answer; ``kind`` is busy, timeout, unavailable or error."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _kind_of(error: aiohttp.ClientError | TimeoutError) -> str:
    if isinstance(error, TimeoutError):  # aiohttp's connect and read timeouts are TimeoutErrors too
        return "timeout"
    if isinstance(error, aiohttp.ClientConnectionError):
        return "unavailable"
    return "error"


class UpstreamResponse:
    """A service's answer with its body unread: read it whole or stream it, then close it (which frees the slot)."""

    def __init__(self, response: aiohttp.ClientResponse, free_slot: Callable[[], None]) -> None:
        self._response = response
        self._free_slot: Callable[[], None] | None = free_slot
        self.status = response.status
        self.headers: Mapping[str, str] = response.headers  # case-insensitive; items() gives repeated names each

    async def read(self) -> bytes:
        """The whole body; the response is closed afterwards, whether or not it could be read."""
        try:
            return await self._response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise UpstreamError(_kind_of(error)) from error
        finally:
            self.close()

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as error:
            raise UpstreamError(_kind_of(error)) from error

    def close(self) -> None:
        """Give the connection back (closed if its body was not read to the end) and free the slot; once."""
        if self._free_slot is not None:
            free_slot, self._free_slot = self._free_slot, None
            self._response.release()
            free_slot()


class _CallerBody:
    """A streamed request body that remembers why the caller's side of it failed."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self.failure: BaseException | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._chunks:
                yield chunk
        except BaseException as failure:
            self.failure = failure
            raise


class ServiceClient:
    """Calls to one service over a pool of kept-alive connections."""

    def __init__(
        self,
        base_url: str,
        connections: int,
        keepalive_s: float,
        pool_wait_s: float,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self._origin = base_url.rstrip("/")
        server = URL(self._origin)
        self._server_attributes: dict[str, str | int] = {
            "server.address": server.host or "",
            "server.port": server.port or 80,
        }
        self._connections = connections
        self._keepalive_s = keepalive_s
        self._pool_wait_s = pool_wait_s
        self._slots = asyncio.Semaphore(connections)
        self._session: aiohttp.ClientSession | None = None
        self._tracer = tracer_provider.get_tracer(__name__) if tracer_provider else None

    def deadlines(self, read_s: float) -> aiohttp.ClientTimeout:
        """How long a call may wait for each part of the answer (made once per service, not per call)."""
        return aiohttp.ClientTimeout(sock_connect=CONNECT_TIMEOUT_S, sock_read=read_s)

    async def request(
        self, method: str, target: str, headers: Mapping[str, str], body: Body, deadlines: aiohttp.ClientTimeout
    ) -> UpstreamResponse:
        """Send ``method target`` (path and query, already escaped) and return the answer with its body unread."""
        await self._take_slot()
        data: bytes | _CallerBody | None
        caller_body = None
        if body is None or isinstance(body, bytes):
            data = body or None  # no body rather than an empty one: a GET gets no Content-Length: 0
        else:
            data = caller_body = _CallerBody(body)
        try:
            if self._tracer is None:
                response = await self._send(method, target, headers, data, deadlines)
            else:
                attributes = {"http.request.method": method, **self._server_attributes}
                with self._tracer.start_as_current_span(method, kind=SpanKind.CLIENT, attributes=attributes) as span:
                    headers = dict(headers)
                    propagate.inject(headers)
                    response = await self._send(method, target, headers, data, deadlines)
                    span.set_attribute("http.response.status_code", response.status)
                    if response.status >= 400:
                        span.set_status(StatusCode.ERROR)
        except BaseException as error:
            self._slots.release()
            if caller_body is not None and caller_body.failure is not None:
                raise caller_body.failure from None
            if isinstance(error, aiohttp.ClientError | TimeoutError):
                raise UpstreamError(_kind_of(error)) from error
            raise
        return UpstreamResponse(response, self._slots.release)

    async def _take_slot(self) -> None:
        # A free slot is taken without a timer: the deadline's timer work is only for calls that must wait.
        if not self._slots.locked():
            await self._slots.acquire()
            return
        try:
            await asyncio.wait_for(self._slots.acquire(), self._pool_wait_s)
        except TimeoutError:
            raise UpstreamError("busy") from None

    async def _send(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | _CallerBody | None,
        deadlines: aiohttp.ClientTimeout,
    ) -> aiohttp.ClientResponse:
        if self._session is None:  # made on first use, in the event loop that uses it
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, keepalive_timeout=self._keepalive_s),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )
        return await self._session.request(
            method,
            URL(self._origin + target, encoded=True),
            headers=headers,
            data=body,
            allow_redirects=False,
            timeout=deadlines,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

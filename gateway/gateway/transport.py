"""The gateway's HTTP transport to the services: httpx's API over aiohttp's connection pool and C HTTP parser.

Profiled under load, httpx's own transport (httpcore over anyio, the pure-Python h11 parser) was half of the
gateway's CPU per proxied request; httpx-aiohttp keeps httpx's requests, responses, timeouts and exceptions (and
OpenTelemetry's httpx transport wrapper) as they are, and a proxy built on it forwards 2.5 times as many requests
(docs/PERFORMANCE.md).

Two things httpx's pool did that the gateway relies on are kept here:

* A request that finds every connection to its service busy waits at most the pool timeout and then raises
  ``httpx.PoolTimeout``: the gateway's own pool is full, which the breaker must not count as the service failing.
  (aiohttp folds that wait into its connect timeout.)
* Nothing a service answers is remembered between requests of different callers: aiohttp's cookie jar is off.

httpx-aiohttp's own translation of aiohttp's errors reports a refused connection as a connect *timeout*; the
breaker and the problem documents tell "unavailable" (503) from "timeout" (504), so errors are translated here,
most specific first. An error of the caller's own body while it streams upstream (too large, too slow) is
raised as itself, not as a failure of the service.
"""

import asyncio
from collections.abc import AsyncIterator, Callable

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (aiohttp.ClientConnectionError, httpx.ReadError),
)


def _translated(error: httpx.TransportError, request: httpx.Request) -> httpx.TransportError:
    cause = error.__cause__
    for aiohttp_error, httpx_error in _ERRORS:
        if isinstance(cause, aiohttp_error):
            return httpx_error(str(cause) or type(cause).__name__, request=request)
    return error


class _ReleasedOnClose(httpx.AsyncByteStream):
    """The response body; closing it gives the connection's slot back (once)."""

    def __init__(self, stream: httpx.AsyncByteStream, request: httpx.Request, release: Callable[[], None]) -> None:
        self._stream = stream
        self._request = request
        self._release = release
        self._released = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except httpx.TransportError as error:
            raise _translated(error, self._request) from error.__cause__

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if not self._released:
                self._released = True
                self._release()


class _CallerBody(httpx.AsyncByteStream):
    """A streamed request body that remembers why the caller's side of it failed."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream
        self.failure: BaseException | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except BaseException as failure:
            self.failure = failure
            raise


class UpstreamTransport(httpx.AsyncBaseTransport):
    def __init__(self, limits: httpx.Limits) -> None:
        connections = limits.max_connections or 100
        self._slots = asyncio.Semaphore(connections)
        self._aiohttp = AiohttpTransport(
            client=lambda: aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=limits.keepalive_expiry or 0),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._slots.locked():
            try:
                await asyncio.wait_for(self._slots.acquire(), request.extensions.get("timeout", {}).get("pool"))
            except TimeoutError:
                raise httpx.PoolTimeout("every connection to the service is busy", request=request) from None
        else:
            await self._slots.acquire()
        body = None
        if isinstance(request.stream, httpx.AsyncByteStream) and not isinstance(request.stream, httpx.ByteStream):
            body = request.stream = _CallerBody(request.stream)
        try:
            response = await self._aiohttp.handle_async_request(request)
        except BaseException as error:
            self._slots.release()
            if body is not None and body.failure is not None:
                raise body.failure from None
            if isinstance(error, httpx.TransportError):
                raise _translated(error, request) from error.__cause__
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _ReleasedOnClose(response.stream, request, self._slots.release)
        return response

    async def aclose(self) -> None:
        await self._aiohttp.aclose()

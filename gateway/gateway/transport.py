"""The gateway's HTTP transport to the services: httpx's own, with a cheaper "did the service hang up?" check.

Before it hands out a connection, httpcore's pool asks every idle keep-alive connection whether the service closed
it (``get_extra_info("is_readable")``). Through the default anyio backend each answer rebuilds the stream's table of
typed attributes to find its socket: profiled under load, that was a tenth of the gateway's time per proxied request
(docs/PERFORMANCE.md). This backend opens the same anyio streams, keeps each one's socket, and answers from it.
"""

# ruff: noqa: ASYNC109 (the timeout parameters are httpcore's stream and backend interface)

import select
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

_READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def _readable(sock: socket.socket | None) -> bool:
    """Data (or the end of the stream) waiting to be read: on an idle connection that means the peer closed it."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, _READABLE)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: socket.socket | None = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._socket)
        return self._stream.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def upstream_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's transport with ``limits``, its connection pool on the backend above."""
    transport = httpx.AsyncHTTPTransport(limits=limits)
    # httpx builds its pool without a way to pass a network backend: the same pool, rebuilt with one.
    transport._pool = httpcore.AsyncConnectionPool(
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_Backend(),
    )
    return transport

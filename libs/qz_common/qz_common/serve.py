"""Start one deployable: apply its migrations, then serve it with uvicorn.

    python -m qz_common.serve dogs --port 8004 [--workers 4]

Used by the local runner, the image (deploy/Dockerfile), docker-compose and Kubernetes alike, so "migrations applied at
start" is one code path everywhere. Several replicas may start at once: :func:`qz_common.migrations.upgrade`
serialises them with a PostgreSQL advisory lock. On Kubernetes an init container runs ``--migrate-only`` and
the server runs ``--skip-migrations``.

uvicorn bounds neither the time a client takes to send a request's headers nor the time a new connection may stay
silent (its keep-alive timeout covers only the idle time after a response, and any byte received cancels it), so 200
connections sending a header byte at a time held the server for as long as they liked. The server here runs
uvicorn's own HTTP/1.1 protocol (httptools) with a deadline for the headers (``HeaderDeadlineProtocol``,
``QZ_HEADER_READ_TIMEOUT_S``); the body has its own deadline in the app (``qz_common.limits``).
"""

import argparse
import asyncio
import importlib
import json
import logging
from functools import cache
from typing import Any

import uvicorn
from pydantic_settings import BaseSettings, SettingsConfigDict
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from qz_common.errors import PROBLEM_JSON, problem_body
from qz_common.migrations import upgrade

log = logging.getLogger("qz.server")


class ServerSettings(BaseSettings):
    """The server's own settings, the same for every deployable (read in each server process)."""

    model_config = SettingsConfigDict(env_prefix="QZ_", extra="ignore")

    # Seconds a client has to send a request's headers, counted from the connection's start (its first request) or
    # from the request's first byte (later ones); then 408 and the connection is closed.
    header_read_timeout_s: float = 10.0


@cache
def server_settings() -> ServerSettings:
    return ServerSettings()


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request's headers.

    Armed when the connection is made and when a later request's first byte arrives, disarmed when its headers are
    complete. Past it the client gets 408 (a problem document) and the connection is closed; if the answer to an
    earlier, pipelined request is still being sent, the connection closes after that answer instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()

    def _arm_header_deadline(self) -> None:
        if self.header_deadline is None:
            timeout_s = server_settings().header_read_timeout_s
            self.header_deadline = self.loop.call_later(timeout_s, self._headers_too_slow, timeout_s)

    def _disarm_header_deadline(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _headers_too_slow(self, timeout_s: float) -> None:
        self.header_deadline = None
        if self.transport.is_closing():
            return
        log.warning("request headers not received in time: connection closed", extra={"timeout_s": timeout_s})
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False
            return
        problem = problem_body(408, "header_read_timeout", f"请求头未能在 {timeout_s:g} 秒内传完")
        body = json.dumps(problem, ensure_ascii=False, separators=(",", ":")).encode()
        head = [STATUS_LINE[408]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [f"content-type: {PROBLEM_JSON}\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", help="dogs | expropriation | medinsurance | science | gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--workers", type=int, default=1, help="server processes on this host (default 1)")
    steps = parser.add_mutually_exclusive_group()
    steps.add_argument("--migrate-only", action="store_true", help="apply the migrations and exit")
    steps.add_argument("--skip-migrations", action="store_true", help="serve without applying migrations")
    args = parser.parse_args()
    if args.port is None and not args.migrate_only:
        parser.error("--port is required to serve")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    server_settings()  # read at start, so that a bad QZ_HEADER_READ_TIMEOUT_S stops the start, not a connection
    factory = f"{args.package}.main:create_app"
    if not args.skip_migrations:
        state = importlib.import_module(f"{args.package}.main").create_app().state
        upgrade(args.package, state.settings.database_url, keyring=state.keyring)
    if args.migrate_only:
        return
    # An import string, so each worker process builds its own app (engine, connection pool, tracer).
    uvicorn.run(
        factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http=HeaderDeadlineProtocol,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()

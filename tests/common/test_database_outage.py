"""A deployable whose database cannot serve answers 503 ``database_unavailable`` with ``Retry-After``, on reads and
writes alike, never a 500; it serves again as soon as the database is back, and /readyz says 503
``database_unreachable`` meanwhile (issue 30: a PostgreSQL outage answered 500 without Retry-After).

Each outage is a real one: a PostgreSQL database that terminates its connections and refuses new ones, a server
nobody listens for, an SQLite file that cannot be opened, an SQLite write lock held by another process.
"""

import asyncio
import contextlib
import importlib
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from dogs_testdata import vaccination_body
from expropriation_kit import PROJECT
from fastapi import FastAPI
from fastapi.testclient import TestClient
from medinsurance_testdata import REP, USCC
from science_testdata import ENTERPRISE
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory, ServiceProcess, free_port, identity_headers

from qz_common.db import async_url
from qz_common.errors import DATABASE_RETRY_AFTER_S, install_problem_handlers
from qz_common.pool import FirstComeFirstServedPool

ENTERPRISE_BODY = {"uscc": ENTERPRISE, "name": "衢州元立新材料有限公司", "district": "柯城区"}
INSTITUTION = {
    "name": "柯城康复诊所",
    "kind": "primary_care",
    "uscc": USCC,
    "district": "柯城区",
    "address": "柯城区荷花街道1号",
    "community": "荷花社区",
    "legal_rep_id_number": REP,
}
# Per service: a read of a list and a command creating one record (a body each service accepts).
SERVICE_CALLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "dogs": ("/v1/vaccinations", "/v1/vaccinations", vaccination_body()),
    "expropriation": ("/v1/projects", "/v1/projects", PROJECT),
    "medinsurance": ("/v1/institutions", "/v1/institutions", INSTITUTION),
    "science": ("/v1/enterprises", "/v1/enterprises", ENTERPRISE_BODY),
}
# The gateway's own database: a relocation case read, and the retry command, which locks the case first.
GATEWAY_CALLS = (("GET", "/api/v1/cases/relocation/1"), ("POST", "/api/v1/cases/relocation/1/retry"))


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"
    assert response.headers["retry-after"] == str(DATABASE_RETRY_AFTER_S)


def assert_not_ready(client: httpx.Client | TestClient) -> None:
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()["code"]) == (503, "database_unreachable")


async def _admin(database_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(make_url(database_url).set(database="postgres").render_as_string(False))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def connections_refused(database_url: str) -> Iterator[None]:
    """The database ends every session and refuses new ones (what a restart, a fail-over or a drop looks like)."""
    name = make_url(database_url).database
    asyncio.run(
        _admin(
            database_url,
            f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
        )
    )
    try:
        yield
    finally:
        asyncio.run(_admin(database_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


@pytest.mark.postgres_only  # a server ending and refusing connections: SQLite has no server
@pytest.mark.parametrize("service", sorted(SERVICE_CALLS))
def test_a_service_answers_503_while_its_postgresql_database_refuses_connections(
    service: str, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    read, write, body = SERVICE_CALLS[service]
    database_url = database_factory.create(service)
    process = ServiceProcess(service, database_url, tmp_path / f"{service}.log").start()
    try:
        with httpx.Client(base_url=process.url, headers=identity_headers(service), timeout=30) as client:
            assert client.post(write, json=body).status_code == 201
            with connections_refused(database_url):
                assert_unavailable(client.get(read))
                assert_unavailable(client.post(write, json=body))
                assert_not_ready(client)
            page = client.get(read)
            assert page.status_code == 200, page.text
            assert page.json()["total"] == 1  # the write refused during the outage left nothing behind
            assert client.get("/readyz").status_code == 200
        assert "Traceback" not in process.log()  # an outage is a warning, not an unhandled error
    finally:
        process.stop()


def _app(deployable: str, database_url: str, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """The deployable's app as it starts in production: settings from the environment."""
    monkeypatch.setenv(f"{deployable.upper()}_DATABASE_URL", database_url)
    monkeypatch.setenv("QZ_DEV_MODE", "true")
    if deployable == "gateway":  # no bureau behind it: only its own database matters here
        monkeypatch.setenv("GATEWAY_SERVICE_URLS", f'{{"dogs": "http://127.0.0.1:{free_port()}"}}')
    app: FastAPI = importlib.import_module(f"{deployable}.main").create_app()
    return app


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port where a database node accepts connections and never answers (hung, or fenced in a fail-over)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


UNOPENABLE = {
    # a volume that is not mounted: the file's directory is missing
    "sqlite": lambda tmp_path, name, _silent: f"sqlite:///{tmp_path / 'not-mounted' / name}.db",
    # a server that is down: nobody listens on the port
    "postgresql": lambda _tmp_path, name, _silent: f"postgresql://postgres@127.0.0.1:{free_port()}/{name}",
    # a server that never answers: each attempt to connect gives up after the URL's timeout (5 s unless set)
    "postgresql-silent": lambda _tmp_path, name, silent: f"postgresql://postgres@127.0.0.1:{silent}/{name}?timeout=0.3",
}


@pytest.mark.parametrize("kind", sorted(UNOPENABLE))
@pytest.mark.parametrize("deployable", [*sorted(SERVICE_CALLS), "gateway"])
def test_every_deployable_answers_503_when_its_database_cannot_be_opened(
    deployable: str, kind: str, tmp_path: Path, silent_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(deployable, UNOPENABLE[kind](tmp_path, deployable, silent_port), monkeypatch)
    with TestClient(app, raise_server_exceptions=False) as client:
        if deployable == "gateway":
            for method, path in GATEWAY_CALLS:
                assert_unavailable(client.request(method, path, headers={"X-API-Key": "dev-key"}))
        else:
            read, write, body = SERVICE_CALLS[deployable]
            client.headers.update(identity_headers(deployable))
            assert_unavailable(client.get(read))
            assert_unavailable(client.post(write, json=body))
        assert_not_ready(client)


def test_a_command_that_waits_beyond_the_sqlite_busy_timeout_answers_503_while_reads_go_on(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    """Another process holds SQLite's one write lock longer than the busy timeout (here 0.3 s, set in the URL)."""
    database_file = make_url(database_factory.create("dogs", backend="sqlite")).database
    read, write, body = SERVICE_CALLS["dogs"]
    process = ServiceProcess("dogs", f"sqlite:///{database_file}?timeout=0.3", tmp_path / "dogs.log").start()
    try:
        with httpx.Client(base_url=process.url, headers=identity_headers("dogs"), timeout=30) as client:
            assert client.post(write, json=body).status_code == 201
            holder = sqlite3.connect(str(database_file), isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                assert_unavailable(client.post(write, json=body))
                assert client.get(read).json()["total"] == 1  # in WAL mode a read never waits for the lock
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert client.post(write, json=body).status_code == 201
            assert client.get(read).json()["total"] == 2
    finally:
        process.stop()


def test_a_request_that_finds_every_connection_busy_beyond_the_pool_timeout_answers_503(
    database_factory: DatabaseFactory,
) -> None:
    """The pool's wait is bounded (SQLAlchemy's ``pool_timeout``); a request that waited it out is told to come back.
    A pool of one connection, held by another request, makes the wait certain."""
    engine = create_async_engine(
        async_url(database_factory.create("platform", migrate=False)),
        poolclass=FirstComeFirstServedPool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=0.2,
    )
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/one")
    async def one() -> int:
        async with engine.connect() as connection:
            return int((await connection.execute(text("SELECT 1"))).scalar_one())

    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as client:
            holder = await engine.connect()
            try:
                return await client.get("/one")
            finally:
                await holder.close()
                await engine.dispose()

    assert_unavailable(asyncio.run(scenario()))

"""Helpers shared by the tests of every service: databases, identities, valid identifiers.

Tests run against PostgreSQL when ``TEST_DATABASE_URL`` is set (CI points it at the
local server) or a Docker engine is reachable (testcontainers), else on SQLite files.
Every service gets a fresh database of its own, migrated with its Alembic history.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from stdnum.cn import ric

from qz_common.db import async_url
from qz_common.identity import IDENTITY_HEADER, SigningKey, mint_token, raw_public_key
from qz_common.migrations import upgrade
from qz_common.settings import DEV_SIGNING_KEY


def identity_headers(
    service: str,
    *,
    scopes: Iterable[str] | None = None,
    district: str | None = None,
    citizen: str | None = None,
    enterprise: str | None = None,
    client_id: str = "test-client",
) -> dict[str, str]:
    """The header the gateway would forward for such a caller (a 浙里办 ``citizen`` by 身份证号 or ``enterprise`` by
    统一社会信用代码, at full real-name level)."""
    zheliban = citizen or enterprise
    granted = scopes if scopes is not None else ([] if zheliban else [f"{service}:read", f"{service}:write"])
    token = mint_token(
        DEV_SIGNING_KEY,
        audience=service,
        client_id=client_id,
        scopes=granted,
        district=district,
        citizen_id=citizen,
        enterprise_id=enterprise,
        auth_level=3 if zheliban else None,
    )
    return {IDENTITY_HEADER: token}


@dataclass(frozen=True)
class IdentityKey:
    """A fresh Ed25519 key for internal identity tokens, as an operator makes one for production: the gateway's
    settings hold it, every deployable's ``QZ_IDENTITY_PUBLIC_KEYS`` lists its public half."""

    kid: str
    private_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def signing_key(self) -> SigningKey:
        return SigningKey(self.kid, self.private_key)

    @property
    def public_keys(self) -> dict[str, str]:
        return {self.kid: raw_public_key(self.private_key.public_key())}

    @property
    def gateway_settings(self) -> dict[str, Any]:
        pem = self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return {"identity_key_id": self.kid, "identity_private_key": pem.decode()}


@dataclass(frozen=True)
class PiiKeys:
    """Keys for a service's personal data (qz_common.pii), made as an operator makes them (``openssl rand -base64
    16``): data keys by id, the active one, and the blind-index key with its id."""

    keys: dict[str, str]
    active: str
    index_kid: str = "idx-2026a"
    index_key: str = field(default_factory=lambda: base64.b64encode(os.urandom(32)).decode())
    cipher: str = "sm4-gcm"

    @classmethod
    def fresh(cls, kid: str = "2026a", cipher: str = "sm4-gcm") -> PiiKeys:
        return cls({kid: _pii_key(cipher)}, kid, cipher=cipher)

    def rotated_to(self, kid: str, cipher: str | None = None) -> PiiKeys:
        """A new key added and made active, the old ones kept to read what they sealed."""
        cipher = cipher or self.cipher
        return replace(self, keys=self.keys | {kid: _pii_key(cipher)}, active=kid, cipher=cipher)

    def without(self, kid: str) -> PiiKeys:
        return replace(self, keys={k: v for k, v in self.keys.items() if k != kid})

    @property
    def settings(self) -> dict[str, Any]:
        """As keyword arguments of a service's settings."""
        return {
            "pii_cipher": self.cipher,
            "pii_keys": {kid: SecretStr(key) for kid, key in self.keys.items()},
            "pii_key_id": self.active,
            "pii_index_key_id": self.index_kid,
            "pii_index_key": SecretStr(self.index_key),
        }

    def environment(self, prefix: str) -> dict[str, str]:
        """As the environment of a service's process (``prefix``: ``DOGS_``)."""
        return {
            f"{prefix}PII_CIPHER": self.cipher,
            f"{prefix}PII_KEYS": json.dumps(self.keys),
            f"{prefix}PII_KEY_ID": self.active,
            f"{prefix}PII_INDEX_KEY_ID": self.index_kid,
            f"{prefix}PII_INDEX_KEY": self.index_key,
        }


def _pii_key(cipher: str) -> str:
    return base64.b64encode(os.urandom({"sm4-gcm": 16, "aes-256-gcm": 32}[cipher])).decode()


def id_number(area: str = "330802", born: dt.date = dt.date(1985, 6, 15), sequence: int = 123) -> str:
    """A valid 身份证号 (check digit computed by python-stdnum)."""
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def _docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=15).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class DatabaseFactory:
    """Creates one fresh, migrated database per service for the test session."""

    server_url: str | None
    sqlite_dir: Path
    created: list[str] = field(default_factory=list)
    container: Any = None

    @classmethod
    def from_environment(cls, sqlite_dir: Path) -> DatabaseFactory:
        if url := os.environ.get("TEST_DATABASE_URL"):
            return cls(url, sqlite_dir)
        if _docker_engine_available():
            from testcontainers.postgres import PostgresContainer

            container = PostgresContainer("postgres:16-alpine", driver=None).start()
            return cls(container.get_connection_url(), sqlite_dir, container=container)
        return cls(None, sqlite_dir)

    @property
    def is_postgres(self) -> bool:
        return self.server_url is not None

    def _pg_dsn(self, database: str) -> str:
        return make_url(self.server_url or "").set(drivername="postgresql", database=database).render_as_string(False)

    @property
    def backends(self) -> tuple[str, ...]:
        """The databases tests can run on here: SQLite always, PostgreSQL when a server is reachable."""
        return ("sqlite", "postgresql") if self.is_postgres else ("sqlite",)

    def create(self, package: str, *, migrate: bool = True, backend: str | None = None) -> str:
        """A fresh database for ``package``: on the session's server (or SQLite without one), or on the ``backend``
        named, so that a test can prove an invariant on both."""
        name = f"qz_test_{package}_{uuid.uuid4().hex[:8]}"
        if backend not in (None, *self.backends):
            raise ValueError(f"no {backend} database here")
        if self.server_url is None or backend == "sqlite":
            url = f"sqlite:///{self.sqlite_dir / (name + '.db')}"
        else:
            asyncio.run(self._admin(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
            url = self._pg_dsn(name)
        if migrate:
            upgrade(package, url)
        return url

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(self._pg_dsn(make_url(self.server_url or "").database or "postgres"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    def drop_all(self) -> None:
        for name in self.created:
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if self.container is not None:
            self.container.stop()


def reset_tables(url: str, metadata: MetaData) -> None:
    """Empty every table of a service (between tests), keeping the schema."""

    async def run() -> None:
        engine = create_async_engine(async_url(url))
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(metadata.sorted_tables):
                    await conn.execute(table.delete())
        await engine.dispose()

    asyncio.run(run())


def stored_text(database_url: str) -> dict[str, list[str]]:
    """Every non-NULL cell of every table of a database as text, by table, as a dump shows it (a JSON document also
    as JSON text without escapes, so that a name in it reads as the name)."""

    async def dump() -> dict[str, list[str]]:
        engine = create_async_engine(async_url(database_url))
        cells: dict[str, list[str]] = {}
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            for table in tables:
                rows = await connection.execute(text(f'SELECT * FROM "{table}"'))
                cells[table] = [str(value) for row in rows for value in row if value is not None]
        await engine.dispose()
        return cells

    cells = asyncio.run(dump())
    for values in cells.values():
        for value in list(values):
            with contextlib.suppress(ValueError):  # not JSON
                values.append(json.dumps(json.loads(value), ensure_ascii=False))
    return cells


def run_sql(database_url: str, statement: str, **parameters: object) -> list[Any]:
    """The rows of one raw SQL statement (none for a write), in a transaction of its own: what the database holds,
    read past the models and their keys."""

    async def run() -> list[Any]:
        engine = create_async_engine(async_url(database_url))
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), parameters)
            rows = list(result) if result.returns_rows else []
        await engine.dispose()
        return rows

    return asyncio.run(run())


def write_as_stored(database_url: str, rows: Mapping[str, Mapping[str, Any] | Sequence[Mapping[str, Any]]]) -> None:
    """Rows by table, inserted through the schema the database reports (reflected, no model of today's): what an
    earlier release wrote, before a migration that must carry them."""

    async def run() -> None:
        engine = create_async_engine(async_url(database_url))
        async with engine.begin() as connection:
            schema = MetaData()
            await connection.run_sync(lambda sync: schema.reflect(sync, only=list(rows)))
            for table, written in rows.items():
                for row in [written] if isinstance(written, Mapping) else written:
                    await connection.execute(schema.tables[table].insert().values(row))
        await engine.dispose()

    asyncio.run(run())


def in_clear(database_url: str, personal: Iterable[str]) -> list[tuple[str, str]]:
    """(table, value) for each of the ``personal`` values that some cell of a table holds in clear."""
    cells = stored_text(database_url)
    return [(table, value) for table, values in cells.items() for value in personal if any(value in v for v in values)]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServiceProcess:
    """A service running as its own process (python -m qz_common.serve), as in production."""

    package: str
    database_url: str
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60) -> ServiceProcess:
        import sys
        import time
        import urllib.request

        env = {**os.environ, "QZ_DEV_MODE": "true", f"{self.package.upper()}_DATABASE_URL": self.database_url}
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "qz_common.serve", self.package, "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.package} exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.package} did not become healthy; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def logged(self, marker: str, timeout_s: float = 10, *, waiting_for: str = "") -> list[str]:
        """The log lines containing ``marker``, waiting (up to ``timeout_s``) for the first that also contains
        ``waiting_for``.

        The service writes its access line after the answer has left, so the gateway's answer can arrive first, and a
        request's other lines may be written before it: wait for the line rather than read the log once."""
        deadline = time.monotonic() + timeout_s
        while True:
            lines = [line for line in self.log().splitlines() if marker in line]
            if any(waiting_for in line for line in lines):
                return lines
            assert time.monotonic() < deadline, f"{self.package} logged no line with {marker!r} and {waiting_for!r}"
            time.sleep(0.05)

    def pause(self) -> None:
        """SIGSTOP: the socket still accepts connections but nothing answers, like a hung service."""
        import signal

        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        import signal

        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def call_asgi(
    client: Any, method: str, raw_path: bytes, headers: list[tuple[bytes, bytes]], receive: Any
) -> list[dict[str, Any]]:
    """Call a started TestClient's app with a hand-made scope and ``receive``; return the messages it sent.

    For what TestClient cannot send: control characters in the raw path, a body that trickles in.
    """
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path.decode("latin-1"),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [*headers, (b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    client.portal.call(client.app, scope, receive, send)
    return sent


def response_status(sent: list[dict[str, Any]]) -> int:
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))

"""The gateway in front of the four real services, each a separate process on its own database."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, ServiceProcess

from gateway.main import create_app
from gateway.settings import GatewaySettings
from qz_common.settings import PlatformSettings


@pytest.fixture(scope="session")
def gateway_db(database_factory: DatabaseFactory) -> str:
    return database_factory.create("gateway")


def _settings(gateway_db: str, urls: dict[str, str], **overrides: object) -> GatewaySettings:
    values: dict[str, object] = {
        "database_url": gateway_db,
        "service_urls": urls,
        "key_cache_s": 0,
        "rate_limit_per_s": 1000,
        "rate_limit_burst": 1000,
        # Generous: a source answering late here is a loaded test machine, not the fault a test looks for (those set
        # their own deadline, test_gateway_resilience); 1.5 s once left a dossier incomplete in a full run.
        "dossier_deadline_s": 5.0,
    }
    values.update(overrides)
    return GatewaySettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings_for(service_processes: dict[str, ServiceProcess]) -> Callable[..., GatewaySettings]:
    """Gateway settings on a given database, pointing at the running services."""

    def make(database_url: str, **overrides: object) -> GatewaySettings:
        return _settings(database_url, {name: p.url for name, p in service_processes.items()}, **overrides)

    return make


@pytest.fixture
def make_gateway(gateway_db: str, service_processes: dict[str, ServiceProcess]) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(urls: dict[str, str] | None = None, dev_mode: bool = True, **overrides: object) -> TestClient:
        urls = urls or {name: p.url for name, p in service_processes.items()}
        app = create_app(_settings(gateway_db, urls, **overrides), PlatformSettings(dev_mode=dev_mode))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def gateway(make_gateway: Callable[..., TestClient]) -> TestClient:
    return make_gateway()


@pytest.fixture
def issue_key(gateway_db: str) -> Callable[..., str]:
    """Create an API client with the real CLI (``python -m gateway.cli create``) and return its key: on the tests'
    gateway database, in dev mode as its gateways run, or on ``database_url`` with the ``environment`` of its
    gateway (its ``GATEWAY_PII_*`` keys: the CLI writes the sealed audit log)."""

    def issue(
        client_id: str,
        scopes: str = "",
        district: str | None = None,
        kind: str = "system",
        database_url: str = gateway_db,
        environment: dict[str, str] | None = None,
    ) -> str:
        args = [sys.executable, "-P", "-m", "gateway.cli", "create", "--client-id", client_id, "--kind", kind]
        args += ["--scopes", scopes] + (["--district", district] if district else [])
        env = {**os.environ, "GATEWAY_DATABASE_URL": database_url, **(environment or {"QZ_DEV_MODE": "true"})}
        out = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
        return str(json.loads(out.stdout)["api_key"])

    return issue


@pytest.fixture
def spare_dogs(database_factory: DatabaseFactory, tmp_path: Path) -> Iterator[ServiceProcess]:
    """A dogs process of this test's own, to stop, hang and restart."""
    process = ServiceProcess("dogs", database_factory.create("dogs"), tmp_path / "spare-dogs.log").start()
    yield process
    if process.process is not None:
        process.resume()
    process.stop()

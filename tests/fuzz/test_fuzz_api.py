"""Property-based fuzzing of every operation of every service and of the gateway (schemathesis).

The lasting form of "no client input is ever a 5xx": schemathesis generates valid and invalid requests from each
OpenAPI document and checks that no answer is a server error and that every documented answer matches its
schema. The number of generated examples per operation is bounded (``FUZZ_MAX_EXAMPLES``, default 8, plus
schemathesis' boundary-value cases) and the seed is fixed, so a run is repeatable and takes a few minutes.

Services are fuzzed in process on their own databases, with the gateway's identity token; the gateway is fuzzed
in process in front of the real service processes (its own operations: the proxied ones are the services').
Schemas are built at import (schemathesis generates one test per operation from them); the applications behind
them need the test databases, so each schema talks to a ``DeferredApp`` that a fixture points at the real one.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from starlette.types import ASGIApp, Receive, Scope, Send
from testkit import DatabaseFactory, ServiceProcess, identity_headers

from dogs.main import create_app as create_dogs
from dogs.settings import DogsSettings
from expropriation.main import create_app as create_expropriation
from expropriation.settings import ExpropriationSettings
from gateway.main import create_app as create_gateway
from gateway.settings import GatewaySettings
from medinsurance.main import create_app as create_medinsurance
from medinsurance.settings import MedinsuranceSettings
from qz_common.settings import PlatformSettings
from science.main import create_app as create_science
from science.settings import ScienceSettings

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20230301,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    }
)
CHECKS = [not_a_server_error, response_schema_conformance]
PLATFORM = PlatformSettings(dev_mode=True)
# Building an app connects to nothing: this URL only lets the import-time apps render their OpenAPI documents.
UNUSED_DATABASE = "sqlite:///var/fuzz-schema-only.db"


def build_service(service: str, database_url: str, photo_dir: Path) -> FastAPI:
    if service == "dogs":
        return create_dogs(DogsSettings(database_url=database_url, photo_dir=photo_dir), PLATFORM)
    if service == "expropriation":
        return create_expropriation(ExpropriationSettings(database_url=database_url), PLATFORM)
    if service == "medinsurance":
        return create_medinsurance(MedinsuranceSettings(database_url=database_url), PLATFORM)
    return create_science(ScienceSettings(database_url=database_url), PLATFORM)


class DeferredApp:
    """An ASGI app that forwards to ``target``, set once the test databases exist."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.target is None:
            raise RuntimeError(f"{self.name}: the fuzz_apps fixture has not started the application")
        await self.target(scope, receive, send)


def _schema(document: dict[str, Any], app: DeferredApp) -> Any:
    schema = schemathesis.openapi.from_dict(document, config=CONFIG)
    schema.app = app
    return schema


SERVICES = ("dogs", "expropriation", "medinsurance", "science")
APPS = {name: DeferredApp(name) for name in (*SERVICES, "gateway")}
SCHEMAS = {name: _schema(build_service(name, UNUSED_DATABASE, Path("var")).openapi(), APPS[name]) for name in SERVICES}
SCHEMAS["gateway"] = _schema(
    create_gateway(GatewaySettings(database_url=UNUSED_DATABASE), PLATFORM).openapi(), APPS["gateway"]
)


@pytest.fixture(scope="module", autouse=True)
def fuzz_apps(
    database_factory: DatabaseFactory,
    service_processes: dict[str, ServiceProcess],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    photos = tmp_path_factory.mktemp("fuzz-photos")
    for name in SERVICES:
        APPS[name].target = build_service(name, database_factory.create(name), photos)
    gateway_settings = GatewaySettings(
        database_url=database_factory.create("gateway"),
        service_urls={name: process.url for name, process in service_processes.items()},
        rate_limit_per_s=10_000,
        rate_limit_burst=10_000,
    )
    APPS["gateway"].target = create_gateway(gateway_settings, PLATFORM)
    yield
    for app in APPS.values():
        app.target = None


def _fuzz(name: str, headers: Callable[[], dict[str, str]]) -> Callable[[schemathesis.Case], None]:
    @SCHEMAS[name].parametrize()
    def fuzz_operation(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers(), checks=CHECKS)

    return fuzz_operation  # type: ignore[no-any-return]


# One test per operation, e.g. test_dogs[POST /v1/registrations]. Identity tokens live 60 s: minted per call.
test_dogs = _fuzz("dogs", lambda: identity_headers("dogs"))
test_expropriation = _fuzz("expropriation", lambda: identity_headers("expropriation"))
test_medinsurance = _fuzz("medinsurance", lambda: identity_headers("medinsurance"))
test_science = _fuzz("science", lambda: identity_headers("science"))
test_gateway = _fuzz("gateway", lambda: {"X-API-Key": "dev-key"})

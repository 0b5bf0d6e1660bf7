"""The FastAPI application every service is built from."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from qz_common.contract import install_contract, operation_id_for
from qz_common.db import Database
from qz_common.docs import offline_docs_router
from qz_common.errors import DatabaseUnavailable, install_problem_handlers, problem_response
from qz_common.limits import RequestLimits
from qz_common.logs import configure_logging
from qz_common.metrics import install_metrics
from qz_common.parameter_api import parameters_router, readings_router
from qz_common.pii import KeyRing, KeyVerification, use_keyring
from qz_common.requests import PlatformMiddleware
from qz_common.settings import PlatformSettings, ServiceSettings
from qz_common.telemetry import instrument_service

log = logging.getLogger("qz.app")


async def _keys_verified(request: Request) -> None:
    """A service holding personal data reads and writes its database only with keys checked against it."""
    verification: KeyVerification | None = request.app.state.key_verification
    if verification is not None and not verification.done:
        await verification.before_a_request()


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    await _keys_verified(request)
    database: Database = request.app.state.db
    async with database.sessionmaker() as session:
        yield session


# Inject with ``session: Session``; commands wrap their work in ``async with session.begin():``.
Session = Annotated[AsyncSession, Depends(_session)]


async def _engine(request: Request) -> AsyncEngine:
    await _keys_verified(request)
    database: Database = request.app.state.db
    return database.reader


# Inject with ``engine: Engine`` where a collection page (qz_common.pagination) is all an endpoint reads: the page
# takes a connection of its own, and the request opens and closes no session. It is the database's engine of
# one-statement reads (``Database.reader``: autocommit on PostgreSQL), so it never writes.
Engine = Annotated[AsyncEngine, Depends(_engine)]


def create_service_app(
    *,
    settings: ServiceSettings,
    platform: PlatformSettings,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    version: str = "1.0.0",
    on_startup: Callable[[FastAPI], Awaitable[None]] | None = None,
    on_shutdown: Callable[[FastAPI], Awaitable[None]] | None = None,
    health_details: Callable[[FastAPI], dict[str, Any]] | None = None,
    ready_details: Callable[[FastAPI], dict[str, Any]] | None = None,
    own_docs: bool = True,
    parameter_books: Path | None = None,
    metrics_registry: CollectorRegistry | None = None,
    metrics_access: Callable[[Request], Awaitable[None]] | None = None,
    personal_data: bool = False,
) -> FastAPI:
    """A service app with /healthz, /readyz, /metrics, problem errors, request ids and JSON logs.

    ``own_docs=False`` leaves /openapi.json and /docs to the caller (the gateway serves a merged document).
    ``parameter_books``: the service's ``params/`` directory, served read-only under ``/v1/parameters``.
    ``metrics_registry`` adds the request metrics to the caller's registry; ``metrics_access`` guards /metrics
    (services serve it on their internal port; the gateway, whose port is public, asks for a scope).
    ``personal_data``: the service's models seal personal data (qz_common.pii). Its key ring is read from the
    settings (``KeyRingError`` stops the start) and checked against the database at start, or before the first request
    once the database answers if it did not at start (``app.state.keyring``).
    """
    configure_logging(settings.service_name, platform.log_level)
    database = Database(settings.database_url, echo=settings.database_echo)
    keyring = KeyRing.from_settings(settings, dev_mode=platform.dev_mode) if personal_data else None
    verification = None
    if keyring is not None:
        use_keyring(database.engine, keyring)
        verification = KeyVerification(database.engine, keyring)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if verification is not None:
            try:
                await verification.ensure()
            except DatabaseUnavailable as unavailable:
                log.warning(
                    "personal data keys not verified at start, will be before the first request: %s", unavailable
                )
        if on_startup:
            await on_startup(app)
        yield
        if on_shutdown:
            await on_shutdown(app)
        await database.dispose()

    # /docs and /redoc come from offline_docs_router (no CDN), never from FastAPI's defaults.
    docs_urls: dict[str, Any] = {"docs_url": None, "redoc_url": None} | ({} if own_docs else {"openapi_url": None})
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=operation_id_for(settings.service_name),
        # Traces are qz_common.telemetry's, on a tracer provider of the service's own. FastAPI's built-in telemetry
        # would look up the global providers before every request to see whether it has anything to do (2% of a
        # quote), and would trace each request a second time once a global provider were set.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        **docs_urls,
    )
    app.state.db = database
    app.state.settings = settings
    app.state.keyring = keyring
    app.state.key_verification = verification
    app.state.service_name = settings.service_name
    app.state.identity_public_keys = platform.identity_verification_keys
    app.state.request_metrics = install_metrics(app, metrics_registry, metrics_access)
    limits = RequestLimits(settings.max_body_bytes, settings.max_header_bytes, settings.body_read_timeout_s)
    app.add_middleware(PlatformMiddleware, limits=limits, metrics=app.state.request_metrics)
    install_problem_handlers(app)
    install_contract(app)
    instrument_service(app, database.engine, settings.service_name)

    @app.get("/healthz", tags=["ops"], summary="存活检查")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "service": settings.service_name, **(health_details(app) if health_details else {})}

    @app.get("/readyz", tags=["ops"], summary="就绪检查（数据库可达）", response_model=None)
    async def readyz() -> Any:
        try:
            await database.ping()
        except Exception:
            return problem_response(503, "database_unreachable", "数据库不可达")
        return {"status": "ready", "service": settings.service_name, **(ready_details(app) if ready_details else {})}

    if own_docs:
        app.include_router(offline_docs_router("/openapi.json", title))
    for router in routers:
        app.include_router(router)
    if parameter_books is not None:
        app.include_router(parameters_router(parameter_books))
        app.include_router(readings_router(parameter_books))
    return app

"""The FastAPI application every service is built from."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.db import Database
from qz_common.errors import PROBLEM_JSON, install_problem_handlers, problem_response
from qz_common.limits import RequestLimitsMiddleware
from qz_common.logs import configure_logging
from qz_common.metrics import install_metrics
from qz_common.requests import RequestContextMiddleware
from qz_common.settings import PlatformSettings, ServiceSettings

_PROBLEM_SCHEMA = {
    "description": "错误（application/problem+json）",
    "content": {
        PROBLEM_JSON: {
            "schema": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                    "errors": {"type": "array", "items": {"type": "object"}},
                    "request_id": {"type": "string"},
                },
            }
        }
    },
}
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _PROBLEM_SCHEMA,
    403: _PROBLEM_SCHEMA,
    422: _PROBLEM_SCHEMA,
}


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.db
    async with database.sessionmaker() as session:
        yield session


# Inject with ``session: Session``; commands wrap their work in ``async with session.begin():``.
Session = Annotated[AsyncSession, Depends(_session)]


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
    metrics_registry: CollectorRegistry | None = None,
    metrics_access: Callable[[Request], Awaitable[None]] | None = None,
) -> FastAPI:
    """A service app with /healthz, /readyz, /metrics, problem errors, request ids and JSON logs.

    ``own_docs=False`` leaves /openapi.json and /docs to the caller (the gateway serves a merged document).
    ``metrics_registry`` adds the request metrics to the caller's registry; ``metrics_access`` guards /metrics
    (services serve it on their internal port; the gateway, whose port is public, asks for a scope).
    """
    configure_logging(settings.service_name, platform.log_level)
    database = Database(settings.database_url, echo=settings.database_echo)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if on_startup:
            await on_startup(app)
        yield
        if on_shutdown:
            await on_shutdown(app)
        await database.dispose()

    docs_urls: dict[str, Any] = {} if own_docs else {"openapi_url": None, "docs_url": None, "redoc_url": None}
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        responses=COMMON_RESPONSES,
        **docs_urls,
    )
    app.state.db = database
    app.state.settings = settings
    app.state.service_name = settings.service_name
    app.state.token_secret = platform.token_secret
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        body_read_timeout_s=settings.body_read_timeout_s,
    )
    # outside the limits, so refused requests are counted too (as ``unmatched``: they never reached a route)
    app.state.request_metrics = install_metrics(app, metrics_registry, metrics_access)
    app.add_middleware(RequestContextMiddleware)  # added last, so outermost: limit refusals get a request id too
    install_problem_handlers(app)

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

    for router in routers:
        app.include_router(router)
    return app

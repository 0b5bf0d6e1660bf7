"""One OpenAPI document for the whole public API: each service's paths under ``/api/{service}``."""

import asyncio
import time
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

router = APIRouter(include_in_schema=False)
_CACHE_S = 60.0


def _prefixed_ref(ref: str, prefix: str) -> str:
    return ref.replace("#/components/schemas/", f"#/components/schemas/{prefix}")


def _rename_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {k: _prefixed_ref(v, prefix) if k == "$ref" else _rename_refs(v, prefix) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_refs(v, prefix) for v in node]
    return node


def merge(gateway_doc: dict[str, Any], service_docs: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    merged = {
        "openapi": gateway_doc.get("openapi", "3.1.0"),
        "info": {"title": "衢州规则即代码平台 API", "version": "1.0.0", "description": "所有请求须带 X-API-Key。"},
        "paths": dict(gateway_doc.get("paths", {})),
        "components": {
            "schemas": dict(gateway_doc.get("components", {}).get("schemas", {})),
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        },
        "security": [{"ApiKey": []}],
        "x-unavailable-services": [name for name, doc in service_docs.items() if doc is None],
    }
    for service, doc in service_docs.items():
        if doc is None:
            continue
        prefix = f"{service}__"
        for path, item in doc.get("paths", {}).items():
            if path in ("/healthz", "/readyz"):
                continue
            renamed = _rename_refs(item, prefix)
            for operation in renamed.values():
                if isinstance(operation, dict):
                    operation["tags"] = [f"{service}: {t}" for t in operation.get("tags", [service])]
            merged["paths"][f"/api/{service}{path}"] = renamed
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            merged["components"]["schemas"][prefix + name] = _rename_refs(schema, prefix)
    return merged


async def _service_doc(request: Request, service: str) -> dict[str, Any] | None:
    upstreams = request.app.state.upstreams
    try:
        status, body = await upstreams.json(service, "GET", "/openapi.json", headers={}, retryable=False)
    except Exception:
        return None
    return body if status == 200 and isinstance(body, dict) else None


@router.get("/openapi.json")
async def merged_openapi(request: Request) -> JSONResponse:
    app: FastAPI = request.app
    cached = getattr(app.state, "merged_openapi", None)
    if cached and cached[1] > time.monotonic():
        return JSONResponse(cached[0])
    services = list(app.state.settings.service_urls)
    docs = await asyncio.gather(*(_service_doc(request, s) for s in services))
    document = merge(app.openapi(), dict(zip(services, docs, strict=True)))
    if not document["x-unavailable-services"]:
        app.state.merged_openapi = (document, time.monotonic() + _CACHE_S)
    return JSONResponse(document)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="衢州规则即代码平台 API")

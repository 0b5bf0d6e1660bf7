"""One OpenAPI document for the whole public API: each service's paths under ``/api/{service}``."""

import asyncio
import copy
import time
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.auth import SAFE_METHODS
from gateway.upstream import UpstreamFailure
from qz_common.answers import problem_example, problem_examples
from qz_common.contract import PROBLEM, PROBLEM_REF, ProblemExamples, document_errors
from qz_common.docs import offline_docs_router

router = APIRouter(include_in_schema=False)
router.include_router(offline_docs_router("/openapi.json", "衢州规则即代码平台 API"))
_CACHE_S = 60.0


CITIZEN_SECURITY: list[dict[str, list[str]]] = [{"ApiKey": [], "CitizenAssertion": []}]
SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "接入方的 API Key"},
    "CitizenAssertion": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Citizen-Assertion",
        "description": "浙里办接入方签发的用户身份声明（HS256 JWT：user_type 为 PERSON（缺省）或 LEGAL_PERSON；"
        "sub 为个人身份证号或法人统一社会信用代码，法人另带经办人 agent_id_number、agent_name；auth_level 1–3；"
        "有效期不超过 15 分钟；jti 每次变更仅可使用一次），仅用于 /api/v1/me/...。查询须认证等级 2 及以上，"
        "变更须认证等级 3",
    },
}


def _prefixed_ref(ref: str, prefix: str) -> str:
    if ref == PROBLEM_REF:
        return ref
    return ref.replace("#/components/schemas/", f"#/components/schemas/{prefix}")


def _rename_refs(node: Any, prefix: str) -> Any:
    """``node`` with every schema it names renamed: each ``$ref``, and each target of a discriminator's mapping
    (a reference too, though not spelled ``$ref``: a generator following it to the unprefixed name finds nothing)."""
    if isinstance(node, dict):
        renamed: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref":
                renamed[key] = _prefixed_ref(value, prefix)
            elif key == "discriminator" and isinstance(value, dict) and "mapping" in value:
                targets = {tag: _prefixed_ref(target, prefix) for tag, target in value["mapping"].items()}
                renamed[key] = {**value, "mapping": targets}
            else:
                renamed[key] = _rename_refs(value, prefix)
        return renamed
    if isinstance(node, list):
        return [_rename_refs(v, prefix) for v in node]
    return node


def _proxied_errors(_path: str, _method: str) -> set[int]:
    """What the gateway itself may answer for any proxied call, besides what the service documents."""
    return {401, 403, 413, 429, 502, 503, 504}


def _own_errors(path: str, _method: str) -> set[int]:
    """What the gateway's own operations may answer besides what they document: its rate limit, and on /me the
    adapter's key and the user's assertion."""
    return {401, 403, 429} if path.startswith("/api/v1/me/") else {429}


def _problems(service: str) -> ProblemExamples:
    """The problems a caller of the gateway gets: the gateway's own for what it answers itself (its key, the citizen's
    assertion, its rate limit, a service that cannot answer), the service's (qz_common.answers) for the rest."""

    def problems(document: dict[str, Any], path: str, method: str, operation: dict[str, Any], status: int) -> Any:
        citizen = path.startswith(("/v1/me/", "/api/v1/me/"))
        own: list[tuple[int, str, str]] = [
            (401, "api_key_missing", "缺少 X-API-Key"),
            (401, "api_key_invalid", "X-API-Key 无效或已吊销"),
            (429, "rate_limited", "请求过于频繁，请稍后再试"),
            (413, "payload_too_large", "请求体不得超过 1048576 字节"),
            (403, "citizen_path_only_for_adapter", "/api/v1/me 仅供浙里办接入方调用")
            if citizen
            else (403, "adapter_limited_to_me", "浙里办接入方只能访问 /api/v1/me/..."),
        ]
        if citizen:
            write = method.upper() not in SAFE_METHODS
            own += [*_ASSERTION_PROBLEMS, *(_WRITE_ASSERTION_PROBLEMS if write else []), _LEVEL_PROBLEMS[write]]
        own += [(code, f"upstream_{kind}", detail.format(service=service)) for kind, code, detail in _UPSTREAM]
        answered = [problem_example(code, name, detail) for code, name, detail in own if code == status]
        if status in (401, 413, 429, 502, 503, 504):
            return answered
        return answered + problem_examples(document, path, method, operation, status, service)

    return problems


_UPSTREAM = [(kind, UpstreamFailure.STATUS[kind], detail) for kind, detail in UpstreamFailure.DETAIL.items()]
# What gateway.auth answers about the 浙里办 user's assertion, word for word (provoked and compared by
# tests/gateway/test_gateway_openapi_identity.py): on every /me operation, and on a write the one-time jti.
_ASSERTION_PROBLEMS: list[tuple[int, str, str]] = [
    (401, "assertion_missing", "缺少经签名的用户身份声明 X-Citizen-Assertion"),
    (401, "assertion_invalid", "用户身份声明无效"),
    (401, "assertion_expired", "用户身份声明已过期"),
    (401, "assertion_too_long", "用户身份声明有效期不得超过 15 分钟"),
]
_WRITE_ASSERTION_PROBLEMS: list[tuple[int, str, str]] = [
    (401, "assertion_jti_missing", "变更记录的用户身份声明须带一次性编号 jti"),
    (401, "assertion_replayed", "该用户身份声明已用于一次变更，不得重复使用，请重新签发"),
]
# The real-name level a read (False) and a write (True) need.
_LEVEL_PROBLEMS: dict[bool, tuple[int, str, str]] = {
    False: (403, "auth_level_insufficient", "查询须浙里办实名认证等级 2 及以上，请先在浙里办完成实名认证"),
    True: (403, "auth_level_insufficient", "变更记录须浙里办高级实名认证（认证等级 3），请先在浙里办完成实名认证"),
}


def _public_path(service: str, path: str) -> str:
    """Where a service path is reached through the gateway: citizens' ``/v1/me/x`` at ``/api/v1/me/<service>/x``."""
    if path.startswith("/v1/me/"):
        return f"/api/v1/me/{service}/{path.removeprefix('/v1/me/')}"
    return f"/api/{service}{path}"


def merge(gateway_doc: dict[str, Any], service_docs: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """The gateway's own operations and every reachable service's, with one shared ``Problem``.

    Service schemas are prefixed ``<service>__`` (name and title), so two services' ``QuoteOut`` never collide.
    """
    merged = {
        "openapi": gateway_doc.get("openapi", "3.1.0"),
        "info": {
            "title": "衢州规则即代码平台 API",
            "version": "1.0.0",
            "description": "所有请求须带 X-API-Key；/api/v1/me/... 仅供浙里办接入方，"
            "另须带用户身份声明 X-Citizen-Assertion。"
            "错误一律为 application/problem+json（见 Problem）。",
        },
        "paths": dict(document_errors(gateway_doc, _own_errors, _problems("gateway")).get("paths", {})),
        "components": {
            "schemas": dict(gateway_doc.get("components", {}).get("schemas", {})),
            "securitySchemes": SECURITY_SCHEMES,
        },
        "security": [{"ApiKey": []}],
        "x-unavailable-services": [name for name, doc in service_docs.items() if doc is None],
    }
    for service, doc in service_docs.items():
        if doc is None:
            continue
        prefix = f"{service}__"
        document_errors(doc, _proxied_errors, _problems(service))
        for path, item in doc.get("paths", {}).items():
            if path in ("/healthz", "/readyz"):
                continue
            public = _public_path(service, path)
            renamed = _rename_refs(item, prefix)
            for operation in renamed.values():
                if isinstance(operation, dict):
                    operation["tags"] = [f"{service}: {t}" for t in operation.get("tags", [service])]
                    if public.startswith("/api/v1/me/"):
                        operation["security"] = CITIZEN_SECURITY
            merged["paths"][public] = renamed
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            if name == PROBLEM:
                continue
            merged["components"]["schemas"][prefix + name] = {**_rename_refs(schema, prefix), "title": prefix + name}
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
    document = merge(copy.deepcopy(app.openapi()), dict(zip(services, docs, strict=True)))
    if not document["x-unavailable-services"]:
        app.state.merged_openapi = (document, time.monotonic() + _CACHE_S)
    return JSONResponse(document)

"""The OpenAPI contract of a service, shaped so that clients can be generated from it.

- operationIds are ``<service>_<handler name>``: unique across the merged document and stable.
- Every error answer is the one shared RFC 9457 ``Problem`` schema, served as ``application/problem+json``.
- Which errors an operation documents follows from its shape: every operation can be refused (401, 403) or
  get invalid input (422, also an ``Idempotency-Key`` reused for another request); one that names a record in its
  path can miss it (404); a command can conflict with the record's state or with a decision already recorded (409).
- Every answer shows examples: the operation's recorded answer, the problems of each status (qz_common.answers).
"""

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from qz_common.answers import document_answers, problem_examples, recorded_answers
from qz_common.errors import PROBLEM_JSON

PROBLEM = "Problem"
PROBLEM_REF = f"#/components/schemas/{PROBLEM}"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM,
    "type": "object",
    "description": "错误说明（RFC 9457 application/problem+json）：code 供程序判断，detail 为中文说明，"
    "field 指出出错字段。",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string", "description": "错误类型 URI", "examples": ["urn:qz:problem:validation_failed"]},
        "title": {"type": "string", "description": "错误类型简述（同 code）"},
        "status": {"type": "integer", "description": "HTTP 状态码"},
        "detail": {"type": "string", "description": "中文说明"},
        "code": {"type": "string", "description": "机器可读的错误代码", "examples": ["validation_failed"]},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "第一个出错字段的路径"},
        "errors": {
            "type": "array",
            "description": "逐项列出的全部错误",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "description": "出错字段的路径"},
                    "code": {"type": "string", "description": "机器可读的错误代码"},
                    "detail": {"type": "string", "description": "中文说明"},
                },
            },
        },
        "request_id": {"type": "string", "description": "请求编号，报障时请提供"},
    },
}

ERROR_DESCRIPTIONS = {
    401: "未认证：缺少或无效的身份凭证",
    403: "无权访问：缺少权限、超出辖区或仅限特定调用方",
    404: "资源不存在",
    409: "与资源当前状态冲突，或同一决定已以不同内容登记",
    413: "请求体过大",
    422: "请求数据校验未通过或不符合规则（errors 逐项列明），或 Idempotency-Key 已用于内容不同的请求",
    429: "请求过于频繁（见 Retry-After）",
    502: "上游服务出错",
    503: "服务暂不可用（见 Retry-After）",
    504: "上游服务超时",
}
_COMMANDS = {"post", "put", "patch", "delete"}


# The problems an operation may answer with a status: (document, path, method, operation, status) → problem bodies.
ProblemExamples = Callable[[dict[str, Any], str, str, dict[str, Any], int], list[dict[str, Any]]]


def problem_response(status: int, examples: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The ``Problem`` answer of ``status``, showing ``examples`` (one per code) instead of the schema's own."""
    description = ERROR_DESCRIPTIONS.get(status, "请求未能完成")
    media: dict[str, Any] = {"schema": {"$ref": PROBLEM_REF}}
    if examples:
        media["examples"] = {example["code"]: {"summary": example["detail"], "value": example} for example in examples}
    return {"description": description, "content": {PROBLEM_JSON: media}}


def file_response(description: str, *media_types: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of an operation answering with a file (use with ``response_class=Response``)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": description, "content": {media_type: binary for media_type in media_types}}}


def operation_id_for(service: str) -> Callable[[APIRoute], str]:
    """FastAPI ``generate_unique_id_function``: ``<service>_<handler name>``."""

    def operation_id(route: APIRoute) -> str:
        return f"{service}_{route.name}"

    return operation_id


def document_errors(
    document: dict[str, Any], statuses: Callable[[str, str], set[int]], examples: ProblemExamples | None = None
) -> dict[str, Any]:
    """Point every 4xx/5xx answer at the shared ``Problem``; ``statuses(path, method)`` adds the ones to document,
    ``examples`` gives each its problems (qz_common.answers)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = {int(code) for code in responses if str(code).isdigit() and int(code) >= 400}
            for code in sorted(codes | statuses(path, method)):
                shown = examples(document, path, method, operation, code) if examples else []
                responses[str(code)] = problem_response(code, shown)
    # FastAPI's own validation schemas are replaced by Problem; drop them once nothing refers to them.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas[PROBLEM] = PROBLEM_SCHEMA
    return document


PARAMETER_VERSIONS = {
    "description": "计算所用的参数版本：参数簿=版本@生效日期，逗号分隔（仅当答复使用了参数时出现），据此可复现该结果",
    "schema": {"type": "string", "examples": ["expropriation=2023-03-01@2023-03-01"]},
}


def document_versions_header(document: dict[str, Any]) -> dict[str, Any]:
    """Every successful answer may carry ``X-Parameter-Versions`` (see parameter_api)."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for code, response in operation.get("responses", {}).items() if isinstance(operation, dict) else ():
                if str(code).startswith("2"):
                    response.setdefault("headers", {})["X-Parameter-Versions"] = PARAMETER_VERSIONS
    return document


def service_errors(path: str, method: str) -> set[int]:
    codes = {401, 403, 422}
    if "{" in path:
        codes.add(404)
    if method in _COMMANDS:
        codes.add(409)
    return codes


def install_contract(app: FastAPI) -> None:
    """Serve the service's document with errors as ``Problem`` and examples on every answer: the recorded answers of
    ``app.state.service_name``'s package and its problems (qz_common.answers). Generated once, then cached."""
    service: str = app.state.service_name

    def problems(
        document: dict[str, Any], path: str, method: str, operation: dict[str, Any], status: int
    ) -> list[dict[str, Any]]:
        return problem_examples(document, path, method, operation, status, service)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            document_errors(document, service_errors, problems)
            app.openapi_schema = document_versions_header(document_answers(document, recorded_answers(service)))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

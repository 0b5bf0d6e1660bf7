"""Examples on answers in the OpenAPI document: what each operation really answered, and the problems it can get.

**Success answers are recorded, not typed.** ``tests/<service>/test_<service>_examples.py`` (and the gateway's) call
every operation of the deployable on a real database, request examples first, and keep each operation's first
successful answer in ``<package>/openapi_answers.json`` (``{"POST /v1/quotes": {"status": 200, "body": {...}}}``).
The deployable shows that answer as its operation's example (:func:`document_answers`). The test fails when an
operation has no answer or the file no longer matches what the operation answers (a field added, renamed or
retyped); ``QZ_RECORD_ANSWERS=1`` rewrites the file from the run (tests/support/request_examples.py).

**Error examples** carry the codes the platform emits for each status (:func:`problem_examples`), built with the
same :func:`~qz_common.errors.problem_body` as the real answers; the gateway names its own for what it answers
itself (401, 413, 429, 5xx).
"""

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from qz_common.errors import problem_body

ANSWERS_FILE = "openapi_answers.json"
JSON = "application/json"


def answers_path(package: str) -> Path | None:
    """Where a deployable's recorded answers live: beside its package's ``__init__.py`` (shipped as package data);
    None for an app that is no deployable's (a test's)."""
    spec = importlib.util.find_spec(package)
    return Path(spec.origin).parent / ANSWERS_FILE if spec is not None and spec.origin is not None else None


@cache
def recorded_answers(package: str) -> dict[str, dict[str, Any]]:
    """``"METHOD /path"`` → ``{"status", "body"}``; none when the deployable has no file."""
    path = answers_path(package)
    return json.loads(path.read_text(encoding="utf-8")) if path is not None and path.exists() else {}


def operation_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def document_answers(document: dict[str, Any], answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each operation's recorded answer as the example of its success response (a JSON body, or a CSV text)."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            answer = answers.get(operation_key(method, path)) if isinstance(operation, dict) else None
            response = operation["responses"].get(str(answer["status"])) if answer else None
            if answer is None or response is None:
                continue
            for media_type, content in response.get("content", {}).items():
                if media_type == JSON or (media_type.startswith("text/") and isinstance(answer["body"], str)):
                    content["example"] = answer["body"]
    return document


# Every answer names its request (``request_id``, to quote when reporting a fault); an example names one of its own,
# never the id of the request that happened to have the document generated.
EXAMPLE_REQUEST_ID = "0af7651f-16cd43dd-8448eb21-1c9a2b3e"


def problem_example(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """A problem as the platform answers it (:func:`~qz_common.errors.problem_body`)."""
    return problem_body(status, code, detail, **extra) | {"request_id": EXAMPLE_REQUEST_ID}


def _examples(*problems: dict[str, Any]) -> list[dict[str, Any]]:
    return [problem_example(p.pop("status"), p.pop("code"), p.pop("detail"), **p) for p in problems]


def _last_path_parameter(path: str) -> str | None:
    names = [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]
    return names[-1] if names else None


def _invalid_field(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """A realistic ``validation_failed``: a required body field left out, else an integer parameter not a number."""
    body = operation.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema", {})
    body = (body.get("oneOf") or body.get("anyOf") or [body])[0]
    if "$ref" in body:
        body = document.get("components", {}).get("schemas", {}).get(body["$ref"].rsplit("/", 1)[-1], {})
    if required := body.get("required"):
        field, code, detail = required[0], "missing", "缺少必填字段"
    elif integers := [
        p["name"] for p in operation.get("parameters", []) if p.get("schema", {}).get("type") == "integer"
    ]:
        field, code, detail = integers[0], "int_parsing", "应为整数"
    else:
        return {"status": 422, "code": "validation_failed", "detail": "请求数据校验未通过"}
    problem = {"field": field, "errors": [{"field": field, "code": code, "detail": detail}]}
    return {"status": 422, "code": "validation_failed", "detail": f"{field}：{detail}", **problem}


def problem_examples(
    document: dict[str, Any], path: str, method: str, operation: dict[str, Any], status: int, service: str
) -> list[dict[str, Any]]:
    """Problems a service really answers with ``status`` on this operation (through the gateway, which signs the
    caller's identity: a missing or bad identity is the gateway's 401, see gateway.openapi)."""
    scope = f"{service}:{'read' if method == 'get' else 'write'}"
    record = _last_path_parameter(path)
    if status == 401:
        return _examples({"status": 401, "code": "identity_missing", "detail": "缺少内部身份凭证：请通过网关访问"})
    if status == 403:
        return _examples(
            {"status": 403, "code": "scope_missing", "detail": f"缺少权限 {scope}", "required_scope": scope},
            {
                "status": 403,
                "code": "district_forbidden",
                "detail": "该客户端仅限柯城区，无权访问衢江区的记录",
                "field": "district",
            },
        )
    if status == 404 and "/parameters/" in path:
        return _examples(
            {"status": 404, "code": "parameter_unknown", "detail": f"没有名为 {service}.rate 的参数", "field": "name"},
            {
                "status": 404,
                "code": "parameter_not_in_force",
                "detail": f"{service}.rate 在 2020-01-01 尚无生效的取值（最早自 2023-03-01 起）",
                "field": "on",
            },
        )
    if status == 404:
        return _examples({"status": 404, "code": "not_found", "detail": "记录不存在", "field": record})
    if status == 409:
        return _examples(
            {"status": 409, "code": "conflict", "detail": "与已有记录重复"},
            {
                "status": 409,
                "code": "decision_conflict",
                "detail": "同一决定（approve，2023-08-15，衢柯征〔2023〕12号）已登记，内容不同：请核对文书号和日期",
                "field": "document_number",
            },
        )
    if status == 413:
        return _examples({"status": 413, "code": "payload_too_large", "detail": "请求体不得超过 1048576 字节"})
    if status == 422:
        refusals = [_invalid_field(document, operation)]
        if "requestBody" in operation:
            refusals.append({"status": 422, "code": "reference_not_found", "detail": "引用的记录不存在"})
        if method != "get":
            refusals.append(
                {
                    "status": 422,
                    "code": "idempotency_key_reused",
                    "detail": "该 Idempotency-Key 已用于内容不同的请求",
                    "field": "Idempotency-Key",
                }
            )
        return _examples(*refusals)
    if status == 503:
        return _examples({"status": 503, "code": "database_unreachable", "detail": "数据库不可达"})
    return []

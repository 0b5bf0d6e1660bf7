"""RFC 9457 ``application/problem+json`` errors with a machine-readable code.

Every error body has ``code`` (stable, English, for machines), ``detail``
(Chinese, for people), ``field`` (the first offending field, if any) and, for
validation, ``errors``: every failing field at once.
"""

import decimal
import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from qz_common.bounds import DB_INT_MAX
from qz_common.context import current_request_id
from qz_common.params import RuleNotInForce
from qz_common.periods import DateOutOfRange

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("qz.errors")

_STATUS_CODES = {
    400: ("bad_request", "请求无效"),
    408: ("request_timeout", "请求体传输超时"),
    401: ("unauthenticated", "未认证：缺少或无效的身份凭证"),
    403: ("forbidden", "无权访问该资源"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与资源当前状态冲突"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("validation_failed", "请求数据校验未通过"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    431: ("headers_too_large", "请求头过大"),
}


class ProblemHTTPException(StarletteHTTPException):
    """An HTTPException with the problem's own code and Chinese detail.

    For errors raised where FastAPI passes only HTTPExceptions through unchanged (reading the request body).
    """

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(status, detail)
        self.code = code


class DatabaseUnavailable(SQLAlchemyError):
    """The deployable's database cannot serve now: unreachable, refusing connections, shutting down, locked.

    ``qz_common.db`` raises it in place of the driver's error, so a request answers 503 ``database_unavailable``
    (with ``Retry-After``) instead of a 500, and code that catches SQLAlchemy's errors (the key CLI) still does.
    """


class StoredDataUnreadable(Exception):
    """A value the deployable stored cannot be read back as it was written (qz_common.pii: altered in the database,
    or sealed under a key the deployable does not hold): a fault of the installation, never of the request."""


# What a client is told to wait before trying again while the database is away: long enough for a restart or a
# fail-over to be noticed, short enough that a county's clerk retries by hand.
DATABASE_RETRY_AFTER_S = 5


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
        self.errors = errors
        self.headers = headers
        self.extra = extra


def problem_body(
    status: int,
    code: str,
    detail: str,
    *,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:qz:problem:{code}",
        "title": code,
        "status": status,
        "code": code,
        "detail": detail,
        "field": field,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return body


def problem_response(
    status: int, code: str, detail: str, *, headers: dict[str, str] | None = None, **kwargs: Any
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, code, detail, **kwargs), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


# Chinese messages for pydantic's error types; custom errors carry their own Chinese text.
_VALIDATION_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为字符串",
    "string_too_short": "长度不能少于 {min_length}",
    "string_too_long": "长度不能超过 {max_length}",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_places": "小数位数不能超过 {decimal_places} 位",
    "decimal_max_digits": "数字位数过多",
    "finite_number": "应为有限数字",
    "bool_type": "应为布尔值 true 或 false",
    "bool_parsing": "应为布尔值 true 或 false",
    "date_type": "应为日期 (YYYY-MM-DD)",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期而非时间",
    "datetime_type": "应为 ISO 8601 日期时间",
    "datetime_parsing": "日期时间格式不正确，应为 ISO 8601",
    "datetime_from_date_parsing": "日期时间格式不正确，应为 ISO 8601",
    "timezone_aware": "日期时间须带时区",
    "literal_error": "取值不在允许范围内：{expected}",
    "enum": "取值不在允许范围内：{expected}",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不得小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不得大于 {le}",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多允许 {max_length} 项",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "请求体不是合法的 JSON",
    "uuid_parsing": "应为 UUID",
    "url_parsing": "应为合法的 URL",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path", "header", "form") else loc)
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or str(loc[0] if loc else "")


def _chinese_message(error: dict[str, Any]) -> str:
    error_type = error.get("type", "")
    template = _VALIDATION_MESSAGES.get(error_type)
    if template is None:
        message = str(error.get("msg", "取值无效"))
        return message.removeprefix("Value error, ")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def validation_errors(raw_errors: list[Any]) -> list[dict[str, Any]]:
    return [
        {"field": _field_path(tuple(e.get("loc", ()))), "code": e.get("type", "invalid"), "detail": _chinese_message(e)}
        for e in raw_errors
    ]


async def _handle_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status, exc.code, exc.detail, field=exc.field, errors=exc.errors, headers=exc.headers, **exc.extra
    )


async def _handle_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(list(exc.errors()))
    detail = "；".join(f"{e['field']}：{e['detail']}" for e in errors)
    return problem_response(
        422, "validation_failed", detail, field=errors[0]["field"] if errors else None, errors=errors
    )


async def _handle_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, detail = _STATUS_CODES.get(exc.status_code, ("http_error", "请求失败"))
    if isinstance(exc, ProblemHTTPException):
        code, detail = exc.code, exc.detail
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(exc.status_code, code, detail, headers=headers)


# Where qz_common.limits leaves a small request body, so the handlers below can name a body field.
RETAINED_BODY_SCOPE_KEY = "qz.request_body"
_FK_COLUMN = re.compile(r"Key \((\w+)\)=")  # PostgreSQL: "DETAIL: Key (project_id)=(7) is not present ..."
_PG_FOREIGN_KEY_VIOLATION = "23503"
_PG_UNIQUE_VIOLATION = "23505"
_PG_DATA_EXCEPTION_CLASS = "22"


def _too_big(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > DB_INT_MAX
    text = str(value).strip().removeprefix("-").removeprefix("+")
    return text.isascii() and text.isdigit() and int(text) > DB_INT_MAX


def _oversized_in_json(value: object, path: str = "") -> str | None:
    if isinstance(value, dict):
        for key, item in value.items():
            found = _oversized_in_json(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _oversized_in_json(item, f"{path}[{index}]")
            if found is not None:
                return found
    elif isinstance(value, int) and _too_big(value):
        return path
    return None


def _oversized_integer_input(request: Request) -> str | None:
    """The first path, query or JSON body field holding an integer the database cannot store (to name it)."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if _too_big(value):
            return str(name)
    body = request.scope.get(RETAINED_BODY_SCOPE_KEY)
    if body:
        try:
            return _oversized_in_json(json.loads(body))
        except ValueError:  # not JSON (or a number too long to parse): the field stays unnamed
            return None
    return None


def _out_of_range(request: Request) -> JSONResponse:
    field = _oversized_integer_input(request)
    detail = "数值超出允许范围（整数须在 64 位有符号整数范围内，日期须在公元 1 年至 9999 年之间）"
    return problem_response(422, "value_out_of_range", f"{field}：{detail}" if field else detail, field=field)


def _sqlstate(exc: StatementError) -> str | None:
    """PostgreSQL's SQLSTATE of a database error (None on SQLite and for errors raised before the server)."""
    if not isinstance(exc, DBAPIError):
        return None
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return str(state) if state else None


async def _handle_database_value(request: Request, exc: Exception) -> JSONResponse:
    """A value the database refused (an integer beyond 64 bits, a NUL character): the client's input, not a fault."""
    assert isinstance(exc, StatementError)
    state = _sqlstate(exc) or ""
    if isinstance(exc.orig, OverflowError) or "out of int64 range" in str(exc.orig):
        return _out_of_range(request)
    if state.startswith(_PG_DATA_EXCEPTION_CLASS):
        return problem_response(422, "invalid_value", "请求中含有数据库无法保存的值（如 NUL 字符或超长数值）")
    return await _handle_unexpected(request, exc)


async def _handle_integrity(_request: Request, exc: Exception) -> JSONResponse:
    """A constraint the request broke: a missing referenced record (422) or a duplicate (409)."""
    assert isinstance(exc, IntegrityError)
    message, state = str(exc.orig), _sqlstate(exc)
    column = _FK_COLUMN.search(message)
    field = column.group(1) if column else None
    if state == _PG_FOREIGN_KEY_VIOLATION or "FOREIGN KEY constraint failed" in message:
        detail = f"{field}：引用的记录不存在" if field else "引用的记录不存在"
        return problem_response(422, "reference_not_found", detail, field=field)
    if state == _PG_UNIQUE_VIOLATION or "UNIQUE constraint failed" in message:
        return problem_response(409, "conflict", "与已有记录重复", field=field)
    return problem_response(422, "constraint_violated", "数据不满足约束条件", field=field)


async def _handle_arithmetic(request: Request, exc: Exception) -> JSONResponse:
    """Date arithmetic past year 9999, integers too large for the database, decimals beyond any real figure."""
    return _out_of_range(request)


async def _handle_rule_not_in_force(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RuleNotInForce)
    return problem_response(
        422,
        "rule_not_in_force",
        f"{exc.day.isoformat()} 早于规则 {exc.book} 的施行日期 {exc.first_effective.isoformat()}，无适用的规定版本",
        rule=exc.book,
        effective_from=exc.first_effective.isoformat(),
    )


async def _handle_date_out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    return problem_response(422, "date_out_of_range", str(exc))


async def _handle_database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """The database is away (DatabaseUnavailable) or every connection of the pool stayed busy (PoolTimeout). The same
    request may succeed later; a command whose connection broke while committing may have been applied, so it is
    retried under the same Idempotency-Key, which replays it if it was."""
    log.warning("database unavailable: %s", exc)
    return problem_response(
        503,
        "database_unavailable",
        "数据库暂时不可用，请稍后重试（写操作请使用同一 Idempotency-Key 重试）",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
    )


async def _handle_stored_data_unreadable(_request: Request, exc: Exception) -> JSONResponse:
    log.error("stored data unreadable: %s", exc)
    return problem_response(
        500, "stored_data_unreadable", "存储的数据无法读取（可能已被篡改或密钥配置有误），请联系管理员并提供 request_id"
    )


async def _handle_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(500, "internal_error", "服务内部错误，请联系管理员并提供 request_id")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(DatabaseUnavailable, _handle_database_unavailable)
    app.add_exception_handler(PoolTimeout, _handle_database_unavailable)
    app.add_exception_handler(StoredDataUnreadable, _handle_stored_data_unreadable)
    # Client input that reaches the database or the calendar and cannot be represented there: 4xx, never 500.
    app.add_exception_handler(IntegrityError, _handle_integrity)
    app.add_exception_handler(StatementError, _handle_database_value)
    app.add_exception_handler(OverflowError, _handle_arithmetic)
    app.add_exception_handler(decimal.InvalidOperation, _handle_arithmetic)
    app.add_exception_handler(DateOutOfRange, _handle_date_out_of_range)
    app.add_exception_handler(RuleNotInForce, _handle_rule_not_in_force)
    app.add_exception_handler(Exception, _handle_unexpected)

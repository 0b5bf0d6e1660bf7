"""Who is calling: the API key, and for the 浙里办 adapter the citizen it acts for.

The adapter verifies the citizen with 浙里办 itself, then sends ``X-Citizen-Assertion``:
an HS256 JWT signed with that adapter's own secret, ``sub`` = 身份证号, ``name``,
``exp`` (at most 15 minutes after ``iat``). The gateway accepts it only from that
adapter and only on ``/api/v1/me/...``.
"""

import datetime as dt
import logging
from dataclasses import dataclass

import jwt
from fastapi import Request

from gateway.keys import Client
from gateway.ratelimit import Rate, address_bucket, announce, retry_after_header
from qz_common.errors import ProblemError
from qz_common.ids import validate_id_number
from qz_common.logs import mask_pii

API_KEY_HEADER = "x-api-key"
ASSERTION_HEADER = "x-citizen-assertion"
MAX_ASSERTION_LIFETIME = dt.timedelta(minutes=15)

denials = logging.getLogger("qz.gateway.denied")


@dataclass(frozen=True)
class Principal:
    client: Client
    citizen_id: str | None = None


def deny(request: Request, status: int, code: str, detail: str, client_id: str | None = None) -> ProblemError:
    """Log a refusal (client and reason, PII masked) and build its problem."""
    request.app.state.metrics.denied.labels(code).inc()
    denials.warning(
        "request denied",
        extra={"client_id": client_id, "reason": code, "path": mask_pii(request.url.path), "status": status},
    )
    return ProblemError(status, code, detail)


async def enforce_bucket(request: Request, bucket: str, client_id: str | None = None, rate: Rate | None = None) -> None:
    """429 with Retry-After when the token bucket ``bucket`` (taken at ``rate``, or the clients' rate) is empty; the
    answer describes the bucket in its RateLimit fields (``gateway.ratelimit``)."""
    admission = await request.app.state.rate_limiter.take(bucket, rate)
    announce(request, admission)
    if admission.wait_s is not None:
        error = deny(request, 429, "rate_limited", "请求过于频繁，请稍后再试", client_id)
        error.headers = {"Retry-After": retry_after_header(admission.wait_s)}
        raise error


async def _limit_source(request: Request) -> None:
    """Requests without a valid key are limited by source address (else a flood of bad keys is free)."""
    await enforce_bucket(request, address_bucket(request.client.host if request.client else "unknown"))


async def authenticate(request: Request, other_key: str | None = None) -> Client:
    """The client of the request's ``X-API-Key`` (else of ``other_key``, where the caller accepts one)."""
    key = request.headers.get(API_KEY_HEADER) or other_key
    if not key:
        await _limit_source(request)
        raise deny(request, 401, "api_key_missing", "缺少 X-API-Key")
    client: Client | None = await request.app.state.keys.lookup(key)
    if client is None:
        await _limit_source(request)
        raise deny(request, 401, "api_key_invalid", "X-API-Key 无效或已吊销")
    return client


def verify_assertion(request: Request, client: Client) -> str:
    """The citizen's verified 身份证号 from the adapter's signed assertion."""
    token = request.headers.get(ASSERTION_HEADER)
    if not token:
        raise deny(request, 401, "assertion_missing", "缺少经签名的用户身份声明 X-Citizen-Assertion", client.client_id)
    secret = request.app.state.adapter_secrets.get(client.client_id)
    if secret is None:
        raise deny(request, 403, "adapter_not_configured", "该接入方未配置用户身份声明密钥", client.client_id)
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp", "iat"]})
        id_number = validate_id_number(str(claims["sub"]))
    except jwt.ExpiredSignatureError:
        raise deny(request, 401, "assertion_expired", "用户身份声明已过期", client.client_id) from None
    except (jwt.InvalidTokenError, ValueError):
        raise deny(request, 401, "assertion_invalid", "用户身份声明无效", client.client_id) from None
    if dt.timedelta(seconds=int(claims["exp"]) - int(claims["iat"])) > MAX_ASSERTION_LIFETIME:
        raise deny(request, 401, "assertion_too_long", "用户身份声明有效期不得超过 15 分钟", client.client_id)
    return id_number


async def require_metrics_scope(request: Request) -> None:
    """/metrics is on the public port: only clients with the ``metrics`` scope (or ``*``) may read it. The key may
    also come as ``Authorization: Bearer <key>``, the only credential a prometheus-operator ServiceMonitor sends."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    client = await authenticate(request, credentials.strip() if scheme.lower() == "bearer" else None)
    if not client.may_use("metrics"):
        raise deny(request, 403, "scope_missing", "读取监控指标需要 metrics 权限", client.client_id)

"""Who is calling: the API key, and for the 浙里办 adapter the user it acts for.

The adapter verifies the user with 浙里办 itself, then sends ``X-Citizen-Assertion``: an HS256 JWT signed with that
adapter's own secret (the contract: ../shared/reference/zheliban.md, "The assertion this platform's adapters sign"):

- ``user_type``: ``PERSON`` (also when absent, as before legal persons could sign in) or ``LEGAL_PERSON``;
- ``sub``: the person's 身份证号, or the legal person's 统一社会信用代码; ``name``: the person's or enterprise's name;
- for a legal person, ``agent_id_number`` and ``agent_name``: the person acting for it (浙里办's attnIdNo, attnName);
- ``auth_level``: 浙里办's real-name level, 1, 2 or 3;
- ``iat``, ``exp`` (at most 15 minutes after ``iat``), and ``jti``, unique per assertion.

The gateway accepts it only from that adapter and only on ``/api/v1/me/...``. A read needs level 2 or more (an
assertion without ``auth_level``, made before the contract had it, may still read); a write (any method but GET, HEAD,
OPTIONS) needs level 3 and a ``jti`` not used for a write before (gateway.replay). A level too low is 403
``auth_level_insufficient``: the assertion is sound and the user known, signing it again does not help until 浙里办
reports a higher level; 401 is kept for assertions the adapter must sign anew (missing, invalid, expired, replayed).
"""

import datetime as dt
import logging
from dataclasses import dataclass

import jwt
from fastapi import Request

from gateway.keys import Client
from gateway.ratelimit import Rate, address_bucket, announce, retry_after_header
from gateway.replay import SpentAssertions
from qz_common.errors import ProblemError
from qz_common.identity import UserType
from qz_common.ids import validate_id_number, validate_uscc
from qz_common.logs import mask_pii

API_KEY_HEADER = "x-api-key"
ASSERTION_HEADER = "x-citizen-assertion"
MAX_ASSERTION_LIFETIME = dt.timedelta(minutes=15)
# 浙里办's real-name levels (authlevel): 1 unverified, 2 basic, 3 full real-name.
READ_LEVEL = 2
WRITE_LEVEL = 3
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

denials = logging.getLogger("qz.gateway.denied")


@dataclass(frozen=True)
class ZhelibanUser:
    """The 浙里办 user an assertion names: a person by 身份证号, or a legal person by 统一社会信用代码 with the person
    acting for it; ``auth_level`` None when the assertion did not say."""

    user_type: UserType
    id: str
    auth_level: int | None
    agent_id_number: str | None = None
    agent_name: str | None = None


@dataclass(frozen=True)
class Assertion:
    user: ZhelibanUser
    jti: str | None
    expires_at: int


@dataclass(frozen=True)
class Principal:
    client: Client
    user: ZhelibanUser | None = None


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


def verify_assertion(request: Request, client: Client) -> Assertion:
    """The 浙里办 user of the adapter's signed assertion, checked against the adapter contract, and the level the
    request's method needs (a write needs level 3; its ``jti`` is spent by :func:`spend_assertion`)."""
    token = request.headers.get(ASSERTION_HEADER)
    if not token:
        raise deny(request, 401, "assertion_missing", "缺少经签名的用户身份声明 X-Citizen-Assertion", client.client_id)
    secret = request.app.state.adapter_secrets.get(client.client_id)
    if secret is None:
        raise deny(request, 403, "adapter_not_configured", "该接入方未配置用户身份声明密钥", client.client_id)
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp", "iat"]})
        assertion = Assertion(_user_of(claims), _jti_of(claims), int(claims["exp"]))
    except jwt.ExpiredSignatureError:
        raise deny(request, 401, "assertion_expired", "用户身份声明已过期", client.client_id) from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise deny(request, 401, "assertion_invalid", "用户身份声明无效", client.client_id) from None
    if dt.timedelta(seconds=assertion.expires_at - int(claims["iat"])) > MAX_ASSERTION_LIFETIME:
        raise deny(request, 401, "assertion_too_long", "用户身份声明有效期不得超过 15 分钟", client.client_id)
    _require_level(request, client, assertion.user)
    return assertion


def _user_of(claims: dict[str, object]) -> ZhelibanUser:
    """``ValueError`` (or ``TypeError``) when a claim breaks the contract."""
    user_type = UserType(str(claims.get("user_type", UserType.PERSON)))
    level = claims.get("auth_level")
    if level is not None and (type(level) is not int or level not in (1, 2, 3)):
        raise ValueError("auth_level is 1, 2 or 3")
    if user_type is UserType.PERSON:
        return ZhelibanUser(user_type, validate_id_number(str(claims["sub"])), level)
    agent_name = claims.get("agent_name")
    if not isinstance(agent_name, str) or not agent_name.strip():
        raise ValueError("a legal person's assertion names the person acting for it")
    return ZhelibanUser(
        user_type,
        validate_uscc(str(claims["sub"])),
        level,
        validate_id_number(str(claims.get("agent_id_number", ""))),
        agent_name.strip(),
    )


def _jti_of(claims: dict[str, object]) -> str | None:
    jti = claims.get("jti")
    if jti is not None and (not isinstance(jti, str) or not 0 < len(jti) <= 128):
        raise ValueError("jti is a string of 1 to 128 characters")
    return jti


def is_write(request: Request) -> bool:
    return request.method not in SAFE_METHODS


def _require_level(request: Request, client: Client, user: ZhelibanUser) -> None:
    """A write needs full real-name (3); a read basic real-name (2), or an assertion that does not say (as before)."""
    if is_write(request):
        if user.auth_level != WRITE_LEVEL:
            detail = "变更记录须浙里办高级实名认证（认证等级 3），请先在浙里办完成实名认证"
            raise deny(request, 403, "auth_level_insufficient", detail, client.client_id)
    elif user.auth_level is not None and user.auth_level < READ_LEVEL:
        detail = "查询须浙里办实名认证等级 2 及以上，请先在浙里办完成实名认证"
        raise deny(request, 403, "auth_level_insufficient", detail, client.client_id)


async def spend_assertion(request: Request, client: Client, assertion: Assertion) -> None:
    """A write spends its assertion: refused without a ``jti``, or with one already spent (gateway.replay)."""
    if assertion.jti is None:
        detail = "变更记录的用户身份声明须带一次性编号 jti"
        raise deny(request, 401, "assertion_jti_missing", detail, client.client_id)
    spent: SpentAssertions = request.app.state.spent_assertions
    if not await spent.spend(client.client_id, assertion.jti, assertion.expires_at):
        detail = "该用户身份声明已用于一次变更，不得重复使用，请重新签发"
        raise deny(request, 401, "assertion_replayed", detail, client.client_id)


async def require_metrics_scope(request: Request) -> None:
    """/metrics is on the public port: only clients with the ``metrics`` scope (or ``*``) may read it. The key may
    also come as ``Authorization: Bearer <key>``, the only credential a prometheus-operator ServiceMonitor sends."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    client = await authenticate(request, credentials.strip() if scheme.lower() == "bearer" else None)
    if not client.may_use("metrics"):
        raise deny(request, 403, "scope_missing", "读取监控指标需要 metrics 权限", client.client_id)

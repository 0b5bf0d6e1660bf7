"""The identity the gateway forwards, as a short-lived signed internal token.

The gateway authenticates the client (API key, and for the 浙里办 adapter the
citizen's signed assertion), then calls the service with ``X-Qz-Identity``: an
HS256 JWT naming the client, its scopes, its district and, for citizen calls,
the citizen's 身份证号. Services accept nothing else: a call that bypasses the
gateway has no valid token and gets 401.
"""

import datetime as dt
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request

from qz_common.errors import ProblemError

IDENTITY_HEADER = "X-Qz-Identity"
ISSUER = "qz-gateway"
TOKEN_LIFETIME = dt.timedelta(seconds=60)
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class Caller:
    client_id: str
    scopes: frozenset[str]
    district: str | None = None
    citizen_id: str | None = None

    @property
    def is_citizen(self) -> bool:
        return self.citizen_id is not None

    def has_scope(self, scope: str) -> bool:
        service = scope.split(":", 1)[0]
        return scope in self.scopes or f"{service}:*" in self.scopes or "*" in self.scopes


def mint_token(
    secret: str,
    *,
    audience: str,
    client_id: str,
    scopes: Iterable[str],
    district: str | None = None,
    citizen_id: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    issued = now or dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": audience,
        "sub": client_id,
        "scopes": sorted(scopes),
        "iat": issued,
        "exp": issued + TOKEN_LIFETIME,
    }
    if district:
        claims["district"] = district
    if citizen_id:
        claims["citizen"] = citizen_id
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


# The gateway sends the same token for a client and service for half its life: each is verified once, and its caller
# remembered until the token expires (the key holds secret and audience, so no other check is ever skipped).
_VERIFIED: dict[tuple[str, str, str], tuple[Caller, float]] = {}


def verify_token(token: str, secret: str, audience: str) -> Caller:
    key = (token, secret, audience)
    remembered = _VERIFIED.get(key)
    if remembered is not None and time.time() < remembered[1]:
        return remembered[0]
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise ProblemError(401, "identity_expired", "内部身份凭证已过期") from None
    except jwt.InvalidTokenError:
        raise ProblemError(401, "identity_invalid", "内部身份凭证无效：请通过网关访问") from None
    caller = Caller(
        client_id=str(claims["sub"]),
        scopes=frozenset(claims.get("scopes", [])),
        district=claims.get("district"),
        citizen_id=claims.get("citizen"),
    )
    if len(_VERIFIED) >= 10_000:  # bounded: tokens are short-lived, a full table is mostly expired entries
        _VERIFIED.clear()
    _VERIFIED[key] = (caller, float(claims["exp"]))
    return caller


def _verified_caller(request: Request) -> Caller:
    """Verify ``X-Qz-Identity`` for the service this app is (``app.state.service_name``)."""
    token = request.headers.get(IDENTITY_HEADER)
    if not token:
        raise ProblemError(401, "identity_missing", "缺少内部身份凭证：请通过网关访问")
    caller = verify_token(token, request.app.state.token_secret, request.app.state.service_name)
    request.state.caller = caller
    return caller


# The dependencies below are ``async def`` although they never await: FastAPI runs a plain ``def`` dependency in its
# thread pool, a hop that cost a read or a quote more than the token check itself. Each is one dependency that calls
# ``_verified_caller`` itself: a sub-dependency costs FastAPI a resolution of its own on every request.
def require(access: str) -> Callable[..., Awaitable[Caller]]:
    """Dependency for staff and system endpoints: scope ``<service>:<access>``; citizen tokens are refused."""

    async def dependency(request: Request) -> Caller:
        caller = _verified_caller(request)
        scope = f"{request.app.state.service_name}:{access}"
        if caller.is_citizen or not caller.has_scope(scope):
            raise ProblemError(403, "scope_missing", f"缺少权限 {scope}", required_scope=scope)
        return caller

    return dependency


async def _current_citizen(request: Request) -> Caller:
    caller = _verified_caller(request)
    if caller.citizen_id is None:
        raise ProblemError(403, "citizen_only", "该接口仅供经认证的个人用户（浙里办）使用")
    return caller


Reader = Annotated[Caller, Depends(require("read"))]
Writer = Annotated[Caller, Depends(require("write"))]
# A 浙里办 citizen; ``caller.citizen_id`` is their verified 身份证号 and the only one /v1/me may use.
Citizen = Annotated[Caller, Depends(_current_citizen)]


def ensure_district(caller: Caller, district: str | None, *, field: str = "district") -> None:
    """A district-bound client may only see and change its own district's records."""
    if caller.district is not None and district != caller.district:
        raise ProblemError(
            403,
            "district_forbidden",
            f"该客户端仅限{caller.district}，无权访问{district or '未注明辖区'}的记录",
            field=field,
        )


def scoped_district(caller: Caller, requested: str | None) -> str | None:
    """The district filter a list query must apply: the caller's own, or 403 if it asked for another."""
    if caller.district is None:
        return requested
    if requested is not None and requested != caller.district:
        ensure_district(caller, requested)
    return caller.district

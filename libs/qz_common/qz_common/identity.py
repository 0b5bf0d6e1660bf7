"""The identity the gateway forwards, as a short-lived signed internal token.

The gateway authenticates the client (API key, and for the 浙里办 adapter the
citizen's signed assertion), then calls the service with ``X-Qz-Identity``: a
JWT naming the client, its scopes, its district and, for 浙里办 calls, the
signed-in user: a person (``citizen``: the 身份证号) or a legal person
(``enterprise``: the 统一社会信用代码, with ``agent``/``agent_name``, the person
acting for it), and the 浙里办 real-name level (``auth_level``). Services accept
nothing else: a call that bypasses the gateway has no valid token and gets 401.

The token is signed with an Ed25519 key that only the gateway holds (EdDSA,
through PyJWT's cryptography backend); services hold only public keys, by key
id (``kid`` in the token's header), so no service can mint a token another one
accepts. During a change of the gateway's key the services list both.
"""

import base64
import binascii
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request

from qz_common.errors import ProblemError

IDENTITY_HEADER = "X-Qz-Identity"
ISSUER = "qz-gateway"
TOKEN_LIFETIME = dt.timedelta(seconds=60)
# The only algorithm a service accepts: a token made with a symmetric one (HS256, with any secret, a public key
# included) or with none is refused before any key is used.
_ALGORITHM = "EdDSA"
log = logging.getLogger("qz.identity")


class UserType(StrEnum):
    """浙里办's ``userType``: who signed in."""

    PERSON = "PERSON"
    LEGAL_PERSON = "LEGAL_PERSON"


@dataclass(frozen=True)
class Caller:
    """The client, and for a 浙里办 call the user the adapter signed in: a person (``citizen_id``, their 身份证号) or
    a legal person (``enterprise_id``, its 统一社会信用代码, and ``agent_id_number``/``agent_name``, the person acting
    for it); ``auth_level`` is 浙里办's real-name level (1-3), None when the assertion did not say."""

    client_id: str
    scopes: frozenset[str]
    district: str | None = None
    citizen_id: str | None = None
    enterprise_id: str | None = None
    auth_level: int | None = None
    agent_id_number: str | None = None
    agent_name: str | None = None

    @property
    def user_type(self) -> UserType | None:
        if self.enterprise_id is not None:
            return UserType.LEGAL_PERSON
        return UserType.PERSON if self.citizen_id is not None else None

    @property
    def user_id(self) -> str | None:
        """The 浙里办 user's own id: the person's 身份证号 or the enterprise's 统一社会信用代码."""
        return self.enterprise_id or self.citizen_id

    @property
    def is_citizen(self) -> bool:
        """A 浙里办 user, person or enterprise: never a staff or system client."""
        return self.user_id is not None

    def has_scope(self, scope: str) -> bool:
        service = scope.split(":", 1)[0]
        return scope in self.scopes or f"{service}:*" in self.scopes or "*" in self.scopes


def ed25519_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key written as PEM (PKCS#8, as ``openssl genpkey -algorithm ed25519`` writes it) or as the
    base64 of its 32 raw bytes. ``ValueError`` if it is neither."""
    if text.lstrip().startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as unreadable:  # TypeError: a passphrase-protected PEM
            raise ValueError(f"unreadable PEM private key ({unreadable})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"not an Ed25519 private key but {type(key).__name__}")
        return key
    return Ed25519PrivateKey.from_private_bytes(_raw_32_bytes(text))


def ed25519_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key written as PEM (``openssl pkey -pubout``) or as the base64 of its 32 raw bytes."""
    if text.lstrip().startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm) as unreadable:
            raise ValueError(f"unreadable PEM public key ({unreadable})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"not an Ed25519 public key but {type(key).__name__}")
        return key
    return Ed25519PublicKey.from_public_bytes(_raw_32_bytes(text))


def _raw_32_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ValueError("neither PEM nor base64") from None
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 key is 32 bytes, this one {len(raw)}")
    return raw


def raw_public_key(key: Ed25519PublicKey) -> str:
    """The base64 of the key's 32 raw bytes, as ``QZ_IDENTITY_PUBLIC_KEYS`` lists it."""
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


@dataclass(frozen=True)
class SigningKey:
    """The gateway's key: what it signs identity tokens with, and the id the services know its public half by."""

    kid: str
    private_key: Ed25519PrivateKey

    @classmethod
    def from_text(cls, kid: str, text: str) -> "SigningKey":
        return cls(kid, ed25519_private_key(text))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def mint_token(
    signing_key: SigningKey,
    *,
    audience: str,
    client_id: str,
    scopes: Iterable[str],
    district: str | None = None,
    citizen_id: str | None = None,
    enterprise_id: str | None = None,
    auth_level: int | None = None,
    agent_id_number: str | None = None,
    agent_name: str | None = None,
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
    optional = {
        "citizen": citizen_id,
        "enterprise": enterprise_id,
        "auth_level": auth_level,
        "agent": agent_id_number,
        "agent_name": agent_name,
    }
    claims.update((name, value) for name, value in optional.items() if value)
    return jwt.encode(claims, signing_key.private_key, algorithm=_ALGORITHM, headers={"kid": signing_key.kid})


@dataclass(frozen=True)
class _Verified:
    caller: Caller
    expires: float
    kid: str
    # The public key the signature was checked with: the caller is remembered only while the same key is listed.
    public_key: Ed25519PublicKey


# The gateway sends the same token for a client and service for half its life: each is verified once, and its caller
# remembered until the token expires (the key holds the audience, the entry the key it was verified with, so no other
# check is ever skipped).
_VERIFIED: dict[tuple[str, str], _Verified] = {}


def verify_token(token: str, public_keys: Mapping[str, Ed25519PublicKey], audience: str) -> Caller:
    """The caller a token names, if the gateway signed it for ``audience`` with a key of ``public_keys`` (by kid)."""
    remembered = _VERIFIED.get((token, audience))
    if (
        remembered is not None
        and public_keys.get(remembered.kid) is remembered.public_key
        and time.time() < remembered.expires
    ):
        return remembered.caller
    try:
        kid: str | None = jwt.get_unverified_header(token).get("kid")  # PyJWT checks that a kid is a string
    except jwt.InvalidTokenError:
        raise _invalid() from None
    public_key = public_keys.get(kid) if kid is not None else None
    if kid is None or public_key is None:
        # What an operator sees when the gateway signs with a key this service was not given (QZ_IDENTITY_PUBLIC_KEYS).
        log.warning("identity token signed with a key id this service does not list: %.64r", kid)
        raise _invalid()
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[_ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise ProblemError(401, "identity_expired", "内部身份凭证已过期") from None
    except jwt.InvalidTokenError:
        raise _invalid() from None
    caller = Caller(
        client_id=str(claims["sub"]),
        scopes=frozenset(claims.get("scopes", [])),
        district=claims.get("district"),
        citizen_id=claims.get("citizen"),
        enterprise_id=claims.get("enterprise"),
        auth_level=claims.get("auth_level"),
        agent_id_number=claims.get("agent"),
        agent_name=claims.get("agent_name"),
    )
    if len(_VERIFIED) >= 10_000:  # bounded: tokens are short-lived, a full table is mostly expired entries
        _VERIFIED.clear()
    _VERIFIED[(token, audience)] = _Verified(caller, float(claims["exp"]), kid, public_key)
    return caller


def _invalid() -> ProblemError:
    return ProblemError(401, "identity_invalid", "内部身份凭证无效：请通过网关访问")


def _verified_caller(request: Request) -> Caller:
    """Verify ``X-Qz-Identity`` for the service this app is (``app.state.service_name``)."""
    token = request.headers.get(IDENTITY_HEADER)
    if not token:
        raise ProblemError(401, "identity_missing", "缺少内部身份凭证：请通过网关访问")
    caller = verify_token(token, request.app.state.identity_public_keys, request.app.state.service_name)
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


async def _current_user(request: Request) -> Caller:
    caller = _verified_caller(request)
    if caller.user_id is None:
        raise ProblemError(403, "zheliban_user_only", "该接口仅供经认证的浙里办用户（个人或法人）使用")
    return caller


Reader = Annotated[Caller, Depends(require("read"))]
Writer = Annotated[Caller, Depends(require("write"))]
# A 浙里办 person; ``caller.citizen_id`` is their verified 身份证号 and the only one /v1/me may use.
Citizen = Annotated[Caller, Depends(_current_citizen)]
# A 浙里办 person or legal person; ``caller.user_id`` (身份证号 or 统一社会信用代码) is the only holder /v1/me may use.
ZhelibanUser = Annotated[Caller, Depends(_current_user)]


def ensure_district(caller: Caller, district: str | None, *, field: str = "district") -> None:
    """A district-bound client acts only in its own district: a district it names itself (a new record's, a move's
    destination) is refused with 403 when it is another. A record named by id is loaded with qz_common.db's
    get_in_district or get_referenced instead, which answer another district's record as an unused id (404, 422)."""
    if caller.district is not None and district != caller.district:
        raise ProblemError(
            403,
            "district_forbidden",
            f"该客户端仅限{caller.district}，无权访问{district or '未注明辖区'}的记录",
            field=field,
        )


def scoped_district(caller: Caller, requested: str | None) -> str | None:
    """The district filter a list query must apply: the caller's own, or 403 if it asked for another (a filter names
    no record, so the 403 reveals nothing a district could not know)."""
    if caller.district is None:
        return requested
    if requested is not None and requested != caller.district:
        ensure_district(caller, requested)
    return caller.district

"""Internal identity tokens (qz_common.identity): the gateway signs them with an Ed25519 key only it holds; services
verify them with public keys, by kid. Nothing a service holds, nor the HS256 secret every deployable used to share,
makes a token that a service accepts; a verified token is remembered, but never past its expiry, nor for another
service, nor once its key is no longer listed."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator, Mapping

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, IdentityKey, PiiKeys

from dogs.main import create_app
from dogs.settings import DogsSettings
from qz_common.errors import ProblemError
from qz_common.identity import (
    IDENTITY_HEADER,
    ISSUER,
    TOKEN_LIFETIME,
    SigningKey,
    ed25519_public_key,
    mint_token,
    verify_token,
)
from qz_common.settings import DEV_IDENTITY_KEY_ID, DEV_SIGNING_KEY, PlatformSettings

# The HS256 secret every deployable used to share (its dev value, then in qz_common.settings): whatever a bureau's
# configuration held, it could sign with.
OLD_SHARED_SECRET = b"qz-dev-internal-token-secret-not-for-production"

GATEWAY = IdentityKey("2026-11-a")
NEXT = IdentityKey("2026-12-b")
(LISTED,) = GATEWAY.public_keys.values()
PUBLIC_KEYS = {GATEWAY.kid: ed25519_public_key(LISTED)}
PUBLIC_PEM = GATEWAY.private_key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
PUBLIC_RAW = base64.b64decode(LISTED)
STRANGER = Ed25519PrivateKey.generate()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _assembled(header: Mapping[str, object], sign: Callable[[bytes], bytes]) -> str:
    """A token put together byte by byte, as a forger would (PyJWT itself refuses to HMAC with a public key)."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "dogs", "sub": "forger", "scopes": ["dogs:read"], "iat": now, "exp": now + 60}
    signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64url(sign(signing_input.encode()))}"


def _hmac(alg: str, secret: bytes, kid: str | None = GATEWAY.kid) -> str:
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    header = {"alg": alg, "typ": "JWT"} | ({"kid": kid} if kid else {})
    return _assembled(header, lambda data: hmac.new(secret, data, digest).digest())


def _eddsa(private_key: Ed25519PrivateKey, header: dict[str, object]) -> str:
    return _assembled({"alg": "EdDSA", "typ": "JWT"} | header, private_key.sign)


FORGERIES: dict[str, Callable[[], str]] = {
    "HS256 with the old shared secret": lambda: _hmac("HS256", OLD_SHARED_SECRET),
    "HS256 with the public key as listed, as HMAC secret": lambda: _hmac("HS256", LISTED.encode()),
    "HS256 with the public key's PEM, as HMAC secret": lambda: _hmac("HS256", PUBLIC_PEM),
    "HS512 with the public key's raw bytes, as HMAC secret": lambda: _hmac("HS512", PUBLIC_RAW),
    "alg none": lambda: _assembled({"alg": "none", "typ": "JWT", "kid": GATEWAY.kid}, lambda data: b""),
    "EdDSA with another key under the gateway's kid": lambda: _eddsa(STRANGER, {"kid": GATEWAY.kid}),
    "EdDSA with the gateway's key under an unlisted kid": lambda: _eddsa(GATEWAY.private_key, {"kid": NEXT.kid}),
    "EdDSA without a kid": lambda: _eddsa(GATEWAY.private_key, {}),
    "EdDSA with a kid that is not a string": lambda: _eddsa(GATEWAY.private_key, {"kid": [GATEWAY.kid]}),
    "EdDSA with the dev-only key": lambda: _eddsa(DEV_SIGNING_KEY.private_key, {"kid": DEV_IDENTITY_KEY_ID}),
}


def _refusal(token: str, public_keys: dict[str, Ed25519PublicKey] = PUBLIC_KEYS, audience: str = "dogs") -> str:
    with pytest.raises(ProblemError) as refused:
        verify_token(token, public_keys, audience)
    assert refused.value.status == 401
    return str(refused.value.code)


def _token(key: SigningKey, *, district: str | None = None, now: dt.datetime | None = None) -> str:
    return mint_token(key, audience="dogs", client_id="kecheng", scopes=["dogs:read"], district=district, now=now)


def test_the_gateways_token_names_its_kid_and_is_accepted() -> None:
    token = _token(GATEWAY.signing_key, district="柯城区")
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==")) == {
        "alg": "EdDSA",
        "typ": "JWT",
        "kid": GATEWAY.kid,
    }
    caller = verify_token(token, PUBLIC_KEYS, "dogs")
    assert (caller.client_id, caller.district, caller.scopes) == ("kecheng", "柯城区", frozenset({"dogs:read"}))


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_token_not_signed_with_the_gateways_private_key_is_refused(forgery: Callable[[], str]) -> None:
    assert _refusal(forgery()) == "identity_invalid"


@pytest.fixture(scope="module")
def dogs_db(database_factory: DatabaseFactory) -> str:
    return database_factory.create("dogs")


@pytest.fixture(scope="module")
def production_dogs(dogs_db: str) -> Iterator[TestClient]:
    """The dogs service as configured outside dev mode: it holds the gateway's public key, and keys of its own."""
    platform = PlatformSettings(dev_mode=False, identity_public_keys=GATEWAY.public_keys)
    settings = DogsSettings(database_url=dogs_db, **PiiKeys.fresh().settings)
    with TestClient(create_app(settings, platform)) as client:
        yield client


def test_a_service_answers_every_forgery_401_and_the_gateways_token_200(production_dogs: TestClient) -> None:
    genuine = production_dogs.get("/v1/parameters", headers={IDENTITY_HEADER: _token(GATEWAY.signing_key)})
    assert genuine.status_code == 200
    for name, forgery in FORGERIES.items():
        refused = production_dogs.get("/v1/parameters", headers={IDENTITY_HEADER: forgery()})
        assert (refused.status_code, refused.headers["content-type"]) == (401, "application/problem+json"), name
        assert refused.json()["code"] == "identity_invalid", name


def test_in_dev_mode_the_old_shared_secret_mints_nothing(database_factory: DatabaseFactory) -> None:
    """Dev mode verifies with the dev-only public key: the HS256 secret that every deployable once held is worthless.
    (A database of its own: the production service's keys are not the dev keys.)"""
    dev_settings = DogsSettings(database_url=database_factory.create("dogs"))
    with TestClient(create_app(dev_settings, PlatformSettings(dev_mode=True))) as dev_dogs:
        forged = _hmac("HS256", OLD_SHARED_SECRET, kid=None)  # what the gateway used to send
        assert dev_dogs.get("/v1/parameters", headers={IDENTITY_HEADER: forged}).status_code == 401
        genuine = mint_token(DEV_SIGNING_KEY, audience="dogs", client_id="dev", scopes=["dogs:read"])
        assert dev_dogs.get("/v1/parameters", headers={IDENTITY_HEADER: genuine}).status_code == 200


def test_during_a_rotation_both_listed_keys_verify_and_a_delisted_key_no_longer_does() -> None:
    both = PUBLIC_KEYS | {NEXT.kid: NEXT.private_key.public_key()}
    old, new = _token(GATEWAY.signing_key), _token(NEXT.signing_key)
    assert verify_token(old, both, "dogs").client_id == verify_token(new, both, "dogs").client_id == "kecheng"
    only_new = {NEXT.kid: both[NEXT.kid]}
    assert _refusal(old, only_new) == "identity_invalid"  # remembered under the old key, which is no longer listed
    assert verify_token(new, only_new, "dogs").client_id == "kecheng"
    # The same kid given to another key (a botched rotation) does not vouch for what the first key signed.
    assert _refusal(new, {NEXT.kid: Ed25519PrivateKey.generate().public_key()}) == "identity_invalid"


def test_a_remembered_token_still_expires() -> None:
    # Issued 58 s ago with a 60 s lifetime; ``exp`` is whole seconds, so it expires within the next 1 to 2 seconds.
    issued = dt.datetime.now(dt.UTC) - TOKEN_LIFETIME + dt.timedelta(seconds=2)
    token = _token(GATEWAY.signing_key, now=issued)
    assert verify_token(token, PUBLIC_KEYS, "dogs").client_id == "kecheng"
    assert verify_token(token, PUBLIC_KEYS, "dogs").client_id == "kecheng"  # the remembered answer
    time.sleep(2.1)  # past its expiry (this waits for the token, it does not time the code)
    assert _refusal(token) == "identity_expired"


def test_a_remembered_token_is_not_accepted_for_another_service() -> None:
    token = _token(GATEWAY.signing_key, district="柯城区")
    caller = verify_token(token, PUBLIC_KEYS, "dogs")
    assert _refusal(token, audience="expropriation") == "identity_invalid"
    assert verify_token(token, PUBLIC_KEYS, "dogs") == caller


def test_outside_dev_mode_the_public_keys_are_required_and_the_dev_key_is_refused() -> None:
    with pytest.raises(ValueError, match="QZ_IDENTITY_PUBLIC_KEYS must list"):
        PlatformSettings(dev_mode=False)
    dev_public = DEV_SIGNING_KEY.public_key
    dev_pem = dev_public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    for dev_listing in (
        {DEV_IDENTITY_KEY_ID: LISTED},
        {"2026-x": base64.b64encode(dev_public.public_bytes_raw()).decode()},
        {"2026-x": dev_pem.decode()},
    ):
        with pytest.raises(ValueError, match="dev-only key, refused outside dev mode"):
            PlatformSettings(dev_mode=False, identity_public_keys=GATEWAY.public_keys | dev_listing)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not a key", "neither PEM nor base64"),
        (base64.b64encode(b"x" * 31).decode(), "32 bytes"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "unreadable PEM public key"),
    ],
)
def test_an_unreadable_public_key_is_refused_naming_its_kid(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"QZ_IDENTITY_PUBLIC_KEYS\\['2026-x'\\]: .*{reason}"):
        PlatformSettings(dev_mode=False, identity_public_keys={"2026-x": text})


def test_public_keys_are_read_from_the_environment_as_pem_or_base64(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QZ_IDENTITY_PUBLIC_KEYS", json.dumps({GATEWAY.kid: PUBLIC_PEM.decode()} | NEXT.public_keys))
    keys = PlatformSettings(dev_mode=False).identity_verification_keys
    assert keys == {GATEWAY.kid: PUBLIC_KEYS[GATEWAY.kid], NEXT.kid: NEXT.private_key.public_key()}


def test_dev_mode_verifies_with_the_dev_key_unless_keys_are_given() -> None:
    dev_keys = PlatformSettings(dev_mode=True).identity_verification_keys
    assert dev_keys == {DEV_IDENTITY_KEY_ID: DEV_SIGNING_KEY.public_key}
    given = PlatformSettings(dev_mode=True, identity_public_keys=GATEWAY.public_keys).identity_verification_keys
    assert given == PUBLIC_KEYS  # the dev-only key is not added to them

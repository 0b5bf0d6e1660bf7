"""The gateway's identity signing key: made by `qz-gateway-keys signing-key`, held by the gateway only, refused when it
would not do (missing or dev-only outside dev mode, not the key the services list), and changed without a refused
call: the services list the old and the new key while the gateway switches."""

import base64
import json
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, IdentityKey, PiiKeys, ServiceProcess

from gateway.main import identity_signing_key
from gateway.settings import GatewaySettings
from qz_common.identity import mint_token, verify_token
from qz_common.settings import DEV_IDENTITY_KEY_ID, DEV_IDENTITY_PRIVATE_KEY, DEV_SIGNING_KEY, PlatformSettings

KEY = IdentityKey("2026-11-a")


def _gateway(**values: object) -> GatewaySettings:
    return GatewaySettings(database_url="sqlite:///unused.db", **values)  # type: ignore[arg-type]


def _listing(*keys: IdentityKey) -> dict[str, str]:
    """QZ_IDENTITY_PUBLIC_KEYS naming these keys."""
    return {kid: text for key in keys for kid, text in key.public_keys.items()}


def _production(*keys: IdentityKey) -> PlatformSettings:
    return PlatformSettings(dev_mode=False, identity_public_keys=_listing(*keys))


def test_the_configured_key_signs_tokens_the_services_verify() -> None:
    platform = _production(KEY)
    signing_key = identity_signing_key(_gateway(**KEY.gateway_settings), platform)
    token = mint_token(signing_key, audience="dogs", client_id="kecheng", scopes=["dogs:read"])
    assert verify_token(token, platform.identity_verification_keys, "dogs").client_id == "kecheng"


def test_the_private_key_may_be_base64_of_its_raw_bytes() -> None:
    raw = KEY.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    settings = _gateway(identity_key_id=KEY.kid, identity_private_key=base64.b64encode(raw).decode())
    assert identity_signing_key(settings, _production(KEY)).public_key == KEY.private_key.public_key()


def test_dev_mode_signs_with_the_dev_key_and_nothing_to_set() -> None:
    assert identity_signing_key(_gateway(), PlatformSettings(dev_mode=True)) == DEV_SIGNING_KEY


PEM = KEY.gateway_settings["identity_private_key"]
ANOTHER_PEM = IdentityKey(KEY.kid).gateway_settings["identity_private_key"]
MISSING_FILE = "/nonexistent/gateway.pem"


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({}, "must both be set outside dev mode"),
        ({"identity_key_id": KEY.kid}, "must both be set outside dev mode"),
        ({"identity_private_key": PEM}, "must both be set outside dev mode"),
        ({"identity_key_id": KEY.kid, "identity_private_key": "not a key"}, "GATEWAY_IDENTITY_PRIVATE_KEY: neither"),
        (
            {"identity_key_id": DEV_IDENTITY_KEY_ID, "identity_private_key": DEV_IDENTITY_PRIVATE_KEY},
            "dev-only key, refused outside dev mode",
        ),
        ({"identity_key_id": "2026-12-b", "identity_private_key": PEM}, "lists no public key '2026-12-b' matching"),
        ({"identity_key_id": KEY.kid, "identity_private_key": ANOTHER_PEM}, "lists no public key '2026-11-a' matching"),
        ({"identity_key_id": KEY.kid, "identity_private_key_file": MISSING_FILE}, "_FILE: .*No such file"),
        (
            {"identity_key_id": KEY.kid, "identity_private_key": PEM, "identity_private_key_file": MISSING_FILE},
            "not both",
        ),
    ],
)
def test_outside_dev_mode_a_key_that_would_not_do_stops_the_gateway(values: dict[str, object], refusal: str) -> None:
    with pytest.raises(ValueError, match=refusal):
        identity_signing_key(_gateway(**values), _production(KEY))


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-m", "gateway.cli", *map(str, args)], capture_output=True, text=True, check=False
    )


def test_qz_gateway_keys_makes_a_key_the_gateway_signs_with_and_the_services_verify_with(tmp_path: Path) -> None:
    out = tmp_path / "gateway-identity.pem"
    made = _cli("signing-key", "--out", out, "--kid", "2026-11-a")
    assert made.returncode == 0, made.stderr
    printed = json.loads(made.stdout)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert printed["private_key_file"] == str(out) and "PRIVATE" not in made.stdout
    platform = PlatformSettings(dev_mode=False, identity_public_keys=printed["public_keys_entry"])
    signing_key = identity_signing_key(
        _gateway(identity_key_id=printed["kid"], identity_private_key_file=out), platform
    )
    token = mint_token(signing_key, audience="dogs", client_id="kecheng", scopes=[])
    assert verify_token(token, platform.identity_verification_keys, "dogs").client_id == "kecheng"
    again = _cli("signing-key", "--out", out)
    assert (again.returncode, again.stderr) == (
        1,
        f"qz-gateway-keys: error: {out} exists: a signing key is never overwritten\n",
    )
    assert out.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_without_a_kid_the_command_names_the_key_by_date_and_digest(tmp_path: Path) -> None:
    made = json.loads(_cli("signing-key", "--out", tmp_path / "k.pem").stdout)
    date, digest = made["kid"].split("-")
    assert len(date) == 8 and date.isdigit() and len(digest) == 8
    assert made["public_keys_entry"] == {made["kid"]: made["public_key"]}


@pytest.fixture
def dogs_listing(
    database_factory: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., ServiceProcess]]:
    """A dogs process of this test's own, (re)started listing the given gateway keys, as after a rollout."""
    process = ServiceProcess("dogs", database_factory.create("dogs"), tmp_path / "dogs.log")

    def restart(*keys: IdentityKey) -> ServiceProcess:
        process.stop()
        monkeypatch.setenv("QZ_IDENTITY_PUBLIC_KEYS", json.dumps(_listing(*keys)))
        return process.start()

    yield restart
    process.stop()


def test_a_key_change_refuses_no_call(
    database_factory: DatabaseFactory,
    dogs_listing: Callable[..., ServiceProcess],
    make_gateway: Callable[..., TestClient],
    issue_key: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rotation of docs/OPERATIONS.md, with real processes: list both keys, switch the gateway, delist the old."""
    old, new = IdentityKey("2026-11-a"), IdentityKey("2026-12-b")
    # Outside dev mode a gateway seals its cases with keys of its own (GATEWAY_PII_*), on a database of its own.
    database_url, pii = database_factory.create("gateway"), PiiKeys.fresh()
    client = f"rotation-{uuid.uuid4().hex[:8]}"
    operator = pii.environment("GATEWAY_") | {"QZ_IDENTITY_PUBLIC_KEYS": json.dumps(_listing(old))}
    api_key = issue_key(client, scopes="dogs:read", database_url=database_url, environment=operator)
    headers = {"X-API-Key": api_key}

    def gateway_signing_with(key: IdentityKey, dogs: ServiceProcess, *listed: IdentityKey) -> TestClient:
        monkeypatch.setenv("QZ_IDENTITY_PUBLIC_KEYS", json.dumps(_listing(*listed)))
        production = key.gateway_settings | pii.settings
        return make_gateway(urls={"dogs": dogs.url}, dev_mode=False, database_url=database_url, **production)

    dogs = dogs_listing(old)
    before = gateway_signing_with(old, dogs, old)
    assert before.get("/api/dogs/v1/parameters", headers=headers).status_code == 200

    dogs = dogs_listing(old, new)  # 1. every service lists both keys
    assert before.get("/api/dogs/v1/parameters", headers=headers).status_code == 200
    after = gateway_signing_with(new, dogs, old, new)  # 2. the gateway signs with the new one
    assert after.get("/api/dogs/v1/parameters", headers=headers).status_code == 200
    assert before.get("/api/dogs/v1/parameters", headers=headers).status_code == 200  # a gateway not yet restarted

    dogs = dogs_listing(new)  # 3. the old key is delisted: only what the new one signs is accepted
    assert after.get("/api/dogs/v1/parameters", headers=headers).status_code == 200
    refused = before.get("/api/dogs/v1/parameters", headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == "identity_invalid"
    assert "2026-11-a" in dogs.logged("key id this service does not list")[0]

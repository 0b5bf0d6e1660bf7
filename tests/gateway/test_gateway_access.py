"""Who may see what: API keys and scopes, district isolation, citizen isolation, rate limits."""

import datetime as dt
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
from dogs_testdata import vaccination_body
from fastapi.testclient import TestClient
from testkit import IdentityKey, PiiKeys, id_number

from gateway.main import NoApiKeysConfigured, create_app
from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET, GatewaySettings
from qz_common.logs import JsonFormatter
from qz_common.pii import KeyRingError
from qz_common.settings import PlatformSettings

ADAPTER = {"X-API-Key": "dev-zheliban-key"}
FORGED = "a-secret-that-is-not-the-adapter-s-own"
ALICE = id_number("330802", dt.date(1986, 3, 3), 11)
BOB = id_number("330802", dt.date(1987, 4, 4), 22)


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


def assertion(
    id_number: str, secret: str = DEV_ADAPTER_ASSERTION_SECRET, lifetime_s: int = 300, **extra: object
) -> str:
    now = int(time.time())
    claims = {"sub": id_number, "name": "市民", "iat": now, "exp": now + lifetime_s, "auth_level": 3}
    return jwt.encode(claims, secret, algorithm="HS256")


def as_citizen(who: str) -> dict[str, str]:
    return ADAPTER | {"X-Citizen-Assertion": assertion(who)}


def vaccination(owner: str, district: str = "柯城区") -> dict[str, object]:
    return vaccination_body(owner, district=district, address=f"{district}某路1号")


def test_scopes_are_enforced(gateway: TestClient, issue_key: Callable[..., str]) -> None:
    reader = {"X-API-Key": issue_key(unique("reader"), "dogs:read")}
    assert gateway.get("/api/dogs/v1/vaccinations", headers=reader).status_code == 200
    write = gateway.post("/api/dogs/v1/vaccinations", json=vaccination(ALICE), headers=reader)
    assert (write.status_code, write.json()["code"]) == (403, "scope_missing")
    other_service = gateway.get("/api/science/v1/enterprises", headers=reader)
    assert (other_service.status_code, other_service.json()["code"]) == (403, "scope_missing")


def test_revoked_key_is_refused(gateway: TestClient, issue_key: Callable[..., str], gateway_db: str) -> None:
    import os
    import subprocess
    import sys

    client_id = unique("soon-revoked")
    headers = {"X-API-Key": issue_key(client_id, "dogs:read")}
    assert gateway.get("/api/dogs/v1/vaccinations", headers=headers).status_code == 200
    subprocess.run(
        [sys.executable, "-P", "-m", "gateway.cli", "revoke", "--client-id", client_id],
        env={**os.environ, "GATEWAY_DATABASE_URL": gateway_db, "QZ_DEV_MODE": "true"},  # as its gateways run
        check=True,
        capture_output=True,
    )
    r = gateway.get("/api/dogs/v1/vaccinations", headers=headers)
    assert (r.status_code, r.json()["code"]) == (401, "api_key_invalid")


def test_district_bound_client_is_isolated_on_every_path(gateway: TestClient, issue_key: Callable[..., str]) -> None:
    kecheng = {"X-API-Key": issue_key(unique("kecheng"), "dogs:read,dogs:write", "柯城区")}
    qujiang = {"X-API-Key": issue_key(unique("qujiang"), "dogs:read,dogs:write", "衢江区")}
    mine = gateway.post("/api/dogs/v1/vaccinations", json=vaccination(ALICE), headers=kecheng)
    assert mine.status_code == 201
    record_id = mine.json()["id"]
    # create in another district: refused, nothing written
    other = gateway.post("/api/dogs/v1/vaccinations", json=vaccination(BOB, "衢江区"), headers=kecheng)
    assert (other.status_code, other.json()["code"]) == (403, "district_forbidden")
    # read a record of another district by id (not there, to it: the 404 of an unused id), by filter, by person
    assert gateway.get(f"/api/dogs/v1/vaccinations/{record_id}", headers=qujiang).status_code == 404
    assert gateway.get("/api/dogs/v1/vaccinations?district=柯城区", headers=qujiang).status_code == 403
    listed = gateway.get(f"/api/dogs/v1/vaccinations?owner_id_number={ALICE}", headers=qujiang).json()
    assert all(v["district"] == "衢江区" for v in listed["items"])
    dossier = gateway.get(f"/api/dogs/v1/dossiers/citizens/{ALICE}", headers=qujiang).json()
    assert dossier["vaccinations"] == []
    assert gateway.get(f"/api/dogs/v1/vaccinations/{record_id}", headers=kecheng).status_code == 200


def test_citizen_sees_only_their_own_records(gateway: TestClient, issue_key: Callable[..., str]) -> None:
    staff = {"X-API-Key": issue_key(unique("staff"), "dogs:*")}
    gateway.post("/api/dogs/v1/vaccinations", json=vaccination(ALICE), headers=staff)
    alice = gateway.get("/api/v1/me/dogs/records", headers=as_citizen(ALICE)).json()
    assert alice["vaccinations"] and all(v["owner_id_number"] == ALICE for v in alice["vaccinations"])
    bob = gateway.get("/api/v1/me/dogs/records", headers=as_citizen(BOB)).json()
    assert bob["vaccinations"] == []
    # parameters cannot widen the view
    tried = gateway.get(f"/api/v1/me/dogs/records?owner_id_number={ALICE}", headers=as_citizen(BOB)).json()
    assert tried["vaccinations"] == []
    # the adapter cannot leave /api/v1/me, and /api/v1/me cannot reach staff endpoints
    for path in (
        f"/api/dogs/v1/vaccinations?owner_id_number={ALICE}",
        f"/api/dogs/v1/dossiers/citizens/{ALICE}",
        f"/api/v1/citizens/{ALICE}/dossier",
    ):
        r = gateway.get(path, headers=as_citizen(BOB))
        assert r.status_code == 403, path
    for path in (f"/api/v1/me/dogs/../v1/dossiers/citizens/{ALICE}", "/api/v1/me/dogs/vaccinations"):
        assert gateway.get(path, headers=as_citizen(BOB)).status_code in (403, 404), path
    for service, path in (("expropriation", "household"), ("medinsurance", "proxy-authorisations")):
        r = gateway.get(f"/api/v1/me/{service}/{path}", headers=as_citizen(BOB))
        assert r.status_code == 200, (service, r.text)


# Each case makes its assertion when it runs: one made at collection lives 300 s, and a
# suite that reaches the case later would see it expired rather than the fault it names.
@pytest.mark.parametrize(
    ("make_assertion", "code"),
    [
        (None, "assertion_missing"),
        (lambda: assertion(ALICE, secret=FORGED), "assertion_invalid"),
        (lambda: assertion(ALICE, lifetime_s=-10), "assertion_expired"),
        (lambda: assertion(ALICE, lifetime_s=3600), "assertion_too_long"),
        (lambda: assertion("110105194912310021"), "assertion_invalid"),
    ],
)
def test_bad_citizen_assertions(gateway: TestClient, make_assertion: Callable[[], str] | None, code: str) -> None:
    headers = ADAPTER if make_assertion is None else ADAPTER | {"X-Citizen-Assertion": make_assertion()}
    r = gateway.get("/api/v1/me/dogs/records", headers=headers)
    assert (r.status_code, r.json()["code"]) == (401, code)


def test_system_clients_cannot_act_as_citizens(gateway: TestClient) -> None:
    r = gateway.get(
        "/api/v1/me/dogs/records", headers={"X-API-Key": "dev-key", "X-Citizen-Assertion": assertion(ALICE)}
    )
    assert (r.status_code, r.json()["code"]) == (403, "citizen_path_only_for_adapter")


def test_denials_are_logged_without_id_numbers(gateway: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    gateway.get(f"/api/dogs/v1/dossiers/citizens/{ALICE}", headers=as_citizen(BOB))
    out = "\n".join(JsonFormatter("gateway").format(record) for record in caplog.records)
    assert "request denied" in out and "adapter_limited_to_me" in out
    assert ALICE not in out and BOB not in out


def test_rate_limit_answers_429_with_retry_after(make_gateway: Callable[..., TestClient]) -> None:
    limited = make_gateway(rate_limit_per_s=0.5, rate_limit_burst=2)
    codes = [limited.get("/api/dogs/healthz", headers={"X-API-Key": "dev-key"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = limited.get("/api/dogs/healthz", headers={"X-API-Key": "dev-key"})
    assert r.json()["code"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1


def test_redis_shares_the_buckets(make_gateway: Callable[..., TestClient]) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix_client = unique("shared")
    settings = {"rate_limit_per_s": 0.5, "rate_limit_burst": 2, "redis_url": "redis://127.0.0.1:6379/15"}
    first, second = make_gateway(**settings), make_gateway(**settings)
    headers = {"X-API-Key": "dev-key"}
    redis.Redis(host="127.0.0.1", port=6379, db=15).delete("qz:gateway:bucket:client:dev")
    codes = [gw.get("/api/dogs/healthz", headers=headers).status_code for gw in (first, second, first)]
    assert codes == [200, 200, 429], prefix_client  # two replicas, one bucket


def test_outside_dev_mode_the_gateway_needs_keys_and_a_secret(
    tmp_path: Path, settings_for: Callable[..., GatewaySettings]
) -> None:
    from qz_common.migrations import upgrade

    empty_db = f"sqlite:///{tmp_path / 'empty-gateway.db'}"
    upgrade("gateway", empty_db)
    key = IdentityKey("test-key")
    production = PlatformSettings(dev_mode=False, identity_public_keys=key.public_keys)
    with pytest.raises(KeyRingError, match="GATEWAY_PII_KEYS"):  # its relocation cases are sealed (issue 30)
        create_app(settings_for(empty_db, **key.gateway_settings), production)
    app = create_app(settings_for(empty_db, **key.gateway_settings, **PiiKeys.fresh().settings), production)
    with pytest.raises(NoApiKeysConfigured), TestClient(app):
        pass
    with pytest.raises(ValueError, match="QZ_IDENTITY_PUBLIC_KEYS"):
        PlatformSettings(dev_mode=False)

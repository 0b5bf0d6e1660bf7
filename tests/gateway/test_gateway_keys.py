"""The gateway's own books: key creation, rotation and revocation, audited; a CLI that answers in one line."""

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from relocation_kit import gateway_database
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory, IdentityKey

from gateway.keys import hash_key
from gateway.models import AuditRecord
from qz_common.db import async_url
from qz_common.migrations import upgrade


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI on the tests' gateway database, whose gateways run in dev mode (with the dev keys of its audit log)."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "gateway.cli", *args],
        env={**os.environ, "GATEWAY_DATABASE_URL": database_url, "QZ_DEV_MODE": "true"},
        capture_output=True,
        text=True,
    )


def run_ok(database_url: str, *args: str) -> Any:
    done = cli(database_url, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def client_id() -> str:
    return f"county-{uuid.uuid4().hex[:8]}"


def works(gateway: TestClient, key: str) -> bool:
    status = gateway.get("/api/dogs/healthz", headers={"X-API-Key": key}).status_code
    assert status in (200, 401), status
    return status == 200


def test_rotation_keeps_both_keys_until_the_old_one_is_revoked(
    gateway: TestClient, gateway_db: str, client_id: str
) -> None:
    first = run_ok(gateway_db, "create", "--client-id", client_id, "--scopes", "dogs:read")
    second = run_ok(gateway_db, "rotate", "--client-id", client_id)
    assert second["still_active"] == [first["key_prefix"]]
    assert works(gateway, first["api_key"]) and works(gateway, second["api_key"])  # the overlap
    listed = {c["client_id"]: c for c in run_ok(gateway_db, "list")}[client_id]
    assert listed["active_keys"] == [first["key_prefix"], second["key_prefix"]]

    run_ok(gateway_db, "revoke", "--client-id", client_id, "--key-prefix", first["key_prefix"])
    assert not works(gateway, first["api_key"]) and works(gateway, second["api_key"])


def test_a_revoked_client_can_be_created_again(gateway: TestClient, gateway_db: str, client_id: str) -> None:
    old = run_ok(gateway_db, "create", "--client-id", client_id, "--scopes", "dogs:read")
    run_ok(gateway_db, "revoke", "--client-id", client_id)
    assert not works(gateway, old["api_key"])
    again = run_ok(gateway_db, "create", "--client-id", client_id, "--scopes", "dogs:read,dogs:write")
    assert works(gateway, again["api_key"]) and not works(gateway, old["api_key"])
    assert again["scopes"] == ["dogs:read", "dogs:write"]


def test_every_key_change_writes_an_audit_row(gateway_db: str, client_id: str) -> None:
    run_ok(gateway_db, "create", "--client-id", client_id, "--scopes", "dogs:read")
    rotated = run_ok(gateway_db, "rotate", "--client-id", client_id)
    run_ok(gateway_db, "revoke", "--client-id", client_id, "--key-prefix", rotated["key_prefix"])
    run_ok(gateway_db, "revoke", "--client-id", client_id)
    run_ok(gateway_db, "create", "--client-id", client_id)

    async def rows() -> list[tuple[str, str]]:
        database = gateway_database(gateway_db)  # the actor is sealed: compared once opened
        async with database.sessionmaker() as session:
            found = await session.execute(
                select(AuditRecord.action, AuditRecord.entity, AuditRecord.actor).order_by(AuditRecord.id)
            )
            by_the_cli = [(action, entity) for action, entity, actor in found if actor.startswith("qz-gateway-keys:")]
        await database.dispose()
        return by_the_cli

    actions = asyncio.run(rows())
    # this client's rows are the last ones written: created, issued, issued, revoked key, revoked first key,
    # revoked client, recreated, issued
    assert actions[-8:] == [
        ("api_client.created", "api_clients"),
        ("api_key.issued", "api_keys"),
        ("api_key.issued", "api_keys"),
        ("api_key.revoked", "api_keys"),
        ("api_key.revoked", "api_keys"),
        ("api_client.revoked", "api_clients"),
        ("api_client.recreated", "api_clients"),
        ("api_key.issued", "api_keys"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rotate", "--client-id", "nobody-here"], "no active client 'nobody-here'"),
        (["revoke", "--client-id", "nobody-here"], "no client 'nobody-here'"),
        (["create", "--client-id", "x", "--scopes", "cats:read"], "unknown scope 'cats:read'"),
        (["create", "--client-id", "x", "--district", "杭州"], "unknown district '杭州'"),
    ],
)
def test_cli_errors_are_one_line(gateway_db: str, args: list[str], message: str) -> None:
    done = cli(gateway_db, *args)
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"qz-gateway-keys: error: {message}")


def test_usage_mistakes_are_one_line(gateway_db: str) -> None:
    done = cli(gateway_db, "rotate")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "qz-gateway-keys rotate: error: the following arguments are required: --client-id (see --help)"
    ]


def test_creating_an_active_client_twice_is_refused_in_one_line(gateway_db: str, client_id: str) -> None:
    run_ok(gateway_db, "create", "--client-id", client_id)
    done = cli(gateway_db, "create", "--client-id", client_id)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"qz-gateway-keys: error: client '{client_id}' exists and is active: use `rotate` to issue another key"
    ]


def test_an_unreachable_database_is_one_line() -> None:
    done = cli("postgresql://nobody@127.0.0.1:1/none", "list")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "127.0.0.1:1/none" in done.stderr


@pytest.mark.parametrize(
    ("platform", "missing"),
    [
        ({}, "QZ_IDENTITY_PUBLIC_KEYS"),
        ({"QZ_IDENTITY_PUBLIC_KEYS": json.dumps(IdentityKey("2026-12-a").public_keys)}, "GATEWAY_PII_KEYS"),
    ],
)
def test_outside_dev_mode_the_cli_needs_the_gateways_settings_in_one_line(
    gateway_db: str, platform: dict[str, str], missing: str
) -> None:
    """The CLI writes the gateway's sealed audit log (issue 30): it runs with the gateway's environment."""
    done = subprocess.run(
        [sys.executable, "-P", "-m", "gateway.cli", "list"],
        env={**os.environ, "GATEWAY_DATABASE_URL": gateway_db, "QZ_DEV_MODE": "false", **platform},
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (1, "") and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("qz-gateway-keys: error: ") and missing in line


def test_keys_issued_before_rotation_existed_keep_working(
    database_factory: DatabaseFactory, make_gateway: Callable[..., TestClient]
) -> None:
    url = database_factory.create("gateway", migrate=False)
    upgrade("gateway", url, "0001")

    async def client_from_before_rotation() -> None:
        engine = create_async_engine(async_url(url))
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO api_clients (client_id, key_hash, key_prefix, kind, scopes, district, created_at)"
                    " VALUES ('legacy', :hash, 'qzk_legacy00', 'system', '[\"dogs:read\"]', NULL, CURRENT_TIMESTAMP)"
                ),
                {"hash": hash_key("qzk_legacy-key")},
            )
        await engine.dispose()

    asyncio.run(client_from_before_rotation())
    upgrade("gateway", url)
    gateway = make_gateway(database_url=url)
    assert works(gateway, "qzk_legacy-key")

"""Manage API clients and their keys: ``qz-gateway-keys create|rotate|revoke|list`` (or ``python -m gateway.cli``).

A key is printed once, when issued; only its SHA-256 is stored. A client may hold several active keys: ``rotate``
issues a new one and the old one keeps working until ``revoke --key-prefix`` retires it, so a calling system can
switch without a gap. ``revoke`` without a prefix retires the client and all its keys; ``create`` on a revoked
client brings it back with a new key. Every change is written to the gateway's audit log in the same transaction.
Errors are one line on stderr and exit status 1, never a traceback.

``signing-key --out FILE`` makes the gateway's Ed25519 key for internal identity tokens (no database involved): the
private key goes to FILE (PEM, mode 0600, never overwritten) for GATEWAY_IDENTITY_PRIVATE_KEY(_FILE); the kid and the
public key are printed for GATEWAY_IDENTITY_KEY_ID and every deployable's QZ_IDENTITY_PUBLIC_KEYS.
"""

import argparse
import asyncio
import datetime as dt
import getpass
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.keys import hash_key, new_key
from gateway.models import ApiClient, ApiKey, AuditRecord
from gateway.settings import GatewaySettings
from qz_common.audit import AuditTrail, snapshot
from qz_common.db import Database, utcnow
from qz_common.districts import DISTRICT_CODES
from qz_common.identity import Caller, raw_public_key
from qz_common.migrations import upgrade
from qz_common.pii import KeyRing, KeyRingError, KeyVerification, use_keyring
from qz_common.settings import PlatformSettings

SERVICES = ("dogs", "expropriation", "medinsurance", "science")
audit = AuditTrail(AuditRecord)


class CommandError(Exception):
    """A refusal worth one line to the operator."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, with usage mistakes in one line too (``--help`` still shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _scopes(raw: str) -> list[str]:
    scopes = sorted({s.strip() for s in raw.split(",") if s.strip()})
    for scope in scopes:
        service, _, access = scope.partition(":")
        if scope not in ("*", "metrics") and (service not in SERVICES or access not in ("read", "write", "*")):
            raise CommandError(
                f"unknown scope {scope!r}: use <service>:read|write|* with service in {SERVICES}, metrics, or *"
            )
    return scopes


def _operator() -> Caller:
    try:
        user = getpass.getuser()
    except OSError:  # no user name in a bare container
        user = "unknown"
    return Caller(client_id=f"qz-gateway-keys:{user}", scopes=frozenset())


async def _client(session: AsyncSession, client_id: str) -> ApiClient | None:
    client: ApiClient | None = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    return client


async def _issue(session: AsyncSession, client: ApiClient) -> dict[str, Any]:
    key = new_key()
    row = ApiKey(key_hash=hash_key(key), key_prefix=key[:12])
    client.keys.append(row)
    await session.flush()
    audit.record(session, _operator(), "api_key.issued", row)
    return {"client_id": client.client_id, "api_key": key, "key_prefix": row.key_prefix}


async def _create(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    if args.district and args.district not in (*DISTRICT_CODES, "市本级"):
        raise CommandError(f"unknown district {args.district!r}")
    scopes = ["me"] if args.kind == "citizen_adapter" else _scopes(args.scopes)
    client = await _client(session, args.client_id)
    if client is not None and client.revoked_at is None:
        raise CommandError(f"client {args.client_id!r} exists and is active: use `rotate` to issue another key")
    before = snapshot(client) if client is not None else None
    if client is None:
        client = ApiClient(client_id=args.client_id, kind=args.kind, scopes=scopes, district=args.district, keys=[])
        session.add(client)
    else:  # a revoked client comes back, with what it may do now
        client.kind, client.scopes, client.district, client.revoked_at = args.kind, scopes, args.district, None
    await session.flush()
    audit.record(
        session, _operator(), "api_client.created" if before is None else "api_client.recreated", client, before=before
    )
    return await _issue(session, client) | {"scopes": scopes, "district": args.district}


async def _rotate(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    client = await _client(session, args.client_id)
    if client is None or client.revoked_at is not None:
        raise CommandError(f"no active client {args.client_id!r}")
    issued = await _issue(session, client)
    issued["still_active"] = [
        k.key_prefix for k in client.keys if k.revoked_at is None and k.key_prefix != issued["key_prefix"]
    ]
    return issued


async def _revoke(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    client = await _client(session, args.client_id)
    if client is None:
        raise CommandError(f"no client {args.client_id!r}")
    now = utcnow()
    active = [k for k in client.keys if k.revoked_at is None]
    if args.key_prefix:
        chosen = [k for k in active if k.key_prefix == args.key_prefix]
        if not chosen:
            raise CommandError(f"client {args.client_id!r} has no active key {args.key_prefix!r}")
        before = snapshot(chosen[0])
        chosen[0].revoked_at = now
        await session.flush()
        audit.record(session, _operator(), "api_key.revoked", chosen[0], before=before)
        return {"client_id": client.client_id, "revoked_key": args.key_prefix, "revoked_at": now.isoformat()}
    for key in active:
        before = snapshot(key)
        key.revoked_at = now
        await session.flush()
        audit.record(session, _operator(), "api_key.revoked", key, before=before)
    before = snapshot(client)
    client.revoked_at = client.revoked_at or now
    await session.flush()
    audit.record(session, _operator(), "api_client.revoked", client, before=before)
    return {"client_id": client.client_id, "revoked_at": now.isoformat()}


async def _list(session: AsyncSession) -> list[dict[str, Any]]:
    rows = (await session.scalars(select(ApiClient).order_by(ApiClient.client_id))).all()
    return [
        {
            "client_id": r.client_id,
            "kind": r.kind,
            "scopes": r.scopes,
            "district": r.district,
            "revoked": r.revoked_at is not None,
            "active_keys": [k.key_prefix for k in r.keys if k.revoked_at is None],
        }
        for r in rows
    ]


def _new_signing_key(out: Path, kid: str | None) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    public_key = raw_public_key(key.public_key())
    # By default the date and a digest of the public key: operators see which key is newer, and no two keys share one.
    kid = kid or f"{dt.date.today():%Y%m%d}-{hashlib.sha256(public_key.encode()).hexdigest()[:8]}"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        with os.fdopen(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(pem)
    except FileExistsError:
        raise CommandError(f"{out} exists: a signing key is never overwritten") from None
    except OSError as failed:
        raise CommandError(f"cannot write {out}: {failed.strerror}") from None
    return {"kid": kid, "private_key_file": str(out), "public_key": public_key, "public_keys_entry": {kid: public_key}}


async def _run(args: argparse.Namespace, settings: GatewaySettings, keyring: KeyRing) -> object:
    database = Database(settings.database_url)
    # The audit log is sealed (gateway.models): written with the gateway's keys, once checked against the database.
    use_keyring(database.engine, keyring)
    try:
        await KeyVerification(database.engine, keyring).ensure()
        async with database.sessionmaker() as session, session.begin():
            if args.command == "create":
                return await _create(session, args)
            if args.command == "rotate":
                return await _rotate(session, args)
            if args.command == "revoke":
                return await _revoke(session, args)
            return await _list(session)
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = OneLineParser(prog="qz-gateway-keys", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="register a client (or bring a revoked one back) and issue a key")
    create.add_argument("--client-id", required=True)
    create.add_argument("--scopes", default="", help="comma-separated, e.g. dogs:read,expropriation:write,metrics")
    create.add_argument("--district", help="bind the client to one district, e.g. 柯城区")
    create.add_argument("--kind", choices=["system", "citizen_adapter"], default="system")
    rotate = commands.add_parser("rotate", help="issue another key; the current ones stay active until revoked")
    rotate.add_argument("--client-id", required=True)
    revoke = commands.add_parser("revoke", help="revoke one key (--key-prefix) or the client and all its keys")
    revoke.add_argument("--client-id", required=True)
    revoke.add_argument("--key-prefix", help="the 12-character prefix `list` shows, e.g. qzk_AbCdEfGh")
    commands.add_parser("list", help="list clients and the prefixes of their active keys (never the keys)")
    signing = commands.add_parser("signing-key", help="make the gateway's Ed25519 key for internal identity tokens")
    signing.add_argument("--out", required=True, type=Path, help="file for the private key (PEM, mode 0600)")
    signing.add_argument("--kid", help="its key id (default: today's date and a digest of the public key)")
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    try:
        if args.command == "signing-key":
            result: object = _new_signing_key(args.out, args.kid)
        else:
            keyring = KeyRing.from_settings(settings, dev_mode=PlatformSettings().dev_mode)
            upgrade("gateway", settings.database_url, keyring=keyring)
            result = asyncio.run(_run(args, settings, keyring))
    except (CommandError, KeyRingError) as refused:
        parser.exit(1, f"qz-gateway-keys: error: {refused}\n")
    except ValidationError as invalid:  # QZ_* (PlatformSettings), read for whether dev keys may seal the audit log
        parser.exit(1, f"qz-gateway-keys: error: {invalid.errors()[0]['msg']}\n")
    except (SQLAlchemyError, OSError) as failed:
        reason = str(getattr(failed, "orig", None) or failed).strip().splitlines()[0]
        parser.exit(1, f"qz-gateway-keys: error: database {settings.database_url.split('@')[-1]}: {reason}\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])

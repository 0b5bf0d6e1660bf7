"""Manage API clients: ``qz-gateway-keys create|revoke|list`` (or ``python -m gateway.cli``).

The key is printed once at creation; only its SHA-256 is stored.
"""

import argparse
import asyncio
import json

from sqlalchemy import select

from gateway.keys import hash_key, new_key
from gateway.models import ApiClient
from gateway.settings import GatewaySettings
from qz_common.db import Database, utcnow
from qz_common.districts import DISTRICT_CODES
from qz_common.migrations import upgrade

SERVICES = ("dogs", "expropriation", "medinsurance", "science")


def _scopes(raw: str) -> list[str]:
    scopes = sorted({s.strip() for s in raw.split(",") if s.strip()})
    for scope in scopes:
        service, _, access = scope.partition(":")
        if scope not in ("*", "metrics") and (service not in SERVICES or access not in ("read", "write", "*")):
            raise SystemExit(
                f"unknown scope {scope!r}: use <service>:read|write|* with service in {SERVICES}, metrics, or *"
            )
    return scopes


async def _run(args: argparse.Namespace, settings: GatewaySettings) -> object:
    database = Database(settings.database_url)
    try:
        async with database.sessionmaker() as session, session.begin():
            if args.command == "create":
                if args.district and args.district not in (*DISTRICT_CODES, "市本级"):
                    raise SystemExit(f"unknown district {args.district!r}")
                key = new_key()
                client = ApiClient(
                    client_id=args.client_id,
                    key_hash=hash_key(key),
                    key_prefix=key[:12],
                    kind=args.kind,
                    scopes=["me"] if args.kind == "citizen_adapter" else _scopes(args.scopes),
                    district=args.district,
                )
                session.add(client)
                return {"client_id": args.client_id, "api_key": key, "scopes": client.scopes, "district": args.district}
            if args.command == "revoke":
                revoked = await session.scalar(select(ApiClient).where(ApiClient.client_id == args.client_id))
                if revoked is None:
                    raise SystemExit(f"no client {args.client_id!r}")
                revoked.revoked_at = utcnow()
                return {"client_id": args.client_id, "revoked_at": revoked.revoked_at.isoformat()}
            rows = (await session.scalars(select(ApiClient).order_by(ApiClient.client_id))).all()
            return [
                {
                    "client_id": r.client_id,
                    "key_prefix": r.key_prefix,
                    "kind": r.kind,
                    "scopes": r.scopes,
                    "district": r.district,
                    "revoked": r.revoked_at is not None,
                }
                for r in rows
            ]
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="qz-gateway-keys", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="issue a key (printed once)")
    create.add_argument("--client-id", required=True)
    create.add_argument("--scopes", default="", help="comma-separated, e.g. dogs:read,expropriation:write")
    create.add_argument("--district", help="bind the client to one district, e.g. 柯城区")
    create.add_argument("--kind", choices=["system", "citizen_adapter"], default="system")
    revoke = commands.add_parser("revoke", help="revoke a client's key")
    revoke.add_argument("--client-id", required=True)
    commands.add_parser("list", help="list clients (never their keys)")
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    upgrade("gateway", settings.database_url)
    print(json.dumps(asyncio.run(_run(args, settings)), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

"""Reseal a service's personal data under its active key; recompute its lookups under its index key.

    python -m qz_common.rekey dogs [--batch-size 500]

Run with the service's own environment (``<PREFIX>_DATABASE_URL``, ``<PREFIX>_PII_*``, ``QZ_*``), the old key still
listed in ``<PREFIX>_PII_KEYS`` and the new one ``<PREFIX>_PII_KEY_ID``, once every replica runs with the new key.
Each batch of rows is one short transaction holding the rows' locks (SQLite: the write lock), so the service goes on
serving. Passes repeat until one finds nothing left to reseal; then every other data key is recorded as retired and
may be removed from the settings. With a new index key (``<PREFIX>_PII_INDEX_KEY_ID``), the first pass also
recomputes every lookup: stop the service for that, since lookups it computes with the old key meanwhile would be
lost. Prints what it did as one JSON document.
"""

import argparse
import asyncio
import importlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData, RowMapping, Table
from sqlalchemy.orm import Session

from qz_common.db import Database
from qz_common.pii import (
    BlindIndex,
    KeyRing,
    KeyRingError,
    LookupKind,
    SealedValueError,
    is_sealed,
    retire_keys,
    rewrite_batch,
    verify_keys,
)


def _resealing(
    ring: KeyRing, sealed: list[str], lookups: dict[str, tuple[str, LookupKind]]
) -> Callable[[RowMapping], dict[str, str | None]]:
    """The rewrite (for rewrite_batch) of a row: its sealed values under another key or cipher resealed, its lookups
    (``lookups``: lookup column -> sealed source column, kind) recomputed."""

    def rewrite(row: RowMapping) -> dict[str, str | None]:
        values: dict[str, str | None] = {
            name: ring.seal(ring.open(row[name]))
            for name in sealed
            if row[name] is not None and not ring.is_current(row[name])
        }
        for lookup, (source, kind) in lookups.items():
            digest = None if row[source] is None else ring.lookup(kind, ring.open(row[source]).decode())
            if digest != row[lookup]:
                values[lookup] = digest
        return values

    return rewrite


async def _rekey_table(
    database: Database, table: Table, ring: KeyRing, recompute_lookups: bool, batch_size: int
) -> int:
    """One pass over ``table``, a transaction per batch; returns the rows changed."""
    (key,) = (column.name for column in table.primary_key.columns)
    sealed = [column.name for column in table.columns if is_sealed(column)]
    lookups = {
        column.name: (column.type.of, column.type.kind)
        for column in table.columns
        if recompute_lookups and isinstance(column.type, BlindIndex)
    }
    rewrite = _resealing(ring, sealed, lookups)

    def batch(session: Session, after: Any) -> tuple[Any, int]:
        return rewrite_batch(
            session.connection(),
            table.name,
            [*sealed, *lookups],
            rewrite,
            after=after,
            batch_size=batch_size,
            key=key,
            lock=True,
        )

    after: Any = None
    changed = 0
    while True:
        async with database.sessionmaker() as session, session.begin():  # SQLite: BEGIN IMMEDIATE
            after, batch_changed = await session.run_sync(batch, after)
        changed += batch_changed
        if after is None:
            return changed


async def rekey(database: Database, metadata: MetaData, ring: KeyRing, batch_size: int = 500) -> dict[str, Any]:
    """Reseal every sealed column of ``metadata``'s tables not sealed under the ring's active key and cipher (and,
    with a new index key, recompute every lookup), then retire the other keys. Returns what was done."""
    async with database.engine.begin() as connection:
        recompute_lookups = await connection.run_sync(lambda sync: verify_keys(sync, ring, new_index_key=True))
    tables = [table for table in metadata.sorted_tables if any(is_sealed(column) for column in table.columns)]
    resealed = dict.fromkeys((table.name for table in tables), 0)
    lookups_recomputed = recompute_lookups
    while True:
        changed = 0
        for table in tables:
            count = await _rekey_table(database, table, ring, recompute_lookups, batch_size)
            resealed[table.name] += count
            changed += count
        recompute_lookups = False
        if changed == 0:  # a whole pass found everything under the active key: nothing was sealed otherwise meanwhile
            break
    async with database.engine.begin() as connection:
        retired = await connection.run_sync(lambda sync: retire_keys(sync, ring))
    return {
        "active_key": ring.active_kid,
        "cipher": ring.cipher,
        "index_key": ring.index_kid,
        "rows_rewritten": resealed,
        "lookups_recomputed": lookups_recomputed,
        "retired_keys": retired,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", help="a service holding personal data, e.g. dogs")
    parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
    args = parser.parse_args()
    app = importlib.import_module(f"{args.package}.main").create_app()
    if app.state.keyring is None:
        parser.exit(2, f"{args.package} holds no sealed personal data\n")
    metadata = importlib.import_module(f"{args.package}.models").Base.metadata

    async def run() -> dict[str, Any]:
        try:
            return await rekey(app.state.db, metadata, app.state.keyring, args.batch_size)
        finally:
            await app.state.db.dispose()

    try:
        report = asyncio.run(run())
    except (KeyRingError, SealedValueError) as refused:
        parser.exit(1, f"refused: {refused}\n")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()

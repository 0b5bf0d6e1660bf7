"""Alembic plumbing shared by every service's migration history.

Each service's ``migrations/env.py`` is three lines calling :func:`run_env`;
:func:`upgrade` applies a service's history programmatically (dev runner, tests,
container start); the ``create_*``/``drop_*`` operations build the platform tables
(audit log, idempotency keys, the keys of personal data) that services' revisions need, and
:func:`seal_columns` / :func:`open_columns` encrypt and decrypt the personal data of rows already stored.

On PostgreSQL every run holds a transaction-scoped advisory lock, so replicas starting at
once take turns: the first applies the revisions, the others then find the database at head.
"""

import asyncio
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, RowMapping, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from qz_common.db import BigId, JSONDocument, UTCDateTime, async_url
from qz_common.pii import PII_KEYS_TABLE, KeyRing, KeyRingError, LookupKind, rewrite_batch, verify_keys

# Advisory-lock keys are scoped to one database, and each deployable has its own: one constant serves all.
MIGRATION_LOCK_KEY = 0x717A_6D69_6772  # "qzmigr"


# The Alembic config attribute holding how to get the service's key ring (a function, called only by a revision that
# finds rows to seal or open).
KEYRING_ATTRIBUTE = "qz_pii_keyring"


def alembic_config(package: str, database_url: str, keyring: KeyRing | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", database_url)
    if keyring is not None:
        config.attributes[KEYRING_ATTRIBUTE] = lambda: keyring
    return config


def upgrade(package: str, database_url: str, revision: str = "head", *, keyring: KeyRing | None = None) -> None:
    """Apply the service's revisions; ``keyring``: the service's (``app.state.keyring``), else env.py's."""
    command.upgrade(alembic_config(package, database_url, keyring), revision)


def downgrade(package: str, database_url: str, revision: str = "base", *, keyring: KeyRing | None = None) -> None:
    command.downgrade(alembic_config(package, database_url, keyring), revision)


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Taken before Alembic reads the current revision, released at commit (the DDL is transactional).
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_configure_and_run, metadata)
    await engine.dispose()


def run_env(metadata: MetaData, default_url: str, keyring: Callable[[], KeyRing] | None = None) -> None:
    """Body of a service's ``env.py``: the URL comes from the Alembic config, else the service settings; the key ring
    of a service holding personal data from the caller of :func:`upgrade`, else ``keyring`` (the settings')."""
    url = context.config.get_main_option("sqlalchemy.url") or default_url
    if keyring is not None:
        context.config.attributes.setdefault(KEYRING_ATTRIBUTE, keyring)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


# The tables every service's first revision creates from AuditRecordMixin and IdempotencyKeyMixin,
# written out (not derived from the mixins) so the history stays frozen if the mixins change: a later
# change to these tables is a new revision in each service, like any other schema change.


def create_audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("before", JSONDocument, nullable=True),
        sa.Column("after", JSONDocument, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("entity", "entity_id", "occurred_at"):
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])


def drop_audit_log() -> None:
    for column in ("occurred_at", "entity_id", "entity"):
        op.drop_index(f"ix_audit_log_{column}", table_name="audit_log")
    op.drop_table("audit_log")


def create_idempotency_keys() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", JSONDocument, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "key", name="uq_idempotency_keys_client_key"),
    )


def drop_idempotency_keys() -> None:
    op.drop_table("idempotency_keys")


def create_pii_keys() -> None:
    """The table of the keys a service's personal data was sealed and indexed with (qz_common.pii.PiiKeyMixin)."""
    op.create_table(
        PII_KEYS_TABLE,
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("kid", sa.String(length=32), nullable=False),
        sa.Column("check_value", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("purpose", "kid"),
    )


def drop_pii_keys() -> None:
    op.drop_table(PII_KEYS_TABLE)


def _keyring() -> KeyRing:
    factory = context.config.attributes.get(KEYRING_ATTRIBUTE)
    if factory is None:
        raise KeyRingError(
            "this revision seals or opens stored personal data and was given no key ring: run it with "
            "`python -m qz_common.serve <service> --migrate-only`, or pass run_env(keyring=...) in env.py"
        )
    ring: KeyRing = factory()
    return ring


def _every_row(
    table: str, columns: Sequence[str], rewrite: Callable[[RowMapping], dict[str, Any]], key: str, batch_size: int
) -> None:
    after: Any = None
    while True:
        after, _ = rewrite_batch(
            op.get_bind(), table, list(dict.fromkeys(columns)), rewrite, after=after, batch_size=batch_size, key=key
        )
        if after is None:
            return


def seal_columns(
    table: str,
    columns: Sequence[str],
    lookups: Mapping[str, tuple[str, LookupKind]] | None = None,
    *,
    key: str = "id",
    batch_size: int = 500,
) -> None:
    """Revision step: seal the clear values of ``columns`` (text columns by then: alter their types first) in every
    row of ``table``, and set each blind-index column of ``lookups`` (lookup column -> its clear source column, kind)
    from the source's clear value; in batches of ``batch_size`` rows by ``key``, on SQLite and PostgreSQL alike. The
    key ring is asked for only when a row is there, so a new database is migrated without keys; the keys used are
    recorded (``pii_keys``, created by an earlier step)."""
    lookups = lookups or {}
    keyring = cache(_keyring)  # asked for at the first row

    def sealed(row: RowMapping) -> dict[str, Any]:
        ring = keyring()
        values = {name: ring.seal(row[name].encode()) for name in columns if row[name] is not None}
        for lookup, (source, kind) in lookups.items():
            if row[source] is not None:
                values[lookup] = ring.lookup(kind, row[source])
        return values

    _every_row(table, [*columns, *(source for source, _ in lookups.values()), *lookups], sealed, key, batch_size)
    if keyring.cache_info().currsize:
        verify_keys(op.get_bind(), keyring())


def open_columns(table: str, columns: Sequence[str], *, key: str = "id", batch_size: int = 500) -> None:
    """Downgrade step: the clear values of sealed ``columns`` back in every row of ``table``, in batches."""
    keyring = cache(_keyring)  # asked for at the first row

    def opened(row: RowMapping) -> dict[str, Any]:
        return {name: keyring().open(row[name]).decode() for name in columns if row[name] is not None}

    _every_row(table, columns, opened, key, batch_size)

"""Alembic plumbing shared by every service's migration history.

Each service's ``migrations/env.py`` is three lines calling :func:`run_env`;
:func:`upgrade` applies a service's history programmatically (dev runner, tests,
container start); the ``create_*``/``drop_*`` operations build the platform tables
(audit log, idempotency keys) that every service's first revision needs.

On PostgreSQL every run holds a transaction-scoped advisory lock, so replicas starting at
once take turns: the first applies the revisions, the others then find the database at head.
"""

import asyncio

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from qz_common.db import BigId, JSONDocument, UTCDateTime, async_url

# Advisory-lock keys are scoped to one database, and each deployable has its own: one constant serves all.
MIGRATION_LOCK_KEY = 0x717A_6D69_6772  # "qzmigr"


def alembic_config(package: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(package: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, database_url), revision)


def downgrade(package: str, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(package, database_url), revision)


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


def run_env(metadata: MetaData, default_url: str) -> None:
    """Body of a service's ``env.py``: the URL comes from the Alembic config, else the service settings."""
    url = context.config.get_main_option("sqlalchemy.url") or default_url
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

"""API keys in a table of their own: several active keys per client while one is rotated

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qz_common.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("client_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", qz_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_pk"], ["api_clients.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index(op.f("ix_api_keys_client_pk"), "api_keys", ["client_pk"], unique=False)
    # every existing client keeps its one key, revoked with it if it was
    op.execute(
        "INSERT INTO api_keys (client_pk, key_hash, key_prefix, created_at, revoked_at) "
        "SELECT id, key_hash, key_prefix, created_at, revoked_at FROM api_clients"
    )
    with op.batch_alter_table("api_clients") as batch:
        batch.drop_column("key_hash")
        batch.drop_column("key_prefix")


def downgrade() -> None:
    with op.batch_alter_table("api_clients") as batch:
        batch.add_column(sa.Column("key_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("key_prefix", sa.String(length=12), nullable=True))
    # one key per client again: its newest
    newest = "(SELECT k.{0} FROM api_keys k WHERE k.client_pk = api_clients.id ORDER BY k.id DESC LIMIT 1)"
    op.execute(
        f"UPDATE api_clients SET key_hash = {newest.format('key_hash')}, key_prefix = {newest.format('key_prefix')}"
    )
    with op.batch_alter_table("api_clients") as batch:
        batch.alter_column("key_hash", nullable=False)
        batch.alter_column("key_prefix", nullable=False)
        batch.create_unique_constraint("api_clients_key_hash_key", ["key_hash"])
    op.drop_index(op.f("ix_api_keys_client_pk"), table_name="api_keys")
    op.drop_table("api_keys")

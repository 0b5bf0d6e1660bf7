"""institute events and four-colour updates

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
        "four_colour_updates",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("enterprise_uscc", sa.String(length=18), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_uscc"],
            ["enterprises.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_uscc", "quarter", name="uq_four_colour_quarter"),
    )
    with op.batch_alter_table("four_colour_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_four_colour_updates_enterprise_uscc"), ["enterprise_uscc"], unique=False)

    op.create_table(
        "institute_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institute_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institute_id"],
            ["institutes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("institute_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institute_events_institute_id"), ["institute_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("institute_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institute_events_institute_id"))

    op.drop_table("institute_events")
    with op.batch_alter_table("four_colour_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_four_colour_updates_enterprise_uscc"))

    op.drop_table("four_colour_updates")

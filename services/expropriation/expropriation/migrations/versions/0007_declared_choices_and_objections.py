"""a household's declared 安置方式 and its 复核 requests (issue 27: what a household does itself through 浙里办)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Additive: three nullable columns on ``households`` (the declared method, its day, the day a caseworker confirmed it)
and a new table ``objections``, whose grounds and answer are sealed like a dispute's 情况说明 (qz_common.pii: a text
column holding the cipher). The previous release keeps working beside it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qz_common.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("declared_method", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("declared_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("choice_confirmed_on", sa.Date(), nullable=True))
    op.create_table(
        "objections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("items", JSON_DOCUMENT, nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("answer_due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_objections_household_id", "objections", ["household_id"])
    op.create_index("ix_objections_district", "objections", ["district"])
    op.create_index("ix_objections_state", "objections", ["state"])


def downgrade() -> None:
    op.drop_index("ix_objections_state", table_name="objections")
    op.drop_index("ix_objections_district", table_name="objections")
    op.drop_index("ix_objections_household_id", table_name="objections")
    op.drop_table("objections")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("choice_confirmed_on")
        batch.drop_column("declared_on")
        batch.drop_column("declared_method")

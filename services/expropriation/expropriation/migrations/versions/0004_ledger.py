"""The ledger held to the law (issue 26): payments counted from a 提存, the facts a clawback corrected, the 房票 value
a finding takes off the voucher.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), server_default="payment", nullable=False))
    with op.batch_alter_table("clawbacks") as batch:
        batch.add_column(
            sa.Column(
                "corrected",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="{}",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column("voucher_cut", sa.Numeric(precision=14, scale=2), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("clawbacks") as batch:
        batch.drop_column("voucher_cut")
        batch.drop_column("corrected")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("source")

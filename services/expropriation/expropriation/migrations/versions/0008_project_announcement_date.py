"""a project's 征收公告 day (issue 31: 五(二) "施行前已实施征收的" read from the 征收公告, AMBIGUITIES.md A-02)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Additive: one nullable date column on ``projects`` (None: no 征收公告 recorded). The previous release keeps working
beside it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("announcement_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("announcement_date")

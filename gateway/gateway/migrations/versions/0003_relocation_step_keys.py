"""Relocation steps keep the Idempotency-Key they are sent with; cases are found by status

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("relocation_steps", sa.Column("idempotency_key", sa.String(length=128), nullable=True))
    # Steps of existing cases keep the key they were first sent with, so a retry after the upgrade is recognised by
    # the bureau as the same step (new cases derive theirs from the client's own key). The column stays nullable:
    # gateways of the previous release, still running during a rolling upgrade, write steps without it.
    op.execute("UPDATE relocation_steps SET idempotency_key = 'relocation-' || case_id || '-' || position")
    op.create_index(op.f("ix_relocation_cases_status"), "relocation_cases", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_relocation_cases_status"), table_name="relocation_cases")
    with op.batch_alter_table("relocation_steps") as batch:
        batch.drop_column("idempotency_key")

"""the 文书号 of a registration's or an adoption application's decision

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Approving or refusing a registration (三) or an adoption application (四) may name the bureau's 文书号; it is kept on
the record it decided. Records decided before have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIDED = ("registrations", "adoption_applications")


def upgrade() -> None:
    for table in DECIDED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("decision_document_number", sa.String(length=60), nullable=True))


def downgrade() -> None:
    for table in DECIDED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("decision_document_number")

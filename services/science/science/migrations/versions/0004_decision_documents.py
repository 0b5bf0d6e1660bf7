"""the 文书号 of decisions: institute status, redemption review and payment, credit records

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

A decision posted twice is recognised as one by its record, kind, day and 文书号 (issue 26); the record keeps the
number it was decided under, and a redemption the day of its review. Existing rows have none (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("institutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_document", sa.String(length=100), nullable=True))
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decision_document", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("payment_document", sa.String(length=100), nullable=True))
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_number", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.drop_column("document_number")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_column("payment_document")
        batch_op.drop_column("decision_document")
        batch_op.drop_column("decided_on")
    with op.batch_alter_table("institutes", schema=None) as batch_op:
        batch_op.drop_column("status_document")

"""agreements come from a signed application or an import: source, application_id, the import's 文书号 and reason

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 21:44:29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("application_id", ID, nullable=True))
        batch_op.add_column(sa.Column("original_document_number", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("import_reason", sa.String(length=200), nullable=True))
    # Agreements signed before this revision were recorded with no application: they are what an import is, an
    # agreement made outside the platform's application process (reading A-70), whose 文书号 was never recorded.
    op.execute("UPDATE agreements SET source = 'import', import_reason = '平台记录申请流程前签订（迁移 0003）'")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=12), nullable=False)
        batch_op.create_index(batch_op.f("ix_agreements_application_id"), ["application_id"], unique=True)
        batch_op.create_foreign_key("fk_agreements_application_id", "applications", ["application_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agreements_application_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_agreements_application_id"))
        batch_op.drop_column("import_reason")
        batch_op.drop_column("original_document_number")
        batch_op.drop_column("application_id")
        batch_op.drop_column("source")

"""evaluations: a 新增定点 evaluation (附件4 表1/表2) stored with its sheets, date and result as decided

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Issue 31: the evaluate step stored only a score (applications.score), so no evaluation could be scored again under
another figure or reading. An evaluation keeps the evaluators' sheets as entered, its date, the total and the
verdict as decided and the parameter version used; an application may have several. Additive: a new table only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qz_common.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("document_number", sa.String(length=60), nullable=True),
        sa.Column(
            "sheet",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("basic_passed", sa.Boolean(), nullable=False),
        sa.Column("qualified", sa.Boolean(), nullable=False),
        sa.Column(
            "parameter_versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["institution_id"], ["institutions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_evaluated_on"), ["evaluated_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_institution_id"), ["institution_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_institution_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_evaluated_on"))
        batch_op.drop_index(batch_op.f("ix_evaluations_district"))
        batch_op.drop_index(batch_op.f("ix_evaluations_application_id"))

    op.drop_table("evaluations")

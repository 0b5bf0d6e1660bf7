"""assessments: an institution's yearly 绩效考核 (附件1 二) stored with its sheets, scores, grade and parameter versions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Issue 31: the grades were computed by stateless calculators only, so nothing graded could be recomputed under another
figure or reading. An assessment keeps the two sheets as scored (half-year 拟评 and annual 总评), the scores and the
grade as decided and the parameter versions used; one per institution and year. Additive: a new table only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qz_common.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("new_this_year", sa.Boolean(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("document_number", sa.String(length=60), nullable=True),
        sa.Column(
            "half_year_items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "annual_items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("half_year_score", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("annual_score", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("final_score", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column(
            "consequences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "parameter_versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institution_id", "year", name="uq_assessments_institution_year"),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessments_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_year"))
        batch_op.drop_index(batch_op.f("ix_assessments_institution_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_district"))

    op.drop_table("assessments")

"""house vouchers (衢政发〔2023〕2号 三(三)2: 房票 with its issue day and last valid day)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:26:56.112404
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
        "house_vouchers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("face_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("remaining_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.Column("purchase_price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("purchase_reference", sa.String(length=120), nullable=False),
        sa.Column("converted_on", sa.Date(), nullable=True),
        sa.Column("converted_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("conversion_cash", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id"),
    )
    with op.batch_alter_table("house_vouchers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_house_vouchers_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_house_vouchers_household_id"), ["household_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("house_vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_house_vouchers_household_id"))
        batch_op.drop_index(batch_op.f("ix_house_vouchers_district"))

    op.drop_table("house_vouchers")

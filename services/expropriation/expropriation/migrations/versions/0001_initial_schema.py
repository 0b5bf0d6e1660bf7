"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 03:03:05.556242
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qz_common.db
from qz_common.migrations import create_audit_log, create_idempotency_keys, drop_audit_log, drop_idempotency_keys

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log()

    create_idempotency_keys()
    op.create_table(
        "projects",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("village", sa.String(length=60), nullable=False),
        sa.Column("pre_announcement_date", sa.Date(), nullable=False),
        sa.Column("signing_deadline", sa.Date(), nullable=False),
        sa.Column("handover_deadline", sa.Date(), nullable=True),
        sa.Column("valuation_date", sa.Date(), nullable=False),
        sa.Column("outside_urban_plan_area", sa.Boolean(), nullable=False),
        sa.Column("appraised_price_per_m2", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("market_price_per_m2", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("early_vacate_rate_per_m2", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_district"), ["district"], unique=False)

    op.create_table(
        "households",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("head_name", sa.String(length=60), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("natural_village", sa.String(length=60), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("appraised_price_per_m2", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "facts", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "ref", name="uq_households_project_ref"),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_households_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_households_project_id"), ["project_id"], unique=False)

    op.create_table(
        "agreements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("handed_over_on", sa.Date(), nullable=True),
        sa.Column("city_parameter_version", sa.String(length=40), nullable=False),
        sa.Column("district_parameter_version", sa.String(length=40), nullable=False),
        sa.Column(
            "facts", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "quote", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "member_id_numbers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "building_owner_usccs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("household_id"),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreements_project_id"), ["project_id"], unique=False)

    op.create_table(
        "building_owners",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("building_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_building_owners_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_building_owners_uscc"), ["uscc"], unique=False)

    op.create_table(
        "declarations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column(
            "documents", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "proofs", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("basis", sa.String(length=60), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declarations_household_id"), ["household_id"], unique=False)

    op.create_table(
        "disputes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("ground", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column(
            "history", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("deposit_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputes_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_household_id"), ["household_id"], unique=False)

    op.create_table(
        "household_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_members_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_members_id_number"), ["id_number"], unique=False)

    op.create_table(
        "clawbacks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "by_item", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("basis", sa.String(length=60), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("clawbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clawbacks_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clawbacks_district"), ["district"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("item_code", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_district"), ["district"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_district"))
        batch_op.drop_index(batch_op.f("ix_payments_agreement_id"))

    op.drop_table("payments")
    with op.batch_alter_table("clawbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clawbacks_district"))
        batch_op.drop_index(batch_op.f("ix_clawbacks_agreement_id"))

    op.drop_table("clawbacks")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_members_id_number"))
        batch_op.drop_index(batch_op.f("ix_household_members_household_id"))

    op.drop_table("household_members")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputes_household_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_district"))

    op.drop_table("disputes")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_household_id"))

    op.drop_table("declarations")
    with op.batch_alter_table("building_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_building_owners_uscc"))
        batch_op.drop_index(batch_op.f("ix_building_owners_household_id"))

    op.drop_table("building_owners")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_project_id"))
        batch_op.drop_index(batch_op.f("ix_agreements_district"))

    op.drop_table("agreements")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_project_id"))
        batch_op.drop_index(batch_op.f("ix_households_district"))

    op.drop_table("households")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_district"))

    op.drop_table("projects")
    drop_idempotency_keys()
    drop_audit_log()
    # ### end Alembic commands ###

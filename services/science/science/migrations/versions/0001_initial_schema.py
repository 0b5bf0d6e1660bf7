"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29
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
    op.create_table(
        "annual_quotas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("holder_id", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("claimed", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("holder_id", "year", name="uq_annual_quota_holder_year"),
    )
    create_audit_log()

    op.create_table(
        "carriers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("in_quzhou", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column(
            "related_holders",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc"),
    )
    with op.batch_alter_table("carriers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carriers_district"), ["district"], unique=False)

    op.create_table(
        "enterprises",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("registered_in_quzhou_on", sa.Date(), nullable=True),
        sa.Column("hitech_valid_until", sa.Date(), nullable=True),
        sa.Column("provincial_tech_sme", sa.Boolean(), nullable=False),
        sa.Column("national_tech_sme", sa.Boolean(), nullable=False),
        sa.Column("on_four_colour_list", sa.Boolean(), nullable=False),
        sa.Column("competition_winner", sa.Boolean(), nullable=False),
        sa.Column("incubated", sa.Boolean(), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc"),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_district"), ["district"], unique=False)

    create_idempotency_keys()
    op.create_table(
        "subsidised_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("redemption_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "number", name="uq_subsidised_document"),
    )
    op.create_table(
        "voucher_pools",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("available", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voucher_pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_pools_district"), ["district"], unique=False)

    op.create_table(
        "institutes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("enterprise_uscc", sa.String(length=18), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trade_name", sa.String(length=60), nullable=False),
        sa.Column("core_direction", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column(
            "conditions", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("tech_service", sa.Boolean(), nullable=False),
        sa.Column("knowledge_intensive", sa.String(length=30), nullable=True),
        sa.Column("no_violation_certificate", sa.String(length=100), nullable=True),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("recognised_on", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.String(length=300), nullable=True),
        sa.Column("status_basis", sa.String(length=80), nullable=True),
        sa.Column("status_changed_on", sa.Date(), nullable=True),
        sa.Column("parameter_version", sa.String(length=60), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_uscc"],
            ["enterprises.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("institutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institutes_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutes_enterprise_uscc"), ["enterprise_uscc"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutes_status"), ["status"], unique=False)

    op.create_table(
        "vouchers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("pool_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("holder_kind", sa.String(length=12), nullable=False),
        sa.Column("holder_id", sa.String(length=18), nullable=False),
        sa.Column("holder_name", sa.String(length=120), nullable=False),
        sa.Column("face_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("remaining", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("returned", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("last_valid_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column(
            "priority_grounds",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["voucher_pools.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vouchers_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_vouchers_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vouchers_pool_id"), ["pool_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vouchers_status"), ["status"], unique=False)

    op.create_table(
        "institute_annual_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institute_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sales", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("rd_expense", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("meets_standard", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column(
            "basis", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institute_id"],
            ["institutes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institute_id", "year", name="uq_institute_report_year"),
    )
    with op.batch_alter_table("institute_annual_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institute_annual_reports_institute_id"), ["institute_id"], unique=False)

    op.create_table(
        "institute_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institute_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("new_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institute_id"],
            ["institutes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("institute_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institute_changes_institute_id"), ["institute_id"], unique=False)

    op.create_table(
        "redemptions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("voucher_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("carrier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("holder_id", sa.String(length=18), nullable=False),
        sa.Column("service_type", sa.String(length=30), nullable=False),
        sa.Column("fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("via_shared_platform", sa.Boolean(), nullable=False),
        sa.Column("contract_number", sa.String(length=120), nullable=False),
        sa.Column("invoice_number", sa.String(length=120), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("entitlement", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "lines", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "basis", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("payment_due", sa.Date(), nullable=False),
        sa.Column(
            "decision_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"],
            ["carriers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["vouchers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemptions_carrier_id"), ["carrier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_redemptions_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_redemptions_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_redemptions_voucher_id"), ["voucher_id"], unique=False)

    op.create_table(
        "credit_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("ban_until", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("redemption_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("institute_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institute_id"],
            ["institutes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["redemption_id"],
            ["redemptions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_records_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_records_subject_id"))

    op.drop_table("credit_records")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemptions_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_redemptions_status"))
        batch_op.drop_index(batch_op.f("ix_redemptions_holder_id"))
        batch_op.drop_index(batch_op.f("ix_redemptions_carrier_id"))

    op.drop_table("redemptions")
    with op.batch_alter_table("institute_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institute_changes_institute_id"))

    op.drop_table("institute_changes")
    with op.batch_alter_table("institute_annual_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institute_annual_reports_institute_id"))

    op.drop_table("institute_annual_reports")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vouchers_status"))
        batch_op.drop_index(batch_op.f("ix_vouchers_pool_id"))
        batch_op.drop_index(batch_op.f("ix_vouchers_holder_id"))
        batch_op.drop_index(batch_op.f("ix_vouchers_district"))

    op.drop_table("vouchers")
    with op.batch_alter_table("institutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institutes_status"))
        batch_op.drop_index(batch_op.f("ix_institutes_enterprise_uscc"))
        batch_op.drop_index(batch_op.f("ix_institutes_district"))

    op.drop_table("institutes")
    with op.batch_alter_table("voucher_pools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_pools_district"))

    op.drop_table("voucher_pools")
    op.drop_table("subsidised_documents")
    drop_idempotency_keys()
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_district"))

    op.drop_table("enterprises")
    with op.batch_alter_table("carriers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carriers_district"))

    op.drop_table("carriers")
    drop_audit_log()
    op.drop_table("annual_quotas")

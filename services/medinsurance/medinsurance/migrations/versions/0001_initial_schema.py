"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 03:11:48.851199
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
        "institutions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.Column("secondary_or_above", sa.Boolean(), nullable=False),
        sa.Column("public_institution", sa.Boolean(), nullable=False),
        sa.Column("legal_rep_id_number", sa.String(length=18), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institutions_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutions_legal_rep_id_number"), ["legal_rep_id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutions_uscc"), ["uscc"], unique=False)

    op.create_table(
        "person_locks",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.PrimaryKeyConstraint("id_number"),
    )
    op.create_table(
        "proxy_authorisations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("principal_id_number", sa.String(length=18), nullable=False),
        sa.Column("agent_id_number", sa.String(length=18), nullable=False),
        sa.Column("ground", sa.String(length=24), nullable=False),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("replaces_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("drug_scope", sa.String(length=100), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["proxy_authorisations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proxy_authorisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proxy_authorisations_agent_id_number"), ["agent_id_number"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_proxy_authorisations_principal_id_number"), ["principal_id_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proxy_authorisations_status"), ["status"], unique=False)

    op.create_table(
        "agreements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("public_institution", sa.Boolean(), nullable=False),
        sa.Column("suspensions_this_term", sa.Integer(), nullable=False),
        sa.Column("suspended_from", sa.Date(), nullable=True),
        sa.Column("suspended_until", sa.Date(), nullable=True),
        sa.Column("voluntary_suspension", sa.Boolean(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("updated_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreements_state"), ["state"], unique=False)

    op.create_table(
        "applications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("pre_registered_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("supplement_notice_on", sa.Date(), nullable=True),
        sa.Column("supplement_deadline", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("excluded_working_days", sa.Integer(), nullable=False),
        sa.Column("evaluation_deadline", sa.Date(), nullable=True),
        sa.Column("score", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("reevaluation_from", sa.Date(), nullable=True),
        sa.Column("reapply_from", sa.Date(), nullable=True),
        sa.Column("barred_until", sa.Date(), nullable=True),
        sa.Column("agreement_end", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("updated_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_state"), ["state"], unique=False)

    op.create_table(
        "outages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("failed_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_requested_at", qz_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("window_reason", sa.String(length=300), nullable=True),
        sa.Column("repaired_at", qz_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outages_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "relocation_filings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_uscc", sa.String(length=18), nullable=False),
        sa.Column("from_address", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("filed_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("relocation_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relocation_filings_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relocation_filings_operator_uscc"), ["operator_uscc"], unique=False)

    op.create_table(
        "violations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("case_code", sa.String(length=8), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("violation_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("ratio", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("penalty", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("penalty_due_on", sa.Date(), nullable=True),
        sa.Column(
            "standards", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "mitigating", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "aggravating", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("suspension_days", sa.Integer(), nullable=True),
        sa.Column(
            "measures", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("violations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_violations_institution_id"), ["institution_id"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table("violations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_violations_institution_id"))

    op.drop_table("violations")
    with op.batch_alter_table("relocation_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relocation_filings_operator_uscc"))
        batch_op.drop_index(batch_op.f("ix_relocation_filings_institution_id"))

    op.drop_table("relocation_filings")
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outages_institution_id"))

    op.drop_table("outages")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_state"))
        batch_op.drop_index(batch_op.f("ix_applications_institution_id"))

    op.drop_table("applications")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_state"))
        batch_op.drop_index(batch_op.f("ix_agreements_institution_id"))

    op.drop_table("agreements")
    with op.batch_alter_table("proxy_authorisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proxy_authorisations_status"))
        batch_op.drop_index(batch_op.f("ix_proxy_authorisations_principal_id_number"))
        batch_op.drop_index(batch_op.f("ix_proxy_authorisations_agent_id_number"))

    op.drop_table("proxy_authorisations")
    op.drop_table("person_locks")
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institutions_uscc"))
        batch_op.drop_index(batch_op.f("ix_institutions_legal_rep_id_number"))
        batch_op.drop_index(batch_op.f("ix_institutions_district"))

    op.drop_table("institutions")
    drop_idempotency_keys()
    drop_audit_log()
    # ### end Alembic commands ###

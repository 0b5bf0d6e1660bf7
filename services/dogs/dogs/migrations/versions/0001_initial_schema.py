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
    create_audit_log()

    create_idempotency_keys()
    op.create_table(
        "photos",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("content_type", sa.String(length=30), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "vaccinations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("owner_name", sa.String(length=60), nullable=False),
        sa.Column("owner_phone", sa.String(length=20), nullable=False),
        sa.Column("owner_id_number", sa.String(length=18), nullable=True),
        sa.Column("breed", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("coat_colour", sa.String(length=30), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("vaccine_name", sa.String(length=60), nullable=False),
        sa.Column("vaccinated_on", sa.Date(), nullable=False),
        sa.Column("batch_number", sa.String(length=40), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column("immunisation_point", sa.String(length=100), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("vaccinations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vaccinations_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_vaccinations_owner_id_number"), ["owner_id_number"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("owner_id_number", sa.String(length=18), nullable=False),
        sa.Column("owner_name", sa.String(length=60), nullable=False),
        sa.Column("owner_phone", sa.String(length=20), nullable=False),
        sa.Column("residence_permit_number", sa.String(length=40), nullable=True),
        sa.Column("residence_proof_type", sa.String(length=30), nullable=False),
        sa.Column("residence_proof_number", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("key_area", sa.Boolean(), nullable=False),
        sa.Column("dog_name", sa.String(length=40), nullable=True),
        sa.Column("breed", sa.String(length=60), nullable=False),
        sa.Column("breed_recognised", sa.Boolean(), nullable=False),
        sa.Column("shoulder_height_cm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("body_length_cm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("coat_colour", sa.String(length=30), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("vaccination_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("front_photo_id", sa.String(length=32), nullable=False),
        sa.Column("side_photo_id", sa.String(length=32), nullable=False),
        sa.Column("registration_number", sa.String(length=40), nullable=True),
        sa.Column(
            "rejection_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("submitted_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", qz_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["front_photo_id"],
            ["photos.id"],
        ),
        sa.ForeignKeyConstraint(
            ["side_photo_id"],
            ["photos.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vaccination_id"],
            ["vaccinations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registration_number"),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registrations_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_owner_id_number"), ["owner_id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_status"), ["status"], unique=False)

    op.create_table(
        "impoundments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("police_unit", sa.String(length=100), nullable=False),
        sa.Column("officer_badge", sa.String(length=20), nullable=False),
        sa.Column("breed", sa.String(length=60), nullable=False),
        sa.Column("shoulder_height_cm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("body_length_cm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("large", sa.Boolean(), nullable=False),
        sa.Column("fierce", sa.Boolean(), nullable=False),
        sa.Column("owner_id_number", sa.String(length=18), nullable=True),
        sa.Column("registration_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("shelter", sa.String(length=100), nullable=False),
        sa.Column("handed_over_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("impoundments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impoundments_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_impoundments_owner_id_number"), ["owner_id_number"], unique=False)

    op.create_table(
        "shelter_dogs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("shelter", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("breed", sa.String(length=60), nullable=False),
        sa.Column("coat_colour", sa.String(length=30), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("applications_received", sa.Integer(), nullable=False),
        sa.Column("impoundment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("offered_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["impoundment_id"],
            ["impoundments.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shelter_dogs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shelter_dogs_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_shelter_dogs_status"), ["status"], unique=False)

    op.create_table(
        "adoption_applications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("dog_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("queue_position", sa.Integer(), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=18), nullable=False),
        sa.Column("applicant_name", sa.String(length=60), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column(
            "checklist", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column(
            "decision_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("submitted_at", qz_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", qz_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dog_id"],
            ["shelter_dogs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dog_id", "queue_position", name="uq_adoption_dog_position"),
    )
    with op.batch_alter_table("adoption_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adoption_applications_applicant_id_number"), ["applicant_id_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_adoption_applications_dog_id"), ["dog_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_adoption_applications_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("adoption_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adoption_applications_status"))
        batch_op.drop_index(batch_op.f("ix_adoption_applications_dog_id"))
        batch_op.drop_index(batch_op.f("ix_adoption_applications_applicant_id_number"))

    op.drop_table("adoption_applications")
    with op.batch_alter_table("shelter_dogs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shelter_dogs_status"))
        batch_op.drop_index(batch_op.f("ix_shelter_dogs_district"))

    op.drop_table("shelter_dogs")
    with op.batch_alter_table("impoundments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impoundments_owner_id_number"))
        batch_op.drop_index(batch_op.f("ix_impoundments_district"))

    op.drop_table("impoundments")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_status"))
        batch_op.drop_index(batch_op.f("ix_registrations_owner_id_number"))
        batch_op.drop_index(batch_op.f("ix_registrations_district"))

    op.drop_table("registrations")
    with op.batch_alter_table("vaccinations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vaccinations_owner_id_number"))
        batch_op.drop_index(batch_op.f("ix_vaccinations_district"))

    op.drop_table("vaccinations")
    op.drop_table("photos")
    drop_idempotency_keys()
    drop_audit_log()

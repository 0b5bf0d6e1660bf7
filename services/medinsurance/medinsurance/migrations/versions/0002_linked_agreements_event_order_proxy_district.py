"""agreements by 统筹区 with event order and 解除 procedure steps; application event order; proxy district

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pooling_area", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("last_event_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "termination_steps",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    # Agreements signed before this revision belong to the 统筹区 of their institution.
    op.execute(
        "UPDATE agreements SET pooling_area = "
        "(SELECT institutions.district FROM institutions WHERE institutions.id = agreements.institution_id)"
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.alter_column("pooling_area", existing_type=sa.String(length=10), nullable=False)
        batch_op.create_index(batch_op.f("ix_agreements_pooling_area"), ["pooling_area"], unique=False)

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_event_on", sa.Date(), nullable=True))

    with op.batch_alter_table("proxy_authorisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("institution_id", ID, nullable=True))
        batch_op.add_column(sa.Column("district", sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f("ix_proxy_authorisations_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_proxy_authorisations_institution_id"), ["institution_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_proxy_authorisations_institution_id", "institutions", ["institution_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("proxy_authorisations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_proxy_authorisations_institution_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_proxy_authorisations_institution_id"))
        batch_op.drop_index(batch_op.f("ix_proxy_authorisations_district"))
        batch_op.drop_column("district")
        batch_op.drop_column("institution_id")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("last_event_on")

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_pooling_area"))
        batch_op.drop_column("termination_steps")
        batch_op.drop_column("last_event_on")
        batch_op.drop_column("pooling_area")

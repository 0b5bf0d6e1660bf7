"""the 户籍地址 that decides 本市身份证, an officer's finding on a breed the list cannot place, a dog's birth date

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Issue 28. A registration keeps the 户籍地址 its applicant declared (D-08: 本市身份证 is decided by it, not by the
number's area code), sealed like the other addresses (qz_common.pii; new rows only, the column starts empty), and
the approving officer's finding on a breed the list cannot place (D-03). A 免疫点 record may give the dog's birth
date, which its vaccination cannot precede (D-21). A police record of a large dog whose breed the list cannot place
says neither fierce nor not fierce: ``impoundments.fierce`` takes NULL. Additive but for the downgrade, which reads
such a NULL as not fierce (the previous release has no way to say undecided).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("owner_registered_address", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("breed_finding", sa.String(length=12), nullable=True))
    with op.batch_alter_table("vaccinations") as batch_op:
        batch_op.add_column(sa.Column("dog_born_on", sa.Date(), nullable=True))
    with op.batch_alter_table("impoundments") as batch_op:
        batch_op.alter_column("fierce", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    op.execute(sa.text("UPDATE impoundments SET fierce = false WHERE fierce IS NULL"))
    with op.batch_alter_table("impoundments") as batch_op:
        batch_op.alter_column("fierce", existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table("vaccinations") as batch_op:
        batch_op.drop_column("dog_born_on")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("breed_finding")
        batch_op.drop_column("owner_registered_address")

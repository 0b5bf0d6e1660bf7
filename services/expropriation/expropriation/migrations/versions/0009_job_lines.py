"""a batch-quote job's lines, stored a chunk at a time as it runs (issue 32: a 10,000-household project in constant
memory)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

Additive: a new table ``job_lines``, one household's line of a batch-quote job's answer a row, keyed by job, attempt
and position; the line is sealed like a job's result (qz_common.pii: a text column holding the cipher; it names the
户主). A job's ``result`` then keeps the answer without its households. Jobs finished before keep their whole result,
and are answered from it. The previous release keeps working beside it, but answers a job finished by this release
without its households.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "job_lines",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "attempt", "position", name="uq_job_lines_job_attempt_position"),
    )


def downgrade() -> None:
    op.drop_table("job_lines")

"""Durable jobs (issue 30): a lease on each job, the attempt that holds it, what running it again needs, and one
active job per project and kind.

Jobs active before this revision had no holder that could ever finish them (they stayed ``running`` after a restart):
they keep no lease, so the first service process to start takes them over (casework/jobs.py). Where a project has
several active jobs of one kind, only the newest stays active; the others are failed here, since the index below
admits one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 22:48:29
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import qz_common.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("arguments", JSON_DOCUMENT, server_default="{}", nullable=False))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("lease_until", qz_common.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", qz_common.db.UTCDateTime(timezone=True), nullable=True))
    jobs = sa.table(
        "jobs",
        sa.column("id", sa.Integer()),
        sa.column("project_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("status", sa.String()),
        sa.column("errors", JSON_DOCUMENT),
        sa.column("finished_at", qz_common.db.UTCDateTime(timezone=True)),
    )
    newest = sa.select(sa.func.max(jobs.c.id)).where(ACTIVE).group_by(jobs.c.project_id, jobs.c.kind)
    superseded = {"code": "interrupted", "detail": "本项目有更新的同类任务，此任务已停止，未完成"}
    op.execute(
        jobs.update()
        .where(ACTIVE, jobs.c.id.not_in(newest))
        .values(status="failed", errors=[superseded], finished_at=dt.datetime.now(dt.UTC))
    )
    with op.batch_alter_table("jobs") as batch:
        batch.create_index(
            "uq_jobs_active_per_project",
            ["project_id", "kind"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("uq_jobs_active_per_project", sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch.drop_column("heartbeat_at")
        batch.drop_column("lease_until")
        batch.drop_column("attempts")
        batch.drop_column("arguments")

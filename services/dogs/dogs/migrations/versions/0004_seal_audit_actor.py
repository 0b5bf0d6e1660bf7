"""seal the audit actor: a 浙里办 command's actor names the citizen by their 身份证号

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

``qz_common.audit.actor_of`` writes ``<client>/citizen:<身份证号>`` for a command a citizen made through 浙里办, so
the ``actor`` of an audit row is personal data like the snapshots beside it (个人信息保护法 第五十一条, issue 30):
it is sealed with the service's key ring (qz_common.pii) like them. Nothing looks audit rows up by their actor, so
it has no blind index. Rows already stored are sealed here; the downgrade opens them again with the same keys.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qz_common.migrations import open_columns, seal_columns

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = sa.String(120)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.alter_column("actor", existing_type=BEFORE, type_=sa.Text(), existing_nullable=False)
    seal_columns("audit_log", ["actor"])


def downgrade() -> None:
    open_columns("audit_log", ["actor"])
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.alter_column("actor", existing_type=sa.Text(), type_=BEFORE, existing_nullable=False)

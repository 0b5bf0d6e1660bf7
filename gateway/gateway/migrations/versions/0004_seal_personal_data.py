"""seal personal data: relocation cases' requests, steps' requests, answers and errors, and the audit trail

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

个人信息保护法 第五十一条, 等保2.0 level 3 (issue 30): a relocation case keeps the request it was opened with, and
each step the request it sent and the answer it got, naming the household's members (身份证号, names) and the
addresses moved from and to; a step's last error may quote what a bureau refused; the audit trail snapshots them.
Each is sealed whole with the gateway's key ring (qz_common.pii, ``GATEWAY_PII_*``), and so is the audit actor, as
in every audit trail holding personal data. Nothing looks a case up by them, so there is no blind index. Rows
already stored are sealed here, in batches; the keys used are recorded in ``pii_keys``. Not additive: a gateway of
the previous release would show sealed text and write clear text, so it is stopped before this revision runs
(docs/OPERATIONS.md). The downgrade opens every value again with the same keys.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from qz_common.db import JSONDocument
from qz_common.migrations import create_pii_keys, drop_pii_keys, open_columns, seal_columns

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns sealed, by table, with their types before.
SEALED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "relocation_cases": {"request": JSONDocument},
    "relocation_steps": {"request": JSONDocument, "result": JSONDocument, "last_error": sa.String(500)},
    "audit_log": {"actor": sa.String(120), "before": JSONDocument, "after": JSONDocument},
}


def upgrade() -> None:
    create_pii_keys()
    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch_op:
            for name, before in columns.items():
                batch_op.alter_column(name, existing_type=before, type_=sa.Text())
        seal_columns(table, list(columns))


def downgrade() -> None:
    for table, columns in reversed(SEALED.items()):
        open_columns(table, list(columns))
        with op.batch_alter_table(table) as batch_op:
            for name, before in columns.items():
                batch_op.alter_column(
                    name,
                    existing_type=sa.Text(),
                    type_=before,
                    postgresql_using=f'"{name}"::jsonb' if before is JSONDocument else None,
                )
    drop_pii_keys()

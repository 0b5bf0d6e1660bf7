"""seal personal data: names, 身份证号 and the documents copying them encrypted, members found by a blind index

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

个人信息保护法 第五十一条, 等保2.0 level 3 (issue 30): the names and 身份证号 of households and their members, and the
documents that copy them (declared facts, agreements' quotes, clawbacks' corrected facts, jobs' results, the audit
trail, stored answers), are sealed with the service's key ring (qz_common.pii), and a member's 身份证号 gets a blind
index to find households by (/v1/me, the citizen dossier). Rows already stored are sealed here, in batches; the keys
used are recorded in ``pii_keys``. Not additive: a replica of the previous release would show sealed text and write
clear text, so the previous release is stopped before this revision runs (docs/OPERATIONS.md). The downgrade opens
every value again with the same keys.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from qz_common.db import JSONDocument
from qz_common.migrations import create_pii_keys, drop_pii_keys, open_columns, seal_columns
from qz_common.pii import ID_NUMBER

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns sealed, by table, with their types before (and whether they may be NULL).
SEALED: dict[str, dict[str, tuple[sa.types.TypeEngine[Any], bool]]] = {
    "households": {"head_name": (sa.String(60), False), "facts": (JSONDocument, False)},
    "household_members": {"id_number": (sa.String(18), False), "name": (sa.String(60), False)},
    "declarations": {"payload": (JSONDocument, False)},
    "agreements": {
        "facts": (JSONDocument, False),
        "quote": (JSONDocument, False),
        "member_id_numbers": (JSONDocument, False),
    },
    "disputes": {"detail": (sa.String(500), False)},
    "clawbacks": {"reason": (sa.String(500), False), "corrected": (JSONDocument, False)},
    "jobs": {"errors": (JSONDocument, False), "result": (JSONDocument, True)},
    "audit_log": {"actor": (sa.String(120), False), "before": (JSONDocument, True), "after": (JSONDocument, True)},
    "idempotency_keys": {"response_body": (JSONDocument, True)},
}
# A server default written in clear would not open: the service sets these columns itself (0004 added it so that the
# clawbacks stored before had one).
SERVER_DEFAULTS = {("clawbacks", "corrected"): "{}"}
# The 身份证号 column that had an index, replaced by the index of its blind index ``<column>_lookup``.
LOOKED_UP = {"household_members": "id_number"}
DIGEST = sa.String(64)


def upgrade() -> None:
    create_pii_keys()
    for table, columns in SEALED.items():
        source = LOOKED_UP.get(table)
        with op.batch_alter_table(table) as batch_op:
            for name, (before, nullable) in columns.items():
                batch_op.alter_column(
                    name,
                    existing_type=before,
                    type_=sa.Text(),
                    existing_nullable=nullable,
                    # False leaves a column's default as it is; None drops it.
                    server_default=None if (table, name) in SERVER_DEFAULTS else False,
                )
            if source is not None:
                batch_op.drop_index(f"ix_{table}_{source}")
                batch_op.add_column(sa.Column(f"{source}_lookup", DIGEST, nullable=True))
        seal_columns(table, list(columns), {f"{source}_lookup": (source, ID_NUMBER)} if source else None)
        if source is not None:
            with op.batch_alter_table(table) as batch_op:
                batch_op.alter_column(f"{source}_lookup", existing_type=DIGEST, nullable=False)
                batch_op.create_index(f"ix_{table}_{source}_lookup", [f"{source}_lookup"])


def downgrade() -> None:
    for table, columns in reversed(SEALED.items()):
        source = LOOKED_UP.get(table)
        open_columns(table, list(columns))
        with op.batch_alter_table(table) as batch_op:
            if source is not None:
                batch_op.drop_index(f"ix_{table}_{source}_lookup")
                batch_op.drop_column(f"{source}_lookup")
            for name, (before, nullable) in columns.items():
                json = before is JSONDocument
                batch_op.alter_column(
                    name,
                    existing_type=sa.Text(),
                    type_=before,
                    existing_nullable=nullable,
                    server_default=SERVER_DEFAULTS.get((table, name), False),
                    postgresql_using=f'"{name}"::jsonb' if json else None,
                )
            if source is not None:
                batch_op.create_index(f"ix_{table}_{source}", [source])
    drop_pii_keys()

"""seal personal data: the 身份证号 of 代配药 principals and agents and of 法定代表人 encrypted, found by a blind index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

个人信息保护法 第五十一条, 等保2.0 level 3 (issue 30): the 身份证号 of the principals and agents of 代配药
authorisations and of institutions' 法定代表人, and the audit trail (snapshots, and the actor naming the citizen of a
浙里办 command) and stored answers that copy them, are sealed with the service's key ring (qz_common.pii); each
身份证号 column gets a blind index to find records by. A person's lock row (``person_locks``) is keyed by that index
instead of the 身份证号: the rows are only anchors of a lock, made again at a person's next authorisation, so they are
emptied here rather than converted. Rows already stored are sealed here, in batches; the keys used are recorded in
``pii_keys``. Not additive: a replica of the previous release would show sealed text and write clear text, so the
previous release is stopped before this revision runs (docs/OPERATIONS.md). The downgrade opens every value again
with the same keys.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from qz_common.db import JSONDocument
from qz_common.migrations import create_pii_keys, drop_pii_keys, open_columns, seal_columns
from qz_common.pii import ID_NUMBER

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns sealed, by table, with their types before.
SEALED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "institutions": {"legal_rep_id_number": sa.String(18)},
    "proxy_authorisations": {"principal_id_number": sa.String(18), "agent_id_number": sa.String(18)},
    "audit_log": {"actor": sa.String(120), "before": JSONDocument, "after": JSONDocument},
    "idempotency_keys": {"response_body": JSONDocument},
}
# The 身份证号 columns that had an index, and whether they may be NULL: each gets a blind index ``<column>_lookup``
# in place of that index.
LOOKED_UP: dict[str, list[tuple[str, bool]]] = {
    "institutions": [("legal_rep_id_number", True)],
    "proxy_authorisations": [("principal_id_number", False), ("agent_id_number", False)],
}
DIGEST = sa.String(64)


def upgrade() -> None:
    create_pii_keys()
    for table, columns in SEALED.items():
        looked_up = LOOKED_UP.get(table, [])
        with op.batch_alter_table(table) as batch_op:
            for name, before in columns.items():
                batch_op.alter_column(name, existing_type=before, type_=sa.Text())
            for source, _ in looked_up:
                batch_op.drop_index(f"ix_{table}_{source}")
                batch_op.add_column(sa.Column(f"{source}_lookup", DIGEST, nullable=True))
        seal_columns(table, list(columns), {f"{source}_lookup": (source, ID_NUMBER) for source, _ in looked_up})
        if looked_up:
            with op.batch_alter_table(table) as batch_op:
                for source, nullable in looked_up:
                    batch_op.alter_column(f"{source}_lookup", existing_type=DIGEST, nullable=nullable)
                    batch_op.create_index(f"ix_{table}_{source}_lookup", [f"{source}_lookup"])
    op.drop_table("person_locks")
    op.create_table("person_locks", sa.Column("id_number_lookup", DIGEST, primary_key=True))


def downgrade() -> None:
    op.drop_table("person_locks")
    op.create_table("person_locks", sa.Column("id_number", sa.String(18), primary_key=True))
    for table, columns in reversed(SEALED.items()):
        looked_up = LOOKED_UP.get(table, [])
        open_columns(table, list(columns))
        with op.batch_alter_table(table) as batch_op:
            for source, _ in looked_up:
                batch_op.drop_index(f"ix_{table}_{source}_lookup")
                batch_op.drop_column(f"{source}_lookup")
            for name, before in columns.items():
                json = before is JSONDocument
                batch_op.alter_column(
                    name, existing_type=sa.Text(), type_=before, postgresql_using=f'"{name}"::jsonb' if json else None
                )
            for source, _ in looked_up:
                batch_op.create_index(f"ix_{table}_{source}", [source])
    drop_pii_keys()

"""seal personal data: 身份证号, names, phones and addresses encrypted, owners found by a blind index

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

个人信息保护法 第五十一条, 等保2.0 level 3 (issue 30): the personal data of owners and applicants, and the audit
snapshots and stored answers that copy it, are sealed with the service's key ring (qz_common.pii) and the 身份证号
columns get a blind index to find records by. Rows already stored are sealed here, in batches; the keys used are
recorded in ``pii_keys``. Not additive: a replica of the previous release would show sealed text and write clear
text, so the previous release is stopped before this revision runs (docs/OPERATIONS.md). The downgrade opens every
value again with the same keys.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from qz_common.db import JSONDocument
from qz_common.migrations import create_pii_keys, drop_pii_keys, open_columns, seal_columns
from qz_common.pii import ID_NUMBER

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns sealed, by table, with their types before.
SEALED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "vaccinations": {
        "owner_name": sa.String(60),
        "owner_phone": sa.String(20),
        "owner_id_number": sa.String(18),
        "address": sa.String(200),
    },
    "registrations": {
        "owner_id_number": sa.String(18),
        "owner_name": sa.String(60),
        "owner_phone": sa.String(20),
        "residence_permit_number": sa.String(40),
        "residence_proof_number": sa.String(60),
        "address": sa.String(200),
    },
    "adoption_applications": {
        "applicant_id_number": sa.String(18),
        "applicant_name": sa.String(60),
        "applicant_phone": sa.String(20),
        "address": sa.String(200),
    },
    "impoundments": {"owner_id_number": sa.String(18)},
    "audit_log": {"before": JSONDocument, "after": JSONDocument},
    "idempotency_keys": {"response_body": JSONDocument},
}
# The 身份证号 column of each table that had an index on it, and whether it may be NULL: it gets a blind index
# ``<column>_lookup`` in place of that index.
LOOKED_UP = {
    "vaccinations": ("owner_id_number", True),
    "registrations": ("owner_id_number", False),
    "adoption_applications": ("applicant_id_number", False),
    "impoundments": ("owner_id_number", True),
}
DIGEST = sa.String(64)


def upgrade() -> None:
    create_pii_keys()
    for table, columns in SEALED.items():
        source, nullable = LOOKED_UP.get(table, (None, True))
        with op.batch_alter_table(table) as batch_op:
            for name, before in columns.items():
                batch_op.alter_column(name, existing_type=before, type_=sa.Text())
            if source is not None:
                batch_op.drop_index(f"ix_{table}_{source}")
                batch_op.add_column(sa.Column(f"{source}_lookup", DIGEST, nullable=True))
        seal_columns(table, list(columns), {f"{source}_lookup": (source, ID_NUMBER)} if source else None)
        if source is not None:
            with op.batch_alter_table(table) as batch_op:
                batch_op.alter_column(f"{source}_lookup", existing_type=DIGEST, nullable=nullable)
                batch_op.create_index(f"ix_{table}_{source}_lookup", [f"{source}_lookup"])


def downgrade() -> None:
    for table, columns in reversed(SEALED.items()):
        source, _ = LOOKED_UP.get(table, (None, True))
        open_columns(table, list(columns))
        with op.batch_alter_table(table) as batch_op:
            if source is not None:
                batch_op.drop_index(f"ix_{table}_{source}_lookup")
                batch_op.drop_column(f"{source}_lookup")
            for name, before in columns.items():
                json = before is JSONDocument
                batch_op.alter_column(
                    name, existing_type=sa.Text(), type_=before, postgresql_using=f'"{name}"::jsonb' if json else None
                )
            if source is not None:
                batch_op.create_index(f"ix_{table}_{source}", [source])
    drop_pii_keys()

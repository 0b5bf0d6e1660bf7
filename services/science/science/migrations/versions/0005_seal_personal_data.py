"""seal personal data: voucher holders' and credit subjects' ids and names encrypted, found by a blind index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

个人信息保护法 第五十一条, 等保2.0 level 3 (issue 30): a 创新券 holder and a 科研诚信记录's subject is an enterprise
or a 创业者 (a person, by 身份证号) in one column, so the ids and names of holders and subjects, a carrier's related
holders, and the audit trail (snapshots, and the actor naming the citizen of a 浙里办 claim) and stored answers that
copy them are sealed with the service's key ring (qz_common.pii); each id column gets a blind index to find records
by, and a holder's annual quota is unique by it. The identity of a credit decision named its subject's id in clear
(``credit_subject/<id>/…`` in ``idempotency_keys.key``): it names the first 18 digits of the id's blind index now,
as the service does (casework.credit.subject_key). Rows already stored are sealed here, in batches; the keys used are
recorded in ``pii_keys``. Not additive: the previous release is stopped before this revision runs
(docs/OPERATIONS.md). The downgrade opens every value again with the same keys, and names each decision's subject by
the id its stored answer gives.
"""

import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from alembic.operations import BatchOperations
from sqlalchemy import RowMapping

from qz_common.db import JSONDocument
from qz_common.idempotency import DECISION_OWNER
from qz_common.migrations import KEYRING_ATTRIBUTE, create_pii_keys, drop_pii_keys, open_columns, seal_columns
from qz_common.pii import ID_NUMBER, KeyRing, rewrite_batch

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns sealed, by table, with their types before.
SEALED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "carriers": {"related_holders": JSONDocument},
    "annual_quotas": {"holder_id": sa.String(18)},
    "vouchers": {"holder_id": sa.String(18), "holder_name": sa.String(120)},
    "redemptions": {"holder_id": sa.String(18)},
    "credit_records": {"subject_id": sa.String(18)},
    "audit_log": {"actor": sa.String(120), "before": JSONDocument, "after": JSONDocument},
    "idempotency_keys": {"response_body": JSONDocument},
}
# The id column of each table records are found by: it gets a blind index ``<column>_lookup`` in its place in an
# index, or in the unique constraint of annual_quotas (one quota row a holder and year).
LOOKED_UP = {
    "annual_quotas": "holder_id",
    "vouchers": "holder_id",
    "redemptions": "holder_id",
    "credit_records": "subject_id",
}
QUOTAS, QUOTA_UNIQUE = "annual_quotas", "uq_annual_quota_holder_year"
DIGEST = sa.String(64)
CREDIT_DECISION = "credit_subject/"
CREDIT_DECISION_OWNER = DECISION_OWNER + "credit_subject"
SUBJECT_KEY_LENGTH = 18  # casework.credit.SUBJECT_KEY_LENGTH when this revision was written


def upgrade() -> None:
    create_pii_keys()
    for table, columns in SEALED.items():
        source = LOOKED_UP.get(table)
        with op.batch_alter_table(table) as batch_op:
            if source is not None:
                _drop_finder(batch_op, table, source)
                batch_op.add_column(sa.Column(f"{source}_lookup", DIGEST, nullable=True))
            for name, before in columns.items():
                batch_op.alter_column(name, existing_type=before, type_=sa.Text())
        seal_columns(table, list(columns), {f"{source}_lookup": (source, ID_NUMBER)} if source else None)
        if source is not None:
            with op.batch_alter_table(table) as batch_op:
                batch_op.alter_column(f"{source}_lookup", existing_type=DIGEST, nullable=False)
                _create_finder(batch_op, table, f"{source}_lookup")
    _rename_credit_decisions(lambda ring, named, _answer: ring.lookup(ID_NUMBER, named)[:SUBJECT_KEY_LENGTH])


def downgrade() -> None:
    _rename_credit_decisions(lambda _ring, _named, answer: (answer or {}).get("subject_id"))
    for table, columns in reversed(SEALED.items()):
        source = LOOKED_UP.get(table)
        open_columns(table, list(columns))
        with op.batch_alter_table(table) as batch_op:
            if source is not None:
                _drop_finder(batch_op, table, f"{source}_lookup")
                batch_op.drop_column(f"{source}_lookup")
            for name, before in columns.items():
                json_column = before is JSONDocument
                batch_op.alter_column(
                    name,
                    existing_type=sa.Text(),
                    type_=before,
                    postgresql_using=f'"{name}"::jsonb' if json_column else None,
                )
            if source is not None:
                _create_finder(batch_op, table, source)
    drop_pii_keys()


def _drop_finder(batch_op: BatchOperations, table: str, column: str) -> None:
    if table == QUOTAS:
        batch_op.drop_constraint(QUOTA_UNIQUE, type_="unique")
    else:
        batch_op.drop_index(f"ix_{table}_{column}")


def _create_finder(batch_op: BatchOperations, table: str, column: str) -> None:
    if table == QUOTAS:
        batch_op.create_unique_constraint(QUOTA_UNIQUE, [column, "year"])
    else:
        batch_op.create_index(f"ix_{table}_{column}", [column])


def _rename_credit_decisions(subject: Callable[[KeyRing, str, Any], str | None]) -> None:
    """Name the subject of each stored credit decision's identity (``credit_subject/<subject>/…``) anew: ``subject``
    is given the ring, the name it has and the decision's stored answer (opened), and answers the new name (None:
    kept). The ring is asked for only when such a decision is stored (then ``seal_columns`` was given one)."""
    keyring = cache(lambda: context.config.attributes[KEYRING_ATTRIBUTE]())

    def renamed(row: RowMapping) -> dict[str, Any]:
        if row["client_id"] != CREDIT_DECISION_OWNER:
            return {}
        ring: KeyRing = keyring()
        named, rest = row["key"].removeprefix(CREDIT_DECISION).split("/", 1)
        answer = None if row["response_body"] is None else json.loads(ring.open(row["response_body"]))
        new = subject(ring, named, answer)
        return {} if new is None else {"key": f"{CREDIT_DECISION}{new}/{rest}"}

    after: Any = None
    while True:
        after, _ = rewrite_batch(
            op.get_bind(),
            "idempotency_keys",
            ["client_id", "key", "response_body"],
            renamed,
            after=after,
            batch_size=500,
        )
        if after is None:
            return

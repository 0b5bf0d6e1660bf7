"""contract and invoice numbers compared after normalising width, case and whitespace

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

44号 四(四) 同一服务合同及其发票只能享受1次创新券补助. ``subsidised_documents`` held contract and invoice numbers
as typed (trimmed; invoices upper-cased), so "ＨＴ－００１" and "ht-001" were two documents. This rewrites every stored
number to its ``document_key`` (NFKC, upper case, no whitespace), the form new redemptions are checked against.

Rows that turn out to be the same document (a double subsidy already granted under two spellings) keep the earliest
row under the plain key, so the document stays blocked; each later one is kept as ``<key>#<id>`` (the unique index
allows only one plain key) and is listed in the migration log for the bureau to review (AMBIGUITIES.md V-10).
Downgrade leaves the numbers normalised: the original spellings remain on ``redemptions``.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from science.rules.voucher_lifecycle import document_key

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

documents = sa.table(
    "subsidised_documents",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("number", sa.String),
    sa.column("redemption_id", sa.Integer),
)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(documents.c.id, documents.c.kind, documents.c.number).order_by(documents.c.id))
    taken: set[tuple[str, str]] = set()
    renames: list[tuple[int, str]] = []
    for row_id, kind, number in rows.all():
        key = document_key(number)  # contract rows are "<carrier USCC>/<number>"; the USCC is already canonical
        if (kind, key) in taken:
            log.warning("subsidised_documents %s: %s %r is the same document as an earlier row", row_id, kind, key)
            key = f"{key}#{row_id}"
        taken.add((kind, key))
        if key != number:
            renames.append((row_id, key))
    # Two passes so that no intermediate state collides with the unique index: first out of the way, then into place.
    for row_id, _ in renames:
        bind.execute(sa.update(documents).where(documents.c.id == row_id).values(number=f"#migrating#{row_id}"))
    for row_id, key in renames:
        bind.execute(sa.update(documents).where(documents.c.id == row_id).values(number=key))


def downgrade() -> None:
    """Nothing to undo: normalised numbers are valid numbers under the earlier comparison too."""

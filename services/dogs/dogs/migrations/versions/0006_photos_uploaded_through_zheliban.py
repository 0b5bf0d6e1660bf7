"""who uploaded a photo through 浙里办

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Issue 27. A photo uploaded through /v1/me keeps the uploader's 身份证号, sealed with its blind index (qz_common.pii),
so that only they may cite it in an application (D-22). Window uploads, and every photo stored before, name no one.
Additive: the columns start empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("photos") as batch_op:
        batch_op.add_column(sa.Column("uploader_id_number", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("uploader_id_number_lookup", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_photos_uploader_id_number_lookup", ["uploader_id_number_lookup"])


def downgrade() -> None:
    with op.batch_alter_table("photos") as batch_op:
        batch_op.drop_index("ix_photos_uploader_id_number_lookup")
        batch_op.drop_column("uploader_id_number_lookup")
        batch_op.drop_column("uploader_id_number")

"""Change tracking for exports: what each record was made from when it was last looked at
(``basis``) and what a file adapter rendered for it (``payload``).

Existing rows get neither: their records are gathered once more at the next export, found
unchanged by their fingerprint, and get a basis then (nothing is sent again).

Revision ID: 0007_sync_basis
Revises: 0006_visiting_windows
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sync_basis"
down_revision = "0006_visiting_windows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_state") as batch:
        batch.add_column(sa.Column("basis", sa.String(length=400), nullable=True))
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_column("payload")
        batch.drop_column("basis")

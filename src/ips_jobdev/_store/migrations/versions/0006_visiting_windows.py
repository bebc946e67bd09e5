"""Visiting windows: when an employer, and each person there, can be visited (weekly slots,
blackouts and a note, stored as their canonical text; NULL when none are recorded).

Revision ID: 0006_visiting_windows
Revises: 0005_fidelity_record
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_visiting_windows"
down_revision = "0005_fidelity_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("employers") as batch:
        batch.add_column(sa.Column("visiting_windows", sa.Text(), nullable=True))
    with op.batch_alter_table("employer_people") as batch:
        batch.add_column(sa.Column("visiting_windows", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employer_people") as batch:
        batch.drop_column("visiting_windows")
    with op.batch_alter_table("employers") as batch:
        batch.drop_column("visiting_windows")

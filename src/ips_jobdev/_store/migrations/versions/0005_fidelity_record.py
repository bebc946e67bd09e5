"""What fidelity figures need the record to say: specialists' employment periods (with
their full-time share) and leave, job seekers' dated status history, and who made an
employer contact (the specialist, or the job seeker alone).

Every job seeker gets one history entry: their status today, held since their IPS start
(or since the record was made). A job seeker already closed has no known closing day, so
they count as closed since then, as before the upgrade; date the closing with
``ips-jobdev seekers close CODE --on DATE`` to count them in the periods they were served.
Every visit stored is the specialist's (``made_by = 'specialist'``).

Revision ID: 0005_fidelity_record
Revises: 0004_change_history
Create Date: 2026-12-05
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005_fidelity_record"
down_revision = "0004_change_history"
branch_labels = None
depends_on = None


def _day(value: object) -> dt.date:
    """A stored creation time as a date (SQLite hands back text or a naive datetime)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def _backfill_status_history(changes: sa.Table) -> None:
    seekers = sa.table(
        "job_seekers",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("ips_start", sa.Date),
        sa.column("created_at", sa.DateTime),
    )
    connection = op.get_bind()
    rows = [
        {
            "seeker_id": row.id,
            "status": row.status,
            "since": row.ips_start or _day(row.created_at),
            "version": 1,
        }
        for row in connection.execute(sa.select(seekers).order_by(seekers.c.id))
    ]
    if rows:
        connection.execute(sa.insert(changes), rows)


def upgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.add_column(
            sa.Column("made_by", sa.String(length=30), nullable=False, server_default="specialist")
        )
    op.create_table(
        "employment_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("started", sa.Date(), nullable=True),
        sa.Column("ended", sa.Date(), nullable=True),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["specialist_id"],
            ["specialists.id"],
            name=op.f("fk_employment_periods_specialist_id_specialists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_periods")),
    )
    op.create_index(
        op.f("ix_employment_periods_specialist_id"),
        "employment_periods",
        ["specialist_id"],
        unique=False,
    )
    op.create_table(
        "specialist_leaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["specialist_id"],
            ["specialists.id"],
            name=op.f("fk_specialist_leaves_specialist_id_specialists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_specialist_leaves")),
    )
    op.create_index(
        op.f("ix_specialist_leaves_specialist_id"),
        "specialist_leaves",
        ["specialist_id"],
        unique=False,
    )
    changes = op.create_table(
        "seeker_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_seeker_status_changes_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seeker_status_changes")),
    )
    op.create_index(
        op.f("ix_seeker_status_changes_seeker_id"),
        "seeker_status_changes",
        ["seeker_id"],
        unique=False,
    )
    assert changes is not None
    _backfill_status_history(changes)


def downgrade() -> None:
    op.drop_index(op.f("ix_seeker_status_changes_seeker_id"), table_name="seeker_status_changes")
    op.drop_table("seeker_status_changes")
    op.drop_index(op.f("ix_specialist_leaves_specialist_id"), table_name="specialist_leaves")
    op.drop_table("specialist_leaves")
    op.drop_index(op.f("ix_employment_periods_specialist_id"), table_name="employment_periods")
    op.drop_table("employment_periods")
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("made_by")

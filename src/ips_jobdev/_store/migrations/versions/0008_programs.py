"""Programs: the IPS programs sharing one record. Specialists, job seekers, visits, fit
notes, jobs and goals each get a ``program_id``; a database with records puts every one of
them into a new program ``default`` (rename it with ``ips-jobdev programs edit``). The
change history gets a ``program_id`` too (empty for rows written before: shared history).

Revision ID: 0008_programs
Revises: 0004_change_history
Create Date: 2026-12-05
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008_programs"
down_revision = "0007_sync_basis"
branch_labels = None
depends_on = None

OWNED = ("specialists", "job_seekers", "visits", "job_fit_notes", "job_starts", "program_goals")

DEFAULT_CODE = "default"
DEFAULT_NAME = "Default program"


def upgrade() -> None:
    programs = op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("code", name=op.f("uq_programs_code")),
    )
    for table in OWNED:
        op.add_column(table, sa.Column("program_id", sa.Integer(), nullable=True))
    op.add_column("change_history", sa.Column("program_id", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_change_history_program_id"), "change_history", ["program_id"], unique=False
    )

    connection = op.get_bind()
    has_records = any(
        connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in OWNED
    )
    if has_records:
        connection.execute(
            sa.insert(programs).values(
                code=DEFAULT_CODE, name=DEFAULT_NAME, version=1, created_at=dt.datetime.now(dt.UTC)
            )
        )
        default_id = connection.execute(
            sa.text("SELECT id FROM programs WHERE code = :code"), {"code": DEFAULT_CODE}
        ).scalar_one()
        for table in OWNED:
            connection.execute(
                sa.text(f"UPDATE {table} SET program_id = :id"),
                {"id": default_id},
            )
        # the history of program-owned records belongs to the program too (only the
        # history of shared employers and people stays without one)
        connection.execute(
            sa.text(
                "UPDATE change_history SET program_id = :id WHERE record_kind IN "
                "('specialist', 'job-seeker', 'visit', 'fit-note', 'job-start', 'goal')"
            ),
            {"id": default_id},
        )

    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("program_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{table}_program_id_programs"), "programs", ["program_id"], ["id"]
            )
            batch.create_index(op.f(f"ix_{table}_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_program_id"))
            batch.drop_constraint(op.f(f"fk_{table}_program_id_programs"), type_="foreignkey")
            batch.drop_column("program_id")
    op.drop_index(op.f("ix_change_history_program_id"), table_name="change_history")
    op.drop_column("change_history", "program_id")
    op.drop_table("programs")

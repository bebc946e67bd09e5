"""The audit trail: ``audit_events`` (who viewed or exported what, when, from where, in
which program), append-only like the change history: triggers refuse UPDATE and DELETE on
both tables, on SQLite and PostgreSQL; on PostgreSQL row-level security keeps each
program's audit rows its own.

Revision ID: 0010_audit
Revises: 0009_program_boundaries
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_audit"
down_revision = "0009_program_boundaries"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "change_history")


def _boundary() -> str:
    scope = "NULLIF(current_setting('ips_jobdev.program', true), '')"
    owner = (
        "pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c "
        "WHERE c.oid = 'audit_events'::regclass), 'MEMBER')"
    )
    return (
        f"(({owner} AND ({scope} IS NULL OR program_id = {scope}::integer)) "
        "OR program_id IN (SELECT r.program_id FROM program_roles r "
        "WHERE r.role_name = current_user))"
    )


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("record_kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)
    op.create_index(
        op.f("ix_audit_events_program_id"), "audit_events", ["program_id"], unique=False
    )
    op.create_index(
        "ix_audit_events_record", "audit_events", ["record_kind", "record_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ips_jobdev_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: rows are never changed or deleted', "
            "TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ips_jobdev_append_only()"
            )
        op.execute("ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_events FORCE ROW LEVEL SECURITY")
        expression = _boundary()
        op.execute(
            f"CREATE POLICY program_boundary ON audit_events USING ({expression}) "
            f"WITH CHECK (program_id IS NULL OR {expression})"
        )
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never "
                    "changed or deleted'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ips_jobdev_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    op.drop_index("ix_audit_events_record", table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_program_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_table("audit_events")

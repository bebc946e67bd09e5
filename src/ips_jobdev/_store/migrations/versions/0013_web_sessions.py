"""Sessions of the shared web app in the database (``web_sessions``), so several server
processes (``ips-jobdev serve --shared --workers N``) share them: the SHA-256 of each
session id, its account, the specialist it shows, its CSRF token, when it started, was
last used and must end. Deleting an account deletes its sessions.

On PostgreSQL the table gets the same owner-only row-level security as ``users``: a
session is looked up before its program is known, and a program's reporting role must
never read session rows.

Revision ID: 0013_web_sessions
Revises: 0012_program_notes
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_web_sessions"
down_revision = "0012_program_notes"
branch_labels = None
depends_on = None

POLICY = "owner_only"
OWNER_ONLY = (
    "pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c "
    "WHERE c.oid = 'web_sessions'::regclass), 'MEMBER')"
)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("specialist", sa.String(length=40), nullable=True),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)
    op.create_index(
        op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE web_sessions ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE web_sessions FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON web_sessions USING ({OWNER_ONLY}) WITH CHECK ({OWNER_ONLY})"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")

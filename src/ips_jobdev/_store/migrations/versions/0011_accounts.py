"""Accounts of the shared web app (``ips-jobdev users``, ``ips-jobdev serve --shared``):
a ``users`` table with each account's email, program, role, optional specialist, argon2
password hash, disabled flag, failed sign-ins and lockout, and when it was made and last
signed in.

On PostgreSQL the table gets row-level security that lets only the role owning the
tables (the one ips-jobdev connects as) see it, whatever the program setting: signing in
looks an account up before its program is known, and a county's reporting role made by
``ips-jobdev db grant-program`` must never read other people's password hashes.

Revision ID: 0011_accounts
Revises: 0010_audit
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_accounts"
down_revision = "0010_audit"
branch_labels = None
depends_on = None

POLICY = "owner_only"
OWNER_ONLY = (
    "pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c "
    "WHERE c.oid = 'users'::regclass), 'MEMBER')"
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_users_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["specialist_id"], ["specialists.id"], name=op.f("fk_users_specialist_id_specialists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_index(op.f("ix_users_program_id"), "users", ["program_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON users USING ({OWNER_ONLY}) WITH CHECK ({OWNER_ONLY})"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_users_program_id"), table_name="users")
    op.drop_table("users")

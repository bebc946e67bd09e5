"""Program boundaries the database enforces (PostgreSQL): row-level security on every
program-owned table, the table of database roles made for one program
(``ips-jobdev db grant-program``), and the function that tells a program which other
programs visited an employer (naming their specialist, never their job seekers).

Each policy lets a row through when either
- the connected role is (a member of) the role owning the table, the one ips-jobdev
  connects as, and the transaction's setting ``ips_jobdev.program`` is empty (no scope)
  or names the row's program; the library sets it per transaction with
  ``set_config('ips_jobdev.program', ..., true)``; or
- the connected role is one granted to the row's program in ``program_roles`` (a county's
  reporting role): it sees its program's rows whatever it sets.
Every other role sees nothing. SQLite gets the ``program_roles`` table only: it holds one
program and has neither roles nor row-level security.

Revision ID: 0009_program_boundaries
Revises: 0008_programs
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_program_boundaries"
down_revision = "0008_programs"
branch_labels = None
depends_on = None

OWNED = ("specialists", "job_seekers", "visits", "job_fit_notes", "job_starts", "program_goals")
CHILDREN = {
    # tables without a program of their own: a row is visible with the row it belongs to
    "visit_seekers": "EXISTS (SELECT 1 FROM visits v WHERE v.id = visit_seekers.visit_id)",
    "client_submissions": (
        "EXISTS (SELECT 1 FROM visits v WHERE v.id = client_submissions.visit_id)"
    ),
    "feed_tokens": "EXISTS (SELECT 1 FROM specialists s WHERE s.id = feed_tokens.specialist_id)",
    "employment_periods": (
        "EXISTS (SELECT 1 FROM specialists s WHERE s.id = employment_periods.specialist_id)"
    ),
    "specialist_leaves": (
        "EXISTS (SELECT 1 FROM specialists s WHERE s.id = specialist_leaves.specialist_id)"
    ),
    "seeker_status_changes": (
        "EXISTS (SELECT 1 FROM job_seekers j WHERE j.id = seeker_status_changes.seeker_id)"
    ),
}
SHARED_WHEN_EMPTY = ("change_history",)  # rows without a program are about shared records
POLICY = "program_boundary"
FUNCTION = "ips_jobdev_program_contacts"


def boundary(table: str) -> str:
    """The policy expression of a table with a ``program_id``."""
    scope = "NULLIF(current_setting('ips_jobdev.program', true), '')"
    owner = f"(SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = '{table}'::regclass)"
    return (
        f"((pg_has_role(current_user, {owner}, 'MEMBER') "
        f"AND ({scope} IS NULL OR program_id = {scope}::integer)) "
        "OR program_id IN (SELECT r.program_id FROM program_roles r "
        "WHERE r.role_name = current_user))"
    )


def _protect(table: str, expression: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({expression}) WITH CHECK ({expression})")


def _unprotect(table: str) -> None:
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def _contacts_function(schema: str) -> str:
    quoted = '"' + schema.replace('"', '""') + '"'
    return f"""
CREATE FUNCTION {FUNCTION}(employer_ids integer[], since timestamptz, until timestamptz)
RETURNS TABLE (employer_id integer, program_id integer, at timestamptz, status varchar,
               specialist_name varchar, specialist_email varchar)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = {quoted}, pg_temp
AS $$
DECLARE
  scope text := current_setting('ips_jobdev.program', true);
BEGIN
  -- runs as the owner, unscoped for this query only: the caller's scope comes back after
  PERFORM set_config('ips_jobdev.program', '', true);
  RETURN QUERY
    SELECT v.employer_id, v.program_id, v.at, v.status, s.name, s.email
    FROM visits v JOIN specialists s ON s.id = v.specialist_id
    WHERE v.employer_id = ANY(employer_ids)
      AND v.status IN ('planned', 'done')
      AND v.at >= since AND v.at < until;
  PERFORM set_config('ips_jobdev.program', coalesce(scope, ''), true);
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "program_roles",
        sa.Column("role_name", sa.String(length=63), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_roles_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("role_name", name=op.f("pk_program_roles")),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in OWNED:
        _protect(table, boundary(table))
    for table, expression in CHILDREN.items():
        _protect(table, expression)
    for table in SHARED_WHEN_EMPTY:
        _protect(table, f"(program_id IS NULL OR {boundary(table)})")
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute(_contacts_function(schema))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(integer[], timestamptz, timestamptz)")
        for table in (*OWNED, *CHILDREN, *SHARED_WHEN_EMPTY):
            _unprotect(table)
    op.drop_table("program_roles")

"""Pages under load: the program boundary's policies work out who is asking once per
statement, not per row (PostgreSQL); an index on employers' position.

The policies of 0009, 0010 and 0012 called ``pg_has_role`` and read the setting
``ips_jobdev.program`` (twice) for every row a statement looked at: a specialist's Today
page looks at some thousands of visits, each paying for both. Written as sub-selects, each
is an init plan PostgreSQL evaluates once per statement, and a row then costs one
comparison of its ``program_id``. Who sees which row does not change: the same three
conditions, the same setting, the same roles (a statement never changes the setting
half-way through; the functions that clear it for a query of their own run that query as
a statement of its own).

``ix_employers_position`` (latitude, longitude): a ranking under a distance limit (every
job seeker's page) reads the employers in the limit's latitude band instead of every
employer of the state.

Revision ID: 0016_page_speed
Revises: 0015_search_indexes
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0016_page_speed"
down_revision = "0015_search_indexes"
branch_labels = None
depends_on = None

POLICY = "program_boundary"
PLAIN = (
    "specialists",
    "job_seekers",
    "visits",
    "job_fit_notes",
    "job_starts",
    "program_goals",
    "employer_program_notes",
    "sync_state",
)
"""Tables whose policy is the boundary itself, for reading and writing."""
SHARED_WHEN_EMPTY = "change_history"
"""Its rows without a program are about shared records: anyone reads and writes them."""
AUDIT = "audit_events"
"""Read within the boundary; a row without a program may be written by anyone."""


def boundary(table: str, *, once: bool) -> str:
    """The policy expression of a table with a ``program_id`` (``once``: as sub-selects)."""
    scope = "NULLIF(current_setting('ips_jobdev.program', true), '')"
    owner = f"(SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = '{table}'::regclass)"
    member = f"pg_has_role(current_user, {owner}, 'MEMBER')"
    if once:
        scope, member = f"(SELECT {scope})", f"(SELECT {member})"
    return (
        f"(({member} AND ({scope} IS NULL OR program_id = {scope}::integer)) "
        "OR program_id IN (SELECT r.program_id FROM program_roles r "
        "WHERE r.role_name = current_user))"
    )


def _policy(table: str, using: str, check: str) -> None:
    op.execute(f"ALTER POLICY {POLICY} ON {table} USING ({using}) WITH CHECK ({check})")


def _alter(*, once: bool) -> None:
    for table in PLAIN:
        expression = boundary(table, once=once)
        _policy(table, expression, expression)
    shared = f"(program_id IS NULL OR {boundary(SHARED_WHEN_EMPTY, once=once)})"
    _policy(SHARED_WHEN_EMPTY, shared, shared)
    audit = boundary(AUDIT, once=once)
    _policy(AUDIT, audit, f"(program_id IS NULL OR {audit})")


POSITION_INDEX = "ix_employers_position"


def upgrade() -> None:
    op.create_index(POSITION_INDEX, "employers", ["latitude", "longitude"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _alter(once=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _alter(once=False)
    op.drop_index(POSITION_INDEX, table_name="employers")

"""A specialist's pages read their visits from the indexes alone (issue 13, PostgreSQL).

The Today and week pages read, per specialist, every visit made on their employer list
(``ix_visits_employer_at``: employer, time; then status, purpose and mode) and the list's
facts from the specialist's own visits (``ix_visits_specialist_at``: specialist, time;
then employer, status and mode). Both indexes found the rows and PostgreSQL then read each
row from the table (some thousands a page, each with its ``program_id`` for the row-level
security policy). Both now also hold those columns (``INCLUDE``, not part of the key: the
same searches, the same order), so the reads are index-only scans: on the statewide load
data set the database's time for a Today page's visit reads went from about 85 to 55 ms.
SQLite has no ``INCLUDE`` and holds one program: its indexes stay as they were.

Revision ID: 0019_covering_indexes
Revises: 0018_visit_seekers_program
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0019_covering_indexes"
down_revision = "0018_visit_seekers_program"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_visits_employer_at": (["employer_id", "at"], ["status", "mode", "purpose", "program_id"]),
    "ix_visits_specialist_at": (
        ["specialist_id", "at"],
        ["employer_id", "status", "mode", "program_id"],
    ),
}


def _recreate(*, covering: bool) -> None:
    for name, (key, included) in INDEXES.items():
        op.drop_index(name, table_name="visits")
        op.create_index(name, "visits", key, postgresql_include=included if covering else [])


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _recreate(covering=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _recreate(covering=False)

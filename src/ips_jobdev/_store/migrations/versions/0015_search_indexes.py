"""A trigram index on employer names for the employer search on PostgreSQL.

``ix_employers_name_trgm``: the employer search (``name ILIKE '%words%'``, a page many
specialists open at once on a shared database) no longer reads every employer. It needs
the ``pg_trgm`` extension, made here in the ``public`` schema when the database allows (it
is a trusted extension: the database's owner may make it). When it cannot be made, the
index is left out and the search still works, reading every employer; the shared-database
how-to says how an administrator adds both later.

Revision ID: 0015_search_indexes
Revises: 0014_ranking_indexes
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_search_indexes"
down_revision = "0014_ranking_indexes"
branch_labels = None
depends_on = None

TRIGRAM_INDEX = "ix_employers_name_trgm"


def trigram_schema(connection: sa.Connection) -> str | None:
    """The schema of the ``pg_trgm`` extension, made in ``public`` if it is not there yet
    and the database allows; None when it cannot be had."""
    find = sa.text(
        "SELECT n.nspname FROM pg_catalog.pg_extension x "
        "JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm'"
    )
    found = connection.scalar(find)
    if found is not None:
        return str(found)
    available = connection.scalar(
        sa.text("SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_trgm'")
    )
    public = connection.scalar(
        sa.text("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'public'")
    )
    if available is None or public is None:
        return None
    # in public, never in a program's or a test's own schema: dropping that schema would
    # drop the extension, and with it the index of every other schema
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError:
        return None
    return "public"


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    schema = trigram_schema(connection)
    if schema is not None:
        quoted = connection.dialect.identifier_preparer.quote_schema(schema)
        op.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON employers USING gin (name {quoted}.gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")

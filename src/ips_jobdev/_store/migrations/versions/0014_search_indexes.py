"""Indexes for the pages many specialists open at once on a shared database.

- ``ix_employers_do_not_contact``: a partial index of the employers marked do-not-contact,
  so counting them (each ranking says how many it left out) reads a few rows, not the
  whole registry.
- ``ix_employers_name_trgm`` (PostgreSQL only): a trigram index on the employer's name, so
  the employer search (``name ILIKE '%words%'``) does not read every employer. It needs
  the ``pg_trgm`` extension: made here in the ``public`` schema when the database allows
  (it is a trusted extension: the database's owner may make it); when it cannot be made,
  the index is left out and the search still works, reading every employer. A county's
  database administrator can run ``CREATE EXTENSION pg_trgm SCHEMA public`` and upgrade
  again (``ips-jobdev db upgrade`` makes the index once the extension is there).

Revision ID: 0014_search_indexes
Revises: 0013_web_sessions
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_search_indexes"
down_revision = "0013_web_sessions"
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
    op.create_index(
        "ix_employers_do_not_contact",
        "employers",
        ["id"],
        unique=False,
        postgresql_where=sa.text("do_not_contact IS TRUE"),
        # the condition as the queries write it (SQLAlchemy's is_(True)), or SQLite
        # does not see that the index answers them
        sqlite_where=sa.text("do_not_contact IS 1"),
    )
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
    op.drop_index("ix_employers_do_not_contact", table_name="employers")

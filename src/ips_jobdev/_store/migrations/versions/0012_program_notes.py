"""What stays each program's own on a shared employer registry, and codes per program:

- ``employer_program_notes``: each program's notes about its relationship with an employer
  (``Employer.notes`` as that program sees it). The notes of ``employers.notes`` move
  there, to every program the database holds (each could read them while they were
  shared; from now on each edits its own copy), or to a new program ``default`` when there
  is none; then the column goes.
- specialists' and job seekers' codes are unique per program, not across the database (a
  program adding a code never learns that another program holds it).
- ``sync_state`` gets a ``program_id``: each program's exports keep their own state. Rows
  of visits and fit notes go to their record's program; other rows (shared employers and
  people) to the program ``default``, else the first program.

On PostgreSQL roles made by ``db grant-program`` lose every privilege on ``users``, both
program-owned tables get the row-level security policy of the other
program-owned tables, and a function moving the notes other programs wrote about an
employer merged into another (only the role owning the tables may run it).

Revision ID: 0012_program_notes
Revises: 0011_accounts
Create Date: 2026-12-05
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0012_program_notes"
down_revision = "0011_accounts"
branch_labels = None
depends_on = None

POLICY = "program_boundary"
NOTES = "employer_program_notes"
MOVE_NOTES = "ips_jobdev_move_employer_notes"
DEFAULT_CODE = "default"
DEFAULT_NAME = "Default program"


def boundary(table: str) -> str:
    """The policy expression of a table with a ``program_id`` (as in 0009)."""
    scope = "NULLIF(current_setting('ips_jobdev.program', true), '')"
    owner = f"(SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = '{table}'::regclass)"
    return (
        f"((pg_has_role(current_user, {owner}, 'MEMBER') "
        f"AND ({scope} IS NULL OR program_id = {scope}::integer)) "
        "OR program_id IN (SELECT r.program_id FROM program_roles r "
        "WHERE r.role_name = current_user))"
    )


def _protect(table: str) -> None:
    expression = boundary(table)
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({expression}) WITH CHECK ({expression})")


def _move_notes_function(schema: str) -> str:
    quoted = '"' + schema.replace('"', '""') + '"'
    return f"""
CREATE FUNCTION {MOVE_NOTES}(from_id integer, to_id integer, except_program integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = {quoted}, pg_temp
AS $$
DECLARE
  scope text := current_setting('ips_jobdev.program', true);
  moved integer;
BEGIN
  -- a merge keeps every program's notes, also those the caller's scope cannot see
  PERFORM set_config('ips_jobdev.program', '', true);
  UPDATE employer_program_notes k
     SET notes = k.notes || E'\\n\\n' || a.notes, version = k.version + 1
    FROM employer_program_notes a
   WHERE k.employer_id = to_id AND a.employer_id = from_id AND a.program_id = k.program_id
     AND a.notes <> k.notes AND a.program_id IS DISTINCT FROM except_program;
  SELECT count(*) INTO moved FROM employer_program_notes
   WHERE employer_id = from_id AND program_id IS DISTINCT FROM except_program;
  DELETE FROM employer_program_notes a
   WHERE a.employer_id = from_id AND a.program_id IS DISTINCT FROM except_program
     AND EXISTS (SELECT 1 FROM employer_program_notes k
                  WHERE k.employer_id = to_id AND k.program_id = a.program_id);
  UPDATE employer_program_notes SET employer_id = to_id, version = version + 1
   WHERE employer_id = from_id AND program_id IS DISTINCT FROM except_program;
  PERFORM set_config('ips_jobdev.program', coalesce(scope, ''), true);
  RETURN moved;
END
$$
"""


def _program_ids(connection: sa.Connection) -> list[int]:
    return [
        int(i) for i in connection.execute(sa.text("SELECT id FROM programs ORDER BY id")).scalars()
    ]


def _make_default(connection: sa.Connection) -> int:
    connection.execute(
        sa.text(
            "INSERT INTO programs (code, name, version, created_at) VALUES (:code, :name, 1, :at)"
        ),
        {"code": DEFAULT_CODE, "name": DEFAULT_NAME, "at": dt.datetime.now(dt.UTC)},
    )
    return int(
        connection.execute(
            sa.text("SELECT id FROM programs WHERE code = :code"), {"code": DEFAULT_CODE}
        ).scalar_one()
    )


def _home_program(connection: sa.Connection) -> int:
    """Where rows of shared records go: ``default``, else the first program (made when
    there is none)."""
    found = connection.execute(
        sa.text("SELECT id FROM programs WHERE code = :code"), {"code": DEFAULT_CODE}
    ).scalar()
    if found is not None:
        return int(found)
    ids = _program_ids(connection)
    return ids[0] if ids else _make_default(connection)


def _move_employer_notes(connection: sa.Connection) -> None:
    has_notes = connection.execute(
        sa.text("SELECT 1 FROM employers WHERE notes IS NOT NULL AND notes <> '' LIMIT 1")
    ).first()
    if has_notes is None:
        return
    program_ids = _program_ids(connection) or [_make_default(connection)]
    for program_id in program_ids:
        connection.execute(
            sa.text(
                f"INSERT INTO {NOTES} (employer_id, program_id, notes, version) "
                "SELECT id, :program, notes, 1 FROM employers "
                "WHERE notes IS NOT NULL AND notes <> '' ORDER BY id"
            ),
            {"program": program_id},
        )


def _fill_sync_programs(connection: sa.Connection) -> None:
    if connection.execute(sa.text("SELECT 1 FROM sync_state LIMIT 1")).first() is None:
        return
    for kind, table in (("visit", "visits"), ("fit-note", "job_fit_notes")):
        connection.execute(
            sa.text(
                f"UPDATE sync_state SET program_id = (SELECT t.program_id FROM {table} t "
                "WHERE t.id = sync_state.local_id) WHERE record_kind = :kind"
            ),
            {"kind": kind},
        )
    connection.execute(
        sa.text("UPDATE sync_state SET program_id = :home WHERE program_id IS NULL"),
        {"home": _home_program(connection)},
    )


def upgrade() -> None:
    op.create_table(
        NOTES,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_program_notes_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_employer_program_notes_program_id_programs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_program_notes")),
        sa.UniqueConstraint("employer_id", "program_id", name="uq_employer_program_notes_program"),
    )
    op.create_index(
        op.f("ix_employer_program_notes_program_id"), NOTES, ["program_id"], unique=False
    )
    connection = op.get_bind()
    _move_employer_notes(connection)
    with op.batch_alter_table("employers") as batch:
        batch.drop_column("notes")

    for table in ("specialists", "job_seekers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_code", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_program_code", ["program_id", "code"])

    op.add_column("sync_state", sa.Column("program_id", sa.Integer(), nullable=True))
    _fill_sync_programs(connection)
    with op.batch_alter_table("sync_state") as batch:
        batch.alter_column("program_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_sync_state_program_id_programs"), "programs", ["program_id"], ["id"]
        )
        batch.drop_constraint("uq_sync_state_record", type_="unique")
        batch.create_unique_constraint(
            "uq_sync_state_record", ["program_id", "adapter", "target", "record_kind", "local_id"]
        )

    if connection.dialect.name == "postgresql":
        for table in (NOTES, "sync_state"):
            _protect(table)
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
        op.execute(_move_notes_function(schema))
        op.execute(f"REVOKE ALL ON FUNCTION {MOVE_NOTES}(integer, integer, integer) FROM PUBLIC")
        # roles granted a program before: nothing on the accounts (grant-program no longer
        # gives it)
        op.execute(
            "DO $$ DECLARE r record; BEGIN FOR r IN SELECT p.role_name FROM program_roles p "
            "JOIN pg_roles g ON g.rolname = p.role_name LOOP "
            "EXECUTE format('REVOKE ALL ON TABLE users FROM %I', r.role_name); END LOOP; END $$"
        )


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {MOVE_NOTES}(integer, integer, integer)")
        for table in (NOTES, "sync_state"):
            op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    # one state per record again: the first program's rows stay
    op.execute(
        "DELETE FROM sync_state WHERE EXISTS (SELECT 1 FROM sync_state o WHERE "
        "o.adapter = sync_state.adapter AND o.target = sync_state.target AND "
        "o.record_kind = sync_state.record_kind AND o.local_id = sync_state.local_id AND "
        "o.program_id < sync_state.program_id)"
    )
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_constraint("uq_sync_state_record", type_="unique")
        batch.create_unique_constraint(
            "uq_sync_state_record", ["adapter", "target", "record_kind", "local_id"]
        )
        batch.drop_constraint(op.f("fk_sync_state_program_id_programs"), type_="foreignkey")
        batch.drop_column("program_id")
    for table in ("specialists", "job_seekers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_program_code", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_code", ["code"])
    op.add_column("employers", sa.Column("notes", sa.Text(), nullable=True))
    # the notes of the first program that wrote any
    op.execute(
        f"UPDATE employers SET notes = (SELECT n.notes FROM {NOTES} n "
        "WHERE n.employer_id = employers.id ORDER BY n.program_id LIMIT 1)"
    )
    op.drop_index(op.f("ix_employer_program_notes_program_id"), table_name=NOTES)
    op.drop_table(NOTES)

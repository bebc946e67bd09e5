"""A visit's job seekers carry the visit's program (issue 13, pages under load).

``visit_seekers`` has no program of its own: since 0009 its row-level security policy let
a row through when ``EXISTS (SELECT 1 FROM visits v WHERE v.id = visit_seekers.visit_id)``,
a lookup of the visit (under the visits' own policy) for every row a statement reads; a
specialist's Today page reads some 1,700 of them (about 10 ms of the database's time).

``visit_seekers.program_id`` is a copy of its visit's ``program_id``, filled from the
visits here and kept by the database itself on every write path (the ORM's association,
bulk imports, corrections that change a visit's job seekers, a visit moved to another
program): a trigger sets it from the visit on each row written without one (the library's
association; a bulk import gives it), and another copies a visit's new program to its rows.
On PostgreSQL the policy then reads the row's own column, the same boundary as every
program-owned table's (0016's form, who is asking worked out once per statement); a row
written must also name the program of a visit the writer may see. Who sees and writes which
row does not change; a row written costs one look at its visit, in the policy, as before
(a trigger reading it for every row of a bulk import, as a query of its own, took twice the
time of the insert). SQLite holds one program and has no policies: its triggers keep
the column filled all the same (a database copied to PostgreSQL later is right from the
start).

Revision ID: 0018_visit_seekers_program
Revises: 0017_report_index
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_visit_seekers_program"
down_revision = "0017_report_index"
branch_labels = None
depends_on = None

TABLE = "visit_seekers"
POLICY = "program_boundary"
VISIBLE_VISIT = "EXISTS (SELECT 1 FROM visits v WHERE v.id = visit_seekers.visit_id)"
"""0009's policy: a row is visible and written with its visit."""
SAME_PROGRAM_VISIT = (
    "EXISTS (SELECT 1 FROM visits v WHERE v.id = visit_seekers.visit_id "
    "AND v.program_id = visit_seekers.program_id)"
)
"""A row written names its visit's program (and the visit is one the writer may see)."""
FILL = "ips_jobdev_visit_seekers_program"
"""The trigger (and function, on PostgreSQL) setting a new row's program from its visit
(when the writer gives none: a bulk import gives it, and the policy checks it)."""
FOLLOW = "ips_jobdev_visit_program_to_seekers"
"""The trigger (and function) copying a visit's new program to its job seekers' rows."""


def boundary(table: str) -> str:
    """0016's policy expression of a table with a ``program_id`` (who is asking: once per
    statement)."""
    scope = "(SELECT NULLIF(current_setting('ips_jobdev.program', true), ''))"
    owner = f"(SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = '{table}'::regclass)"
    member = f"(SELECT pg_has_role(current_user, {owner}, 'MEMBER'))"
    return (
        f"(({member} AND ({scope} IS NULL OR program_id = {scope}::integer)) "
        "OR program_id IN (SELECT r.program_id FROM program_roles r "
        "WHERE r.role_name = current_user))"
    )


def _postgresql_triggers(schema: str) -> list[str]:
    quoted = '"' + schema.replace('"', '""') + '"'
    # no SET search_path on the functions (it would cost every row of a bulk import a
    # configuration change): the one table they read is named with its schema
    return [
        f"""
CREATE FUNCTION {FILL}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.program_id IS NULL THEN
    NEW.program_id := (SELECT v.program_id FROM {quoted}.visits v WHERE v.id = NEW.visit_id);
  END IF;
  RETURN NEW;
END
$$""",
        f"CREATE TRIGGER {FILL} BEFORE INSERT OR UPDATE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {FILL}()",
        f"""
CREATE FUNCTION {FOLLOW}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {quoted}.{TABLE} SET program_id = NEW.program_id WHERE visit_id = NEW.id;
  RETURN NULL;
END
$$""",
        f"CREATE TRIGGER {FOLLOW} AFTER UPDATE OF program_id ON visits "
        f"FOR EACH ROW WHEN (OLD.program_id IS DISTINCT FROM NEW.program_id) "
        f"EXECUTE FUNCTION {FOLLOW}()",
    ]


SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER {FILL} AFTER INSERT ON {TABLE} FOR EACH ROW
WHEN NEW.program_id IS NOT (SELECT program_id FROM visits WHERE id = NEW.visit_id)
BEGIN
  UPDATE {TABLE} SET program_id = (SELECT program_id FROM visits WHERE id = NEW.visit_id)
  WHERE visit_id = NEW.visit_id AND seeker_id = NEW.seeker_id;
END""",
    f"""
CREATE TRIGGER {FOLLOW} AFTER UPDATE OF program_id ON visits FOR EACH ROW
WHEN OLD.program_id IS NOT NEW.program_id
BEGIN
  UPDATE {TABLE} SET program_id = NEW.program_id WHERE visit_id = NEW.id;
END""",
]


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("program_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"UPDATE {TABLE} SET program_id = v.program_id FROM visits v "
            f"WHERE v.id = {TABLE}.visit_id"
        )
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
        for statement in _postgresql_triggers(schema):
            op.execute(statement)
        expression = boundary(TABLE)
        op.execute(
            f"ALTER POLICY {POLICY} ON {TABLE} USING ({expression}) "
            f"WITH CHECK ({expression} AND {SAME_PROGRAM_VISIT})"
        )
        return
    op.execute(
        f"UPDATE {TABLE} SET program_id = "
        f"(SELECT v.program_id FROM visits v WHERE v.id = {TABLE}.visit_id)"
    )
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER POLICY {POLICY} ON {TABLE} USING ({VISIBLE_VISIT}) WITH CHECK ({VISIBLE_VISIT})"
        )
        op.execute(f"DROP TRIGGER IF EXISTS {FOLLOW} ON visits")
        op.execute(f"DROP TRIGGER IF EXISTS {FILL} ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {FOLLOW}()")
        op.execute(f"DROP FUNCTION IF EXISTS {FILL}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {FOLLOW}")
        op.execute(f"DROP TRIGGER IF EXISTS {FILL}")
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("program_id")

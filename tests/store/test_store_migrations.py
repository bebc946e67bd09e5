"""Migrations: a database made by the first revision keeps every row through every upgrade;
an out-of-date or foreign database is refused with a message that says what to do; and the
migrated schema is exactly ``store.tables.metadata``.

The rows are written with Core statements on tables *reflected from the first revision's
database* (not the current metadata), so the test keeps meaning something as revisions are
added: whatever 0002, 0003... do, the rows written at 0001 must read back unchanged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ips_jobdev import Database, SchemaOutOfDateError, VisitingWindows
from ips_jobdev._store import migrate, tables
from ips_jobdev._store.database import make_engine
from ips_jobdev._vocab import JobEndReason, VisitStatus

TRIGRAM_INDEX = "ix_employers_name_trgm"
"""Migration 0014's index for the employer search, made only where pg_trgm can be had."""

FIRST = "0001"
T0 = dt.datetime(2026, 3, 2, 14, 30, 5, 250000, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)

# Rows for every table the first revision made, in the shape the first revision stored.
FIRST_REVISION_ROWS: dict[str, list[dict[str, Any]]] = {
    "specialists": [
        {
            "id": 1,
            "code": "ae",
            "name": "Alex Example",
            "email": "alex@example.org",
            "office_zip": "53704",
            "timezone": "America/Chicago",
            "weekly_contact_target": 6,
            "work_days": "mon,tue,wed,thu,fri",
            "work_start": dt.time(8, 30),
            "work_end": dt.time(17, 0),
            "active": True,
            "version": 2,
        },
        {
            "id": 2,
            "code": "bx",
            "name": "Blair Example",
            "email": None,
            "office_zip": None,
            "timezone": "America/Chicago",
            "weekly_contact_target": 5,
            "work_days": "mon,tue",
            "work_start": dt.time(9, 0),
            "work_end": dt.time(15, 0),
            "active": False,
            "version": 1,
        },
    ],
    "employers": [
        {
            "id": 1,
            "external_id": "EMP-1",
            "name": "Example Bakery, Inc.",
            "name_key": "example bakery",
            "industry": "food service",
            "job_types": ["baker", "counter"],
            "street": "100 Example St",
            "city": "Madison",
            "state": "WI",
            "zip": "53703-1234",
            "latitude": 43.0747,
            "longitude": -89.3841,
            "phone": "+16085550142;ext=12",
            "website": "https://bakery.example.org",
            "size": 25,
            "shifts": ["day", "weekend"],
            "hours_note": "opens at 5",
            "wage_min": 1537,
            "wage_max": 1800,
            "bus_access": True,
            "do_not_contact": False,
            "notes": "Ask for Pat.\nMornings are best.",
            "version": 3,
            "created_at": T0,
            "updated_at": T1,
        },
        {
            "id": 2,
            "external_id": None,
            "name": "Example Hardware",
            "name_key": "example hardware",
            "industry": None,
            "job_types": [],
            "street": None,
            "city": None,
            "state": None,
            "zip": None,
            "latitude": None,
            "longitude": None,
            "phone": None,
            "website": None,
            "size": None,
            "shifts": [],
            "hours_note": None,
            "wage_min": None,
            "wage_max": None,
            "bus_access": None,
            "do_not_contact": True,
            "notes": None,
            "version": 1,
            "created_at": T0,
            "updated_at": T0,
        },
    ],
    "employer_people": [
        {
            "id": 1,
            "employer_id": 1,
            "name": "Pat Example",
            "title": "Owner",
            "phone": "+16085550143",
            "email": "pat@example.org",
            "makes_hiring_decisions": True,
            "notes": "prefers email",
            "version": 1,
        },
    ],
    "job_seekers": [
        {
            "id": 1,
            "code": "J-1001",
            "name": "Robin Example",
            "specialist_id": 1,
            "ips_start": dt.date(2026, 2, 16),
            "status": "searching",
            "preferences": {
                "job_types": ["warehouse"],
                "industries": ["grocery"],
                "avoid": ["food service"],
                "hours_min": 10,
                "hours_max": 25,
                "shifts": ["day"],
                "home_zip": "53713",
                "max_miles": 6.5,
                "transport": "bus",
                "wage_min": "14.25",
                "work_setting": None,
                "disclosure": "not-disclose",
                "benefits_hours_cap": 20,
                "strengths": ["punctual"],
            },
            "version": 1,
            "created_at": T0,
            "updated_at": T0,
        },
        {
            "id": 2,
            "code": "J-1002",
            "name": None,
            "specialist_id": None,
            "ips_start": None,
            "status": "closed",
            "preferences": {},
            "version": 4,
            "created_at": T0,
            "updated_at": T1,
        },
    ],
    "visits": [
        {
            "id": 1,
            "employer_id": 1,
            "specialist_id": 1,
            "person_id": 1,
            "at": T0,
            "duration_minutes": 20,
            "mode": "in-person",
            "purpose": "learn-business",
            "status": "done",
            "seeker_present": True,
            "outcome": "met the owner",
            "next_step": "thank-you note",
            "reason": None,
            "version": 2,
            "created_at": T0,
            "updated_at": T1,
        },
        {
            "id": 2,
            "employer_id": 2,
            "specialist_id": 2,
            "person_id": None,
            "at": T1,
            "duration_minutes": 30,
            "mode": "phone",
            "purpose": "introduce",
            "status": "planned",
            "seeker_present": False,
            "outcome": None,
            "next_step": None,
            "reason": "first employer contact for J-1001",
            "version": 1,
            "created_at": T0,
            "updated_at": T0,
        },
    ],
    "visit_seekers": [{"visit_id": 1, "seeker_id": 1}, {"visit_id": 1, "seeker_id": 2}],
    "job_openings": [
        {
            "id": 1,
            "employer_id": 1,
            "title": "Counter help",
            "job_type": "counter",
            "hours_per_week": 22.5,
            "shifts": ["day"],
            "wage": 1510,
            "advertised": False,
            "status": "open",
            "learned_on": dt.date(2026, 3, 2),
            "notes": "not posted",
            "version": 1,
        },
    ],
    "job_fit_notes": [
        {
            "id": 1,
            "seeker_id": 1,
            "employer_id": 1,
            "opening_id": 1,
            "author_id": 1,
            "ratings": {"job_type": {"rating": "good", "comment": "on the list"}},
            "overall": "good",
            "text": "liked the pace",
            "written_at": T1,
            "version": 1,
        },
    ],
    "job_starts": [
        {
            "id": 1,
            "seeker_id": 1,
            "employer_id": 1,
            "opening_id": 1,
            "title": "Counter help",
            "job_type": "counter",
            "start_date": dt.date(2026, 3, 16),
            "hours_per_week": 20.0,
            "wage": 1510,
            "competitive": True,
            "end_date": dt.date(2026, 6, 1),
            "end_reason": "quit-with-job",
            "version": 2,
        },
    ],
    "program_goals": [
        {
            "id": 1,
            "metric": "hourly_wage",
            "target": 1675,
            "period_start": dt.date(2026, 1, 1),
            "period_end": dt.date(2026, 12, 31),
            "scope": "program",
            "version": 1,
        },
    ],
}


@pytest.fixture
def db_url(unmigrated_db_url: str) -> str:
    """Here a database starts with no schema at all: these tests are about making it."""
    return unmigrated_db_url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """An engine on an empty database (SQLite or PostgreSQL)."""
    made = make_engine(db_url)
    yield made
    made.dispose()


def _reflect(engine: sa.Engine) -> sa.MetaData:
    reflected = sa.MetaData()
    reflected.reflect(engine)
    return reflected


def _dump(engine: sa.Engine, schema: sa.MetaData) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in ``schema`` (as reflected), ordered by primary key."""
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in schema.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(sa.select(table).order_by(*order)).mappings()
            out[table.name] = [dict(row) for row in rows]
    if "employer_program_notes" in out and "employers" in out:
        _notes_as_one_program_sees_them(out)
    return out


def _notes_as_one_program_sees_them(out: dict[str, list[dict[str, Any]]]) -> None:
    """Since 0012 an employer's notes are each program's: put them back on the employers'
    rows, as the one program of the databases these tests upgrade sees them."""
    notes: dict[int, str] = {}
    for row in out["employer_program_notes"]:
        assert row["employer_id"] not in notes, "one program's notes per employer here"
        notes[row["employer_id"]] = row["notes"]
    for row in out["employers"]:
        assert "notes" not in row
        row["notes"] = notes.get(row["id"])


def _fill_first_revision(engine: sa.Engine) -> sa.MetaData:
    migrate.upgrade(engine, FIRST)
    assert migrate.current_revision(engine) == FIRST
    schema = _reflect(engine)
    made_by_first = {t for t in schema.tables if t != "alembic_version"}
    assert made_by_first == set(FIRST_REVISION_ROWS), "rows for every table of the first revision"
    with engine.begin() as connection:
        for table in schema.sorted_tables:
            if table.name in FIRST_REVISION_ROWS:
                connection.execute(sa.insert(table), FIRST_REVISION_ROWS[table.name])
    return schema


def test_every_row_of_the_first_revision_survives_the_upgrade_to_head(engine: sa.Engine) -> None:
    first_schema = _fill_first_revision(engine)
    before = _dump(engine, first_schema)
    assert {name: len(rows) for name, rows in before.items()} == {
        name: len(rows) for name, rows in FIRST_REVISION_ROWS.items()
    }

    previous, now = migrate.upgrade(engine)
    assert (previous, now) == (FIRST, migrate.head_revision())

    after = _dump(engine, _reflect(engine))
    for name, old_rows in before.items():
        assert name in after, f"table {name} was dropped"
        new_rows = after[name]
        assert len(new_rows) == len(old_rows), name
        for old, new in zip(old_rows, new_rows, strict=True):
            assert {column: new[column] for column in old} == old, name


def test_rows_of_the_first_revision_read_back_through_the_current_record(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _fill_first_revision(engine)
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    with Database(db_url) as database, database.unit_of_work() as uow:
        bakery = uow.employers.get(1)
        assert bakery.name == "Example Bakery, Inc."
        assert bakery.phone is not None
        assert (bakery.phone.e164, bakery.phone.extension) == ("+16085550142", "12")
        assert bakery.wage_min == Decimal("15.37")
        assert bakery.job_types == ["baker", "counter"]
        assert bakery.created_at == T0
        assert bakery.version == 3
        assert [p.name for p in bakery.people] == ["Pat Example"]
        seeker = uow.seekers.by_code("J-1001")
        assert seeker.preferences.wage_min == Decimal("14.25")
        assert seeker.preferences.job_types == ("warehouse",)
        visit = uow.visits.get(1)
        assert [s.code for s in visit.seekers] == ["J-1001", "J-1002"]
        assert uow.visits.get(2).status is VisitStatus.PLANNED
        assert uow.job_starts.get(1).end_reason is JobEndReason.QUIT_WITH_JOB
        assert uow.fit_notes.get(1).ratings["job_type"].comment == "on the list"
        assert uow.goals.get(1).target == Decimal("16.75")
        assert uow.specialists.count() == 2


SYNC_ROWS = [
    {
        "id": 1,
        "adapter": "ics",
        "target": "/home/ab/visits.ics",
        "record_kind": "visit",
        "local_id": 1,
        "remote_id": "visit-1@ips-jobdev",
        "fingerprint": "a" * 64,
        "sequence": 2,
        "deleted": False,
        "sent_at": T1,
    },
    {
        "id": 2,
        "adapter": "salesforce",
        "target": "https://example.my.salesforce.com",
        "record_kind": "employer",
        "local_id": 1,
        "remote_id": "001XYZ",
        "fingerprint": "b" * 64,
        "sequence": 0,
        "deleted": True,
        "sent_at": T0,
    },
]


def test_sync_state_rows_keep_every_value_through_the_change_tracking_revision(
    engine: sa.Engine,
) -> None:
    migrate.upgrade(engine, "0006_visiting_windows")
    sync_state = _reflect(engine).tables["sync_state"]
    with engine.begin() as connection:
        connection.execute(sa.insert(sync_state), SYNC_ROWS)
    before = _dump(engine, _reflect(engine))["sync_state"]
    assert len(before) == 2
    migrate.upgrade(engine)
    after = _dump(engine, _reflect(engine))["sync_state"]
    assert [{k: row[k] for k in old} for row, old in zip(after, before, strict=True)] == before
    assert [(row["basis"], row["payload"]) for row in after] == [(None, None), (None, None)]


@pytest.fixture
def older_revision(monkeypatch: pytest.MonkeyPatch) -> str:
    """A revision older than the head this ips-jobdev needs.

    That is the first revision once a second one exists; while the first is still the only
    one, this ips-jobdev is made to need a newer revision than the first.
    """
    if migrate.head_revision() == FIRST:
        newer = "0002_needed_by_this_version"
        monkeypatch.setattr(migrate, "head_revision", lambda: newer)
        monkeypatch.setattr(migrate, "known_revisions", lambda: {FIRST, newer})
    return FIRST


def test_opening_an_older_database_says_to_run_db_upgrade(
    engine: sa.Engine, db_url: str, older_revision: str
) -> None:
    migrate.upgrade(engine, older_revision)
    with pytest.raises(SchemaOutOfDateError) as caught:
        Database(db_url)
    message = str(caught.value)
    assert "run `ips-jobdev db upgrade`" in message
    assert f"at schema {older_revision}" in message
    assert f"needs {migrate.head_revision()}" in message
    assert migrate.current_revision(engine) == older_revision, "opening changed nothing"


def test_opening_a_database_from_a_newer_version_says_to_update_ips_jobdev(
    engine: sa.Engine, db_url: str
) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaOutOfDateError) as caught:
        Database(db_url)
    assert "9999_future" in str(caught.value)
    assert "newer than this ips-jobdev knows" in str(caught.value)
    assert "update ips-jobdev" in str(caught.value)


def test_a_database_with_foreign_tables_and_no_version_is_refused_and_left_alone(
    engine: sa.Engine, db_url: str
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE other_app_orders (id INTEGER PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO other_app_orders (id) VALUES (7)"))
    with pytest.raises(SchemaOutOfDateError, match="has tables but no ips-jobdev schema version"):
        Database(db_url)
    assert sa.inspect(engine).get_table_names() == ["other_app_orders"]
    assert migrate.current_revision(engine) is None


def test_an_empty_database_gets_the_schema_on_first_open(engine: sa.Engine, db_url: str) -> None:
    assert migrate.is_empty(engine)
    Database(db_url).dispose()
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_upgrade_of_a_current_database_changes_nothing(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    head = migrate.head_revision()
    assert migrate.upgrade(engine) == (head, head)


def _schema_differences(engine: sa.Engine, metadata: sa.MetaData) -> list[Any]:
    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        # the trigram index is made only where PostgreSQL's pg_trgm can be had
        optional = type_ == "index" and name == TRIGRAM_INDEX
        return not (type_ == "table" and name == "alembic_version") and not optional

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": include_name,
            },
        )
        return list(compare_metadata(context, metadata))


def test_migrated_schema_matches_the_tables_module(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    assert _schema_differences(engine, tables.metadata) == []


def test_the_schema_comparison_does_notice_a_difference(engine: sa.Engine) -> None:
    """Guards the test above: a column the migrations lack is reported."""
    migrate.upgrade(engine)
    drifted = sa.MetaData(naming_convention=tables.metadata.naming_convention)
    for table in tables.metadata.sorted_tables:
        table.to_metadata(drifted)
    sa.Table("employers", drifted, sa.Column("fax", sa.String(40)), extend_existing=True)
    differences = _schema_differences(engine, drifted)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "fax")]


# -- 0004_change_history ------------------------------------------------------------------------

BEFORE_HISTORY = "0003_web"


def test_upgrading_to_the_change_history_keeps_every_row_and_starts_an_empty_history(
    engine: sa.Engine, db_url: str
) -> None:
    migrate.upgrade(engine, BEFORE_HISTORY)
    schema = _reflect(engine)
    assert "change_history" not in schema.tables
    sync_row = {
        "id": 1,
        "adapter": "ics",
        "target": "/tmp/ae.ics",
        "record_kind": "visit",
        "local_id": 1,
        "remote_id": "visit-1@example.org",
        "fingerprint": "f" * 64,
        "sequence": 2,
        "deleted": False,
        "sent_at": T1,
    }
    with engine.begin() as connection:
        for table in schema.sorted_tables:
            if table.name in FIRST_REVISION_ROWS:
                connection.execute(sa.insert(table), FIRST_REVISION_ROWS[table.name])
        connection.execute(sa.insert(schema.tables["sync_state"]), [sync_row])
    before = _dump(engine, schema)

    previous, now = migrate.upgrade(engine)
    assert previous == BEFORE_HISTORY
    assert now == migrate.head_revision()
    after = _dump(engine, _reflect(engine))
    for name, old_rows in before.items():
        assert [{c: r[c] for c in old} for old, r in zip(old_rows, after[name], strict=True)] == (
            old_rows
        ), name
    assert after["change_history"] == [], "history starts with the upgrade"

    with Database(db_url) as database, database.unit_of_work(actor="after-upgrade") as uow:
        uow.employers.get(2).do_not_contact = False
        uow.commit()
        [entry] = uow.history.latest()
    assert (entry.kind, entry.record_id, entry.actor, entry.record_version) == (
        "employer",
        2,
        "after-upgrade",
        2,
    )
    assert (entry.before, entry.after) == ({"do_not_contact": True}, {"do_not_contact": False})


def test_the_fidelity_record_revision_keeps_every_row_and_starts_each_status_history(
    engine: sa.Engine,
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, "0004_change_history")
    before = _dump(engine, _reflect(engine))
    migrate.upgrade(engine, "0005_fidelity_record")
    after = _dump(engine, _reflect(engine))
    for name, old_rows in before.items():
        new_rows = after[name]
        assert len(new_rows) == len(old_rows), name
        for old, new in zip(old_rows, new_rows, strict=True):
            assert {column: new[column] for column in old} == old, name
    # each job seeker's status today, held since the IPS start (or since the record was
    # made): J-1002, closed with no known day, stays closed in every past period
    assert after["seeker_status_changes"] == [
        {
            "id": 1,
            "seeker_id": 1,
            "status": "searching",
            "since": dt.date(2026, 2, 16),
            "version": 1,
        },
        {"id": 2, "seeker_id": 2, "status": "closed", "since": T0.date(), "version": 1},
    ]
    # every visit stored was the specialist's; no employment period or leave is invented
    assert [row["made_by"] for row in after["visits"]] == ["specialist", "specialist"]
    assert after["employment_periods"] == []
    assert after["specialist_leaves"] == []


BEFORE_WINDOWS, WINDOWS = "0005_fidelity_record", "0006_visiting_windows"


def test_visiting_windows_arrive_empty_on_older_rows_and_are_kept_once_written(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    try:
        _fill_first_revision(engine)
        migrate.upgrade(engine, BEFORE_WINDOWS)
        before = _dump(engine, _reflect(engine))
        migrate.upgrade(engine, WINDOWS)
        after = _dump(engine, _reflect(engine))
        for table in ("employers", "employer_people"):
            assert [row.pop("visiting_windows") for row in after[table]] == [None] * len(
                before[table]
            )
        assert after == before
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    with Database(db_url) as database:
        with database.unit_of_work() as uow:
            bakery = uow.employers.get(1)
            assert bakery.visiting_windows == VisitingWindows()
            assert not bakery.people[0].visiting_windows
            bakery.visiting_windows = "tue-thu 2-4pm; not 11:30-13:30; note: ask for Pat"
            bakery.people[0].visiting_windows = "Mon 6:00-6:45"
            uow.commit()
        with database.unit_of_work() as uow:
            bakery = uow.employers.get(1)
            assert str(bakery.visiting_windows) == (
                "Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Pat"
            )
            assert str(bakery.people[0].visiting_windows) == "Mon 06:00-06:45"
            assert uow.employers.get(2).visiting_windows == VisitingWindows()


# -- 0008_programs ------------------------------------------------------------------------------

BEFORE_PROGRAMS = "0007_sync_basis"
PROGRAM_OWNED = ("specialists", "job_seekers", "visits", "job_fit_notes", "job_starts")


def test_upgrading_to_programs_puts_every_row_into_a_default_program(
    engine: sa.Engine, db_url: str
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_PROGRAMS)
    schema = _reflect(engine)
    assert "programs" not in schema.tables
    with engine.connect() as connection:
        first_id = connection.execute(sa.text("SELECT max(id) FROM change_history")).scalar()
    history_rows = [
        {
            "id": 1,
            "changed_at": T0,
            "actor": "user:pat",
            "record_kind": kind,
            "record_id": 1,
            "action": "created",
            "record_version": 1,
            "before": None,
            "after": {"name": "x"},
            "operation": None,
            "reason": None,
            "batch": "b1",
        }
        for kind in ("job-seeker", "employer")
    ]
    for number, row in enumerate(history_rows, start=(first_id or 0) + 1):
        row["id"] = number
    with engine.begin() as connection:
        connection.execute(sa.insert(schema.tables["change_history"]), history_rows)
    before = _dump(engine, schema)

    assert migrate.upgrade(engine) == (BEFORE_PROGRAMS, migrate.head_revision())
    after = _dump(engine, _reflect(engine))
    for name, old_rows in before.items():
        assert len(after[name]) == len(old_rows), name
        for old, new in zip(old_rows, after[name], strict=True):
            assert {c: new[c] for c in old} == old, name
    [default] = after["programs"]
    assert (default["code"], default["name"]) == ("default", "Default program")
    for name in (*PROGRAM_OWNED, "program_goals"):
        assert after[name], name
        assert {row["program_id"] for row in after[name]} == {default["id"]}, name
    made_here = [r for r in after["change_history"] if r["batch"] == "b1"]
    assert [(r["record_kind"], r["program_id"]) for r in made_here] == [
        ("job-seeker", default["id"]),
        ("employer", None),
    ], "program-owned history follows its program; shared history stays shared"

    with Database(db_url) as database, database.unit_of_work() as uow:
        assert [p.code for p in uow.programs.list()] == ["default"]
        assert uow.specialists.by_code("ae").program_id == default["id"]
        assert uow.seekers.by_code("J-1001").program_id == default["id"]


def test_upgrading_an_empty_database_makes_no_program(engine: sa.Engine, db_url: str) -> None:
    migrate.upgrade(engine, BEFORE_PROGRAMS)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM programs")).scalar_one() == 0


# -- 0011_accounts ------------------------------------------------------------------------------

BEFORE_ACCOUNTS = "0010_audit"


def test_upgrading_to_accounts_keeps_every_row_and_starts_with_no_account(
    engine: sa.Engine,
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_ACCOUNTS)
    schema = _reflect(engine)
    assert "users" not in schema.tables
    before = _dump(engine, schema)
    assert before["programs"]
    assert before["job_seekers"]
    assert migrate.upgrade(engine, "0011_accounts") == (BEFORE_ACCOUNTS, "0011_accounts")
    after = _dump(engine, _reflect(engine))
    for name, old_rows in before.items():
        assert after[name] == old_rows, name
    assert after["users"] == []


# -- 0012_program_notes -------------------------------------------------------------------------

BEFORE_PROGRAM_NOTES = "0011_accounts"


def test_upgrading_to_program_notes_moves_every_note_to_the_program(
    engine: sa.Engine, db_url: str
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_PROGRAM_NOTES)
    schema = _reflect(engine)
    assert "employer_program_notes" not in schema.tables
    with engine.begin() as connection:
        connection.execute(sa.insert(schema.tables["sync_state"]), SYNC_ROWS)
    before = _dump(engine, schema)
    assert [r["notes"] for r in before["employers"]] == ["Ask for Pat.\nMornings are best.", None]

    assert migrate.upgrade(engine) == (BEFORE_PROGRAM_NOTES, migrate.head_revision())
    after = _dump(engine, _reflect(engine))
    [default] = after["programs"]
    assert [
        (r["employer_id"], r["program_id"], r["notes"]) for r in after["employer_program_notes"]
    ] == [(1, default["id"], "Ask for Pat.\nMornings are best.")]
    for name, old_rows in before.items():
        assert [{c: r[c] for c in old} for old, r in zip(old_rows, after[name], strict=True)] == (
            old_rows
        ), name
    assert {r["program_id"] for r in after["sync_state"]} == {default["id"]}

    with Database(db_url) as database, database.unit_of_work() as uow:
        assert uow.employers.get(1).notes == "Ask for Pat.\nMornings are best."
        assert uow.employers.get(2).notes is None


def test_upgrading_a_database_of_two_programs_gives_each_the_notes_it_could_read(
    engine: sa.Engine,
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_PROGRAM_NOTES)
    schema = _reflect(engine)
    programs = schema.tables["programs"]
    with engine.begin() as connection:
        connection.execute(sa.update(programs).values(code="dane"))
        connection.execute(
            sa.insert(programs).values(code="rock", name="Rock", version=1, created_at=T0)
        )
        rock = connection.execute(
            sa.select(programs.c.id).where(programs.c.code == "rock")
        ).scalar_one()
        dane = connection.execute(
            sa.select(programs.c.id).where(programs.c.code == "dane")
        ).scalar_one()
        # visit 1 is rock's: its sync row follows it; the employer's goes to the first
        connection.execute(
            sa.update(schema.tables["visits"])
            .where(schema.tables["visits"].c.id == 1)
            .values(program_id=rock)
        )
        connection.execute(sa.insert(schema.tables["sync_state"]), SYNC_ROWS)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        notes = connection.execute(
            sa.text(
                "SELECT employer_id, program_id, notes FROM employer_program_notes "
                "ORDER BY program_id"
            )
        ).all()
        state = connection.execute(
            sa.text("SELECT record_kind, program_id FROM sync_state ORDER BY id")
        ).all()
        # codes are each program's: rock may now hold dane's specialist code
        copy = sa.text(
            "INSERT INTO specialists (id, code, name, timezone, weekly_contact_target, "
            "work_days, work_start, work_end, active, version, program_id) SELECT id + :shift, "
            "code, name, timezone, weekly_contact_target, work_days, work_start, work_end, "
            "active, version, :rock FROM specialists WHERE program_id = :dane"
        )
        connection.execute(copy, {"rock": rock, "dane": dane, "shift": 100})
        with pytest.raises(sa.exc.IntegrityError, match=r"program_code|program_id, specialists"):
            connection.execute(copy, {"rock": rock, "dane": dane, "shift": 200})
        connection.rollback()
    text = "Ask for Pat.\nMornings are best."
    assert [tuple(r) for r in notes] == [(1, dane, text), (1, rock, text)]
    assert [tuple(r) for r in state] == [("visit", rock), ("employer", dane)]


def test_upgrading_to_program_notes_takes_users_from_granted_roles(
    unmigrated_pg_url: str,
) -> None:
    engine = make_engine(unmigrated_pg_url)
    role = f"t_{uuid.uuid4().hex[:12]}"
    try:
        migrate.upgrade(engine, BEFORE_PROGRAM_NOTES)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO programs (code, name, version, created_at) "
                    "VALUES ('dane', 'Dane', 1, now())"
                )
            )
            connection.exec_driver_sql(f"CREATE ROLE {role}")
            connection.exec_driver_sql(f"GRANT SELECT ON users TO {role}")
            connection.execute(
                sa.text(
                    "INSERT INTO program_roles (role_name, program_id, granted_at, can_write) "
                    "SELECT :role, id, now(), false FROM programs"
                ),
                {"role": role},
            )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            held = connection.execute(
                sa.text("SELECT has_table_privilege(:role, 'users', 'SELECT')"), {"role": role}
            ).scalar_one()
        assert held is False
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM program_roles"))
            connection.exec_driver_sql(f"REVOKE ALL ON users FROM {role}")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        engine.dispose()


# -- 0013_web_sessions --------------------------------------------------------------------------

BEFORE_WEB_SESSIONS = "0012_program_notes"


def test_upgrading_to_web_sessions_keeps_every_row_and_starts_with_no_session(
    engine: sa.Engine,
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_WEB_SESSIONS)
    schema = _reflect(engine)
    assert "web_sessions" not in schema.tables
    before = _dump(engine, schema)
    assert migrate.upgrade(engine, "0013_web_sessions") == (
        BEFORE_WEB_SESSIONS,
        "0013_web_sessions",
    )
    after_schema = _reflect(engine)
    after = _dump(engine, after_schema)
    for name, old_rows in before.items():
        assert after[name] == old_rows, name
    assert after["web_sessions"] == []
    columns = {c.name for c in after_schema.tables["web_sessions"].columns}
    assert "id_hash" in columns
    assert "id" not in columns, "the session id itself is never stored"


# -- 0014_ranking_indexes -----------------------------------------------------------------------

BEFORE_RANKING_INDEXES = "0013_web_sessions"


def test_upgrading_to_the_ranking_indexes_keeps_every_row_and_adds_both_indexes(
    engine: sa.Engine,
) -> None:
    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_RANKING_INDEXES)
    schema = _reflect(engine)
    before = _dump(engine, schema)
    assert migrate.upgrade(engine, "0014_ranking_indexes") == (
        BEFORE_RANKING_INDEXES,
        "0014_ranking_indexes",
    )
    after = _dump(engine, _reflect(engine))
    for name, old_rows in before.items():
        assert after[name] == old_rows, name
    inspector = sa.inspect(engine)
    visits = {i["name"]: i["column_names"] for i in inspector.get_indexes("visits")}
    employers = {i["name"]: i["column_names"] for i in inspector.get_indexes("employers")}
    assert visits["ix_visits_at_relationship"] == [
        "at",
        "employer_id",
        "status",
        "mode",
        "program_id",
    ]
    assert employers["ix_employers_do_not_contact"] == ["do_not_contact"]


# -- 0015_search_indexes ------------------------------------------------------------------------


def _index_names(engine: sa.Engine, table: str) -> set[str]:
    return {str(index["name"]) for index in sa.inspect(engine).get_indexes(table)}


def test_the_trigram_index_arrives_with_the_upgrade_and_leaves_with_the_downgrade(
    engine: sa.Engine,
) -> None:
    from alembic import command

    migrate.upgrade(engine, "0014_ranking_indexes")
    assert TRIGRAM_INDEX not in _index_names(engine, "employers")
    migrate.upgrade(engine)
    # the test server lets the database's owner make pg_trgm (a trusted extension)
    made = TRIGRAM_INDEX in _index_names(engine, "employers")
    assert made is (engine.dialect.name == "postgresql")
    command.downgrade(migrate.alembic_config(engine), "0014_ranking_indexes")
    assert TRIGRAM_INDEX not in _index_names(engine, "employers")


def _plan(connection: sa.Connection, query: sa.Select[Any]) -> str:
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "postgresql":
        # the test tables are nearly empty: a scan would be cheaper, so ask for the index
        connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
        return " ".join(
            str(line) for line in connection.execute(sa.text(f"EXPLAIN {sql}")).scalars()
        )
    rows = connection.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")).all()
    return " ".join(str(row[-1]) for row in rows)


def test_counting_do_not_contact_employers_reads_the_partial_index(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        plan = _plan(
            connection,
            sa.select(sa.func.count()).where(tables.employers.c.do_not_contact.is_(True)),
        )
    assert "ix_employers_do_not_contact" in plan


def test_employer_search_by_name_reads_the_trigram_index_on_postgresql(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        plan = _plan(
            connection,
            sa.select(tables.employers.c.id).where(tables.employers.c.name.ilike("%bakery%")),
        )
    # SQLite has no such index: it reads every employer (one program, a small registry)
    assert (TRIGRAM_INDEX in plan) is (engine.dialect.name == "postgresql")


# -- 0016_page_speed ----------------------------------------------------------------------------

BEFORE_PAGE_SPEED = "0015_search_indexes"
PAGE_SPEED = "0016_page_speed"
BOUNDED = (
    "specialists",
    "job_seekers",
    "visits",
    "job_fit_notes",
    "job_starts",
    "program_goals",
    "employer_program_notes",
    "sync_state",
    "change_history",
    "audit_events",
)


def _boundary_policies(engine: sa.Engine) -> dict[str, tuple[str, str]]:
    """``{table: (USING, WITH CHECK)}`` of the program boundary policies of tables that
    have a program of their own (the child tables' policies defer to them)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT tablename, qual, with_check FROM pg_policies "
                "WHERE schemaname = current_schema() AND policyname = 'program_boundary'"
            )
        ).all()
    return {str(t): (str(q), str(c)) for t, q, c in rows if t in BOUNDED}


def _per_row_filter(engine: sa.Engine) -> str:
    """The filter PostgreSQL applies to each visit a scoped statement reads."""
    with engine.begin() as connection:
        connection.execute(sa.text("SELECT set_config('ips_jobdev.program', '1', true)"))
        plan = connection.execute(sa.text("EXPLAIN SELECT id FROM visits")).scalars().all()
    return " ".join(line for line in plan if "Filter:" in line and "role_name" not in line)


def test_the_boundary_asks_who_is_asking_once_per_statement_after_the_upgrade(
    engine: sa.Engine,
) -> None:
    from alembic import command

    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_PAGE_SPEED)
    before = _dump(engine, _reflect(engine))
    assert migrate.upgrade(engine, PAGE_SPEED) == (BEFORE_PAGE_SPEED, PAGE_SPEED)
    assert _dump(engine, _reflect(engine)) == before
    if engine.dialect.name != "postgresql":
        return  # SQLite holds one program: it has no policies to change
    policies = _boundary_policies(engine)
    assert set(policies) == set(BOUNDED)
    for table, (using, check) in policies.items():
        for expression in (using, check):
            # evaluated once per statement (an init plan), not once per row
            assert "SELECT pg_has_role(" in expression, table
            assert "SELECT NULLIF(current_setting(" in expression, table
    assert "pg_has_role" not in _per_row_filter(engine)
    assert "current_setting" not in _per_row_filter(engine)
    command.downgrade(migrate.alembic_config(engine), BEFORE_PAGE_SPEED)
    for table, (using, check) in _boundary_policies(engine).items():
        assert "SELECT pg_has_role(" not in using + check, table
    assert "pg_has_role" in _per_row_filter(engine)


def test_the_position_index_arrives_with_the_upgrade_and_a_ranking_area_reads_it(
    engine: sa.Engine,
) -> None:
    from alembic import command

    migrate.upgrade(engine, BEFORE_PAGE_SPEED)
    assert "ix_employers_position" not in _index_names(engine, "employers")
    migrate.upgrade(engine)
    indexes = {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("employers")}
    assert indexes["ix_employers_position"] == ["latitude", "longitude"]
    e = tables.employers.c
    with engine.begin() as connection:
        plan = _plan(
            connection,
            sa.select(e.id).where(e.latitude.between(43.0, 43.2), e.longitude.between(-90, -89)),
        )
    assert "ix_employers_position" in plan
    command.downgrade(migrate.alembic_config(engine), BEFORE_PAGE_SPEED)
    assert "ix_employers_position" not in _index_names(engine, "employers")


# -- 0017_report_index --------------------------------------------------------------------------

BEFORE_REPORT_INDEX = "0016_page_speed"
REPORT_INDEX = "0017_report_index"
REPORT_INDEX_COLUMNS = [
    *("at", "employer_id", "status", "mode", "program_id"),
    *("made_by", "purpose", "specialist_id", "seeker_present"),
]


def _visit_indexes(engine: sa.Engine) -> dict[str, list[str | None]]:
    return {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("visits")}


def test_the_report_index_keeps_every_row_and_holds_the_report_columns_after_the_upgrade(
    engine: sa.Engine,
) -> None:
    from alembic import command

    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_REPORT_INDEX)
    before = _dump(engine, _reflect(engine))
    assert _visit_indexes(engine)["ix_visits_at_relationship"] == REPORT_INDEX_COLUMNS[:5]
    assert migrate.upgrade(engine, REPORT_INDEX) == (BEFORE_REPORT_INDEX, REPORT_INDEX)
    assert _dump(engine, _reflect(engine)) == before
    assert _visit_indexes(engine)["ix_visits_at_relationship"] == REPORT_INDEX_COLUMNS
    command.downgrade(migrate.alembic_config(engine), BEFORE_REPORT_INDEX)
    assert _visit_indexes(engine)["ix_visits_at_relationship"] == REPORT_INDEX_COLUMNS[:5]


def test_sqlite_reads_a_periods_visits_for_the_report_from_the_index_alone(
    tmp_path: Any,
) -> None:
    # SQLite only: PostgreSQL chooses by its statistics, and on a test's empty tables it
    # prefers whatever index is smallest
    engine = make_engine(f"sqlite:///{tmp_path / 'report-index.sqlite3'}")
    migrate.upgrade(engine)
    v = tables.visits.c
    statement = (
        sa.select(v.specialist_id, v.purpose, v.mode, v.seeker_present, sa.func.count())
        .where(v.status == "done", v.at >= sa.literal_column("'2026-01-01'"))
        .where(v.made_by == "specialist")
        .group_by(v.specialist_id, v.purpose, v.mode, v.seeker_present)
    )
    with engine.begin() as connection:
        plan = _plan(connection, statement)
    engine.dispose()
    assert "COVERING INDEX ix_visits_at_relationship" in plan


# -- 0018_visit_seekers_program -----------------------------------------------------------------

BEFORE_VISIT_SEEKERS_PROGRAM = "0017_report_index"
VISIT_SEEKERS_PROGRAM = "0018_visit_seekers_program"


def _links_and_visit_programs(engine: sa.Engine) -> list[tuple[int, int, int | None, int]]:
    """``(visit_id, seeker_id, the row's program_id, its visit's program_id)`` of every row of
    ``visit_seekers`` (read unscoped, as the owner)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT vs.visit_id, vs.seeker_id, vs.program_id, v.program_id "
                "FROM visit_seekers vs JOIN visits v ON v.id = vs.visit_id "
                "ORDER BY vs.visit_id, vs.seeker_id"
            )
        ).all()
    return [(a, b, c, d) for a, b, c, d in rows]


def test_a_visits_job_seekers_get_its_program_with_the_upgrade_and_every_row_stays(
    engine: sa.Engine,
) -> None:
    from alembic import command

    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_VISIT_SEEKERS_PROGRAM)
    before = _dump(engine, _reflect(engine))
    assert "program_id" not in before["visit_seekers"][0]
    assert migrate.upgrade(engine, VISIT_SEEKERS_PROGRAM) == (
        BEFORE_VISIT_SEEKERS_PROGRAM,
        VISIT_SEEKERS_PROGRAM,
    )
    after = _dump(engine, _reflect(engine))
    assert {k: v for k, v in after.items() if k != "visit_seekers"} == {
        k: v for k, v in before.items() if k != "visit_seekers"
    }
    [default] = after["programs"]
    assert after["visit_seekers"] == [
        {**row, "program_id": default["id"]} for row in before["visit_seekers"]
    ]
    command.downgrade(migrate.alembic_config(engine), BEFORE_VISIT_SEEKERS_PROGRAM)
    assert _dump(engine, _reflect(engine)) == before


def _log(uow: Any, program: str, seekers: list[str]) -> int:
    """A visit logged through the library (the ORM writes its job seekers)."""
    import ips_jobdev as jobdev

    bakery = uow.employers.find_by_name("Example Bakery", "53703")[0]
    visit = jobdev.log_visit(uow, bakery, f"s-{program}", at=T1, seekers=seekers, now=T1)
    uow.flush()
    assert visit.id is not None
    return visit.id


def test_every_write_path_keeps_a_visits_job_seekers_in_the_visits_program(db_url: str) -> None:
    import ips_jobdev as jobdev
    from ips_jobdev._store import bulk

    with Database(db_url) as database:
        with database.unit_of_work() as uow:
            jobdev.add_program(uow, "dane", "Dane County IPS")
            jobdev.add_specialist(uow, "s-dane", "Specialist Dane")
            for code in ("J-1", "J-2", "J-3"):
                uow.seekers.add(jobdev.JobSeeker(code=code, name=f"Person {code}"))
            uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
            uow.commit()
        with database.unit_of_work() as uow:
            logged = _log(uow, "dane", ["J-1", "J-2"])  # the ORM's association
            uow.commit()
        with database.unit_of_work() as uow:
            jobdev.edit_visit(uow, logged, {"seekers": ["J-2", "J-3"]}, reason="wrong person")
            uow.commit()  # a correction: rows deleted and written again
        with database.unit_of_work() as uow:
            employer = uow.employers.find_by_name("Example Bakery", "53703")[0]
            specialist = uow.specialists.by_code("s-dane")
            seekers = [uow.seekers.by_code(c).id for c in ("J-1", "J-3")]
            row = {"employer_id": employer.id, "specialist_id": specialist.id, "at": T0}
            [imported] = bulk.insert_visits(uow, [row], [seekers])  # a bulk import
            uow.commit()
        links = _links_and_visit_programs(database.engine)
        assert [(v, s) for v, s, _, _ in links] == [
            (logged, 2),
            (logged, 3),
            (imported, 1),
            (imported, 3),
        ]
        assert all(own == visits for _, _, own, visits in links), links
        (program,) = {own for _, _, own, _ in links}
        assert program is not None

        # a visit moved to another program takes its job seekers' rows along (SQLite holds
        # one program through the library: the second is written here directly)
        with database.engine.begin() as connection:
            other = connection.execute(
                sa.insert(tables.programs)
                .values(code="rock", name="Rock County IPS", version=1, created_at=T0)
                .returning(tables.programs.c.id)
            ).scalar_one()
            connection.execute(
                sa.update(tables.visits)
                .where(tables.visits.c.id == imported)
                .values(program_id=other)
            )
        moved = _links_and_visit_programs(database.engine)
        assert [own for v, _, own, _ in moved if v == imported] == [other, other]
        assert [own for v, _, own, _ in moved if v == logged] == [program, program]


def test_a_program_cannot_link_its_job_seeker_to_another_programs_visit(db_url: str) -> None:
    import ips_jobdev as jobdev

    with Database(db_url) as database:
        if database.engine.dialect.name != "postgresql":
            return  # SQLite holds one program: it has no boundary to keep
        with database.unit_of_work() as uow:
            jobdev.add_program(uow, "dane", "Dane County IPS")
            jobdev.add_program(uow, "rock", "Rock County IPS")
            uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
            uow.commit()
        logged = {}
        for program in ("dane", "rock"):
            with database.unit_of_work(program=program) as uow:
                jobdev.add_specialist(uow, f"s-{program}", f"Specialist {program}")
                uow.seekers.add(jobdev.JobSeeker(code=f"J-{program}", name=f"Person {program}"))
                uow.flush()
                logged[program] = _log(uow, program, [])
                uow.commit()
        with database.unit_of_work() as uow:
            seeker = uow.seekers.by_code("J-dane").id
            dane = uow.programs.find_by_code("dane").id
        link = sa.text(
            "INSERT INTO visit_seekers (visit_id, seeker_id, program_id) VALUES (:v, :s, :p)"
        )
        scope = sa.text("SELECT set_config('ips_jobdev.program', :p, true)")
        refused = [
            {"v": logged["rock"], "s": seeker, "p": dane},  # another program's visit
            {"v": logged["rock"], "s": seeker, "p": None},  # its program, unseen, is none
            {"v": logged["dane"], "s": seeker, "p": dane + 1000},  # not its visit's program
        ]
        for values in refused:
            with database.engine.connect() as connection:
                connection.execute(scope, {"p": str(dane)})
                with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                    connection.execute(link, values)
                connection.rollback()
        with database.engine.begin() as connection:
            connection.execute(scope, {"p": str(dane)})
            connection.execute(link, {"v": logged["dane"], "s": seeker, "p": None})
        links = _links_and_visit_programs(database.engine)
        assert [(v, own) for v, _, own, _ in links] == [(logged["dane"], dane)]


def test_the_policy_of_a_visits_job_seekers_reads_their_own_program_after_the_upgrade(
    engine: sa.Engine,
) -> None:
    from alembic import command

    migrate.upgrade(engine)
    if engine.dialect.name != "postgresql":
        return  # SQLite holds one program: it has no policies

    def per_row_filter() -> str:
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT set_config('ips_jobdev.program', '1', true)"))
            plan = connection.execute(sa.text("EXPLAIN SELECT seeker_id FROM visit_seekers"))
            return " ".join(plan.scalars())

    # one comparison of the row's program, not a lookup of its visit
    assert "visits" not in per_row_filter()
    assert "program_id" in per_row_filter()
    command.downgrade(migrate.alembic_config(engine), BEFORE_VISIT_SEEKERS_PROGRAM)
    assert "visits" in per_row_filter()


# -- 0019_covering_indexes ----------------------------------------------------------------------

BEFORE_COVERING = "0018_visit_seekers_program"
COVERING = "0019_covering_indexes"


def _index_definitions(engine: sa.Engine) -> dict[str, str]:
    """The visits indexes of a specialist's pages, as the database states them."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            statement = (
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = 'visits'"
            )
        else:
            statement = "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'visits'"
        rows = connection.execute(sa.text(statement)).all()
    wanted = ("ix_visits_employer_at", "ix_visits_specialist_at")
    return {str(name): str(sql) for name, sql in rows if name in wanted}


def test_the_visit_indexes_cover_the_pages_columns_after_the_upgrade_and_every_row_stays(
    engine: sa.Engine,
) -> None:
    from alembic import command

    _fill_first_revision(engine)
    migrate.upgrade(engine, BEFORE_COVERING)
    before, indexes = _dump(engine, _reflect(engine)), _index_definitions(engine)
    assert all("INCLUDE" not in sql for sql in indexes.values())
    assert migrate.upgrade(engine, COVERING) == (BEFORE_COVERING, COVERING)
    assert _dump(engine, _reflect(engine)) == before
    after = _index_definitions(engine)
    if engine.dialect.name == "postgresql":
        assert after["ix_visits_employer_at"].endswith(
            "(employer_id, at) INCLUDE (status, mode, purpose, program_id)"
        )
        assert after["ix_visits_specialist_at"].endswith(
            "(specialist_id, at) INCLUDE (employer_id, status, mode, program_id)"
        )
    else:
        assert after == indexes  # SQLite has no INCLUDE: its indexes stay as they were
    command.downgrade(migrate.alembic_config(engine), BEFORE_COVERING)
    assert _index_definitions(engine) == indexes
    assert _dump(engine, _reflect(engine)) == before

"""Records an import writes in bulk are the model's records: the model's defaults, its
first version, the derived name key, and editable afterwards like any other record."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from ips_jobdev import (
    Database,
    Employer,
    EmployerPerson,
    JobSeeker,
    Specialist,
    Visit,
    import_employers,
    import_seekers,
    import_visits,
)
from ips_jobdev import _model as model
from ips_jobdev._model import normalize_employer_name
from ips_jobdev._phones import PhoneNumber
from ips_jobdev._store import bulk, tables
from ips_jobdev._windows import VisitingWindows
from ips_jobdev.errors import ConcurrentUpdateError, ValidationError

MADE_HERE = {"id", "created_at", "updated_at"}
"""Columns that differ between any two new records."""


def _row(db: Database, table: sa.Table, record_id: int) -> dict[str, Any]:
    with db.unit_of_work() as uow:
        row = uow.session.execute(sa.select(table).where(table.c.id == record_id)).mappings().one()
        return {k: v for k, v in row.items() if k not in MADE_HERE}


def _import(db: Database, function: Any, text: str) -> int:
    with db.unit_of_work() as uow:
        report = function(uow, io.BytesIO(text.encode()))
    assert report.created >= 1, report.summary()
    record_id: int = report.rows[0].record_id
    return record_id


def test_an_imported_employer_and_contact_equal_ones_added_through_the_model(db: Database) -> None:
    with db.unit_of_work() as uow:
        added = uow.employers.add(Employer(name="The Example Bakery, Inc.", zip="53703"))
        added.add_person(EmployerPerson(name="Pat Example"))
        uow.commit()
    imported = _import(
        db, import_employers, "name,zip,contact_name\nThe Example Bakery Inc,53704,Pat Example\n"
    )

    stored = _row(db, tables.employers, imported)
    assert stored == {
        **_row(db, tables.employers, added.id),
        "name": stored["name"],
        "zip": "53704",
    }
    assert (
        stored["name_key"] == normalize_employer_name("The Example Bakery Inc") == "example bakery"
    )
    assert stored["version"] == 1
    with db.unit_of_work() as uow:
        person = uow.employers.get(imported).people[0]
        twin = uow.employers.get(added.id).people[0]
    assert _row(db, tables.employer_people, person.id) == {
        **_row(db, tables.employer_people, twin.id),
        "employer_id": imported,
    }


def test_an_imported_employer_is_edited_like_any_other_and_its_version_counts_on(
    db: Database,
) -> None:
    imported = _import(db, import_employers, "name,zip\nExample Print Shop,53703\n")
    with db.unit_of_work() as uow:
        employer = uow.employers.get(imported)
        employer.name = "The Example Print Shop LLC"
        uow.commit()

    stored = _row(db, tables.employers, imported)
    assert (stored["version"], stored["name_key"]) == (2, "example print shop")


def test_imported_job_seekers_and_visits_equal_ones_added_through_the_model(db: Database) -> None:
    at = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
    with db.unit_of_work() as uow:
        ab = uow.specialists.add(Specialist(code="ab", name="Alex Example"))
        bakery = uow.employers.add(Employer(name="Example Bakery", external_id="EX-1"))
        uow.flush()
        seeker = uow.seekers.add(JobSeeker(code="J-1001"))
        visit = uow.visits.add(Visit(employer_id=bakery.id, specialist_id=ab.id, at=at))
        uow.commit()

    new_seeker = _import(db, import_seekers, "code\nJ-1002\n")
    new_visit = _import(db, import_visits, "employer,specialist,at\nEX-1,ab,2026-03-03T16:00Z\n")

    assert _row(db, tables.job_seekers, new_seeker) == {
        **_row(db, tables.job_seekers, seeker.id),
        "code": "J-1002",
    }
    assert _row(db, tables.visits, new_visit) == {
        **_row(db, tables.visits, visit.id),
        "at": at + dt.timedelta(days=1),
    }


def test_bulk_inserts_give_ids_in_row_order_even_when_rows_look_alike(db: Database) -> None:
    with db.unit_of_work() as uow:
        employer_ids = bulk.insert_employers(uow, [{"name": "Example Cafe"}, {"name": "Bakery"}])
        # two people of one name at one employer: ids cannot be told apart by their values
        people = [
            {"employer_id": employer_ids[0], "name": "Sam Example", "title": title}
            for title in ("Owner", "Cook", "Server")
        ]
        person_ids = bulk.insert_people(uow, people)
        uow.commit()

    with db.unit_of_work() as uow:
        assert [uow.employers.get(i).name for i in employer_ids] == ["Example Cafe", "Bakery"]
        titles = {p.id: p.title for p in uow.employers.get(employer_ids[0]).people}
    assert [titles[i] for i in person_ids] == ["Owner", "Cook", "Server"]


def test_plain_bulk_rows_keep_each_entrys_own_values_beside_shared_ones(db: Database) -> None:
    # one object in every entry is converted once; equal but distinct objects, a value
    # only some entries give, and a value only the last entry differs in stay per entry
    when = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
    shared_after = {"name": "Example Cafe", "job_types": ["cook", "server"]}
    entries: list[dict[str, Any]] = [
        {
            "changed_at": when,
            "actor": "importer",
            "record_kind": "employer",
            "record_id": record_id,
            "action": "created",
            "record_version": 1,
            "before": None,
            "after": shared_after if record_id < 3 else {"name": "Example Bakery"},
            "batch": "b1" if record_id < 3 else "b2",
            **({"reason": "bulk test"} if record_id == 2 else {}),
        }
        for record_id in (1, 2, 3)
    ]
    with db.unit_of_work() as uow:
        writer = bulk.BulkWriter(uow)
        writer.add_plain(tables.change_history, entries)
        writer.finish()
        uow.commit()

    c = tables.change_history.c
    with db.unit_of_work() as uow:
        stored = uow.session.execute(
            sa.select(c.record_id, c.changed_at, c.after, c.reason, c.batch, c.before)
            .where(c.actor == "importer")
            .order_by(c.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        (1, when, shared_after, None, "b1", None),
        (2, when, shared_after, "bulk test", "b1", None),
        (3, when, {"name": "Example Bakery"}, None, "b2", None),
    ]


def test_a_new_row_another_session_stored_meanwhile_stops_the_bulk_write(db: Database) -> None:
    # an employer stored (by "someone else") after the bulk writer was made, with the
    # external id of a row it then writes: nothing of the batch is written, whichever way
    # the database is written (SQLite's inserts, PostgreSQL's direct COPY or staging)
    with db.unit_of_work() as uow:
        uow.employers.add(Employer(name="Example Cafe", external_id="X-1"))
        uow.commit()
    with db.unit_of_work() as uow:
        writer = bulk.BulkWriter(uow)
        rows = [
            {"name": "Example Bakery", "external_id": "X-2"},
            {"name": "Cafe", "external_id": "X-1"},
        ]

        def write() -> None:
            writer.add(model.Employer, rows)
            writer.finish()

        with pytest.raises((ConcurrentUpdateError, ValidationError)) as raised:
            write()
        if writer.postgres:
            assert isinstance(raised.value, ConcurrentUpdateError)
            assert "stored by someone else" in str(raised.value)
        assert "X-1" not in str(raised.value)  # no value sent is quoted
    with db.unit_of_work() as uow:
        assert [e.external_id for e in uow.employers.list()] == ["X-1"]


def test_rows_of_a_table_under_row_level_security_still_go_through_staging(
    db: Database,
) -> None:
    # PostgreSQL's COPY refuses a table under row-level security (the change history is
    # one): its rows are staged, and written by finish; the employers are copied directly
    with db.unit_of_work() as uow:
        writer = bulk.BulkWriter(uow)
        ids = writer.add(model.Employer, [{"name": "Example Cafe"}, {"name": "Example Deli"}])
        if writer.postgres:
            secured = uow.session.execute(
                sa.text(
                    "SELECT relrowsecurity FROM pg_class WHERE oid = 'change_history'::regclass"
                )
            ).scalar()
            assert secured is True
            assert set(writer._staged) == {"change_history"}  # employers went straight in
            assert (
                uow.session.execute(
                    sa.select(sa.func.count()).select_from(tables.employers)
                ).scalar()
                == 2
            )
        writer.finish()
        uow.commit()
    with db.unit_of_work() as uow:
        entries = uow.history.for_records("employer", ids)
    assert [(e.record_id, e.action, e.after["name"]) for e in entries] == [
        (ids[0], "created", "Example Cafe"),
        (ids[1], "created", "Example Deli"),
    ]


def test_prepared_rows_write_what_plain_rows_write(db: Database) -> None:
    # the rows an import makes ready in its worker processes are the rows BulkWriter.add
    # writes from plain values: the same stored values and the same history
    # text COPY must carry unchanged (PostgreSQL): backslashes, tabs, line ends, braces,
    # a cell reading \\N (not NULL), characters beyond ASCII
    employer = {
        "name": "The Example \\ Bakery\t{Café}\n\u201cInc.\u201d \\N",
        "name_key": "example bakery",
        "street": "100 Example Street\r\nSuite {2}",
        "zip": "53703",
        "job_types": ["baker", "cashier"],
        "wage_min": Decimal("15.25"),
        "phone": PhoneNumber("+16085550101", "12"),
        "visiting_windows": VisitingWindows.parse("Tue-Thu 14:00-16:00"),
        "do_not_contact": True,
    }
    person = {"name": "Pat \\N Example", "title": "Owner\t}", "phone": PhoneNumber("+16085550102")}
    with db.unit_of_work() as uow:
        writer = bulk.BulkWriter(uow)
        key = bulk.prepare_key(uow)
        plain_id, prepared_id = (
            writer.add(model.Employer, [employer], history_extra=None)[0],
            writer.add_prepared(
                model.Employer, [bulk.prepare_row(model.Employer, key, employer)], notes=[None]
            )[0],
        )
        plain_person = writer.add(model.EmployerPerson, [{"employer_id": plain_id, **person}])
        given = ("employer_id",)
        prepared_person = writer.add_prepared(
            model.EmployerPerson,
            [bulk.prepare_row(model.EmployerPerson, key, person, given)],
            given=(given, [(prepared_id,)]),
        )
        writer.finish()
        uow.commit()
    assert _row(db, tables.employers, prepared_id) == _row(db, tables.employers, plain_id)
    assert _row(db, tables.employer_people, prepared_person[0]) == {
        **_row(db, tables.employer_people, plain_person[0]),
        "employer_id": prepared_id,
    }
    with db.unit_of_work() as uow:
        plain, prepared = (
            uow.history.for_records("employer", [plain_id]),
            uow.history.for_records("employer", [prepared_id]),
        )
        people = uow.history.for_records("person", [plain_person[0], prepared_person[0]])
    assert [(e.action, e.record_version, e.after) for e in prepared] == [
        (e.action, e.record_version, e.after) for e in plain
    ]
    assert prepared[0].after["visiting_windows"] == "Tue-Thu 14:00-16:00"
    assert prepared[0].after["name"] == employer["name"]
    assert _row(db, tables.employers, prepared_id)["street"] == employer["street"]
    assert [e.after for e in people] == [
        {**people[0].after, "employer_id": plain_id},
        {**people[0].after, "employer_id": prepared_id},
    ]


def test_prepared_history_text_is_what_json_dumps_gives() -> None:
    values: list[Any] = [
        {},
        {"name": 'Café Ünïcode \u2028 "quoted" \\ tab\t', "n": 3, "x": 1.5, "ok": True},
        {"list": ["a", None, 2, [False]], "none": None, "nested": {"k": "v"}},
        {"big": 10**20, "neg": -0.0, "inf": float("inf")},
    ]
    for value in values:
        assert bulk._json_text(value) == json.dumps(value)

"""Imports tell plugins of every record they wrote, after the commit, from the Python API;
a dry run, a refused file or a failed write tells them nothing."""

from __future__ import annotations

import io
import types
from collections.abc import Iterator
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev import hookimpl
from ips_jobdev._notify import (
    event_publisher,
)
from ips_jobdev._plugins import (
    make_plugin_manager,
)

EMPLOYERS = (
    "name,zip,external_id,contact_name,contact_title\n"
    "Example Print Shop,53703,EX-1,Dana Example,Owner\n"
    "Sample Garden Center,53704,EX-2,,\n"
)
SEEKERS = "code,specialist,job_types\nJ-3001,ab,baker\nJ-3002,ab,cashier\n"
VISITS = (
    "employer,specialist,at,status,seekers\n"
    "EX-1,ab,2026-03-02T10:00:00-06:00,done,J-3001\n"
    "EX-2,ab,2099-03-02T10:00:00-06:00,planned,\n"
)


class Recorder:
    """A plugin that writes down every event hook call, in order."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, int]] = []

    @hookimpl
    def visit_planned(self, visit: Any) -> None:
        self.heard.append(("visit_planned", visit.id))

    @hookimpl
    def visit_completed(self, visit: Any) -> None:
        self.heard.append(("visit_completed", visit.id))

    @hookimpl
    def record_changed(self, change: Any) -> None:
        self.heard.append((f"{change.kind} {change.action.value}", change.record_id))

    def take(self) -> list[tuple[str, int]]:
        heard, self.heard = self.heard, []
        return heard


@pytest.fixture
def county(db_url: str) -> Iterator[types.SimpleNamespace]:
    recorder = Recorder()
    manager = make_plugin_manager(load_entry_points=False, plugins=[recorder], environ={})
    database = jobdev.Database(db_url, publisher=event_publisher(manager))
    with database.unit_of_work() as uow:
        uow.specialists.add(jobdev.Specialist(code="ab", name="Alex Example"))
        uow.commit()
    recorder.take()
    yield types.SimpleNamespace(db=database, recorder=recorder)
    database.dispose()


def _import(county: Any, function: Any, text: str, **options: Any) -> jobdev.ImportReport:
    with county.db.unit_of_work() as uow:
        report: jobdev.ImportReport = function(uow, io.BytesIO(text.encode()), **options)
        return report


def _ids(report: jobdev.ImportReport, action: str) -> list[int]:
    return [r.record_id for r in report.rows if r.action.value == action and r.record_id]


def _people(county: Any) -> dict[str, int]:
    with county.db.unit_of_work() as uow:
        return {p.name: p.id for e in uow.employers.list() for p in e.people}


def test_an_employers_import_tells_of_each_employer_and_contact_it_created(county: Any) -> None:
    report = _import(county, jobdev.import_employers, EMPLOYERS)

    assert report.created == 2
    printer, garden = _ids(report, "created")
    assert county.recorder.take() == [
        ("employer created", printer),
        ("employer created", garden),
        ("person created", _people(county)["Dana Example"]),
    ]


def test_updating_employers_tells_of_them_and_of_contacts_added_or_changed(county: Any) -> None:
    _import(county, jobdev.import_employers, EMPLOYERS)
    dana = _people(county)["Dana Example"]
    county.recorder.take()
    changed = (
        "name,zip,external_id,contact_name,contact_title\n"
        "Example Print Shop,53703,EX-1,Dana Example,Manager\n"
        "Sample Garden Center,53704,EX-2,Lee Example,Buyer\n"
    )

    report = _import(county, jobdev.import_employers, changed, on_duplicate="update")

    printer, garden = _ids(report, "updated")
    assert sorted(county.recorder.take()) == sorted(
        [
            ("employer updated", printer),
            ("employer updated", garden),
            ("person updated", dana),
            ("person created", _people(county)["Lee Example"]),
        ]
    )


def test_importing_the_same_file_again_tells_nothing(county: Any) -> None:
    _import(county, jobdev.import_employers, EMPLOYERS)
    county.recorder.take()

    report = _import(county, jobdev.import_employers, EMPLOYERS, on_duplicate="update")

    assert report.unchanged == 2
    assert not report.written
    assert county.recorder.take() == []


def test_a_seekers_import_tells_of_each_job_seeker_created_or_updated(county: Any) -> None:
    created = _ids(_import(county, jobdev.import_seekers, SEEKERS), "created")
    assert county.recorder.take() == [("job-seeker created", i) for i in created]

    changed = SEEKERS.replace("J-3002,ab,cashier", "J-3002,ab,stocker")
    report = _import(county, jobdev.import_seekers, changed, on_duplicate="update")

    assert report.unchanged == 1
    assert county.recorder.take() == [("job-seeker updated", created[1])]


def test_a_visits_import_tells_of_each_visit_as_a_record_change(county: Any) -> None:
    _import(county, jobdev.import_employers, EMPLOYERS)
    _import(county, jobdev.import_seekers, SEEKERS)
    county.recorder.take()

    report = _import(county, jobdev.import_visits, VISITS)

    made, planned = _ids(report, "created")
    # an import is a change to the record, not a specialist planning or making a visit
    # now: no visit_planned / visit_completed, so calendars are not flooded with history
    assert county.recorder.take() == [("visit created", made), ("visit created", planned)]

    changed = VISITS.replace(",planned,", ",planned,J-3002")
    _import(county, jobdev.import_visits, changed, on_duplicate="update")
    assert county.recorder.take() == [("visit updated", planned)]


def test_a_partial_import_tells_only_of_the_rows_it_wrote(county: Any) -> None:
    text = EMPLOYERS + "Bad Zip Bakery,5370,EX-3,,\n"

    report = _import(county, jobdev.import_employers, text, partial=True)

    assert (report.created, report.rejected) == (2, 1)
    heard = county.recorder.take()
    assert [kind for kind, _ in heard] == ["employer created"] * 2 + ["person created"]
    assert {i for kind, i in heard if kind == "employer created"} == set(_ids(report, "created"))


@pytest.mark.parametrize(
    ("function", "text", "options"),
    [
        (jobdev.import_employers, EMPLOYERS, {"dry_run": True}),
        (jobdev.import_employers, EMPLOYERS + "Bad Zip Bakery,5370,EX-3,,\n", {}),
        (jobdev.import_seekers, SEEKERS, {"dry_run": True}),
        (jobdev.import_seekers, SEEKERS + "J-3003,zz,baker\n", {}),
        (jobdev.import_visits, VISITS, {"dry_run": True}),
    ],
    ids=["employers dry run", "employers refused", "seekers dry run", "seekers refused", "visits"],
)
def test_a_dry_run_or_a_refused_file_tells_nothing(
    county: Any, function: Any, text: str, options: dict[str, Any]
) -> None:
    if function is jobdev.import_visits:
        _import(county, jobdev.import_employers, EMPLOYERS)
        _import(county, jobdev.import_seekers, SEEKERS)
        county.recorder.take()

    report = _import(county, function, text, **options)

    assert not report.written
    assert county.recorder.take() == []


def test_an_import_that_fails_while_writing_tells_nothing(county: Any) -> None:
    _import(county, jobdev.import_employers, EMPLOYERS)
    county.recorder.take()
    moved = (
        "name,zip,external_id\nExample Print Shop,53703-1234,EX-1\nNew Example Cafe,53711,EX-5\n"
    )
    with county.db.unit_of_work() as uow:
        held = uow.employers.lookup("EX-1")
        with county.db.unit_of_work() as other:  # someone else saves it meanwhile
            other.employers.lookup("EX-1").notes = "Changed elsewhere"
            other.commit()
        assert held.version == 1
        with pytest.raises(jobdev.ConcurrentUpdateError):
            jobdev.import_employers(uow, io.BytesIO(moved.encode()), on_duplicate="update")

    assert county.recorder.take() == []
    with county.db.unit_of_work() as uow:
        assert sorted(e.external_id for e in uow.employers.list()) == ["EX-1", "EX-2"]

"""Plugins hear of changes made through the Python API, after the commit and only then."""

from __future__ import annotations

import datetime as dt
import types
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

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


class Ear:
    """A plugin that writes down every event hook call."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, Any]] = []

    @hookimpl
    def visit_planned(self, visit: Any) -> None:
        self.heard.append(("planned", visit.id))

    @hookimpl
    def visit_completed(self, visit: Any) -> None:
        self.heard.append(("completed", visit.id))

    @hookimpl
    def visit_cancelled(self, visit: Any) -> None:
        self.heard.append(("cancelled", visit.id))

    @hookimpl
    def record_changed(self, change: Any) -> None:
        self.heard.append((f"{change.kind} {change.action.value}", change.record_id))


@pytest.fixture
def ear_db(db_url: str) -> Any:
    ear = Ear()
    manager = make_plugin_manager(load_entry_points=False, plugins=[ear], environ={})
    database = jobdev.Database(db_url, publisher=event_publisher(manager))
    with database.unit_of_work() as uow:
        alex = jobdev.add_specialist(uow, "ab", "Alex Example", office_zip="53703")
        uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703", job_types=["baker"]))
        uow.seekers.add(
            jobdev.JobSeeker(
                code="J-2001",
                ips_start=dt.date(2026, 11, 6),
                specialist_id=alex.id,
                preferences=jobdev.Preferences(job_types=["baker"], home_zip="53703"),
            )
        )
        uow.commit()
    ear.heard.clear()
    yield types.SimpleNamespace(db=database, ear=ear)
    database.dispose()


def test_logging_a_visit_from_python_tells_plugins_after_the_commit(ear_db: Any) -> None:
    with ear_db.db.unit_of_work() as uow:
        planned = jobdev.log_visit(
            uow, "Example Bakery", "ab", at=NOW + dt.timedelta(days=2), planned=True, now=NOW
        )
        made = jobdev.log_visit(uow, "Example Bakery", "ab", at=NOW, now=NOW)
        assert ear_db.ear.heard == [], "nothing is told before the commit"
        uow.commit()
    assert ear_db.ear.heard == [("planned", planned.id), ("completed", made.id)]


def test_completing_and_cancelling_tell_plugins(ear_db: Any) -> None:
    with ear_db.db.unit_of_work() as uow:
        first = jobdev.log_visit(uow, "#1", "ab", at=NOW + dt.timedelta(days=1), planned=True)
        second = jobdev.log_visit(uow, "#1", "ab", at=NOW + dt.timedelta(days=2), planned=True)
        uow.commit()
    ear_db.ear.heard.clear()
    with ear_db.db.unit_of_work() as uow:
        jobdev.cancel_visit(uow, second.id, reason="owner away")
        uow.commit()
    assert ear_db.ear.heard == [("cancelled", second.id)]
    assert first.id != second.id


def test_a_change_rolled_back_is_never_told(ear_db: Any) -> None:
    with ear_db.db.unit_of_work() as uow:
        jobdev.log_visit(uow, "Example Bakery", "ab", at=NOW, now=NOW)
        uow.rollback()
        uow.commit()
    with ear_db.db.unit_of_work() as uow:
        jobdev.log_visit(uow, "Example Bakery", "ab", at=NOW, now=NOW)
        # the block ends without a commit
    assert ear_db.ear.heard == []


def test_saving_a_week_plan_from_python_tells_plugins_of_each_visit(ear_db: Any) -> None:
    with ear_db.db.unit_of_work() as uow:
        plan = jobdev.plan_week(uow, "ab", "2026-W49", today=dt.date(2026, 11, 27))
        saved = jobdev.save_plan(uow, plan)
        uow.commit()
    assert saved, "the plan proposes the bakery"
    assert ear_db.ear.heard == [("planned", visit.id) for visit in saved]


def test_a_failing_plugin_keeps_the_change_and_is_listed(db_url: str) -> None:
    ear = Ear()

    class Broken:
        @hookimpl
        def visit_completed(self, visit: Any) -> None:
            raise RuntimeError("webhook down")

    manager = make_plugin_manager(load_entry_points=False, plugins=[Broken(), ear], environ={})
    database = jobdev.Database(db_url, publisher=event_publisher(manager))
    with database.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ab", "Alex Example")
        cafe = uow.employers.add(jobdev.Employer(name="Example Cafe"))
        visit = jobdev.log_visit(uow, cafe, "ab", now=NOW, at=NOW)
        uow.commit()
        ear.heard.remove(("specialist created", 1))
        assert [(f.hook, f.error) for f in uow.hook_failures] == [
            ("visit_completed", "RuntimeError: webhook down")
        ]
    assert ear.heard == [("completed", visit.id)]
    with database.unit_of_work() as uow:
        assert uow.visits.get(visit.id).status is jobdev.VisitStatus.DONE
    database.dispose()


def test_the_default_publisher_tells_the_shared_plugin_manager(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ips_jobdev import _plugins

    ear = Ear()
    shared = make_plugin_manager(load_entry_points=False, plugins=[ear], environ={})
    monkeypatch.setattr(_plugins, "_shared", shared)
    database = jobdev.Database(db_url)
    with database.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ab", "Alex Example")
        cafe = uow.employers.add(jobdev.Employer(name="Example Cafe"))
        visit = jobdev.log_visit(uow, cafe, "ab", now=NOW, at=NOW)
        uow.commit()
    assert ear.heard == [("specialist created", 1), ("completed", visit.id)]
    database.dispose()


def test_casework_changes_tell_plugins_which_records_changed(ear_db: Any) -> None:
    with ear_db.db.unit_of_work() as uow:
        kim = jobdev.add_specialist(uow, "kb", "Kim Baker")
        assert ear_db.ear.heard == []
        uow.commit()
    assert ear_db.ear.heard == [("specialist created", kim.id)]
    ear_db.ear.heard.clear()

    with ear_db.db.unit_of_work() as uow:
        moved = jobdev.reassign_caseload(uow, "ab", "kb", now=NOW)
        uow.commit()
    assert ear_db.ear.heard == [("job-seeker updated", s.id) for s in moved.moved]
    ear_db.ear.heard.clear()

    with ear_db.db.unit_of_work() as uow:
        note = jobdev.add_fit_note(
            uow, "J-2001", "Example Bakery", author="kb", text="Early shifts fit"
        )
        result = jobdev.record_job_start(
            uow, "J-2001", "Example Bakery", title="Baker", start_date=dt.date(2026, 11, 30)
        )
        uow.commit()
    job = result.job_start
    seeker_id = result.job_start.seeker_id
    assert ear_db.ear.heard == [
        ("fit-note created", note.id),
        ("job-seeker updated", seeker_id),
        ("job-start created", job.id),
    ]
    ear_db.ear.heard.clear()

    with ear_db.db.unit_of_work() as uow:
        jobdev.end_job(uow, job.id, on=dt.date(2026, 12, 3), reason="laid-off")
        uow.commit()
    assert ear_db.ear.heard == [
        ("job-seeker updated", seeker_id),
        ("job-start updated", job.id),
    ]


EMPLOYERS_CSV = (
    b"name,zip,contact_name\nExample Print Shop,53703,Dana Example\nSample Garden Center,53704,\n"
)


def test_an_import_tells_plugins_of_each_record_it_wrote(ear_db: Any) -> None:
    import io

    with ear_db.db.unit_of_work() as uow:
        report = jobdev.import_employers(uow, io.BytesIO(EMPLOYERS_CSV))
    created = sorted(r.record_id for r in report.rows)
    heard = sorted(ear_db.ear.heard)
    assert [h for h in heard if h[0] == "employer created"] == [
        ("employer created", i) for i in created
    ]
    assert len([h for h in heard if h[0] == "person created"]) == 1
    ear_db.ear.heard.clear()

    changed = EMPLOYERS_CSV.replace(b"53704,", b"53704,Lee Example")
    with ear_db.db.unit_of_work() as uow:
        jobdev.import_employers(uow, io.BytesIO(changed), on_duplicate="update")
    assert ("employer updated", created[1]) in ear_db.ear.heard
    assert all(h[0] != "employer created" for h in ear_db.ear.heard)


def test_a_dry_run_or_a_refused_file_tells_plugins_nothing(ear_db: Any) -> None:
    import io

    with ear_db.db.unit_of_work() as uow:
        jobdev.import_employers(uow, io.BytesIO(EMPLOYERS_CSV), dry_run=True)
    bad = EMPLOYERS_CSV + b"Bad Zip Bakery,5370,\n"
    with ear_db.db.unit_of_work() as uow:
        report = jobdev.import_employers(uow, io.BytesIO(bad))
    assert not report.written
    assert ear_db.ear.heard == []


# -- every casework change, one at a time: told after its commit, never without one -----------

Heard = list[tuple[str, Any]]


def _add_kim(uow: Any) -> None:
    jobdev.add_specialist(uow, "kb", "Kim Baker")


def _add_opening(uow: Any) -> None:
    bakery = uow.employers.lookup("Example Bakery")
    uow.openings.add(jobdev.JobOpening(employer_id=bakery.id, title="Baker", job_type="baker"))


def _start_job(uow: Any) -> None:
    jobdev.record_job_start(
        uow, "J-2001", "Example Bakery", title="Baker", start_date=dt.date(2026, 11, 30)
    )


def _nothing(uow: Any) -> None:
    pass


def _specialist_added(uow: Any) -> Heard:
    kim = jobdev.add_specialist(uow, "kb", "Kim Baker", office_zip="53704")
    return [("specialist created", kim.id)]


def _caseload_moved(uow: Any) -> Heard:
    moved = jobdev.reassign_caseload(uow, "ab", "kb", now=NOW)
    assert moved.moved_codes == ["J-2001"]
    return [("job-seeker updated", moved.moved[0].id)]


def _fit_note_written(uow: Any) -> Heard:
    note = jobdev.add_fit_note(uow, "J-2001", "Example Bakery", text="Likes early shifts")
    return [("fit-note created", note.id)]


def _job_started_in_an_opening(uow: Any) -> Heard:
    opening = uow.openings.list()[0]
    result = jobdev.record_job_start(
        uow,
        "J-2001",
        "Example Bakery",
        title="Baker",
        start_date=dt.date(2026, 11, 30),
        opening_id=opening.id,
    )
    job = result.job_start
    return [
        ("opening updated", opening.id),
        ("job-seeker updated", job.seeker_id),
        ("job-start created", job.id),
    ]


def _job_ended(uow: Any) -> Heard:
    job = uow.job_starts.in_start_order()[0]
    jobdev.end_job(uow, job.id, on=dt.date(2026, 12, 3), reason="laid-off")
    return [("job-seeker updated", job.seeker_id), ("job-start updated", job.id)]


CASEWORK_CHANGES = {
    "add_specialist": (_nothing, _specialist_added),
    "reassign_caseload": (_add_kim, _caseload_moved),
    "add_fit_note": (_nothing, _fit_note_written),
    "record_job_start": (_add_opening, _job_started_in_an_opening),
    "end_job": (_start_job, _job_ended),
}


def _prepared(ear_db: Any, name: str) -> Any:
    setup, change = CASEWORK_CHANGES[name]
    with ear_db.db.unit_of_work() as uow:
        setup(uow)
        uow.commit()
    ear_db.ear.heard.clear()
    return change


@pytest.mark.parametrize("name", sorted(CASEWORK_CHANGES))
def test_each_casework_change_is_told_after_its_commit(ear_db: Any, name: str) -> None:
    change = _prepared(ear_db, name)
    with ear_db.db.unit_of_work() as uow:
        expected = change(uow)
        assert ear_db.ear.heard == [], "nothing is told before the commit"
        uow.commit()
    assert ear_db.ear.heard == expected


@pytest.mark.parametrize("name", sorted(CASEWORK_CHANGES))
def test_a_casework_change_never_committed_is_never_told(ear_db: Any, name: str) -> None:
    change = _prepared(ear_db, name)
    with ear_db.db.unit_of_work() as uow:
        change(uow)
        uow.rollback()
        uow.commit()
    with ear_db.db.unit_of_work() as uow:
        change(uow)
        # the block ends without a commit
    assert ear_db.ear.heard == []

"""The calendar's copy wins: ETags on Radicale and on Xandikos (real servers on 127.0.0.1).

An employment specialist may move or annotate an event in the calendar app; the next
export must not overwrite that. Every test here runs on both servers (``dav``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import caldav
import sqlalchemy as sa
from ips_jobdev_caldav import CalDavAdapter
from ips_jobdev_caldav.adapter import split_remote_id

from ips_jobdev import Database
from ips_jobdev._store import tables
from ips_jobdev._sync.export import ExportReport, export
from ips_jobdev.adapters import ChangeKind, Outcome
from ips_jobdev.testing import records as std
from ips_jobdev.testing.records import StandardRecords

APP_SUMMARY = "Moved to Thursday by phone (set in the calendar app)"


def _run(database: Database, dav: Any, **more: Any) -> ExportReport:
    options = {
        "url": dav.url,
        "username": dav.user,
        "password": "not-checked-by-these-servers",
        "calendar": dav.calendar,
        "create_calendar": "yes",
        **more,
    }
    with database.unit_of_work() as uow:
        return export(uow, CalDavAdapter(), options=options, environ={})


def _calendar(dav: Any) -> Any:
    client = caldav.DAVClient(url=dav.url, username=dav.user, password="x")
    for calendar in client.principal().calendars():
        if calendar.get_display_name() == dav.calendar:
            return calendar
    raise AssertionError(f"no calendar {dav.calendar!r} on {dav.name}")


def _event(dav: Any, key: str) -> Any:
    for obj in _calendar(dav).events():
        if str(obj.icalendar_component["UID"]).startswith(f"{key}@"):
            return obj
    raise AssertionError(f"no event for {key} on {dav.name}")


def _edit_in_the_app(dav: Any, key: str) -> None:
    """What a calendar app does: read the event, change it, PUT it back."""
    obj = _event(dav, key)
    obj.icalendar_component["SUMMARY"] = APP_SUMMARY
    obj.save()


def test_every_object_keeps_its_etag_and_a_new_one_is_created_only_if_absent(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    report = _run(jobdev_database, dav)
    assert report.ok, report.failures
    assert report.counts == {"created": 7}
    for item in report.items:
        assert item.remote_id is not None
        url, etag = split_remote_id(item.remote_id)
        assert etag, f"{dav.name} gave no ETag for {url}"
        assert url.endswith(".ics")
    assert _run(jobdev_database, dav).sent == 0


def test_an_edit_in_the_calendar_app_is_kept_and_reported_as_a_conflict(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    _run(jobdev_database, dav)
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    _edit_in_the_app(dav, key)
    std.edit_visit(jobdev_database, standard_records)
    report = _run(jobdev_database, dav)
    [item] = report.items
    assert (item.key, item.change, item.outcome) == (key, ChangeKind.UPDATE, Outcome.FAILED)
    assert item.reason is not None
    assert item.reason.startswith("conflict: ")
    assert "changed in the calendar" in item.reason
    assert str(_event(dav, key).icalendar_component["SUMMARY"]) == APP_SUMMARY
    # still a conflict next time: nothing is overwritten behind the user's back
    [again] = _run(jobdev_database, dav).items
    assert again.outcome is Outcome.FAILED
    assert str(_event(dav, key).icalendar_component["SUMMARY"]) == APP_SUMMARY


def test_overwrite_replaces_the_calendars_copy_when_asked(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    _run(jobdev_database, dav)
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    _edit_in_the_app(dav, key)
    std.edit_visit(jobdev_database, standard_records)
    [item] = _run(jobdev_database, dav, on_conflict="overwrite").items
    assert item.outcome is Outcome.UPDATED
    assert str(_event(dav, key).icalendar_component["SUMMARY"]) != APP_SUMMARY
    # and the ETag kept is the new one: the next edit goes through without overwrite
    std.rename_employer(jobdev_database, standard_records)
    assert _run(jobdev_database, dav).ok


def test_an_unchanged_event_is_updated_normally(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    first = _run(jobdev_database, dav)
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    std.edit_visit(jobdev_database, standard_records)
    [item] = _run(jobdev_database, dav).items
    assert (item.key, item.outcome) == (key, Outcome.UPDATED)
    before = {i.key: i.remote_id for i in first.items}[key]
    assert before is not None
    assert item.remote_id is not None
    assert split_remote_id(item.remote_id)[0] == split_remote_id(before)[0]
    assert split_remote_id(item.remote_id)[1] != split_remote_id(before)[1]
    start = _event(dav, key).icalendar_component.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 8, 16, 30, tzinfo=dt.UTC)


def test_a_cancelled_visit_edited_in_the_app_is_not_deleted(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    _run(jobdev_database, dav)
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    _edit_in_the_app(dav, key)
    std.cancel_visit(jobdev_database, standard_records)
    [item] = _run(jobdev_database, dav).items
    assert (item.change, item.outcome) == (ChangeKind.CANCEL, Outcome.FAILED)
    assert item.reason is not None
    assert item.reason.startswith("conflict: ")
    assert str(_event(dav, key).icalendar_component["SUMMARY"]) == APP_SUMMARY


def test_an_event_deleted_in_the_app_is_not_made_again(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    _run(jobdev_database, dav)
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    _event(dav, key).delete()
    std.edit_visit(jobdev_database, standard_records)
    [item] = _run(jobdev_database, dav).items
    assert item.outcome is Outcome.FAILED
    assert item.reason is not None
    assert "deleted in the calendar" in item.reason
    assert len(list(_calendar(dav).events())) == 6


def test_a_lost_sync_state_takes_over_identical_events_and_keeps_edited_ones(
    dav: Any, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    first = _run(jobdev_database, dav)
    key = f"visit-{standard_records.visit_ids['planned']}"
    _edit_in_the_app(dav, key)
    with jobdev_database.unit_of_work() as uow:
        uow.session.execute(sa.delete(tables.sync_state))
        uow.commit()
    again = _run(jobdev_database, dav)
    outcomes = {i.key: i.outcome for i in again.items}
    assert outcomes.pop(key) is Outcome.FAILED
    assert set(outcomes.values()) == {Outcome.CREATED}
    ids = {i.key: i.remote_id for i in first.items}
    assert all(i.remote_id == ids[i.key] for i in again.items if i.key != key)
    assert len(list(_calendar(dav).events())) == 7
    assert str(_event(dav, key).icalendar_component["SUMMARY"]) == APP_SUMMARY

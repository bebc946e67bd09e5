"""The ics adapter writes RFC 5545 that icalendar, the strict ``ical`` package and vobject read."""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus

from ips_jobdev import Database, Specialist, Visit
from ips_jobdev._sync.export import ExportReport, export
from ips_jobdev.adapters import Outcome
from ips_jobdev.adapters.ics import IcsAdapter
from ips_jobdev.errors import AdapterError
from ips_jobdev.testing import records as std

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]


def run(db: Database, path: Path, adapter: IcsAdapter | None = None, **kw: Any) -> ExportReport:
    with db.unit_of_work() as uow:
        return export(uow, adapter or IcsAdapter(), options={"out": str(path)}, environ={}, **kw)


def events_by_key(path: Path) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


@pytest.fixture
def ics(tmp_path: Path) -> Path:
    return tmp_path / "visits.ics"


def test_the_file_parses_with_icalendar_the_strict_ical_package_and_vobject(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    run(jobdev_database, ics)
    std.edit_visit(jobdev_database, standard_records)
    std.cancel_visit(jobdev_database, standard_records)
    run(jobdev_database, ics)
    text = ics.read_text(encoding="utf-8")
    edited = f"visit-{standard_records.visit_ids['to_edit']}@ips-jobdev"
    cancelled = f"visit-{standard_records.visit_ids['to_cancel']}@ips-jobdev"

    strict = IcsCalendarStream.calendar_from_ics(text)
    by_uid = {e.uid: e for e in strict.events}
    assert len(by_uid) == 7
    assert by_uid[edited].sequence == 1
    assert by_uid[cancelled].status is EventStatus.CANCELLED
    assert by_uid[edited].dtstart == dt.datetime(2026, 12, 8, 10, 30, tzinfo=std.CHICAGO)
    assert [tz.tz_id for tz in strict.timezones] == ["America/Chicago"]

    loose = vobject.readOne(text)
    by_uid_v = {e.uid.value: e for e in loose.vevent_list}
    assert set(by_uid_v) == set(by_uid)
    assert by_uid_v[edited].sequence.value == "1"
    assert by_uid_v[cancelled].status.value == "CANCELLED"
    assert by_uid_v[edited].dtstart.value.utcoffset() == dt.timedelta(hours=-6)

    again = icalendar.Calendar.from_ical(text)
    assert len(list(again.walk("VEVENT"))) == 7
    assert [str(tz["TZID"]) for tz in again.walk("VTIMEZONE")] == ["America/Chicago"]


def test_an_event_carries_uid_stamp_zone_location_description_categories_and_status(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    report = run(jobdev_database, ics)
    key = f"visit-{standard_records.visit_ids['planned']}"
    assert next(i.remote_id for i in report.items if i.key == key) == f"{key}@ips-jobdev"
    event = events_by_key(ics)[key]
    raw = event.to_ical().decode()
    assert "DTSTART;TZID=America/Chicago:20261207T100000" in raw
    assert "DTEND;TZID=America/Chicago:20261207T103000" in raw
    assert event.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
    assert raw.count("DTSTAMP:") == 1
    assert "Z\r\n" in raw.split("DTSTAMP:")[1][:20]
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["CLASS"]) == "PRIVATE"
    assert str(event["LOCATION"]) == "Fictional Foods Co-op, 12 Example St, Madison, WI 53703"
    assert str(event["SUMMARY"]) == "Learn the business: Fictional Foods Co-op (JS-001)"
    assert str(event["DESCRIPTION"]).splitlines() == [
        "Purpose: Learn the business",
        "Reason: Learn about the deli line for JS-001",
        "Meeting: Dana Manager, Hiring manager, (608) 555-0111",
        "Employer phone: (608) 555-0101",
        "Job seekers: JS-001",
        "Contact: in-person",
    ]
    assert [str(c) for c in event["CATEGORIES"].cats] == [
        "IPS job development",
        "Learn the business",
        "Face to face",
    ]
    assert "Maria" not in ics.read_text(encoding="utf-8")


def test_exporting_again_writes_the_same_bytes(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    run(jobdev_database, ics)
    before = ics.read_bytes()
    report = run(jobdev_database, ics)
    assert report.sent == 0
    assert {i.outcome for i in report.items} == {Outcome.UNCHANGED}
    assert ics.read_bytes() == before


def test_an_edit_raises_the_sequence_and_leaves_the_other_events_as_they_were(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    run(jobdev_database, ics)
    before = events_by_key(ics)
    std.edit_visit(jobdev_database, standard_records)
    run(jobdev_database, ics)
    after = events_by_key(ics)
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    assert int(after[key]["SEQUENCE"]) == 1
    assert after[key].decoded("DTSTAMP") >= before[key].decoded("DTSTAMP")
    assert "Bring the thank-you note and the job list" in str(after[key]["DESCRIPTION"])
    for other in set(before) - {key}:
        assert after[other].to_ical() == before[other].to_ical()


def test_a_cancelled_visit_stays_in_the_file_as_cancelled_with_a_higher_sequence(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    run(jobdev_database, ics)
    std.cancel_visit(jobdev_database, standard_records)
    report = run(jobdev_database, ics)
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    assert [(i.key, i.outcome) for i in report.items if i.change.value != "unchanged"] == [
        (key, Outcome.UPDATED)
    ]
    event = events_by_key(ics)[key]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["SUMMARY"]).startswith("Cancelled: ")


def test_each_specialist_zone_gets_its_vtimezone_and_local_times(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    with jobdev_database.unit_of_work() as uow:
        denver = uow.specialists.add(
            Specialist(code="ef", name="Eli Frontier", timezone="America/Denver")
        )
        uow.flush()
        assert denver.id is not None
        uow.visits.add(
            Visit(
                employer_id=standard_records.employer_ids["plain"],
                specialist_id=denver.id,
                status="planned",
                at=dt.datetime(2026, 12, 9, 17, tzinfo=dt.UTC),
            )
        )
        uow.commit()
    run(jobdev_database, ics)
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == [
        "America/Chicago",
        "America/Denver",
    ]
    assert "DTSTART;TZID=America/Denver:20261209T100000" in ics.read_text(encoding="utf-8")
    IcsCalendarStream.calendar_from_ics(ics.read_text(encoding="utf-8"))


def test_a_visit_that_fails_keeps_its_previous_event_and_is_sent_next_time(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    ics: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(jobdev_database, ics)
    std.edit_visit(jobdev_database, standard_records)
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    adapter = IcsAdapter()
    build = adapter.build_event

    def refuse(change: Any, stamp: dt.datetime) -> Any:
        if change.key == key:
            raise ValueError("no VTIMEZONE for this zone")
        return build(change, stamp)

    monkeypatch.setattr(adapter, "build_event", refuse)
    report = run(jobdev_database, ics, adapter)
    assert [(i.key, i.reason) for i in report.failures] == [
        (key, "ValueError: no VTIMEZONE for this zone")
    ]
    assert int(events_by_key(ics)[key]["SEQUENCE"]) == 0
    retried = run(jobdev_database, ics)
    assert [i.key for i in retried.items if i.outcome is Outcome.UPDATED] == [key]
    assert int(events_by_key(ics)[key]["SEQUENCE"]) == 1


def test_initials_when_the_specialist_opts_in(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    from ips_jobdev.privacy import PrivacySettings

    run(jobdev_database, ics, privacy_settings=PrivacySettings("initials"))
    event = events_by_key(ics)[f"visit-{standard_records.visit_ids['planned']}"]
    assert str(event["SUMMARY"]) == "Learn the business: Fictional Foods Co-op (ME)"


def test_unchanged_events_are_copied_not_rendered_again(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    ics: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(jobdev_database, ics)
    before = ics.read_bytes()
    rendered: list[str] = []
    build = IcsAdapter.build_event

    def counted(self: IcsAdapter, change: Any, stamp: dt.datetime) -> Any:
        rendered.append(change.key)
        return build(self, change, stamp)

    monkeypatch.setattr(IcsAdapter, "build_event", counted)
    assert run(jobdev_database, ics).counts == {"unchanged": 7}
    assert rendered == []
    assert ics.read_bytes() == before
    std.edit_visit(jobdev_database, standard_records)
    run(jobdev_database, ics)
    assert rendered == [f"visit-{standard_records.visit_ids['to_edit']}"]


class _Small(IcsAdapter):
    batch_size = 2


def test_a_file_streamed_in_small_batches_is_the_same_file(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    whole, small = tmp_path / "whole.ics", tmp_path / "small.ics"
    run(jobdev_database, whole)
    run(jobdev_database, small, _Small())
    # the files differ only in when they were stamped
    stamp = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")
    assert stamp.sub(b"", small.read_bytes()) == stamp.sub(b"", whole.read_bytes())
    starts = [e.decoded("DTSTART") for e in events_by_key(small).values()]
    assert starts == sorted(starts), "events in start order"


def test_the_calendar_is_byte_for_byte_what_icalendar_writes_for_it(
    jobdev_database: Database, standard_records: std.StandardRecords, ics: Path
) -> None:
    run(jobdev_database, ics)
    parsed = icalendar.Calendar.from_ical(ics.read_bytes())
    events = list(parsed.walk("VEVENT"))
    calendar = icalendar.Calendar()
    for name in ("prodid", "version", "calscale", "method", "x-wr-calname"):
        calendar.add(name, parsed[name])
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones(first_date=dt.date(2025, 1, 1), last_date=dt.date(2028, 1, 1))
    assert ics.read_bytes() == calendar.to_ical()


def test_a_batch_that_raises_leaves_the_file_and_the_sync_state_as_they_were(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "visits.ics"
    run(jobdev_database, out, _Small())
    before = out.read_bytes()
    std.edit_visit(jobdev_database, standard_records)
    adapter = _Small()
    calls: list[bool] = []
    export_batch = adapter.export

    def second_fails(batch: Any) -> Any:
        calls.append(batch.final)
        if len(calls) == 2:
            raise OSError("disk full")
        return export_batch(batch)

    monkeypatch.setattr(adapter, "export", second_fails)
    report = run(jobdev_database, out, adapter)
    assert calls == [False, False], "no batch is sent after one raised"
    assert len(report.items) == 7
    assert {i.outcome for i in report.items} == {Outcome.FAILED}
    assert all("disk full" in (i.reason or "") for i in report.items)
    assert out.read_bytes() == before
    left = [p.name for p in tmp_path.iterdir() if "visits" in p.name]
    assert left == ["visits.ics"], "no temporary file left"
    retried = run(jobdev_database, out)
    assert [(i.key, i.outcome) for i in retried.items if i.outcome is not Outcome.UNCHANGED] == [
        (f"visit-{standard_records.visit_ids['to_edit']}", Outcome.UPDATED)
    ]


def test_the_file_is_private_and_only_a_calendar_of_ours_is_replaced_without_force(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    ours = tmp_path / "ours.ics"
    run(jobdev_database, ours)
    assert stat.S_IMODE(ours.stat().st_mode) == 0o600
    foreign = tmp_path / "someone-elses.ics"
    foreign.write_text("BEGIN:VCALENDAR\r\nPRODID:-//Other//EN\r\nEND:VCALENDAR\r\n")
    with pytest.raises(AdapterError, match="was not written by ips-jobdev; use --force"):
        run(jobdev_database, foreign)
    assert "PRODID:-//Other//EN" in foreign.read_text()
    with jobdev_database.unit_of_work() as uow:
        forced = export(
            uow, IcsAdapter(), options={"out": str(foreign), "force": "yes"}, environ={}
        )
    assert forced.ok
    assert "ips-jobdev" in foreign.read_text()
    link = tmp_path / "link.ics"
    link.symlink_to(ours)
    refused = pytest.raises(AdapterError, match="is a symbolic link; refusing to write through")
    with refused, jobdev_database.unit_of_work() as uow:
        export(uow, IcsAdapter(), options={"out": str(link), "force": "yes"}, environ={})
    assert link.is_symlink()

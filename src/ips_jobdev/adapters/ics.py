"""The ``ics`` adapter: visits as an iCalendar file (RFC 5545) for any calendar program.

The file is a snapshot, rewritten whole at each export (atomically: a reader never sees
half a file). Each visit is one ``VEVENT``:

- ``UID``: ``visit-<id>@<uid_domain>``, the same at every export;
- ``SEQUENCE``: from the sync state, one higher each time the visit changed; unchanged
  visits keep theirs, and their ``DTSTAMP`` (the time they were last sent, in UTC), so
  exporting twice writes the same bytes;
- ``DTSTART``/``DTEND`` in the specialist's time zone, with its ``VTIMEZONE``;
- ``LOCATION``: the employer's name and address; ``DESCRIPTION``: purpose, reason, the
  person met and their phone, the employer's phone, job seekers as privacy allows;
- ``CATEGORIES``; ``STATUS``: ``CONFIRMED``, or ``CANCELLED`` for a cancelled visit
  (kept in the file so calendars that imported it cancel it too); ``CLASS:PRIVATE``.

Audience ``personal-calendar``: job seekers appear by program code unless the export asks
for initials or names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import icalendar

from ips_jobdev._records import Audience, RecordKind, VisitRecord
from ips_jobdev._version import __version__
from ips_jobdev._vocab import ContactMode
from ips_jobdev.adapters._base import (
    Adapter,
    AdapterOption,
    CancelStyle,
    Capabilities,
    Change,
    ChangeKind,
    ExportBatch,
    ExportResult,
)
from ips_jobdev.hookspecs import hookimpl
from ips_jobdev.privacy import PURPOSE_LABELS

__all__ = ["IcsAdapter", "register_adapters"]

PRODID = f"-//ips-jobdev//ips-jobdev {__version__}//EN"


def _read_events(path: Path) -> dict[str, Any]:
    """The events of an existing file by UID (empty when there is no readable file)."""
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return {str(event.get("UID")): event for event in calendar.walk("VEVENT")}


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class IcsAdapter(Adapter):
    """An iCalendar (RFC 5545) file of visits, for Google Calendar, Outlook, Thunderbird."""

    name = "ics"
    audience = Audience.PERSONAL_CALENDAR
    record_kinds = frozenset({RecordKind.VISIT})
    description = "An iCalendar (.ics) file of visits for any calendar program."
    capabilities = Capabilities(
        updates=True, deletes=True, cancel_style=CancelStyle.MARK, snapshot=True
    )
    options = (
        AdapterOption(
            "out", "The .ics file to write (rewritten whole each time).", type=Path, required=True
        ),
        AdapterOption(
            "uid_domain",
            "The domain in each event's UID; use your program's own.",
            default="ips-jobdev",
        ),
        AdapterOption(
            "calendar_name", "The calendar's name (X-WR-CALNAME).", default="IPS employer visits"
        ),
    )

    def __init__(self) -> None:
        self.path: Path | None = None
        self.uid_domain = "ips-jobdev"
        self.calendar_name = "IPS employer visits"

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Remember where to write; nothing is read or written yet."""
        self.path = Path(target)
        self.uid_domain = str(options.get("uid_domain") or "ips-jobdev")
        self.calendar_name = str(options.get("calendar_name") or "IPS employer visits")

    def uid(self, change: Change) -> str:
        """The event's UID: the record's key at the UID domain."""
        return f"{change.key}@{self.uid_domain}"

    def build_event(self, change: Change, stamp: dt.datetime) -> icalendar.Event:
        """The ``VEVENT`` of one visit."""
        record = change.record
        if not isinstance(record, VisitRecord):
            raise TypeError(f"the ics adapter takes visits, not {change.record_kind.value}")
        zone = zoneinfo.ZoneInfo(record.timezone)
        event = icalendar.Event()
        event.add("uid", self.uid(change))
        event.add("sequence", change.sequence)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", record.start.astimezone(zone))
        event.add("dtend", record.end.astimezone(zone))
        event.add("summary", record.title)
        location = record.employer_name
        if record.employer_address:
            location = f"{location}, {record.employer_address}"
        event.add("location", location)
        event.add("description", record.description)
        categories = ["IPS job development", PURPOSE_LABELS[record.purpose]]
        if record.mode is ContactMode.IN_PERSON:
            categories.append("Face to face")
        event.add("categories", categories)
        event.add("status", "CANCELLED" if record.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        return event

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """Rewrite the file with every visit in the batch; report each one."""
        if self.path is None:
            raise RuntimeError("the ics adapter was not opened")
        previous: dict[str, Any] | None = None  # read only if an event fails
        events: list[icalendar.Event] = []
        results: list[ExportResult] = []
        for change in batch.changes:
            uid = self.uid(change)
            if change.kind is ChangeKind.DELETE:
                results.append(change.deleted(uid))
                continue
            stamp = batch.generated_at
            if change.kind is ChangeKind.UNCHANGED and change.last_sent_at is not None:
                stamp = change.last_sent_at
            try:
                event = self.build_event(change, stamp)
            except Exception as exc:
                results.append(change.failed(f"{type(exc).__name__}: {exc}"))
                if previous is None:
                    previous = _read_events(self.path)
                if uid in previous:
                    events.append(previous[uid])
                continue
            events.append(event)
            if change.kind is ChangeKind.CREATE:
                results.append(change.created(uid))
            elif change.kind is ChangeKind.UNCHANGED:
                results.append(change.unchanged(uid))
            else:
                results.append(change.updated(uid))
        write_atomically(self.path, self.render(events))
        return results

    def render(self, events: list[icalendar.Event]) -> bytes:
        """The whole calendar: events by start time, with the time zones they use."""
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", self.calendar_name)
        events.sort(key=lambda e: (e.decoded("dtstart").astimezone(dt.UTC), str(e.get("uid"))))
        years = [e.decoded("dtstart").year for e in events]
        for event in events:
            calendar.add_component(event)
        if years:
            calendar.add_missing_timezones(
                first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
            )
        return bytes(calendar.to_ical())


@hookimpl
def register_adapters(register: Any) -> None:
    """Register the ``ics`` adapter."""
    register(IcsAdapter)

"""The ``ics`` adapter: visits as an iCalendar file (RFC 5545) for any calendar program.

The file is a snapshot, rewritten whole at each export (atomically, mode 0600: a reader
never sees half a file; an existing file not written by ips-jobdev is replaced only with
``force``). Visits arrive in start order in batches and their events go to a spool file, so
the whole state's visits never sit in memory; an unchanged visit's event is not rendered
again but copied from the text kept with the sync state. Each visit is one ``VEVENT``:

- ``UID``: ``visit-<id>@<uid_domain>``, the same at every export;
- ``SEQUENCE``: from the sync state, one higher each time the visit changed; unchanged
  visits keep theirs, and their ``DTSTAMP`` (the time they were last sent, in UTC), so
  exporting twice writes the same bytes;
- ``DTSTART``/``DTEND`` in the specialist's time zone, with its ``VTIMEZONE``;
- ``LOCATION``: the employer's name and address; ``DESCRIPTION``: purpose, reason, the
  person met and their phone, the employer's phone, job seekers as privacy allows;
- ``CATEGORIES``; ``STATUS``: ``CONFIRMED``, or ``CANCELLED`` for a cancelled visit
  (kept in the file so calendars that imported it cancel it too); ``CLASS:PRIVATE``.

Events are in start order (then by visit id), after a ``VTIMEZONE`` for each zone used.

Audience ``personal-calendar``: job seekers appear by program code unless the export asks
for initials or names.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import icalendar

from ips_jobdev import _files
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
from ips_jobdev.errors import AdapterError
from ips_jobdev.hookspecs import hookimpl
from ips_jobdev.privacy import PURPOSE_LABELS

__all__ = ["IcsAdapter", "register_adapters", "write_atomically"]

PRODID = f"-//ips-jobdev//ips-jobdev {__version__}//EN"
_OUR_START = b"BEGIN:VCALENDAR"
_OUR_PRODID = b"PRODID:-//ips-jobdev//"
_DTSTART = re.compile(r"^DTSTART(?:;[^:\r\n]*?TZID=([^:;\r\n]+))?[^:\r\n]*:(\d{4})", re.MULTILINE)
_FOOTER = b"END:VCALENDAR\r\n"


def _read_events(path: Path) -> dict[str, Any]:
    """The events of an existing file by UID (empty when there is no readable file)."""
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return {str(event.get("UID")): event for event in calendar.walk("VEVENT")}


def is_our_calendar(path: Path) -> bool:
    """True when ``path`` holds a calendar this adapter wrote (it may replace it)."""
    with path.open("rb") as stream:
        head = stream.read(1024)
    return head.startswith(_OUR_START) and _OUR_PRODID in head


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a private temporary file in the same folder
    (replacing a file there, never writing through a symbolic link)."""
    _files.write_file(path, data, replace=True)


class _Spool:
    """The events of one export, in order, in a temporary file; and the zones and years
    they use (for the ``VTIMEZONE`` s that go before them)."""

    def __init__(self) -> None:
        # closed by close(), which the adapter calls when the export ends either way
        self.stream: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.zones: set[str] = set()
        self.first_year: int | None = None
        self.last_year: int | None = None

    def add(self, text: str, zone: str | None, year: int | None) -> None:
        self.stream.write(text.encode("utf-8"))
        if zone:
            self.zones.add(zone)
        if year is not None:
            self.first_year = year if self.first_year is None else min(self.first_year, year)
            self.last_year = year if self.last_year is None else max(self.last_year, year)

    def add_rendered(self, text: str) -> None:
        """An event whose zone and year are read from its text (one kept from before)."""
        found = _DTSTART.search(text)
        if found is None:
            self.add(text, None, None)
        else:
            self.add(text, found.group(1), int(found.group(2)))

    def close(self) -> None:
        self.stream.close()


class IcsAdapter(Adapter):
    """An iCalendar (RFC 5545) file of visits, for Google Calendar, Outlook, Thunderbird."""

    name = "ics"
    audience = Audience.PERSONAL_CALENDAR
    record_kinds = frozenset({RecordKind.VISIT})
    description = "An iCalendar (.ics) file of visits for any calendar program."
    capabilities = Capabilities(
        updates=True,
        deletes=True,
        cancel_style=CancelStyle.MARK,
        snapshot=True,
        streams=True,
        payloads=True,
        visits_by_start=True,
    )
    batch_size = 1000
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
        AdapterOption(
            "force",
            "Replace an existing file that ips-jobdev did not write.",
            type=bool,
            default=False,
        ),
    )

    def __init__(self) -> None:
        self.path: Path | None = None
        self.uid_domain = "ips-jobdev"
        self.calendar_name = "IPS employer visits"
        self.force = False
        self._spool: _Spool | None = None
        self._previous: dict[str, Any] | None = None

    def check(self, options: Mapping[str, Any], target: str) -> None:
        """Refuse a path the file cannot be written to, before anything is read."""
        try:
            _files.check_target(
                Path(target), replace=bool(options.get("force")), ours=is_our_calendar
            )
        except _files.FileWriteError as exc:
            raise AdapterError(f"{self.name}: {exc}") from None

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Check that the file can be written there (a temporary file is made and removed);
        nothing is read or written yet."""
        try:
            _files.probe_folder(Path(target))
        except _files.FileWriteError as exc:
            raise AdapterError(f"{self.name}: {exc}") from None
        self.path = Path(target)
        self.uid_domain = str(options.get("uid_domain") or "ips-jobdev")
        self.calendar_name = str(options.get("calendar_name") or "IPS employer visits")
        self.force = bool(options.get("force"))
        self._close_spool()
        self._previous = None

    def close(self) -> None:
        """Drop what an unfinished export spooled."""
        self._close_spool()

    def _close_spool(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

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
        """Add the batch's visits to the file; write it when the final batch arrives.

        An unchanged visit's event is copied from its payload; a visit that cannot be
        rendered fails and keeps its previous event.
        """
        if self.path is None:
            raise RuntimeError("the ics adapter was not opened")
        if self._spool is None:
            self._spool = _Spool()
        results = [self._one(change, batch.generated_at, self._spool) for change in batch.changes]
        if batch.final:
            self._write(self._spool)
            self._close_spool()
        return results

    def _one(self, change: Change, generated_at: dt.datetime, spool: _Spool) -> ExportResult:
        uid = self.uid(change)
        if change.kind is ChangeKind.DELETE:
            return change.deleted(uid)
        if change.record is None and change.payload is not None:
            spool.add_rendered(change.payload)
            return change.unchanged(uid)
        stamp = generated_at
        if change.kind is ChangeKind.UNCHANGED and change.last_sent_at is not None:
            stamp = change.last_sent_at
        try:
            event = self.build_event(change, stamp)
            text = event.to_ical().decode("utf-8")
        except Exception as exc:
            self._keep_previous(change, uid, spool)
            return change.failed(f"{type(exc).__name__}: {exc}")
        start = event.decoded("dtstart")
        spool.add(text, event["DTSTART"].params.get("TZID"), start.year)
        if change.kind is ChangeKind.CREATE:
            return change.created(uid, payload=text)
        if change.kind is ChangeKind.UNCHANGED:
            return change.unchanged(uid, payload=text)
        return change.updated(uid, payload=text)

    def _keep_previous(self, change: Change, uid: str, spool: _Spool) -> None:
        """Put the visit's event as it was last written back in the file."""
        if change.payload is not None:
            spool.add_rendered(change.payload)
            return
        if self._previous is None:
            assert self.path is not None
            self._previous = _read_events(self.path)
        if uid in self._previous:
            spool.add_rendered(self._previous[uid].to_ical().decode("utf-8"))

    def header(self, zones: set[str], years: tuple[int, int] | None) -> bytes:
        """The calendar's properties and the ``VTIMEZONE`` s of ``zones`` (from the year
        before the first event to two years after the last), up to its events."""
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", self.calendar_name)
        if years is not None:
            first, last = dt.date(years[0] - 1, 1, 1), dt.date(years[1] + 2, 1, 1)
            for zone in sorted(zones - {"UTC"}):
                try:
                    timezone = icalendar.Timezone.from_tzid(zone, first_date=first, last_date=last)
                except ValueError:
                    continue
                calendar.add_component(timezone)
        whole = bytes(calendar.to_ical())
        assert whole.endswith(_FOOTER)
        return whole[: -len(_FOOTER)]

    def _write(self, spool: _Spool) -> None:
        assert self.path is not None
        years = None
        if spool.first_year is not None and spool.last_year is not None:
            years = (spool.first_year, spool.last_year)
        head = self.header(spool.zones, years)
        spool.stream.seek(0)
        with _files.atomic_writer(self.path, replace=self.force, ours=is_our_calendar) as out:
            out.write(head)
            shutil.copyfileobj(spool.stream, out, 1 << 20)
            out.write(_FOOTER)

    def render(self, events: list[icalendar.Event]) -> bytes:
        """The whole calendar of ``events`` (sorted by start time), with the time zones
        they use, in memory: for a few events, such as a CalDAV object."""
        spool = _Spool()
        try:
            events = sorted(
                events,
                key=lambda e: (e.decoded("dtstart").astimezone(dt.UTC), str(e.get("uid"))),
            )
            for event in events:
                start = event.decoded("dtstart")
                spool.add(
                    event.to_ical().decode("utf-8"),
                    event["DTSTART"].params.get("TZID"),
                    start.year,
                )
            years = None
            if spool.first_year is not None and spool.last_year is not None:
                years = (spool.first_year, spool.last_year)
            spool.stream.seek(0)
            return self.header(spool.zones, years) + spool.stream.read() + _FOOTER
        finally:
            spool.close()


@hookimpl
def register_adapters(register: Any) -> None:
    """Register the ``ics`` adapter."""
    register(IcsAdapter)

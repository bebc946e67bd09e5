"""The ``caldav`` adapter: a specialist's visits, live, in a CalDAV calendar.

Each visit is one calendar object at ``<calendar URL>/<UID>.ics``, where the UID is the
one the ``ics`` adapter uses (``visit-<id>@<uid_domain>``). A new visit is PUT there, an
edited one is PUT again at the same URL with a higher ``SEQUENCE``, a cancelled one is
DELETEd. Because the URL comes from the visit, an export never makes a duplicate, even if
the sync state was lost.

The calendar's copy is respected (RFC 4791 section 5.3.4, RFC 9110 section 13.1): each
object's ``ETag`` from the server is kept with its URL in the remote id
(``<object URL>#etag=<ETag>``); a new object is PUT with ``If-None-Match: *``, an edit or
a deletion is sent with ``If-Match: <ETag>``. When the server answers ``412 Precondition
Failed`` the event was changed (or deleted) in a calendar app since the last export: the
adapter reports a conflict for that visit and leaves the calendar's copy alone, unless the
export says ``on_conflict=overwrite``. An object found already at its URL (a lost sync
state) is taken over when it is the same event, else reported as a conflict too.

Audience ``personal-calendar``: job seekers appear by program code unless the export asks
for initials or names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

import icalendar
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error

from ips_jobdev.adapters import (
    Adapter,
    AdapterOption,
    Audience,
    CancelStyle,
    Capabilities,
    Change,
    ChangeKind,
    ExportBatch,
    ExportResult,
    RecordKind,
)
from ips_jobdev.adapters.ics import PRODID, IcsAdapter

__all__ = ["CalDavAdapter", "CalDavConflict", "CalDavError", "join_remote_id", "split_remote_id"]

_DEFAULT_CALENDAR = "IPS employer visits"
_ETAG_MARK = "#etag="
# Properties a server or a calendar app may rewrite without changing the event itself.
_VOLATILE = frozenset({"DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "CREATED"})
ON_CONFLICT = ("report", "overwrite")


def _status(response: Any) -> str:
    return f"{response.status} {getattr(response, 'reason', '') or ''}".strip()


def split_remote_id(remote_id: str) -> tuple[str, str | None]:
    """The object URL and the ETag last seen (``None`` when not known) of a remote id.

    >>> split_remote_id('http://127.0.0.1/c/visit-1%40x.ics#etag=%22abc%22')
    ('http://127.0.0.1/c/visit-1%40x.ics', '"abc"')
    >>> split_remote_id('http://127.0.0.1/c/visit-1%40x.ics')
    ('http://127.0.0.1/c/visit-1%40x.ics', None)
    """
    url, mark, etag = remote_id.partition(_ETAG_MARK)
    return url, unquote(etag) if mark and etag else None


def join_remote_id(url: str, etag: str | None) -> str:
    """The remote id of an object: its URL, and the ETag as the URL's fragment."""
    return f"{url}{_ETAG_MARK}{quote(etag, safe='')}" if etag else url


def _same_event(ours: bytes, theirs: bytes) -> bool:
    """True when two calendar objects hold the same VEVENT (volatile stamps aside)."""
    try:
        mine = icalendar.Calendar.from_ical(ours).walk("VEVENT")
        other = icalendar.Calendar.from_ical(theirs).walk("VEVENT")
    except ValueError:
        return False
    if len(mine) != 1 or len(other) != 1:
        return False

    def significant(event: Any) -> dict[str, object]:
        return {
            name: event[name].to_ical() if hasattr(event[name], "to_ical") else str(event[name])
            for name in event
            if name not in _VOLATILE
        }

    return significant(mine[0]) == significant(other[0])


class CalDavError(Exception):
    """The server refused a request (the status and the object's URL are in the message)."""


class CalDavConflict(CalDavError):
    """The event was changed or deleted in the calendar since the last export."""


class CalDavAdapter(Adapter):
    """Live sync of visits to a CalDAV calendar (Nextcloud, Radicale, iCloud, Fastmail...)."""

    name = "caldav"
    audience = Audience.PERSONAL_CALENDAR
    record_kinds = frozenset({RecordKind.VISIT})
    description = "Live sync of visits to a CalDAV calendar."
    capabilities = Capabilities(
        updates=True, deletes=True, cancel_style=CancelStyle.DELETE, snapshot=False
    )
    batch_size = 200
    options = (
        AdapterOption(
            "url",
            "The CalDAV server or principal URL (https://cloud.example.org/remote.php/dav/).",
            required=True,
            env="IPS_JOBDEV_CALDAV_URL",
        ),
        AdapterOption("username", "The user name on the server.", env="IPS_JOBDEV_CALDAV_USERNAME"),
        AdapterOption(
            "password",
            "The password or app password (never printed).",
            secret=True,
            env="IPS_JOBDEV_CALDAV_PASSWORD",
        ),
        AdapterOption("calendar", "The calendar's display name.", default=_DEFAULT_CALENDAR),
        AdapterOption(
            "create_calendar",
            "Create the calendar when the server has none by that name.",
            type=bool,
            default=False,
        ),
        AdapterOption(
            "on_conflict",
            "When an event was changed in the calendar since the last export: report "
            "(keep the calendar's copy) or overwrite.",
            default="report",
            choices=ON_CONFLICT,
        ),
        AdapterOption(
            "uid_domain",
            "The domain in each event's UID (keep it the same as for ics files).",
            default="ips-jobdev",
        ),
    )

    def __init__(self) -> None:
        self.client: Any = None
        self.calendar: Any = None
        self.events = IcsAdapter()
        self.overwrite = False

    def target_for(self, options: Mapping[str, Any]) -> str:
        """``user@URL#calendar``: one sync state per account and calendar."""
        user = f"{options['username']}@" if options.get("username") else ""
        calendar = options.get("calendar") or _DEFAULT_CALENDAR
        return f"{user}{options['url']}#{calendar}"

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Log in, find the calendar by name (or create it when asked)."""
        self.events.uid_domain = str(options.get("uid_domain") or "ips-jobdev")
        self.overwrite = options.get("on_conflict") == "overwrite"
        self.client = DAVClient(
            url=str(options["url"]),
            username=options.get("username"),
            password=options.get("password"),
        )
        principal = self.client.principal()
        wanted = str(options.get("calendar") or _DEFAULT_CALENDAR)
        for calendar in principal.calendars():
            if calendar.get_display_name() == wanted:
                self.calendar = calendar
                return
        if not options.get("create_calendar"):
            raise CalDavError(
                f"the server has no calendar named {wanted!r}; create it, or export with "
                "--option create_calendar=yes"
            )
        self.calendar = principal.make_calendar(name=wanted)

    def close(self) -> None:
        """Drop the connection."""
        if self.client is not None:
            close = getattr(self.client, "close", None)
            if callable(close):
                close()
        self.client = None
        self.calendar = None

    def object_url(self, change: Change) -> str:
        """Where the visit lives on the server: ``<calendar URL><UID>.ics``."""
        uid = self.events.uid(change)
        return str(self.calendar.url.join(quote(uid, safe="@") + ".ics"))

    def calendar_data(self, change: Change, stamp: dt.datetime) -> bytes:
        """One VCALENDAR holding the visit's VEVENT and its VTIMEZONE."""
        event = self.events.build_event(change, stamp)
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add_component(event)
        year = event.decoded("dtstart").year
        calendar.add_missing_timezones(
            first_date=dt.date(year - 1, 1, 1), last_date=dt.date(year + 2, 1, 1)
        )
        return bytes(calendar.to_ical())

    def put_object(self, url: str, data: bytes, headers: Mapping[str, str] | None = None) -> Any:
        """PUT one calendar object with the given conditions; the server's response.

        Raises:
            CalDavError: the server refused it (other than ``412``, which is returned).
        """
        sent = {"Content-Type": "text/calendar; charset=utf-8", **(headers or {})}
        response = self.client.put(url, data, sent)
        if response.status not in (200, 201, 204, 412):
            raise CalDavError(f"PUT {url} answered {_status(response)}")
        return response

    def get_object(self, url: str) -> tuple[bytes, str | None] | None:
        """The object at ``url`` and its ETag; ``None`` when there is none."""
        response = self.client.request(url, "GET")
        if response.status == 404:
            return None
        if response.status != 200:
            raise CalDavError(f"GET {url} answered {_status(response)}")
        raw = response.raw
        body = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        return body, response.headers.get("ETag")

    def delete_object(self, url: str, etag: str | None = None) -> None:
        """DELETE one calendar object (one already gone counts as deleted).

        Raises:
            CalDavConflict: the object changed since ``etag`` was seen.
            CalDavError: the server refused it.
        """
        headers = {"If-Match": etag} if etag and not self.overwrite else {}
        response = self.client.delete(url, headers)
        if response.status == 412:
            if self.get_object(url) is None:
                return
            raise CalDavConflict(
                f"conflict: {url} was changed in the calendar since the last export; "
                "it was not deleted (export with -o on_conflict=overwrite to delete it)"
            )
        if response.status not in (200, 204, 404):
            raise CalDavError(f"DELETE {url} answered {_status(response)}")

    def store(self, change: Change, data: bytes) -> str:
        """PUT a new or edited visit without overwriting the calendar's changes.

        Returns:
            the remote id: the object's URL and its new ETag.

        Raises:
            CalDavConflict: the calendar holds another version of the event.
            CalDavError: the server refused it.
        """
        url = self.object_url(change)
        known = split_remote_id(change.remote_id)[1] if change.remote_id else None
        if self.overwrite:
            headers: dict[str, str] = {}
        elif known:
            headers = {"If-Match": known}
        elif change.kind is ChangeKind.CREATE:
            headers = {"If-None-Match": "*"}
        else:
            # sent by a version that kept no ETag: this one update replaces the server copy
            headers = {}
        response = self.put_object(url, data, headers)
        if response.status == 412:
            return self._precondition_failed(url, data, known)
        etag = response.headers.get("ETag")
        if not etag:
            # the server changed what it stored (RFC 4791 5.3.4): read its ETag back
            found = self.get_object(url)
            etag = found[1] if found else None
        return join_remote_id(url, etag)

    def _precondition_failed(self, url: str, data: bytes, known: str | None) -> str:
        found = self.get_object(url)
        if found is None:
            raise CalDavConflict(
                f"conflict: the event {url} was deleted in the calendar since the last "
                "export; it was not made again (export with -o on_conflict=overwrite)"
            )
        body, etag = found
        if known is None and _same_event(data, body):
            return join_remote_id(url, etag)
        raise CalDavConflict(
            f"conflict: the event {url} was changed in the calendar since the last export; "
            "the calendar's copy was kept (export with -o on_conflict=overwrite to replace it)"
        )

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """PUT new and edited visits, DELETE cancelled and removed ones; one result each.

        A visit whose event was changed in the calendar since the last export fails with
        a reason starting ``conflict:`` (unless ``on_conflict=overwrite``).
        """
        if self.calendar is None:
            raise CalDavError("the caldav adapter was not opened")
        results: list[ExportResult] = []
        for change in batch.changes:
            try:
                if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                    url, etag = (
                        split_remote_id(change.remote_id)
                        if change.remote_id
                        else (self.object_url(change), None)
                    )
                    self.delete_object(url, etag)
                    results.append(change.deleted(url))
                    continue
                remote_id = self.store(change, self.calendar_data(change, batch.generated_at))
                if change.kind is ChangeKind.CREATE:
                    results.append(change.created(remote_id))
                else:
                    results.append(change.updated(remote_id))
            except CalDavConflict as exc:
                results.append(change.failed(str(exc)))
            except (CalDavError, caldav_error.DAVError, OSError, ValueError) as exc:
                results.append(change.failed(f"{type(exc).__name__}: {exc}"))
        return results

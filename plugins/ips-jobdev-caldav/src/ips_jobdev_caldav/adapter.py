"""The ``caldav`` adapter: a specialist's visits, live, in a CalDAV calendar.

Each visit is one calendar object at ``<calendar URL>/<UID>.ics``, where the UID is the
one the ``ics`` adapter uses (``visit-<id>@<uid_domain>``). A new visit is PUT there, an
edited one is PUT again at the same URL with a higher ``SEQUENCE``, a cancelled one is
DELETEd. Because the URL comes from the visit, a repeated PUT replaces the object: an
export never makes a duplicate, even if the sync state was lost.

Audience ``personal-calendar``: job seekers appear by program code unless the export asks
for initials or names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

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

__all__ = ["CalDavAdapter", "CalDavError"]

_DEFAULT_CALENDAR = "IPS employer visits"


def _status(response: Any) -> str:
    return f"{response.status} {getattr(response, 'reason', '') or ''}".strip()


class CalDavError(Exception):
    """The server refused a request (the status and the object's URL are in the message)."""


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
            "uid_domain",
            "The domain in each event's UID (keep it the same as for ics files).",
            default="ips-jobdev",
        ),
    )

    def __init__(self) -> None:
        self.client: Any = None
        self.calendar: Any = None
        self.events = IcsAdapter()

    def target_for(self, options: Mapping[str, Any]) -> str:
        """``user@URL#calendar``: one sync state per account and calendar."""
        user = f"{options['username']}@" if options.get("username") else ""
        calendar = options.get("calendar") or _DEFAULT_CALENDAR
        return f"{user}{options['url']}#{calendar}"

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Log in, find the calendar by name (or create it when asked)."""
        self.events.uid_domain = str(options.get("uid_domain") or "ips-jobdev")
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

    def put_object(self, url: str, data: bytes) -> None:
        """PUT one calendar object (create or replace)."""
        response = self.client.put(url, data, {"Content-Type": "text/calendar; charset=utf-8"})
        if response.status not in (200, 201, 204):
            raise CalDavError(f"PUT {url} answered {_status(response)}")

    def delete_object(self, url: str) -> None:
        """DELETE one calendar object (one already gone counts as deleted)."""
        response = self.client.delete(url)
        if response.status not in (200, 204, 404):
            raise CalDavError(f"DELETE {url} answered {_status(response)}")

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """PUT new and edited visits, DELETE cancelled and removed ones; one result each."""
        if self.calendar is None:
            raise CalDavError("the caldav adapter was not opened")
        results: list[ExportResult] = []
        for change in batch.changes:
            try:
                url = change.remote_id or self.object_url(change)
                if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                    self.delete_object(url)
                    results.append(change.deleted(url))
                    continue
                url = self.object_url(change)
                self.put_object(url, self.calendar_data(change, batch.generated_at))
                if change.kind is ChangeKind.CREATE:
                    results.append(change.created(url))
                else:
                    results.append(change.updated(url))
            except (CalDavError, caldav_error.DAVError, OSError, ValueError) as exc:
                results.append(change.failed(f"{type(exc).__name__}: {exc}"))
        return results

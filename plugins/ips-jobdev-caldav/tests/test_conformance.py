"""The caldav adapter passes the ips-jobdev conformance kit against a real Radicale server."""

from __future__ import annotations

from typing import Any

import caldav
import pytest
from ips_jobdev_caldav import CalDavAdapter, CalDavError

from ips_jobdev.adapters import RecordKind
from ips_jobdev.testing.conformance import AdapterConformance, RemoteItem

CALENDAR = "Visits under test"


class RadicaleRemote:
    """Reads back the events on the server with the caldav client; can refuse one PUT."""

    def __init__(self, url: str, user: str, adapter: CalDavAdapter) -> None:
        self.url = url
        self.user = user
        self.refuse: set[str] = set()
        put = adapter.put_object

        def put_unless_refused(object_url: str, data: bytes, headers: Any = None) -> Any:
            for key in list(self.refuse):
                if f"/{key}%40" in object_url or f"/{key}@" in object_url:
                    self.refuse.discard(key)
                    raise CalDavError(f"PUT {object_url} answered 507 Insufficient Storage")
            return put(object_url, data, headers)

        adapter.put_object = put_unless_refused  # type: ignore[method-assign]

    def fail_next(self, key: str) -> None:
        self.refuse.add(key)

    def calendar(self) -> Any:
        client = caldav.DAVClient(url=self.url, username=self.user, password="x")
        for calendar in client.principal().calendars():
            if calendar.get_display_name() == CALENDAR:
                return calendar
        return None

    def items(self) -> list[RemoteItem]:
        calendar = self.calendar()
        if calendar is None:
            return []
        found = []
        for obj in calendar.events():
            event = obj.icalendar_component
            uid = str(event["UID"])
            parts = [str(event.get(name, "")) for name in ("SUMMARY", "LOCATION", "DESCRIPTION")]
            parts.append(",".join(str(c) for c in event["CATEGORIES"].cats))
            found.append(
                RemoteItem(
                    kind=RecordKind.VISIT,
                    remote_id=str(obj.url),
                    key=uid.split("@")[0],
                    text="\n".join(parts),
                    cancelled=str(event.get("STATUS")) == "CANCELLED",
                    start=event.decoded("DTSTART"),
                )
            )
        return found


class TestCalDavConformance(AdapterConformance):
    @pytest.fixture
    def adapter(self) -> CalDavAdapter:
        return CalDavAdapter()

    @pytest.fixture
    def adapter_options(self, radicale: Any, caldav_user: str) -> dict[str, Any]:
        return {
            "url": radicale.url,
            "username": caldav_user,
            "password": "not-used-by-radicale-here",
            "calendar": CALENDAR,
            "create_calendar": "yes",
        }

    @pytest.fixture
    def remote(self, radicale: Any, caldav_user: str, adapter: CalDavAdapter) -> RadicaleRemote:
        return RadicaleRemote(radicale.url, caldav_user, adapter)

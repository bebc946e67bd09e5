"""Fixtures: a fake HubSpot account on 127.0.0.1, an adapter that never really sleeps, and
a store holding the conformance kit's standard records."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ips_jobdev_hubspot import HubSpotAdapter
from ips_jobdev_hubspot.fake import FakeHubSpot

from ips_jobdev._store import Database
from ips_jobdev._sync import export as sync
from ips_jobdev.adapters import RecordKind
from ips_jobdev.testing.conformance import RemoteItem
from ips_jobdev.testing.records import StandardRecords

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

_KINDS = {
    "companies": RecordKind.EMPLOYER,
    "contacts": RecordKind.PERSON,
    "meetings": RecordKind.VISIT,
}


@pytest.fixture
def hub() -> Iterator[FakeHubSpot]:
    """A fake HubSpot account, started on a free port and stopped after the test."""
    with FakeHubSpot(token="pat-na1-secret-token-value-456") as fake:
        yield fake


@pytest.fixture
def delays() -> list[float]:
    """The waits the client asked for (the tests never really sleep)."""
    return []


@pytest.fixture
def hs_adapter(delays: list[float]) -> HubSpotAdapter:
    """The adapter, with a sleep that records the delay instead of waiting."""
    return HubSpotAdapter(sleep=delays.append)


@pytest.fixture
def hub_options(hub: FakeHubSpot) -> dict[str, Any]:
    """Options that point the adapter at the fake account."""
    return {"base_url": hub.url, "access_token": hub.token}


@pytest.fixture
def run(
    jobdev_database: Database,
    standard_records: StandardRecords,
    hs_adapter: HubSpotAdapter,
    hub_options: dict[str, Any],
) -> Callable[..., sync.ExportReport]:
    """Export the standard records to HubSpot (options may be added or replaced)."""

    def export(**kwargs: Any) -> sync.ExportReport:
        options = {**hub_options, **kwargs.pop("options", {})}
        with jobdev_database.unit_of_work() as uow:
            return sync.export(uow, hs_adapter, options=options, environ={}, **kwargs)

    return export


def _text(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "\n", value))


class HubRemote:
    """The fake account read back for the conformance kit."""

    def __init__(self, fake: FakeHubSpot) -> None:
        self.fake = fake

    def items(self) -> list[RemoteItem]:
        """Every company, contact and meeting that is not archived."""
        found = []
        for object_type, kind in _KINDS.items():
            for record in self.fake.records[object_type].values():
                properties = record["properties"]
                start = properties.get("hs_meeting_start_time")
                found.append(
                    RemoteItem(
                        kind=kind,
                        remote_id=record["id"],
                        text="\n".join(_text(str(v)) for v in properties.values()),
                        key=properties.get("ips_jobdev_id"),
                        cancelled=properties.get("hs_meeting_outcome") == "CANCELED",
                        start=dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
                        if start
                        else None,
                    )
                )
        return found

    def fail_next(self, key: str) -> None:
        """Make HubSpot refuse the next upsert of this record."""
        self.fake.fail_next(key)

    def received_text(self) -> str:
        """Every request body the account received (the kit's privacy checks search it)."""
        return self.fake.received_text()


@pytest.fixture
def hub_remote(hub: FakeHubSpot) -> HubRemote:
    """The fake account as the conformance kit reads it back."""
    return HubRemote(hub)

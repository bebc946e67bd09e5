"""Fixtures: a fake Salesforce org on 127.0.0.1, an adapter that never really sleeps, and a
store holding the conformance kit's standard records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ips_jobdev_salesforce import SalesforceAdapter
from ips_jobdev_salesforce.fake import FakeSalesforce

from ips_jobdev._store import Database
from ips_jobdev._sync import export as sync
from ips_jobdev.adapters import RecordKind
from ips_jobdev.testing.conformance import RemoteItem
from ips_jobdev.testing.records import StandardRecords

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

EXT = "IPS_Jobdev_Id__c"
_KINDS = {"Account": RecordKind.EMPLOYER, "Contact": RecordKind.PERSON, "Event": RecordKind.VISIT}


@pytest.fixture
def org() -> Iterator[FakeSalesforce]:
    """A fake org, started on a free port and stopped after the test."""
    with FakeSalesforce(token="00DFAKE!secret-token-value-123") as fake:
        yield fake


@pytest.fixture
def delays() -> list[float]:
    """The waits the client asked for (the tests never really sleep)."""
    return []


@pytest.fixture
def sf_adapter(delays: list[float]) -> SalesforceAdapter:
    """The adapter, with a sleep that records the delay instead of waiting."""
    return SalesforceAdapter(sleep=delays.append)


@pytest.fixture
def rest_options(org: FakeSalesforce) -> dict[str, Any]:
    """Options that point the REST transport at the fake org."""
    return {"instance_url": org.url, "access_token": org.token}


@pytest.fixture
def run(
    jobdev_database: Database,
    standard_records: StandardRecords,
    sf_adapter: SalesforceAdapter,
    rest_options: dict[str, Any],
) -> Callable[..., sync.ExportReport]:
    """Export the standard records to Salesforce (options may be added or replaced)."""

    def export(**kwargs: Any) -> sync.ExportReport:
        options = {**rest_options, **kwargs.pop("options", {})}
        with jobdev_database.unit_of_work() as uow:
            return sync.export(uow, sf_adapter, options=options, environ={}, **kwargs)

    return export


class OrgRemote:
    """The fake org read back for the conformance kit."""

    def __init__(self, fake: FakeSalesforce, prefix: str = "") -> None:
        self.fake = fake
        self.prefix = prefix

    def items(self) -> list[RemoteItem]:
        """Every Account, Contact and Event in the org."""
        found = []
        for sobject, kind in _KINDS.items():
            for record in self.fake.records[sobject].values():
                key = str(record.get(EXT) or "")
                start = record.get("StartDateTime")
                found.append(
                    RemoteItem(
                        kind=kind,
                        remote_id=record["Id"],
                        text="\n".join(str(v) for v in record.values() if v is not None),
                        key=key.removeprefix(self.prefix) or None,
                        start=dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
                        if start
                        else None,
                    )
                )
        return found

    def fail_next(self, key: str) -> None:
        """Make the org refuse the next upsert of this record."""
        self.fake.fail_next(self.prefix + key)

    def received_text(self) -> str:
        """Every request body the org received (the kit's privacy checks search it)."""
        return self.fake.received_text()


@pytest.fixture
def org_remote(org: FakeSalesforce) -> OrgRemote:
    """The fake org as the conformance kit reads it back."""
    return OrgRemote(org)

"""The how-to "Test an adapter against a fake web service": its example adapter passes the
conformance kit against its fake service, and the fake's request log shows a throttled
request retried.

This file is also the how-to's test file: what a vendor writes, apart from the import of
the example modules by their paths.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ips_jobdev.adapters import RecordKind
from ips_jobdev.testing.conformance import AdapterConformance, RemoteItem

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def _example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FakeVisitsCrm = _example("fake_visits_crm").FakeVisitsCrm
VisitsCrmAdapter = _example("visits_crm_adapter").VisitsCrmAdapter


# --8<-- [start:vendor]
@pytest.fixture
def crm() -> Iterator[Any]:
    """The fake service, started on a free port for one test and stopped after it."""
    with FakeVisitsCrm(token="test-token") as fake:
        yield fake


@pytest.fixture
def delays() -> list[float]:
    """The waits the adapter asked for (the tests never really sleep)."""
    return []


class CrmRemote:
    """The fake read back for the kit: what it stores, and every request body it received."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake

    def items(self) -> list[RemoteItem]:
        return [
            RemoteItem(
                kind=RecordKind.VISIT,
                remote_id=key,
                key=key,
                text="\n".join(str(value) for value in visit.values()),
                start=dt.datetime.fromisoformat(visit["start"]),
            )
            for key, visit in self.fake.visits.items()
        ]

    def fail_next(self, key: str) -> None:
        self.fake.fail_next(key)

    def received_text(self) -> str:
        return str(self.fake.received_text())


class TestVisitsCrm(AdapterConformance):
    @pytest.fixture
    def adapter(self, delays: list[float]) -> Any:
        return VisitsCrmAdapter(sleep=delays.append)

    @pytest.fixture
    def adapter_options(self, crm: Any) -> dict[str, Any]:
        return {"url": crm.url, "token": crm.token}

    @pytest.fixture
    def remote(self, crm: Any) -> CrmRemote:
        return CrmRemote(crm)

    def test_a_throttled_request_waits_as_told_and_is_sent_again(
        self, crm: Any, delays: list[float], run_export: Any
    ) -> None:
        crm.throttle_next = 1
        assert run_export().ok
        first, second = crm.requests[:2]
        assert (first.status, second.status) == (429, 201)
        assert (first.method, first.path, first.body) == (second.method, second.path, second.body)
        assert first.headers["authorization"] == "Bearer test-token"
        assert delays == [2.0]


# --8<-- [end:vendor]

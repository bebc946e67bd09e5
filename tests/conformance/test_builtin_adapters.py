"""The built-in adapters (ics, csv, json) pass the conformance kit a vendor would run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest

from ips_jobdev.adapters import Adapter, Change, RecordKind
from ips_jobdev.adapters.ics import IcsAdapter
from ips_jobdev.adapters.tabular import CSV_FILES, CsvAdapter, JsonAdapter
from ips_jobdev.testing.conformance import AdapterConformance, RemoteItem

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]


class FailOnce:
    """Wraps an adapter's per-record method so the next call for one key raises."""

    def __init__(self, adapter: Adapter, method: str) -> None:
        self.adapter = adapter
        self.method = method
        self.keys: set[str] = set()
        original: Callable[..., Any] = getattr(adapter, method)

        def wrapped(change: Change, *args: Any) -> Any:
            if change.key in self.keys:
                self.keys.discard(change.key)
                raise ValueError(f"refused {change.key} on purpose")
            return original(change, *args)

        setattr(adapter, method, wrapped)

    def fail_next(self, key: str) -> None:
        self.keys.add(key)


class IcsRemote(FailOnce):
    """Reads the .ics file back with icalendar."""

    def __init__(self, adapter: IcsAdapter, path: Path) -> None:
        super().__init__(adapter, "build_event")
        self.path = path

    def items(self) -> list[RemoteItem]:
        if not self.path.exists():
            return []
        calendar = icalendar.Calendar.from_ical(self.path.read_bytes())
        found = []
        for event in calendar.walk("VEVENT"):
            uid = str(event["UID"])
            parts = [str(event.get(name, "")) for name in ("SUMMARY", "LOCATION", "DESCRIPTION")]
            parts.append(",".join(str(c) for c in event["CATEGORIES"].cats))
            found.append(
                RemoteItem(
                    kind=RecordKind.VISIT,
                    remote_id=uid,
                    key=uid.split("@")[0],
                    text="\n".join(parts),
                    cancelled=str(event["STATUS"]) == "CANCELLED",
                    start=event.decoded("DTSTART"),
                )
            )
        return found


def _row_item(kind: RecordKind, row: dict[str, Any]) -> RemoteItem:
    start = row.get("start")
    return RemoteItem(
        kind=kind,
        remote_id=str(row["key"]),
        key=str(row["key"]),
        text="\n".join(
            json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in row.values()
        ),
        cancelled=row.get("status") == "cancelled",
        start=dt.datetime.fromisoformat(start) if isinstance(start, str) else None,
    )


class CsvRemote(FailOnce):
    """Reads the four CSV files back."""

    def __init__(self, adapter: CsvAdapter, folder: Path) -> None:
        super().__init__(adapter, "row_for")
        self.folder = folder

    def items(self) -> list[RemoteItem]:
        found = []
        for kind, name in CSV_FILES.items():
            path = self.folder / name
            if path.exists():
                text = path.read_text(encoding="utf-8-sig")
                found += [_row_item(kind, row) for row in csv.DictReader(io.StringIO(text))]
        return found


class JsonRemote(FailOnce):
    """Reads the JSON document back."""

    def __init__(self, adapter: JsonAdapter, path: Path) -> None:
        super().__init__(adapter, "row_for")
        self.path = path

    def items(self) -> list[RemoteItem]:
        if not self.path.exists():
            return []
        document = json.loads(self.path.read_text(encoding="utf-8"))
        kinds = {
            "employers": RecordKind.EMPLOYER,
            "people": RecordKind.PERSON,
            "visits": RecordKind.VISIT,
            "fit_notes": RecordKind.FIT_NOTE,
        }
        return [_row_item(kind, row) for name, kind in kinds.items() for row in document[name]]


class TestIcsConformance(AdapterConformance):
    @pytest.fixture
    def adapter(self) -> IcsAdapter:
        return IcsAdapter()

    @pytest.fixture
    def adapter_options(self, tmp_path: Path) -> dict[str, Any]:
        return {"out": str(tmp_path / "visits.ics")}

    @pytest.fixture
    def remote(self, adapter: IcsAdapter, tmp_path: Path) -> IcsRemote:
        return IcsRemote(adapter, tmp_path / "visits.ics")


class TestCsvConformance(AdapterConformance):
    @pytest.fixture
    def adapter(self) -> CsvAdapter:
        return CsvAdapter()

    @pytest.fixture
    def adapter_options(self, tmp_path: Path) -> dict[str, Any]:
        return {"out": str(tmp_path / "csv")}

    @pytest.fixture
    def remote(self, adapter: CsvAdapter, tmp_path: Path) -> CsvRemote:
        return CsvRemote(adapter, tmp_path / "csv")


class TestJsonConformance(AdapterConformance):
    @pytest.fixture
    def adapter(self) -> JsonAdapter:
        return JsonAdapter()

    @pytest.fixture
    def adapter_options(self, tmp_path: Path) -> dict[str, Any]:
        return {"out": str(tmp_path / "export.json")}

    @pytest.fixture
    def remote(self, adapter: JsonAdapter, tmp_path: Path) -> JsonRemote:
        return JsonRemote(adapter, tmp_path / "export.json")

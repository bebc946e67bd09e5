"""The example adapter of the tutorial "Write an adapter" passes the conformance kit.

This file is also the tutorial's test file: what a vendor writes, apart from the import of
the example module by its path.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from ips_jobdev.adapters import RecordKind
from ips_jobdev.testing.conformance import AdapterConformance, RemoteItem

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "folder_crm_adapter.py"
_spec = importlib.util.spec_from_file_location("folder_crm_adapter", EXAMPLE)
assert _spec is not None
assert _spec.loader is not None
folder_crm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(folder_crm)


# --8<-- [start:remote]
class FolderRemote:
    """Reads the folder back; fail_next(key) blocks that record's file with a directory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.blocked: list[Path] = []

    def fail_next(self, key: str) -> None:
        blocker = self.folder / f"{key}.json"
        blocker.mkdir(parents=True)
        self.blocked.append(blocker)

    def items(self) -> list[RemoteItem]:
        for blocker in self.blocked:  # the write was refused once; let the retry through
            blocker.rmdir()
        self.blocked.clear()
        found = []
        for path in sorted(self.folder.glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                RemoteItem(
                    kind=RecordKind(record["kind"]),
                    remote_id=path.name,
                    key=record["key"],
                    text=json.dumps(record, ensure_ascii=False),
                    cancelled=record.get("status") == "cancelled",
                )
            )
        return found


class TestFolderCrm(AdapterConformance):
    @pytest.fixture
    def adapter(self) -> Any:
        return folder_crm.FolderCrmAdapter()

    @pytest.fixture
    def adapter_options(self, tmp_path: Path) -> dict[str, Any]:
        return {"folder": str(tmp_path / "crm"), "api_key": "test-key"}

    @pytest.fixture
    def remote(self, tmp_path: Path) -> FolderRemote:
        return FolderRemote(tmp_path / "crm")


# --8<-- [end:remote]


def test_the_example_stays_under_a_hundred_lines() -> None:
    assert len(EXAMPLE.read_text(encoding="utf-8").splitlines()) < 100

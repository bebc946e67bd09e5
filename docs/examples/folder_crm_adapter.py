"""ips_jobdev_folder_crm: an example adapter that keeps employers and visits in a folder.

Each record is one JSON file named after its key, as a small CRM would keep one row per
record. The tutorial "Write an adapter" walks through it; the test suite runs it through the
conformance kit (tests/conformance/test_docs_example_adapter.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ips_jobdev import hookimpl
from ips_jobdev.adapters import (
    Adapter,
    AdapterOption,
    Audience,
    CancelStyle,
    Capabilities,
    ChangeKind,
    ExportBatch,
    ExportResult,
    RecordKind,
    record_to_dict,
)


class FolderCrmAdapter(Adapter):
    """Employers and visits as JSON files in a folder (one file per record)."""

    name = "folder-crm"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER, RecordKind.VISIT})
    capabilities = Capabilities(updates=True, deletes=True, cancel_style=CancelStyle.DELETE)
    batch_size = 100
    options = (
        AdapterOption(
            "folder", "Where the records go.", type=Path, required=True, env="FOLDER_CRM_FOLDER"
        ),
        AdapterOption(
            "api_key",
            "Sent with every request; never printed.",
            secret=True,
            env="FOLDER_CRM_API_KEY",
        ),
    )

    def target_for(self, options: Any) -> str:
        return str(Path(options["folder"]).resolve())

    def open(self, options: Any, target: str) -> None:
        self.folder = Path(target)
        self.folder.mkdir(parents=True, exist_ok=True)

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        results = []
        for change in batch.changes:
            path = self.folder / f"{change.key}.json"
            try:
                if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                    path.unlink(missing_ok=True)
                    results.append(change.deleted(path.name))
                    continue
                assert change.record is not None
                document = record_to_dict(change.record)
                path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                if change.kind is ChangeKind.CREATE:
                    results.append(change.created(path.name))
                else:
                    results.append(change.updated(path.name))
            except OSError as exc:
                results.append(change.failed(f"could not write {path.name}: {exc}"))
        return results


@hookimpl
def register_adapters(register: Any) -> None:
    register(FolderCrmAdapter)

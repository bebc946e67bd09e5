"""The csv and json adapters: safe cells, stable files, and the documented JSON schema."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev import Database
from ips_jobdev._records import RecordKind, SeekerRef
from ips_jobdev._store import tables
from ips_jobdev._sync.export import ExportReport, export
from ips_jobdev.adapters import EmployerRecord, FitNoteRecord, PersonRecord, VisitRecord
from ips_jobdev.adapters.tabular import (
    CSV_COLUMNS,
    CSV_FILES,
    JSON_SCHEMA_VERSION,
    CsvAdapter,
    JsonAdapter,
    neutralize_cell,
)
from ips_jobdev.errors import AdapterError
from ips_jobdev.testing import records as std

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

DOCS = Path(__file__).parents[2] / "docs" / "reference" / "json-export-schema.md"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def run(db: Database, adapter: Any, out: Path, **options: Any) -> ExportReport:
    with db.unit_of_work() as uow:
        return export(uow, adapter, options={"out": str(out), **options}, environ={})


@given(st.text())
def test_no_cell_reaches_a_spreadsheet_starting_like_a_formula(value: str) -> None:
    cell = neutralize_cell(value)
    number = re.fullmatch(r"[+-]?\d+(\.\d+)?", value) is not None
    assert number or not cell.startswith(TRIGGERS)
    assert cell in (value, "'" + value)
    assert (cell != value) == (value.startswith(TRIGGERS) and not number)


def read_csv(folder: Path, kind: RecordKind) -> tuple[list[str], list[dict[str, str]]]:
    raw = (folder / CSV_FILES[kind]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so spreadsheets read UTF-8"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_csv_files_have_their_header_rows_and_neutralised_formulas(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    report = run(jobdev_database, CsvAdapter(), tmp_path / "csv")
    assert report.counts == {"created": 4 + 2 + 7 + 1}
    for kind in RecordKind:
        header, _ = read_csv(tmp_path / "csv", kind)
        assert header == list(CSV_COLUMNS[kind])
    _, employers = read_csv(tmp_path / "csv", RecordKind.EMPLOYER)
    by_key = {row["key"]: row for row in employers}
    formula = by_key[f"employer-{standard_records.employer_ids['formula']}"]
    assert formula["name"] == "'" + std.FORMULA_EMPLOYER
    assert formula["phone"] == "(608) 555-0104"
    plain = by_key[f"employer-{standard_records.employer_ids['plain']}"]
    assert (plain["job_types"], plain["wage_min"], plain["bus_access"]) == (
        "stocking; cashier",
        "15.50",
        "yes",
    )
    assert by_key[f"employer-{standard_records.employer_ids['unicode']}"]["name"] == (
        std.UNICODE_EMPLOYER
    )
    for row in employers:
        assert all(not cell.startswith(TRIGGERS) for cell in row.values())
    _, notes = read_csv(tmp_path / "csv", RecordKind.FIT_NOTE)
    assert notes[0]["ratings"] == "job_type=good (bakery is on the list); schedule=partial"
    assert notes[0]["job_seeker"] == "JS-002"


def test_csv_rows_carry_the_revision_and_a_cancelled_visit_stays_marked(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    run(jobdev_database, CsvAdapter(), tmp_path / "csv")
    std.cancel_visit(jobdev_database, standard_records)
    run(jobdev_database, CsvAdapter(), tmp_path / "csv")
    _, visits = read_csv(tmp_path / "csv", RecordKind.VISIT)
    row = next(r for r in visits if r["key"] == f"visit-{standard_records.visit_ids['to_cancel']}")
    assert (row["status"], row["revision"]) == ("cancelled", "1")


def test_csv_without_a_byte_order_mark_when_asked(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    run(jobdev_database, CsvAdapter(), tmp_path / "csv", bom="no")
    assert (tmp_path / "csv" / "employers.csv").read_bytes().startswith(b"key,id,")


def test_the_json_document_follows_the_versioned_schema_and_is_stable(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    out = tmp_path / "export.json"
    run(jobdev_database, JsonAdapter(), out)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert list(document) == [
        "schema", "schema_version", "audience", "as_of",
        "employers", "people", "visits", "fit_notes",
    ]  # fmt: skip
    assert (document["schema"], document["schema_version"]) == ("ips-jobdev-export", "1.0")
    assert [len(document[k]) for k in ("employers", "people", "visits", "fit_notes")] == [
        4,
        2,
        7,
        1,
    ]
    note = document["fit_notes"][0]
    assert note["seeker"]["disclosure"] == "not-disclose"
    assert note["revision"] == 0
    before = out.read_bytes()
    assert run(jobdev_database, JsonAdapter(), out).sent == 0
    assert out.read_bytes() == before
    std.edit_visit(jobdev_database, standard_records)
    run(jobdev_database, JsonAdapter(), out)
    after = json.loads(out.read_text(encoding="utf-8"))
    assert after["as_of"] >= document["as_of"]
    edited = f"visit-{standard_records.visit_ids['to_edit']}"
    assert next(v for v in after["visits"] if v["key"] == edited)["revision"] == 1


def _fields(cls: type) -> set[str]:
    return {f.name for f in attrs.fields(cls)}


def test_the_schema_page_documents_every_key_and_the_current_version() -> None:
    page = DOCS.read_text(encoding="utf-8")
    assert f'`schema_version`: `"{JSON_SCHEMA_VERSION}"`' in page
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", page, re.MULTILINE))
    expected = {"kind", "key", "revision"}
    for cls in (EmployerRecord, PersonRecord, VisitRecord, FitNoteRecord, SeekerRef):
        expected |= _fields(cls)
    expected |= {"factor", "rating", "comment"}
    assert expected - documented == set()


def test_the_json_file_is_what_json_dumps_writes_for_the_document(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    out = tmp_path / "export.json"
    run(jobdev_database, JsonAdapter(), out)
    std.edit_visit(jobdev_database, standard_records)
    run(jobdev_database, JsonAdapter(), out)  # some records copied, one made again
    text = out.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    with jobdev_database.unit_of_work() as uow:
        uow.session.execute(sa.delete(tables.job_fit_notes))
        uow.commit()
    run(jobdev_database, JsonAdapter(), out)
    text = out.read_text(encoding="utf-8")
    assert '"fit_notes": []' in text
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("adapter", [CsvAdapter, JsonAdapter])
def test_unchanged_records_are_copied_not_made_again_and_the_files_stay_the_same(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    adapter: type[CsvAdapter | JsonAdapter],
) -> None:
    out = tmp_path / ("csv" if adapter is CsvAdapter else "export.json")
    run(jobdev_database, adapter(), out)
    files = sorted(out.iterdir()) if out.is_dir() else [out]
    before = [f.read_bytes() for f in files]
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    made: list[str] = []
    row_for = adapter.row_for

    def counted(self: Any, change: Any) -> Any:
        made.append(change.key)
        return row_for(self, change)

    monkeypatch.setattr(adapter, "row_for", counted)
    assert run(jobdev_database, adapter(), out).sent == 0
    assert made == []
    assert [f.read_bytes() for f in files] == before


def test_csv_files_of_someone_else_are_replaced_only_with_force(
    jobdev_database: Database, standard_records: std.StandardRecords, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "visits.csv").write_text("name,amount\nsomething,1\n", encoding="utf-8")
    with pytest.raises(AdapterError, match=r"visits\.csv already exists and was not written"):
        run(jobdev_database, CsvAdapter(), folder)
    assert (folder / "visits.csv").read_text(encoding="utf-8").startswith("name,amount")
    assert not (folder / "employers.csv").exists(), "nothing was written"
    assert run(jobdev_database, CsvAdapter(), folder, force="yes").ok
    assert read_csv(folder, RecordKind.VISIT)[0] == list(CSV_COLUMNS[RecordKind.VISIT])

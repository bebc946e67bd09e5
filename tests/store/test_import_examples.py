"""The example files in docs/examples/ import cleanly on both databases, and the CSV
reference documents every column the importers read (so the docs stay true)."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest

from ips_jobdev import Database, Specialist, import_employers, import_seekers, import_visits
from ips_jobdev._importing import EMPLOYER_COLUMNS, SEEKER_COLUMNS, VISIT_COLUMNS

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = DOCS / "examples"
REFERENCE = DOCS / "reference" / "csv-import.md"


def _data_rows(name: str) -> int:
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _add_specialist(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.specialists.add(Specialist(code="ab", name="Alex Example", office_zip="53703"))
        uow.commit()


def test_the_example_files_import_in_order_and_again_unchanged(db: Database) -> None:
    _add_specialist(db)
    steps = [
        (import_employers, "employers.csv"),
        (import_seekers, "seekers.csv"),
        (import_visits, "visits.csv"),
    ]
    for import_function, name in steps:
        with db.unit_of_work() as uow:
            report = import_function(uow, EXAMPLES / name)
        assert report.ok, [str(r) for r in report.rejections]
        assert report.warnings == []
        assert report.created == _data_rows(name) > 0
    for import_function, name in steps:
        with db.unit_of_work() as uow:
            again = import_function(uow, EXAMPLES / name)
        assert again.unchanged == _data_rows(name)
        assert not again.written


def test_the_example_script_imports_the_example_employers(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location(
        "import_employers_example", EXAMPLES / "import_employers.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(db_url, str(EXAMPLES / "employers.csv")) == 0
    rows = _data_rows("employers.csv")
    assert capsys.readouterr().out.splitlines() == [
        f"Dry run: {rows} created, 0 updated, 0 unchanged, 0 skipped, 0 rejected",
        f"Imported: {rows} created, 0 updated, 0 unchanged, 0 skipped, 0 rejected",
    ]
    with db.unit_of_work() as uow:
        assert uow.employers.count() == rows


@pytest.mark.parametrize(
    ("kind", "columns", "example"),
    [
        ("employers", EMPLOYER_COLUMNS, "employers.csv"),
        ("seekers", SEEKER_COLUMNS, "seekers.csv"),
        ("visits", VISIT_COLUMNS, "visits.csv"),
    ],
)
def test_the_reference_documents_every_column(
    kind: str, columns: tuple[str, ...], example: str
) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    section = text.split(f"<!-- columns: {kind} -->", 1)[1].split("<!-- end columns -->", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert documented == list(columns)
    with (EXAMPLES / example).open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert set(header) <= set(columns)

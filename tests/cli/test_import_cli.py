"""``ips-jobdev employers|seekers|visits import`` through click's runner: exit codes,
one-line errors, the report on screen and as JSON, --partial, --rejects, --dry-run."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from ips_jobdev import Database, Specialist
from ips_jobdev.cli import main
from ips_jobdev.cli._app import App
from ips_jobdev.cli._import_command import SHOWN_PLUGIN_FAILURES, _progress_bar

HEADER = "Name,External ID,ZIP,Phone,Bus Access"
GOOD = ["Example Bakery,EX-1,53703,608-555-0101,yes", "Example Hardware,EX-2,53704,,no"]
BAD = "Example Cafe,EX-3,5370,,maybe"
REPORT_KEYS = [
    "kind", "source", "encoding", "dry_run", "partial", "on_duplicate", "ok", "written",
    "counts", "warnings", "rejections", "duplicates", "rejects_file",
]  # fmt: skip


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def invoke(url: str, *args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["--db", url, *args], input=stdin)


def words(text: str) -> str:
    """Text with rich's line wrapping undone."""
    return " ".join(text.split())


def employer_count(url: str) -> int:
    with Database(url) as db, db.unit_of_work() as uow:
        return uow.employers.count()


def test_a_clean_import_exits_0_and_prints_the_counts(sqlite_url: str, tmp_path: Path) -> None:
    result = invoke(sqlite_url, "employers", "import", str(write(tmp_path, *GOOD)))
    assert result.exit_code == 0, result.output
    assert "2 rows (employers)" in words(result.stdout)
    assert "Saved (one transaction)." in result.stdout
    assert result.stderr == ""
    assert employer_count(sqlite_url) == 2


def test_the_json_report_has_the_documented_shape(sqlite_url: str, tmp_path: Path) -> None:
    source = write(tmp_path, *GOOD, header=HEADER + ",Fax")
    result = invoke(sqlite_url, "employers", "import", str(source), "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert list(document) == REPORT_KEYS
    assert document["counts"] == {
        "rows": 2, "created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0
    }  # fmt: skip
    assert document["warnings"] == ["unknown column 'Fax' was ignored"]
    assert document["ok"] is True
    assert document["written"] is True


def test_rejected_rows_exit_1_with_one_error_line_and_nothing_written(
    sqlite_url: str, tmp_path: Path
) -> None:
    result = invoke(sqlite_url, "employers", "import", str(write(tmp_path, GOOD[0], BAD)), "--json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: 1 of 2 rows rejected; nothing was written "
        "(fix them, or use --partial to write the good rows)"
    ]
    document = json.loads(result.stdout)
    assert document["written"] is False
    assert [(r["line"], r["field"]) for r in document["rejections"]] == [
        (3, "zip"),
        (3, "bus_access"),
    ]
    assert employer_count(sqlite_url) == 0


def test_rejections_are_listed_on_screen_with_line_column_and_reason(
    sqlite_url: str, tmp_path: Path
) -> None:
    result = invoke(sqlite_url, "employers", "import", str(write(tmp_path, BAD)))
    assert result.exit_code == 1
    assert "Rejected rows (1)" in result.stdout
    line = next(line for line in result.stdout.splitlines() if "'5370'" in line)
    assert "3" in line
    assert "zip" in line


def test_partial_with_rejects_writes_the_good_rows_and_exits_0(
    sqlite_url: str, tmp_path: Path
) -> None:
    rejects = tmp_path / "to-fix.csv"
    source = write(tmp_path, GOOD[0], BAD, GOOD[1])
    result = invoke(
        sqlite_url, "employers", "import", str(source), "--partial", "--rejects", str(rejects)
    )
    assert result.exit_code == 0, result.output
    assert employer_count(sqlite_url) == 2
    assert "with a reason column" in words(result.stdout)
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == HEADER + ",reason"
    assert lines[1].startswith(BAD + ",")


def test_dry_run_writes_nothing_and_exits_as_the_import_would(
    sqlite_url: str, tmp_path: Path
) -> None:
    clean = invoke(sqlite_url, "employers", "import", str(write(tmp_path, *GOOD)), "--dry-run")
    assert clean.exit_code == 0
    assert "Dry run: nothing was written." in clean.stdout
    failing = invoke(sqlite_url, "employers", "import", str(write(tmp_path, BAD)), "--dry-run")
    assert failing.exit_code == 1
    assert "nothing would be written" in failing.stderr
    assert employer_count(sqlite_url) == 0


def test_importing_the_same_file_again_is_all_unchanged_and_exits_0(
    sqlite_url: str, tmp_path: Path
) -> None:
    source = str(write(tmp_path, *GOOD))
    assert invoke(sqlite_url, "employers", "import", source).exit_code == 0
    again = invoke(sqlite_url, "employers", "import", source, "--json")
    assert again.exit_code == 0
    document = json.loads(again.stdout)
    assert document["counts"]["unchanged"] == 2
    assert document["written"] is False
    screen = invoke(sqlite_url, "employers", "import", source)
    assert "Nothing to change" in screen.stdout


def test_on_duplicate_update_changes_the_stored_employer(sqlite_url: str, tmp_path: Path) -> None:
    invoke(sqlite_url, "employers", "import", str(write(tmp_path, *GOOD)))
    changed = write(tmp_path, "Example Bakery,EX-1,53703,608-555-0109,no", name="changed.csv")
    rejected = invoke(sqlite_url, "employers", "import", str(changed))
    assert rejected.exit_code == 1
    updated = invoke(sqlite_url, "employers", "import", str(changed), "--on-duplicate", "update")
    assert updated.exit_code == 0
    assert "updated" in updated.stdout
    assert "Duplicates" in updated.stdout
    unknown = invoke(sqlite_url, "employers", "import", str(changed), "--on-duplicate", "merge")
    assert unknown.exit_code == 2


def test_standard_input_is_a_source(sqlite_url: str) -> None:
    data = ("\n".join([HEADER, *GOOD]) + "\n").encode("utf-8")
    result = invoke(sqlite_url, "employers", "import", "-", "--json", stdin=data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["created"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"Company,ZIP\nExample Bakery,53703\n", "no 'name' column"),
        ("name\nCaf\u00e9\n".encode("utf-16"), "not a plain CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error_line(
    sqlite_url: str, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "employers.csv"
    if content is not None:
        path.write_bytes(content)
    result = invoke(sqlite_url, "employers", "import", str(path))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: file.")
    assert message in line
    assert "Traceback" not in result.output


def test_seekers_and_visits_import_and_unknown_specialists_are_rejected(
    sqlite_url: str, tmp_path: Path
) -> None:
    with Database(sqlite_url) as db, db.unit_of_work() as uow:
        uow.specialists.add(Specialist(code="ab", name="Alex Example"))
        uow.commit()
    invoke(sqlite_url, "employers", "import", str(write(tmp_path, *GOOD)))
    seekers = write(tmp_path, "J-1,ab", "J-2,zz", header="Code,Specialist", name="s.csv")
    result = invoke(sqlite_url, "seekers", "import", str(seekers), "--json")
    assert result.exit_code == 1
    [rejection] = json.loads(result.stdout)["rejections"]
    assert (rejection["line"], rejection["field"]) == (3, "specialist")
    assert invoke(sqlite_url, "seekers", "import", str(seekers), "--partial").exit_code == 0
    visits = write(
        tmp_path,
        "EX-1,ab,2026-03-02T10:00-06:00,J-1",
        header="Employer,Specialist,At,Seekers",
        name="v.csv",
    )
    result = invoke(sqlite_url, "visits", "import", str(visits), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["created"] == 1


@pytest.mark.parametrize("group", ["employers", "seekers", "visits"])
def test_import_help_explains_and_gives_examples(group: str) -> None:
    result = CliRunner().invoke(main, [group, "import", "--help"])
    assert result.exit_code == 0
    assert "all or nothing" in words(result.stdout).lower()
    assert "Examples:" in result.stdout
    assert f"ips-jobdev {group} import" in result.stdout
    for option in ("--partial", "--dry-run", "--rejects", "--on-duplicate", "--json", "--db"):
        assert option in result.stdout


def test_the_progress_bar_draws_on_a_terminal_for_long_imports() -> None:
    app = App()
    out = io.StringIO()
    app.err_console = Console(file=out, force_terminal=True, width=80)
    with _progress_bar(app, "Importing employers") as progress:
        progress(1000, 4000)
        progress(4000, 4000)
    assert "Importing employers" in out.getvalue()
    quiet = App()
    quiet.err_console = Console(file=io.StringIO(), force_terminal=True)
    with _progress_bar(quiet, "Importing employers") as progress:
        progress(10, 20)  # a short import: no bar
    assert quiet.err_console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_a_plugin_that_fails_to_hear_of_an_import_is_a_short_warning_and_the_rows_stay(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ips_jobdev import _plugins, hookimpl

    class Broken:
        @hookimpl
        def record_changed(self, change: Any) -> None:
            raise RuntimeError(f"webhook down for {change.kind} {change.record_id}")

    manager = _plugins.make_plugin_manager(load_entry_points=False, plugins=[Broken()], environ={})
    monkeypatch.setattr(_plugins, "_shared", manager)
    rows = [f"Example Shop {i},EX-{i},53703,," for i in range(1, 9)]
    result = invoke(sqlite_url, "employers", "import", str(write(tmp_path, *rows)), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["created"] == 8
    warnings = result.stderr.splitlines()
    assert len(warnings) == SHOWN_PLUGIN_FAILURES + 1
    assert all(w.startswith("Warning: plugin ") for w in warnings[:-1])
    assert "failed: RuntimeError: webhook down for employer 1" in warnings[0]
    assert warnings[-1] == "Warning: and 3 more plugin failures."
    assert employer_count(sqlite_url) == 8

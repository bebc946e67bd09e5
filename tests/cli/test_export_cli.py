"""``ips-jobdev plugins`` and ``ips-jobdev export`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ips_jobdev import _plugins as plugins
from ips_jobdev.adapters.ics import IcsAdapter
from ips_jobdev.cli import main
from ips_jobdev.testing import records as std


@pytest.fixture(autouse=True)
def only_built_in_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh shared plugin manager with no third-party plugins for each test."""
    monkeypatch.setenv("IPS_JOBDEV_LOAD_PLUGINS", "")
    monkeypatch.setattr(plugins, "_shared", None)


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    """A SQLite file holding the standard records."""
    database, _ = std.standard_database(tmp_path)
    database.dispose()
    return database.url


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_plugins_lists_the_adapters_with_version_audience_and_options() -> None:
    result = cli("plugins", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [a["name"] for a in document["adapters"]] == ["csv", "ics", "json"]
    ics = document["adapters"][1]
    assert (ics["audience"], ics["record_kinds"]) == ("personal-calendar", ["visit"])
    assert ics["options"][0] == {
        "name": "out",
        "type": "Path",
        "help": "The .ics file to write (rewritten whole each time).",
        "required": True,
        "secret": False,
        "env": None,
        "default": None,
        "choices": [],
    }
    assert document["problems"] == []
    table = cli("plugins")
    assert "personal-calendar" in table.output
    assert "out*" in table.output


def test_export_ics_writes_the_file_and_a_second_run_sends_nothing(
    cli_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "ab.ics"
    first = cli("--db", cli_db, "export", "ics", "--specialist", "ab", "--out", str(out))
    assert first.exit_code == 0, first.output
    assert "Sent: 6 change(s). Records: 6 created." in first.output
    assert out.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    second = cli("--db", cli_db, "export", "ics", "--specialist", "ab", "--out", str(out))
    assert "Sent: 0 change(s). Records: 6 unchanged." in second.output


def test_a_dry_run_prints_what_would_be_sent_as_json_and_writes_nothing(
    cli_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    result = cli("--db", cli_db, "export", "csv", "-o", f"out={out}", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["dry_run"] is True
    assert document["counts"] == {"create": 14}
    assert document["options"] == {"out": str(out), "bom": True, "force": False}
    assert {item["record"]["kind"] for item in document["items"]} == {
        "employer",
        "person",
        "visit",
        "fit-note",
    }
    assert not out.exists()


def test_since_and_show_seekers_narrow_and_loosen_a_calendar(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "ab.ics"
    result = cli(
        "--db", cli_db, "export", "ics", "-s", "ab", "--since", "2026-12-08", "--out", str(out),
        "--show-seekers", "name", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"] == {"created": 3}
    everything = cli(
        "--db", cli_db, "export", "ics", "-s", "ab", "--out", str(out), "--show-seekers", "name",
        "--verbose",
    )  # fmt: skip
    assert "Maria Example" in everything.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "ics"], "Error: option.out: ics needs it; give --option out=VALUE"),
        (["export", "nope"], "Error: no adapter 'nope (installed: csv, ics, json)'"),
        (["export", "csv", "-o", "out"], "--option 'out': write it as name=value"),
        (["export", "ics", "--out", "x.ics", "-s", "zz"], "Error: no specialist 'zz'"),
        (["export", "ics", "--out", "x.ics", "--since", "soon"], "--since 'soon' is not a date"),
    ],
)
def test_mistakes_are_one_line_errors_with_exit_code_1(
    cli_db: str, args: list[str], message: str
) -> None:
    result = cli("--db", cli_db, *args)
    assert result.exit_code == 1
    assert message in result.output


def lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def test_an_unwritable_path_is_one_line_and_nothing_is_read(cli_db: str, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "a-file" / "visits.ics"
    result = cli("--db", cli_db, "export", "ics", "--out", str(out))
    assert result.exit_code == 1
    assert lines(result) == [f"Error: ics: cannot write {out}: Not a directory"]


def test_a_first_export_prints_the_counts_and_verbose_lists_every_record(
    cli_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "county"
    first = cli("--db", cli_db, "export", "csv", "--out", str(out))
    assert first.exit_code == 0, first.output
    assert lines(first) == [
        f"csv -> {out} (audience team)",
        "Sent: 14 change(s). Records: 14 created.",
    ]
    listed = cli("--db", cli_db, "export", "csv", "--out", str(tmp_path / "other"), "--verbose")
    assert all(f"visit-{n} " in listed.output for n in (1, 2, 3, 4, 5, 6, 8))
    assert "employer-1" in listed.output


def test_failures_are_summarised_by_reason_and_verbose_lists_each(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: IcsAdapter, change: Any, stamp: Any) -> Any:
        raise ValueError("no VTIMEZONE for this zone")

    monkeypatch.setattr(IcsAdapter, "build_event", refuse)
    out = tmp_path / "ab.ics"
    result = cli("--db", cli_db, "export", "ics", "-s", "ab", "--out", str(out))
    assert result.exit_code == 1
    [failed] = [line for line in lines(result) if line.startswith("Failed")]
    summary, _, first = failed.partition(" (first: ")
    assert summary == "Failed: 6 record(s): ValueError: no VTIMEZONE for this zone"
    assert len(first.split(", ")) == 5, "the first few records, not all"
    assert "Sent: 6 change(s). Records: 6 failed." in result.output
    assert "--verbose" in lines(result)[-1]
    verbose = cli("--db", cli_db, "export", "ics", "-s", "ab", "--out", str(out), "--verbose")
    each = [line for line in lines(verbose) if line.startswith("Failed: visit-")]
    assert len(each) == 6


def test_a_file_ips_jobdev_did_not_write_needs_force_and_a_link_is_refused(
    cli_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "notes.ics"
    out.write_text("my own notes\n", encoding="utf-8")
    refused = cli("--db", cli_db, "export", "ics", "--out", str(out))
    assert refused.exit_code == 1
    assert lines(refused) == [
        f"Error: ics: {out} already exists and was not written by ips-jobdev; use --force to "
        "replace it"
    ]
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    forced = cli("--db", cli_db, "export", "ics", "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    again = cli("--db", cli_db, "export", "ics", "--out", str(out))
    assert again.exit_code == 0, "its own file is replaced without --force"
    link = tmp_path / "link.ics"
    link.symlink_to(out)
    linked = cli("--db", cli_db, "export", "ics", "--out", str(link), "--force")
    assert linked.exit_code == 1
    assert "is a symbolic link; refusing to write through it" in linked.output


@pytest.mark.parametrize(
    "args",
    [
        ["export", "csv", "--dry-run", "--json"],
        ["export", "ics", "-s", "ab", "--json"],
        ["export", "ics", "-s", "ab", "--since", "2030-01-01", "--json"],
    ],
)
def test_the_json_document_written_item_by_item_is_the_usual_json(
    cli_db: str, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / ("county" if "csv" in args else "ab.ics")
    result = cli("--db", cli_db, *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert result.output == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert len(document["items"]) == sum(document["counts"].values())


def test_a_dry_run_shows_the_first_requests_shortened_and_verbose_shows_them_whole(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def preview(self: IcsAdapter, batch: Any, options: Any) -> list[dict[str, Any]]:
        return [
            {
                "url": f"https://crm.example.org/batch/{n}",
                "authorization": "Bearer ********",
                "inputs": [{"id": f"visit-{n}-{i}"} for i in range(50)],
                "note": "x" * 1000,
            }
            for n in range(8)
        ]

    monkeypatch.setattr(IcsAdapter, "preview", preview)
    args = ["--db", cli_db, "export", "ics", "-s", "ab", "--out", str(tmp_path / "ab.ics")]
    short = cli(*args, "--dry-run")
    assert short.exit_code == 0, short.output
    assert "'authorization': 'Bearer ********'" in short.output
    assert [n for n in range(8) if f"/batch/{n}'" in short.output] == [0, 1, 2, 3, 4]
    assert short.output.count("... and 48 more") == 5
    assert "visit-0-2'" not in short.output
    assert "... and 700 more characters" in short.output
    assert lines(short)[-1] == (
        "Preview: 8 request(s) or file(s), shortened; --verbose shows them whole."
    )
    assert len(lines(short)) < 100
    whole = cli(*args, "--dry-run", "--verbose")
    assert all(f"/batch/{n}'" in whole.output for n in range(8))
    assert "visit-7-49'" in whole.output
    assert not (tmp_path / "ab.ics").exists()

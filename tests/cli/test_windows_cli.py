"""``ips-jobdev employers windows``, and windows in ``employers show``, ``due`` and
``plan week``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ips_jobdev.cli import main


def _run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)
    return result.exit_code, result.output


def _setup(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'windows.sqlite3'}"
    employers = tmp_path / "employers.csv"
    employers.write_text(
        "name,zip,contact_name,contact_title\n"
        "Example Diner,53703,Dana Example,Manager\n"
        "Sample Depot,53704,,\n",
        encoding="utf-8",
    )
    assert _run(db, "employers", "import", str(employers))[0] == 0
    assert _run(db, "specialists", "add", "jd", "--name", "Jo Doe", "--office-zip", "53703")[0] == 0
    return db


def test_windows_are_set_shown_and_cleared(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    code, out = _run(db, "employers", "windows", "Example Diner", "tue-thu 2-4pm; NOT 11:30-13:30")
    assert code == 0
    assert "Example Diner: now Tue-Thu 14:00-16:00; not 11:30-13:30" in out
    code, out = _run(
        db, "employers", "windows", "Example Diner", "Mon 6-6:45am; note: before the shift",
        "--person", "dana example",
    )  # fmt: skip
    assert code == 0
    assert "Dana Example at Example Diner: now Mon 06:00-06:45; note: before the shift" in out
    code, out = _run(db, "employers", "windows", "Example Diner", "--json")
    document = json.loads(out)
    assert document["visiting_windows"] == "Tue-Thu 14:00-16:00; not 11:30-13:30"
    assert document["people"][0]["visiting_windows"] == "Mon 06:00-06:45; note: before the shift"
    assert document["changed"] is None
    code, out = _run(db, "employers", "show", "Example Diner", "--json")
    shown = json.loads(out)["employer"]
    assert shown["visiting_windows"] == "Tue-Thu 14:00-16:00; not 11:30-13:30"
    assert shown["people"][0]["visiting_windows"] == "Mon 06:00-06:45; note: before the shift"
    code, out = _run(db, "employers", "show", "Example Diner")
    assert "visiting windows: Tue-Thu 14:00-16:00; not 11:30-13:30" in out
    code, out = _run(db, "employers", "windows", "Example Diner", "--clear", "--json")
    assert (json.loads(out)["visiting_windows"], json.loads(out)["changed"]) == (None, True)


def test_text_that_does_not_follow_the_syntax_is_refused_and_nothing_changes(
    tmp_path: Path,
) -> None:
    db = _setup(tmp_path)
    _run(db, "employers", "windows", "Example Diner", "Tue 14-16")
    result = CliRunner().invoke(
        main, ["--db", db, "employers", "windows", "Example Diner", "Tue 16-14"]
    )
    assert result.exit_code != 0
    assert "16:00-14:00 ends before it starts" in result.output
    result = CliRunner().invoke(
        main, ["--db", db, "employers", "windows", "Example Diner", "Tue 9-10", "--person", "Pat"]
    )
    assert result.exit_code != 0
    assert "Pat at Example Diner (people there: Dana Example)" in result.output
    assert "Tue 14:00-16:00" in _run(db, "employers", "windows", "Example Diner")[1]


def test_the_plan_and_the_due_list_show_the_window(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    _run(db, "employers", "windows", "Example Diner", "Wed 14:00-15:00; note: side door")
    _run(
        db, "visits", "log", "Example Diner", "--specialist", "jd",
        "--at", "2026-11-20T10:00-06:00", "--purpose", "introduce",
    )  # fmt: skip
    code, out = _run(
        db, "plan", "week", "--specialist", "jd", "--week", "2026-W49", "--today", "2026-11-30",
        "--json",
    )  # fmt: skip
    assert code == 0, out
    visits = [v for d in json.loads(out)["days"] for v in d["visits"]]
    diner = next(v for v in visits if v["employer"] == "Example Diner")
    assert diner["start"].startswith("2026-12-02T14:")
    assert (diner["window"], diner["visiting_note"]) == ("Wed 14:00-15:00", "side door")
    assert diner["position"] == "zip-centroid"
    code, out = _run(
        db, "plan", "week", "--specialist", "jd", "--week", "2026-W49", "--today", "2026-11-30"
    )
    assert "window Wed" in out  # the table wraps the window onto two lines
    assert "14:00-15:00" in out
    assert "side door" in out
    code, out = _run(db, "due", "--specialist", "jd", "--on", "2026-11-30", "--json")
    item = next(i for i in json.loads(out)["items"] if i["name"] == "Example Diner")
    assert item["best_time"]["date"] == "2026-12-02"
    code, out = _run(db, "due", "--specialist", "jd", "--on", "2026-11-30")
    assert "best time" in out
    assert "Wed 2 Dec" in out

"""The how-to "Correct the record" works as written: its commands run in order on the
example county (a command shown with an ``Error:`` line fails with that one line), and its
Python example makes the same kinds of corrections, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ips_jobdev import Database, Specialist, import_employers, import_seekers, import_visits
from ips_jobdev.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
HOWTO = DOCS / "howto" / "correct-the-record.md"
EXAMPLE = DOCS / "examples" / "correct_the_record.py"


def _county(url: str) -> str:
    with Database(url) as db:
        with db.unit_of_work() as uow:
            uow.specialists.add(Specialist(code="ab", name="Alex Example"))
            uow.specialists.add(Specialist(code="mt", name="Mo Test"))
            uow.commit()
        for function, name in [
            (import_employers, "employers.csv"),
            (import_seekers, "seekers.csv"),
            (import_visits, "visits.csv"),
        ]:
            with db.unit_of_work() as uow:
                assert function(uow, DOCS / "examples" / name).ok
    return url


def _steps() -> list[tuple[list[str], str | None]]:
    """Each ``$ ...`` line of the how-to's console blocks, with the error line shown after
    it (if any)."""
    blocks = re.findall(r"```console\n(.*?)```", HOWTO.read_text(encoding="utf-8"), re.S)
    steps: list[tuple[list[str], str | None]] = []
    for block in blocks:
        lines = block.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("$ "):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                shown = following if following.startswith("Error: ") else None
                steps.append((shlex.split(line[2:]), shown))
    return steps


def _json(url: str, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--db", url, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_howto_commands_run_in_order(sqlite_url: str) -> None:
    url = _county(sqlite_url)
    env: dict[str, str] = {"IPS_JOBDEV_DB": url, "COLUMNS": "200"}
    steps = _steps()
    assert len(steps) >= 15
    for command, error in steps:
        if command[0] == "export":
            name, _, value = command[1].partition("=")
            env[name] = value
            continue
        assert command[0] == "ips-jobdev", command
        result = CliRunner(env=env).invoke(main, command[1:])
        if error is None:
            assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
        else:
            assert result.exit_code == 1, shlex.join(command)
            assert result.stderr.strip() == error

    visit = next(v for v in _json(url, "visits", "list")["visits"] if v["id"] == 1)
    assert (visit["purpose"], visit["seeker_present"]) == ("learn-business", True)
    assert [v["id"] for v in _json(url, "visits", "list", "--status", "voided")["visits"]] == [3]
    history = _json(url, "history", "visit", "1")
    assert history["entries"][-1]["actor"] == "ab", "IPS_JOBDEV_AS names who changed it"
    merged = _json(url, "history", "employer", "DC-0002")["record"]["merged_ids"]
    assert len(merged) == 1
    override = _json(url, "history", "employer", "DC-0003")["entries"][-1]
    assert override["reason"] == "the owner invited us back"
    person = _json(url, "history", "person", "11")
    assert person["record"]["label"] == "Jo Example"
    moved = _json(url, "seekers", "show", "P-2002")["seeker"]
    assert moved["specialist"] == "mt"


def _example() -> Any:
    spec = importlib.util.spec_from_file_location("correct_the_record", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _visit_id(url: str, employer: str, purpose: str) -> int:
    """A visit of the example county by what it is (bulk-imported ids follow no order on
    PostgreSQL)."""
    with Database(url) as db, db.unit_of_work() as uow:
        found = uow.employers.lookup(employer)
        [visit] = [v for v in uow.visits.between(employer_id=found.id) if v.purpose == purpose]
        assert visit.id is not None
        return visit.id


def test_the_python_example_corrects_and_reads_the_history(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _county(db_url)
    first = _visit_id(url, "DC-0001", "introduce")
    never_made = _visit_id(url, "Example Hardware", "introduce")
    history = _example().correct(url, first, never_made)
    assert [(e.action, e.actor) for e in history.entries] == [
        ("created", history.entries[0].actor),
        ("updated", "county-intake-script"),
    ]
    assert history.entries[-1].changes() == [
        ("purpose", "introduce", "learn-business"),
        ("seeker_present", False, True),
    ]
    assert f"visit #{first} purpose: introduce -> learn-business" in capsys.readouterr().out
    with Database(db_url) as db, db.unit_of_work() as uow:
        assert uow.visits.get(never_made).voided
        hardware = uow.employers.lookup("DC-0002")
        assert uow.employers.find_by_name("Example Hardware Store") == [], "merged away"
        assert hardware.name == "Example Hardware"

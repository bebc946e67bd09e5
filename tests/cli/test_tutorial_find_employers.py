"""The tutorial "Find employers for a job seeker" works as written: its commands run in
order and say what the page says, and its Python example ranks the employers."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_jobdev.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIAL = DOCS / "tutorials" / "find-employers-for-a-job-seeker.md"


def _commands() -> list[list[str]]:
    """Every ``$ ...`` line of the tutorial's console blocks, in order."""
    blocks = re.findall(r"```console\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
    return [
        shlex.split(line[2:]) for b in blocks for line in b.splitlines() if line.startswith("$ ")
    ]


def test_the_tutorial_commands_run_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("IPS_JOBDEV_DB", raising=False)
    monkeypatch.delenv("IPS_JOBDEV_MATCHING", raising=False)
    commands = _commands()
    assert len(commands) == 8
    outputs = []
    for command in commands:
        assert command[0] == "ips-jobdev", command
        result = CliRunner().invoke(main, command[1:])
        assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
        # box-drawing characters out, whitespace folded: tables read as plain words
        outputs.append(" ".join(re.sub("[\u2500-\u257f]", " ", result.stdout).split()))
    _, profile, ranked, explained, avoiding, weighted, note, targets = outputs
    assert "max miles: 6.0" in profile
    assert "Employers for J-1001 (138 considered, best first)" in ranked
    assert "left out by hard filters: do not contact 4, distance limit 158" in ranked
    assert ranked.index("Meadowlark Hill Hotel (#293) 0.89 4.0") < ranked.index("Kettle Hollow Inn")
    assert "1. Meadowlark Hill Hotel (#293): 0.8867" in explained
    assert "wage 1.5 unknown J-1001 has no lowest wage recorded" in explained
    assert "relationship 1 1.00 4 face-to-face visits in the last 180 days" in explained
    assert "avoided employer 1, avoided industry 9, distance limit 180" in avoiding
    assert "1 Kettle Hollow Inn (#123) 0.88 0.3" in weighted
    assert "schedule: partial" in note
    assert "1 Harrowgate Hotel (#211) 6 0.79" in targets
    assert not (tmp_path / "data-home").exists(), "the default database was not touched"


def test_the_python_example_ranks_with_the_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    built = CliRunner().invoke(main, ["--db", url, "demo", "--today", "2026-11-24"])
    assert built.exit_code == 0, built.output
    spec = importlib.util.spec_from_file_location(
        "find_employers", DOCS / "examples" / "find_employers.py"
    )
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    capsys.readouterr()
    assert example.main(url) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "note: only employers within 6 miles of home (J-1001's limit)"
    assert printed[1] == "0.87  Meadowlark Hill Hotel"
    assert "distance 0.67 4.0 miles; limit 6 by bus" in " ".join(printed[4].split())
    assert printed[-1] == "left out by hard filters: {'do_not_contact': 4, 'distance_limit': 158}"

"""The tutorial "Plan your week" works as written: its commands run in order, and its
Python example plans and saves a week."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_jobdev.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIAL = DOCS / "tutorials" / "plan-your-week.md"


def _commands() -> list[list[str]]:
    """Every ``$ ...`` line of the tutorial's console blocks, in order."""
    blocks = re.findall(r"```console\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
    return [
        shlex.split(line[2:])
        for block in blocks
        for line in block.splitlines()
        if line.startswith("$ ")
    ]


def test_the_tutorial_commands_run_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("IPS_JOBDEV_DB", raising=False)
    commands = _commands()
    assert len(commands) == 9
    outputs = []
    for command in commands:
        assert command[0] == "ips-jobdev", command
        result = CliRunner().invoke(main, command[1:])
        assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
        outputs.append(" ".join(result.stdout.split()))
    due, plan, _, saved = outputs[1:5]
    assert "job seeker J-1039" in due
    assert "Week 2026-W49 (30 Nov - 6 Dec 2026) for av Avery Example" in plan
    assert "Saved 5 planned visits." in saved
    planned = CliRunner().invoke(
        main,
        ["--db", "demo.sqlite3", "visits", "list", "-s", "av", "--status", "planned",
         "--from", "2026-11-30", "--to", "2026-12-06", "--json"],
    )  # fmt: skip
    reasons = [v["reason"] for v in json.loads(planned.stdout)["visits"]]
    assert sum(r is not None and r.startswith("follow-up due") for r in reasons) == 5
    assert not (tmp_path / "data-home").exists(), "the default database was not touched"


def test_the_python_example_plans_and_saves_the_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    built = CliRunner().invoke(main, ["--db", url, "demo", "--today", "2026-11-24"])
    assert built.exit_code == 0, built.output
    spec = importlib.util.spec_from_file_location("plan_week", DOCS / "examples" / "plan_week.py")
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    capsys.readouterr()
    assert example.main(url) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2] == "6 face-to-face visits, target 6"
    assert printed[-1] == "saved 5 planned visits"
    assert all(": follow-up due" in line for line in printed[:-2])

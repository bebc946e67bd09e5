"""The tutorial "A specialist's first session" works as written: its commands run in order."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_jobdev.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIAL = DOCS / "tutorials" / "specialist-first-steps.md"


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
    for name in ("employers.csv", "seekers.csv", "visits.csv"):
        shutil.copy(DOCS / "examples" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("IPS_JOBDEV_DB", raising=False)
    commands = _commands()
    assert len(commands) >= 12
    outputs: list[str] = []
    for command in commands:
        if command[0] == "export":
            name, _, value = command[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        assert command[0] == "ips-jobdev", command
        result = CliRunner().invoke(main, command[1:])
        assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
        outputs.append(result.stdout)

    assert (tmp_path / "demo.sqlite3").is_file()
    assert (tmp_path / "practice.sqlite3").is_file()
    assert not (tmp_path / "data-home").exists(), "the default database was not touched"

    runner = CliRunner()
    caseloads = json.loads(runner.invoke(main, ["specialists", "list", "--json"]).stdout)
    sizes = {s["code"]: s["caseload"] for s in caseloads["specialists"]}
    assert sizes["cd"] == 1
    assert sizes["ab"] >= 3
    visits = json.loads(runner.invoke(main, ["visits", "list", "-s", "ab", "--json"]).stdout)
    logged = visits["visits"] if isinstance(visits, dict) else visits
    assert [v["purpose"] for v in logged] == ["learn-business"]
    assert logged[0]["seekers"] == ["P-2001"]

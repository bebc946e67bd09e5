"""The README's command-line tour runs as written: the demo block on the demo county, the
"own program's data" block on a fresh database with the example CSV files."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_jobdev.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _tour_blocks() -> list[list[list[str]]]:
    """The console blocks of "A short tour", each as its commands (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```console\n(.*?)```", tour, flags=re.DOTALL)
    return [
        [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
        for block in blocks
    ]


def _run(commands: list[list[str]], home: Path) -> list[str]:
    outputs = []
    for command in commands:
        assert command[0] == "ips-jobdev", command
        args = [
            arg.replace("~", str(home), 1) if arg.startswith("~") else arg for arg in command[1:]
        ]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
        outputs.append(result.stdout)
    return outputs


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("employers.csv", "seekers.csv", "visits.csv"):
        shutil.copy(ROOT / "docs" / "examples" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    return tmp_path


def test_the_demo_tour_runs_on_the_demo_county(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_JOBDEV_DB", str(sandbox / "demo.sqlite3"))
    demo_tour = _tour_blocks()[0]
    assert len(demo_tour) >= 8
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    outputs = _run(demo_tour, sandbox)
    assert "J-1001" in outputs[1]
    assert (sandbox / "visits.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_the_own_data_tour_runs_on_a_fresh_database(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_JOBDEV_DB", str(sandbox / "practice.sqlite3"))
    own_data = _tour_blocks()[1]
    _run(own_data, sandbox)
    listing = CliRunner().invoke(main, ["specialists", "list", "--json"])
    assert listing.exit_code == 0
    caseloads = {s["code"]: s["caseload"] for s in json.loads(listing.stdout)["specialists"]}
    assert caseloads["ab"] == 0
    assert caseloads["cd"] >= 3

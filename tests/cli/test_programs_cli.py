"""``ips-jobdev programs add|edit|list`` and ``specialists add --program``, on SQLite and
PostgreSQL, with the ``--json`` documents."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner, Result

from ips_jobdev.cli import main


def invoke(url: str, *args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, ["--db", url, *args])


def document(url: str, *args: str) -> Any:
    result = invoke(url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_programs_add_list_and_edit(db_url: str) -> None:
    added = document(db_url, "programs", "add", "dane", "--name", "Dane County IPS")
    assert list(added["program"]) == ["id", "code", "name", "created_at"]
    assert added["program"]["code"] == "dane"
    result = invoke(db_url, "specialists", "add", "ae", "--name", "Alex Example")
    assert result.exit_code == 0, result.output
    listed = document(db_url, "programs", "list")
    assert listed == {
        "programs": [
            {
                **added["program"],
                "specialists": 1,
                "job_seekers": 0,
            }
        ]
    }
    edited = document(db_url, "programs", "edit", "dane", "--name", "Dane County IPS team")
    assert edited["program"]["name"] == "Dane County IPS team"
    table = invoke(db_url, "programs", "list")
    assert "Dane County IPS team" in table.output


def test_a_second_program_is_refused_on_sqlite_and_named_by_flag_on_postgresql(
    db_url: str,
) -> None:
    assert invoke(db_url, "programs", "add", "dane", "--name", "Dane County IPS").exit_code == 0
    second = invoke(db_url, "programs", "add", "rock", "--name", "Rock County IPS")
    if db_url.startswith("sqlite"):
        assert second.exit_code == 1
        assert "SQLite record holds one program" in second.stderr
        return
    assert second.exit_code == 0, second.output
    unnamed = invoke(db_url, "specialists", "add", "ae", "--name", "Alex Example")
    assert unnamed.exit_code == 1
    assert "several programs (dane, rock)" in unnamed.stderr
    named = invoke(
        db_url, "specialists", "add", "ae", "--name", "Alex Example", "--program", "rock"
    )
    assert named.exit_code == 0, named.output
    early = invoke(db_url, "--program", "dane", "specialists", "add", "bx", "--name", "Blair")
    assert early.exit_code == 0, early.output
    counts = {p["code"]: p["specialists"] for p in document(db_url, "programs", "list")["programs"]}
    assert counts == {"dane": 1, "rock": 1}
    unknown = invoke(db_url, "--program", "lake", "specialists", "list")
    assert unknown.exit_code == 1
    assert "lake" in unknown.stderr

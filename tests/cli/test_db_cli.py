"""``ips-jobdev db``: create and upgrade the schema; an out-of-date database is one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from ips_jobdev import SchemaOutOfDateError
from ips_jobdev._store import migrate
from ips_jobdev._store.database import make_engine
from ips_jobdev.cli import main

FIRST = "0001"


@pytest.fixture
def db_url(unmigrated_db_url: str) -> str:
    """Here a database starts with no schema at all: these tests are about making it."""
    return unmigrated_db_url


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _status(url: str) -> dict[str, object]:
    result = _run("--db", url, "db", "status", "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _at_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, revision)
    finally:
        engine.dispose()


def _stamp(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE alembic_version SET version_num = :v"), {"v": revision}
            )
    finally:
        engine.dispose()


def test_upgrade_creates_the_schema_in_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    result = _run("--db", str(path), "db", "upgrade")
    assert result.exit_code == 0, result.output
    head = migrate.head_revision()
    assert result.stdout.strip() == f"Upgraded the database from schema none to {head}."
    assert path.is_file()
    again = _run("--db", str(path), "db", "upgrade")
    assert again.stdout.strip() == f"The database is up to date (schema {head})."


def test_upgrade_json_reports_before_and_after(db_url: str) -> None:
    result = _run("--db", db_url, "db", "upgrade", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["before"] is None
    assert document["after"] == migrate.head_revision()
    assert "://" in document["url"]


def test_status_json_of_a_new_and_an_upgraded_database(db_url: str) -> None:
    head = migrate.head_revision()
    assert _status(db_url) == {
        "url": _status(db_url)["url"],
        "exists": not db_url.startswith("sqlite"),
        "schema": None,
        "latest": head,
        "up_to_date": False,
    }
    _run("--db", db_url, "db", "upgrade")
    status = _status(db_url)
    assert (status["schema"], status["latest"], status["up_to_date"]) == (head, head, True)


def test_status_json_hides_the_password(pg_url: str) -> None:
    url = str(_status(pg_url)["url"])
    assert url.startswith("postgresql+psycopg://ips_jobdev:***@")


def test_status_text_names_the_database_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    _run("--db", str(path), "db", "upgrade")
    result = _run("--db", str(path), "db", "status")
    assert f"Database: sqlite:///{path}" in result.stdout
    head = migrate.head_revision()
    assert f"Schema: {head} (this version needs {head})" in result.stdout


def test_status_keeps_a_long_schema_line_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a script reading the status must find the revision on its line, whatever its name
    path = tmp_path / "s.sqlite3"
    _run("--db", str(path), "db", "upgrade")
    current = migrate.head_revision()
    longer = "0099_a_revision_with_a_name_long_enough_to_pass_eighty_columns_on_its_line"
    monkeypatch.setattr(migrate, "head_revision", lambda: longer)
    result = _run("--db", str(path), "db", "status")
    assert f"Schema: {current} (this version needs {longer})\n" in result.stdout


def test_upgrade_brings_a_first_revision_database_up_to_date(db_url: str) -> None:
    _at_revision(db_url, FIRST)
    document = json.loads(_run("--db", db_url, "db", "upgrade", "--json").stdout)
    assert (document["before"], document["after"]) == (FIRST, migrate.head_revision())
    assert _status(db_url)["up_to_date"] is True


def test_a_command_on_an_out_of_date_database_is_one_line_and_exit_1(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if migrate.head_revision() == FIRST:  # while there is one revision, need a newer one
        monkeypatch.setattr(migrate, "head_revision", lambda: "0002_needed")
        monkeypatch.setattr(migrate, "known_revisions", lambda: {FIRST, "0002_needed"})
    _at_revision(db_url, FIRST)
    result = _run("--db", db_url, "specialists", "list")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: the database is at schema {FIRST}")
    assert "run `ips-jobdev db upgrade`" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_from_a_newer_version_is_refused_by_commands_and_by_upgrade(
    db_url: str,
) -> None:
    _run("--db", db_url, "db", "upgrade")
    _stamp(db_url, "9999_future")
    for args in (["specialists", "list"], ["db", "upgrade"]):
        result = _run("--db", db_url, *args)
        assert result.exit_code == 1, args
        assert result.stderr.count("\n") == 1
        assert "at schema 9999_future, newer than this ips-jobdev knows" in result.stderr
        assert "update ips-jobdev" in result.stderr
    assert _status(db_url)["schema"] == "9999_future", "upgrade changed nothing"


def test_upgrade_refuses_a_database_of_another_program(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE other_app_orders (id INTEGER PRIMARY KEY)"))
        result = _run("--db", db_url, "db", "upgrade")
        assert result.exit_code == 1
        assert "has tables but no ips-jobdev schema version" in result.stderr
        assert sa.inspect(engine).get_table_names() == ["other_app_orders"]
    finally:
        engine.dispose()


def test_debug_lets_the_exception_through(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'debug.sqlite3'}"
    _run("--db", url, "db", "upgrade")
    _stamp(url, "9999_future")
    result = _run("--debug", "--db", url, "specialists", "list")
    assert isinstance(result.exception, SchemaOutOfDateError)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from ips_jobdev.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_real_process_prints_one_line_and_with_debug_the_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'process.sqlite3'}"
    _run("--db", url, "db", "upgrade")
    _stamp(url, "9999_future")
    plain = _cli("--db", url, "specialists", "list")
    assert plain.returncode == 1
    assert plain.stderr.count("\n") == 1
    assert plain.stderr.startswith("Error: the database is at schema 9999_future")
    assert "Traceback" not in plain.stderr
    debug = _cli("--debug", "--db", url, "specialists", "list")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "SchemaOutOfDateError" in debug.stderr


def test_db_help_has_examples() -> None:
    for command in ("upgrade", "status"):
        result = _run("db", command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout

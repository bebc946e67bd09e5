"""The embedded database holds information about people in treatment: the default file is
created readable by its owner only (0600) in a folder only its owner can open (0700).
``IPS_JOBDEV_DB`` and ``--db`` choose another database; a plain path is a SQLite file."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ips_jobdev import Database, Employer
from ips_jobdev._store.database import (
    DATABASE_ENV,
    default_database_path,
    resolve_database_url,
)
from ips_jobdev.cli import main


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder points into the test's temporary folder; no $IPS_JOBDEV_DB."""
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    return home


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A careless umask (everything readable by everyone): privacy must not rely on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_default_file_is_in_the_user_data_folder(data_home: Path) -> None:
    assert default_database_path() == data_home / "ips-jobdev" / "ips-jobdev.sqlite3"
    assert resolve_database_url() == f"sqlite:///{data_home / 'ips-jobdev' / 'ips-jobdev.sqlite3'}"


def test_default_file_is_created_0600_in_a_0700_folder(data_home: Path, open_umask: None) -> None:
    with Database() as database, database.unit_of_work() as uow:
        uow.employers.add(Employer(name="Example Bakery"))
        uow.commit()
    path = default_database_path()
    assert path.is_file()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_default_folder_made_earlier_with_loose_permissions_is_closed(
    data_home: Path, open_umask: None
) -> None:
    folder = data_home / "ips-jobdev"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    Database().dispose()
    assert _mode(folder) == 0o700
    assert _mode(default_database_path()) == 0o600


def test_the_default_file_keeps_its_data_between_opens(data_home: Path) -> None:
    with Database() as database, database.unit_of_work() as uow:
        uow.employers.add(Employer(name="Example Bakery"))
        uow.commit()
    with Database() as database, database.unit_of_work() as uow:
        assert [e.name for e in uow.employers.list()] == ["Example Bakery"]


def test_environment_variable_chooses_another_sqlite_file(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    chosen = tmp_path / "county" / "team.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(chosen))
    with Database() as database:
        assert database.url == f"sqlite:///{chosen}"
    assert chosen.is_file()
    assert _mode(chosen) == 0o600, "any SQLite file ips-jobdev creates is owner-only"
    assert not default_database_path().exists()


def test_environment_variable_may_be_a_url(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.sqlite3'}"
    monkeypatch.setenv(DATABASE_ENV, url)
    assert resolve_database_url() == url
    Database().dispose()
    assert (tmp_path / "by-url.sqlite3").is_file()
    assert not default_database_path().exists()


def test_an_explicit_url_wins_over_the_environment(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_ENV, str(tmp_path / "from-env.sqlite3"))
    assert resolve_database_url(tmp_path / "given.sqlite3") == (
        f"sqlite:///{tmp_path / 'given.sqlite3'}"
    )


def test_an_empty_environment_variable_means_the_default(
    data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_ENV, "")
    assert resolve_database_url() == f"sqlite:///{default_database_path()}"


def test_a_plain_relative_path_is_a_sqlite_file_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_database_url("county.sqlite3") == f"sqlite:///{tmp_path / 'county.sqlite3'}"


def test_a_home_relative_path_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_database_url("~/ips.sqlite3") == f"sqlite:///{tmp_path / 'ips.sqlite3'}"


def _status(args: list[str]) -> dict[str, object]:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_cli_uses_the_default_file_when_nothing_is_chosen(data_home: Path) -> None:
    assert _status(["db", "upgrade", "--json"])["url"] == f"sqlite:///{default_database_path()}"
    assert _mode(default_database_path()) == 0o600


def test_cli_db_option_before_or_after_the_command_chooses_the_database(
    data_home: Path, tmp_path: Path
) -> None:
    before = tmp_path / "before.sqlite3"
    after = tmp_path / "after.sqlite3"
    assert _status(["--db", str(before), "db", "upgrade", "--json"])["url"] == f"sqlite:///{before}"
    assert _status(["db", "upgrade", "--json", "--db", str(after)])["url"] == f"sqlite:///{after}"
    assert before.is_file()
    assert after.is_file()
    assert not default_database_path().exists()


def test_cli_environment_variable_chooses_the_database(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "env.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(chosen))
    assert _status(["db", "upgrade", "--json"])["url"] == f"sqlite:///{chosen}"
    assert not default_database_path().exists()


def test_cli_db_option_wins_over_the_environment(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_ENV, str(tmp_path / "env.sqlite3"))
    given = tmp_path / "given.sqlite3"
    assert _status(["--db", str(given), "db", "status", "--json"])["url"] == f"sqlite:///{given}"
    assert not (tmp_path / "env.sqlite3").exists()

"""How the command line starts, opens databases and fails (issue 10, items 1, 5, 7, 8, 9).

Every failure is one line on stderr naming what to check, with the documented exit code;
no value of a job seeker's record is ever in it unless ``--debug`` was asked for (and that
warns first). Reproductions run as real processes where it matters: killed while creating
a database, a real PostgreSQL refusing a password, a port nothing listens on.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from ips_jobdev import Database, JobSeeker, Specialist
from ips_jobdev._store import migrate
from ips_jobdev._store.database import MissingDatabaseError, create_sqlite_file, make_engine
from ips_jobdev.cli import main
from ips_jobdev.errors import IpsJobdevError


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _env(tmp_path: Path) -> dict[str, str]:
    """A process environment with its own data and cache folders and no $IPS_JOBDEV_DB."""
    env = {k: v for k, v in os.environ.items() if k != "IPS_JOBDEV_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data-home")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache-home")
    return env


def _cli(tmp_path: Path, *args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"{prelude}from ips_jobdev.cli import main; main(prog_name='ips-jobdev')"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=_env(tmp_path),
    )


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- item 9: only db upgrade, demo and --create make a new database -----------------------


@pytest.mark.parametrize(
    "command",
    [
        ["specialists", "list"],
        ["employers", "list", "--json"],
        ["due", "--specialist", "av"],
        ["visits", "list"],
    ],
)
def test_a_command_on_a_missing_file_names_it_and_makes_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "contry" / "county.sqlite3"
    result = _run("--db", str(typo), *command)
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert f"there is no database at {typo}" in line
    assert "db upgrade" in line
    assert "--create" in line
    assert not typo.exists()
    assert not typo.parent.exists(), "no folder is made either"


def test_a_typo_in_the_environment_variable_makes_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_JOBDEV_DB", str(tmp_path / "cuonty.sqlite3"))
    result = _run("specialists", "list")
    assert result.exit_code == 1
    assert str(tmp_path / "cuonty.sqlite3") in _one_error_line(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_not_made_by_an_ordinary_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("IPS_JOBDEV_DB", raising=False)
    result = _run("specialists", "list")
    assert result.exit_code == 1
    assert "ips-jobdev.sqlite3" in _one_error_line(result.stderr)
    assert not (tmp_path / "data-home").exists()


def test_db_upgrade_demo_and_create_make_a_new_database(tmp_path: Path) -> None:
    upgraded, demo, created = (tmp_path / f"{n}.sqlite3" for n in ("up", "demo", "made"))
    assert _run("--db", str(upgraded), "db", "upgrade").exit_code == 0
    assert _run("--db", str(demo), "demo", "--today", "2026-11-24").exit_code == 0
    result = _run("--db", str(created), "--create", "specialists", "add", "ab", "--name", "A B")
    assert result.exit_code == 0, result.output
    # --create after the command, beside --db, works the same
    later = tmp_path / "later.sqlite3"
    result = _run("specialists", "list", "--db", str(later), "--create")
    assert result.exit_code == 0, result.output
    for path in (upgraded, demo, created, later):
        assert path.is_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert Database(path, create=False).schema_revision() == migrate.head_revision()


def test_db_status_of_a_missing_file_says_so_and_makes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "not-yet.sqlite3"
    result = _run("--db", str(path), "db", "status", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["exists"] is False
    text = _run("--db", str(path), "db", "status")
    assert "no database there yet" in text.stdout
    assert not path.exists()


def test_an_empty_postgresql_database_needs_db_upgrade(unmigrated_pg_url: str) -> None:
    result = _run("--db", unmigrated_pg_url, "specialists", "list")
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert "is empty (no ips-jobdev schema)" in line
    assert "db upgrade" in line
    engine = make_engine(unmigrated_pg_url)
    try:
        assert sa.inspect(engine).get_table_names() == [], "nothing was created"
    finally:
        engine.dispose()
    assert _run("--db", unmigrated_pg_url, "db", "upgrade").exit_code == 0
    assert _run("--db", unmigrated_pg_url, "specialists", "list").exit_code == 0


def test_the_library_still_creates_on_first_use_unless_told_not_to(tmp_path: Path) -> None:
    with pytest.raises(MissingDatabaseError, match="there is no database at"):
        Database(tmp_path / "nope.sqlite3", create=False)
    assert not (tmp_path / "nope.sqlite3").exists()
    Database(tmp_path / "yes.sqlite3").dispose()
    assert (tmp_path / "yes.sqlite3").is_file()


# -- item 8: connection problems are one line --------------------------------------------


def test_db_naming_a_folder_is_one_line(tmp_path: Path) -> None:
    result = _run("--db", str(tmp_path), "specialists", "list")
    assert result.exit_code == 1
    assert _one_error_line(result.stderr) == (
        f"Error: {tmp_path} is a folder, not a database file; give the path of a .sqlite3 "
        "file in it"
    )


def test_db_naming_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Maria Example, call back Tuesday\n" * 200, encoding="utf-8")
    before = notes.read_bytes()
    for command in (["specialists", "list"], ["db", "upgrade"], ["db", "status"]):
        result = _run("--db", str(notes), *command)
        assert result.exit_code == 1, command
        line = _one_error_line(result.stderr)
        assert f"{notes} is not a SQLite database" in line
        assert "Maria" not in line
    assert notes.read_bytes() == before


def test_a_postgres_url_says_to_write_postgresql_psycopg(tmp_path: Path) -> None:
    result = _run("--db", "postgres://ips:secret@db.example.org/ips", "specialists", "list")
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert "postgresql+psycopg://" in line
    assert "secret" not in line


def test_without_psycopg_the_message_says_what_to_install(tmp_path: Path) -> None:
    # a real process in which psycopg cannot be imported, as after `pip install ips-jobdev`
    url = "postgresql+psycopg://ips:secret@db.example.org/ips"
    for given in (url, "postgresql://ips:secret@db.example.org/ips"):
        done = _cli(
            tmp_path, "--db", given, "specialists", "list", prelude="import sys; "
            "sys.modules['psycopg'] = None; "
        )  # fmt: skip
        assert done.returncode == 1
        line = _one_error_line(done.stderr)
        assert 'pip install "ips-jobdev[postgres]"' in line
        assert "secret" not in line


def test_a_wrong_postgresql_password_is_one_line_without_the_password(
    tmp_path: Path, pg_url: str
) -> None:
    wrong = sa.make_url(pg_url).set(password="not-the-password-0142")
    url = wrong.render_as_string(hide_password=False)
    done = _cli(tmp_path, "--db", url, "specialists", "list")
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert "refused the user name or password" in line
    assert "not-the-password-0142" not in done.stderr
    assert f"{wrong.username}:***@" in line


def test_a_server_that_is_not_running_is_one_line(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens here
    url = f"postgresql+psycopg://ips:secret@127.0.0.1:{port}/ips"
    done = _cli(tmp_path, "--db", url, "specialists", "list")
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert f"nothing answers at 127.0.0.1:{port}" in line
    assert "is the PostgreSQL server running" in line
    assert "secret" not in line


# -- item 7: creating a database is atomic -------------------------------------------------


def _start_creation(tmp_path: Path, target: Path) -> subprocess.Popen[str]:
    code = "from ips_jobdev.cli import main; main(prog_name='ips-jobdev')"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(target), "db", "upgrade"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )


def _wait_for_temporary(folder: Path, process: subprocess.Popen[str]) -> bool:
    """Poll until the creation's temporary file appears (True) or the process ends."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(".creating-" in p.name for p in folder.iterdir()):
            return True
        time.sleep(0.0005)
    return False


def _is_complete(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return bool(version == migrate.head_revision())


@pytest.mark.slow
def test_kill_9_while_creating_leaves_no_database_and_the_next_creation_works(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    target = folder / "county.sqlite3"
    killed_during_creation = 0
    for _ in range(3):
        process = _start_creation(tmp_path, target)
        caught = _wait_for_temporary(folder, process)
        process.kill()
        process.wait()
        if caught and not target.exists():
            killed_during_creation += 1
        # nothing at the target, or a complete database: never tables without a version
        assert not target.exists() or _is_complete(target)
        target.unlink(missing_ok=True)
    assert killed_during_creation >= 1, "the kill never landed during the creation"
    # the next creation works, and removes what the killed ones left behind
    done = _cli(tmp_path, "--db", str(target), "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert _is_complete(target)
    assert [p.name for p in folder.iterdir()] == ["county.sqlite3"]


@pytest.mark.slow
def test_kill_9_at_any_moment_leaves_nothing_or_a_working_database(tmp_path: Path) -> None:
    target = tmp_path / "any-moment.sqlite3"
    for delay in (0.05, 0.2, 0.4, 0.8, 1.6):
        process = _start_creation(tmp_path, target)
        time.sleep(delay)
        process.kill()
        process.wait()
        assert not target.exists() or _is_complete(target), delay
        target.unlink(missing_ok=True)


@pytest.mark.slow
def test_ctrl_c_while_creating_exits_130_with_one_line_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    target = folder / "county.sqlite3"
    process = _start_creation(tmp_path, target)
    if not _wait_for_temporary(folder, process):
        pytest.fail("the creation finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr == "Interrupted.\n"
    assert stdout == ""
    assert list(folder.iterdir()) == [], "no database and no temporary file"


@pytest.mark.slow
def test_ctrl_c_during_a_long_command_exits_130_and_keeps_nothing_half_written(
    tmp_path: Path,
) -> None:
    target = tmp_path / "demo.sqlite3"
    assert _run("--db", str(target), "db", "upgrade").exit_code == 0
    code = "from ips_jobdev.cli import main; main(prog_name='ips-jobdev')"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(target), "demo", "--today", "2026-11-24"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    journal = tmp_path / "demo.sqlite3-journal"
    deadline = time.monotonic() + 60
    while not journal.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)  # until the demo's transaction has started writing
    assert process.poll() is None, "the demo finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip() == "Interrupted."
    assert "Aborted" not in stderr
    assert "Traceback" not in stderr
    with Database(target, create=False).unit_of_work() as uow:
        assert uow.employers.list(limit=1) == [], "the demo's transaction was rolled back"


def test_two_creations_at_once_keep_the_first_and_lose_nothing(tmp_path: Path) -> None:
    target = tmp_path / "race.sqlite3"

    def build_while_someone_else_finishes_first(engine: sa.Engine) -> None:
        migrate.upgrade(engine)
        create_sqlite_file(target, migrate.upgrade)  # the other process wins the race

    first_inode = None
    assert create_sqlite_file(target, build_while_someone_else_finishes_first) is False
    first_inode = target.stat().st_ino
    assert _is_complete(target)
    assert target.stat().st_ino == first_inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.sqlite3"]


def test_tables_without_a_schema_version_get_a_message_naming_the_file(tmp_path: Path) -> None:
    # what a creation killed by an older ips-jobdev left behind: ips-jobdev's empty tables
    leftover = tmp_path / "leftover.sqlite3"
    engine = make_engine(f"sqlite:///{leftover}")
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE alembic_version")
    finally:
        engine.dispose()
    for command in (["specialists", "list"], ["db", "upgrade"]):
        result = _run("--db", str(leftover), *command)
        assert result.exit_code == 1, command
        line = _one_error_line(result.stderr)
        assert f"delete {leftover}" in line
        assert "creation was interrupted" in line
    # another program's database: named, and left alone
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, who TEXT)")
        connection.execute("INSERT INTO orders (who) VALUES ('Maria Example')")
    result = _run("--db", str(other), "specialists", "list")
    line = _one_error_line(result.stderr)
    assert f"{other} has tables but no ips-jobdev schema version" in line
    assert "Maria" not in line


# -- item 5 (last part): a database readable by others is made private ---------------------


def test_an_existing_database_with_loose_modes_is_tightened_and_the_user_told(
    tmp_path: Path,
) -> None:
    path = tmp_path / "loose.sqlite3"
    assert _run("--db", str(path), "db", "upgrade").exit_code == 0
    path.chmod(0o644)
    result = _run("--db", str(path), "specialists", "list")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"Note: {path} was readable by other users (mode 0644)" in result.stderr
    again = _run("--db", str(path), "specialists", "list")
    assert again.stderr == "", "said once, when it was changed"


# -- item 1: errors never carry the record's values ----------------------------------------


def test_a_database_refusing_values_never_prints_them(db_url: str) -> None:
    database = Database(db_url)
    names = [f"Maria Example {i}" for i in range(10)]

    def add_the_caseload() -> None:
        with database.unit_of_work() as uow:
            spec = uow.specialists.add(Specialist(code="ab", name="Alex Example"))
            uow.flush()
            for i, name in enumerate(names):
                uow.seekers.add(JobSeeker(code=f"J-{i:04d}", name=name, specialist_id=spec.id))
            # the same code twice breaks a unique key; on PostgreSQL a NUL byte is refused
            uow.seekers.add(JobSeeker(code="J-0001", name="Nul\x00 Example", specialist_id=spec.id))
            uow.commit()

    try:
        with pytest.raises(IpsJobdevError) as caught:
            add_the_caseload()
    finally:
        database.dispose()
    message = str(caught.value)
    assert "\n" not in message
    for name in [*names, "Nul"]:
        assert name not in message
    assert "parameters" not in message
    assert "INSERT" not in message


def test_describe_error_keeps_names_and_drops_quoted_values() -> None:
    from ips_jobdev._store.database import _scrubbed

    assert _scrubbed('invalid input syntax for type integer: "Maria Example"') == (
        "invalid input syntax for type integer: …"
    )
    assert _scrubbed('duplicate key value violates unique constraint "uq_seekers_code"\n'
                     "DETAIL:  Key (code)=(J-0001) already exists.") == (
        'duplicate key value violates unique constraint "uq_seekers_code"'
    )  # fmt: skip
    assert _scrubbed('null value in column "name" of relation "employers"') == (
        'null value in column "name" of relation "employers"'
    )


def test_an_unexpected_exception_is_one_line_without_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.sqlite3"
    assert _run("--db", str(path), "db", "upgrade").exit_code == 0

    def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("Maria Example's disclosure choice")

    import ips_jobdev.cli.specialists

    monkeypatch.setattr(ips_jobdev.cli.specialists, "specialist_caseload", broken)
    result = _run("--db", str(path), "specialists", "show", "ab")
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert "Maria" not in line


# -- exit codes, --debug and Ctrl-C ---------------------------------------------------------


def test_usage_errors_exit_2() -> None:
    assert _run("--no-such-option").exit_code == 2
    assert _run("no-such-command").exit_code == 2
    assert _run("specialists", "add").exit_code == 2


def test_debug_warns_first_that_it_may_print_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "debug.sqlite3"
    done = _cli(tmp_path, "--debug", "--db", str(path), "specialists", "list")
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first.startswith("Warning: --debug prints whole errors and tracebacks")
    assert "personal data" in first
    assert "Traceback (most recent call last)" in done.stderr
    assert "MissingDatabaseError" in done.stderr


def test_ctrl_c_in_a_command_is_one_line_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.sqlite3"
    assert _run("--db", str(path), "db", "upgrade").exit_code == 0

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("ips_jobdev._store.unit_of_work.UnitOfWork.__enter__", interrupted)
    result = _run("--db", str(path), "specialists", "list")
    assert result.exit_code == 130
    assert result.stderr == "Interrupted.\n"
    assert "Aborted" not in result.output

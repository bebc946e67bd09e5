"""A real ``ips-jobdev employers import`` process, killed while it writes, leaves the SQLite
file exactly as it was: the import is one transaction."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ips_jobdev import Database, Employer, EmployerPerson
from ips_jobdev._store import tables

ROWS = 40_000


def _generate(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Industry", "City", "State", "ZIP", "Contact Name"])
        for i in range(ROWS):
            writer.writerow(
                [f"Example Shop {i}", "retail", "Madison", "WI", "53703", f"Pat Example {i}"]
            )


def _snapshot(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            employers = connection.execute(
                sa.select(tables.employers).order_by(tables.employers.c.id)
            ).all()
            people = connection.execute(
                sa.select(tables.employer_people).order_by(tables.employer_people.c.id)
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in employers], [tuple(row) for row in people]


@pytest.mark.slow
def test_killing_an_import_mid_write_leaves_the_database_as_it_was(
    sqlite_url: str, tmp_path: Path
) -> None:
    database = Database(sqlite_url)
    with database.unit_of_work() as uow:
        uow.employers.add_all(
            [
                Employer(name="Example Bakery", zip="53703", people=[EmployerPerson(name="Pat")]),
                Employer(name="Example Hardware", zip="53704"),
            ]
        )
        uow.commit()
    database.dispose()
    before = _snapshot(sqlite_url)
    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    journal = db_file.with_name(db_file.name + "-journal")
    size_before = db_file.stat().st_size
    source = tmp_path / "employers.csv"
    _generate(source)

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ips_jobdev",
            "--db",
            sqlite_url,
            "employers",
            "import",
            str(source),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    caught_writing = False
    deadline = time.monotonic() + 180
    try:
        while process.poll() is None and time.monotonic() < deadline:
            # writing has begun when the rollback journal exists and the database file has
            # grown: pages of the unfinished transaction are in the file itself
            if journal.exists() and db_file.stat().st_size > size_before + 1_000_000:
                os.kill(process.pid, signal.SIGKILL)
                caught_writing = True
                break
            time.sleep(0.005)
    finally:
        if process.poll() is None and not caught_writing:
            process.kill()
        _, stderr = process.communicate(timeout=60)
    assert caught_writing, f"the import ended before it could be killed: {stderr.decode()}"
    assert process.returncode == -signal.SIGKILL
    assert journal.exists(), "the killed transaction left its rollback journal"

    assert _snapshot(sqlite_url) == before
    assert not journal.exists()
    with Database(sqlite_url).unit_of_work() as uow:
        assert uow.employers.count() == 2

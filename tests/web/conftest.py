"""Fixtures of the web app's tests: the small record on SQLite and PostgreSQL, and the demo
county (SQLite) for the app and browser tests."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import ips_jobdev as jobdev
from ips_jobdev.demo import build_demo

sys.path.insert(0, str(Path(__file__).parent))

from records import build_small_record

DEMO_TODAY = dt.date(2026, 12, 4)
"""The demo county's history ends on Friday 4 December; its planned visits start on
Monday 7 December, the day the app is told it is."""


@pytest.fixture
def small(db: jobdev.Database) -> tuple[jobdev.Database, dict[str, int]]:
    """The small record (tests/web/records.py) on SQLite and on PostgreSQL."""
    return db, build_small_record(db)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo county, built once per run (copy it to write)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    database = jobdev.Database(f"sqlite:///{path}")
    with database.unit_of_work() as uow:
        build_demo(uow, today=DEMO_TODAY)
        uow.commit()
    database.dispose()
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[jobdev.Database]:
    """A private copy of the demo county."""
    copy = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, copy)
    database = jobdev.Database(f"sqlite:///{copy}")
    yield database
    database.dispose()

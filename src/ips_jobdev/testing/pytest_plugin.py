"""Pytest fixtures of the conformance kit.

Opt in from a ``conftest.py`` or test module::

    pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

Fixtures:

- ``jobdev_database``: an :class:`ips_jobdev.Database` on a new SQLite file holding the
  standard records (a copy of one made once per process, so it is quick);
- ``standard_records``: the :class:`~ips_jobdev.testing.records.StandardRecords` in it
  (ids, and the texts the privacy checks look for);
- ``jobdev_plugin_manager``: a fresh plugin manager (built-in plugins and those installed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pluggy
import pytest

from ips_jobdev._store import Database
from ips_jobdev.testing.records import StandardRecords, standard_database

__all__ = ["jobdev_database", "jobdev_plugin_manager", "standard_records"]


@pytest.fixture
def _jobdev_standard(tmp_path: Path) -> Iterator[tuple[Database, StandardRecords]]:
    database, records = standard_database(tmp_path / "jobdev")
    yield database, records
    database.dispose()


@pytest.fixture
def jobdev_database(_jobdev_standard: tuple[Database, StandardRecords]) -> Database:
    """A database on a new SQLite file holding the standard records."""
    return _jobdev_standard[0]


@pytest.fixture
def standard_records(_jobdev_standard: tuple[Database, StandardRecords]) -> StandardRecords:
    """The ids and marker texts of the standard records in ``jobdev_database``."""
    return _jobdev_standard[1]


@pytest.fixture
def jobdev_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager, so a test's registrations never leak into another's."""
    from ips_jobdev._plugins import make_plugin_manager

    return make_plugin_manager()

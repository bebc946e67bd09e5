"""Modules that moved in 0.2 still import from their old paths, with a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import ips_jobdev
from ips_jobdev._deprecated import MOVED_MODULES


@pytest.mark.parametrize(("old", "new"), sorted(MOVED_MODULES.items()))
def test_an_old_module_path_gives_the_new_module_and_warns(old: str, new: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=old.replace(".", r"\.")):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__name__ == new, "the module keeps its own name (no second copy)"


def test_a_name_imported_from_an_old_path_is_the_exported_one() -> None:
    sys.modules.pop("ips_jobdev.recording", None)
    with pytest.warns(DeprecationWarning, match="ips_jobdev.recording"):
        from ips_jobdev.recording import log_visit
    assert log_visit is ips_jobdev.log_visit


def test_a_submodule_of_a_moved_package_is_not_loaded_twice() -> None:
    sys.modules.pop("ips_jobdev.store", None)
    sys.modules.pop("ips_jobdev.store.tables", None)
    with pytest.warns(DeprecationWarning, match="ips_jobdev.store"):
        old = importlib.import_module("ips_jobdev.store.tables")
    assert old is importlib.import_module("ips_jobdev._store.tables")


def test_the_warning_points_at_the_importing_line_of_a_script(tmp_path) -> None:
    script = tmp_path / "county_tool.py"
    script.write_text("import ips_jobdev.recording\n")
    result = subprocess.run(
        [sys.executable, "-W", "always::DeprecationWarning", str(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"{script}:1: DeprecationWarning: ips_jobdev.recording is deprecated" in result.stderr


def test_the_package_itself_imports_no_moved_path() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "error::DeprecationWarning",
            "-c",
            "import ips_jobdev, ips_jobdev.cli, ips_jobdev.testing.conformance, ips_jobdev.demo",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr

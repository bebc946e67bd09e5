"""The public API is what ``ips_jobdev.__all__`` says, sorted and complete (as httpx checks)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types

import pytest

import ips_jobdev

CORE_NAMES = {
    # the record
    "Employer",
    "EmployerPerson",
    "JobFitNote",
    "JobOpening",
    "JobSeeker",
    "JobStart",
    "Preferences",
    "Specialist",
    "Visit",
    # errors
    "ConcurrentUpdateError",
    "IpsJobdevError",
    "NotFoundError",
    "SchemaOutOfDateError",
    "ValidationError",
    # the store
    "Database",
    "UnitOfWork",
    "open_store",
    # phones and the version
    "PhoneNumber",
    "parse_phone",
    "__version__",
}


def test_all_is_sorted_without_duplicates() -> None:
    assert ips_jobdev.__all__ == sorted(set(ips_jobdev.__all__))


def test_every_name_in_all_exists() -> None:
    missing = [name for name in ips_jobdev.__all__ if not hasattr(ips_jobdev, name)]
    assert missing == []


def test_every_public_name_the_package_imports_is_in_all() -> None:
    public = {
        name
        for name, value in vars(ips_jobdev).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # from __future__
    }
    assert public - set(ips_jobdev.__all__) == set()


def test_core_record_errors_and_store_are_exported() -> None:
    assert set(ips_jobdev.__all__) >= CORE_NAMES


def test_open_still_works_but_warns_and_is_not_exported() -> None:
    # ``open`` shadowed the builtin on ``import *``; it stays for one release with a warning
    with pytest.warns(DeprecationWarning, match="open_store"):
        assert ips_jobdev.open is ips_jobdev.open_store
    assert "open" not in ips_jobdev.__all__


@pytest.mark.parametrize("name", [n for n in ips_jobdev.__all__ if not n.startswith("_")])
def test_every_exported_class_and_function_has_a_docstring(name: str) -> None:
    value = getattr(ips_jobdev, name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"{name} has no docstring"


def _public_modules() -> list[str]:
    return sorted(
        f"ips_jobdev.{info.name}"
        for info in pkgutil.iter_modules(ips_jobdev.__path__)
        if not info.name.startswith("_")
    )


@pytest.mark.parametrize("module_name", _public_modules())
def test_each_public_module_all_names_only_what_it_has(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert inspect.getdoc(module), f"{module_name} has neither __all__ nor a docstring"
        return
    assert len(exported) == len(set(exported)), f"{module_name}.__all__ has duplicates"
    assert [name for name in exported if not hasattr(module, name)] == []


def test_the_public_modules_are_the_ones_plugins_and_scripts_are_told_to_use() -> None:
    # everything else is private (``_name``); its public names are exported by the root
    assert set(_public_modules()) == {
        "ips_jobdev.adapters",
        "ips_jobdev.cli",
        "ips_jobdev.cycles",
        "ips_jobdev.demo",
        "ips_jobdev.errors",
        "ips_jobdev.hookspecs",
        "ips_jobdev.matching",
        "ips_jobdev.privacy",
        "ips_jobdev.testing",
        "ips_jobdev.web",
    }

"""Every hook is documented in docs/reference/hooks.md, and that page's examples run."""

from __future__ import annotations

import datetime as dt
import importlib.util
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ips_jobdev import hookspecs
from ips_jobdev._geocoding import EmployerAddress
from ips_jobdev._notify import (
    notify_visit_completed,
    notify_visit_planned,
)
from ips_jobdev._plugins import (
    get_adapters,
    get_geocoders,
    get_travel_times,
    load_cycle_policies,
    load_match_factors,
    make_plugin_manager,
)
from ips_jobdev._sync.export import export
from ips_jobdev.adapters import Audience
from ips_jobdev.testing import records as std

DOCS = Path(__file__).parents[2] / "docs"
PAGE = (DOCS / "reference" / "hooks.md").read_text(encoding="utf-8")


def _hooks() -> list[tuple[str, list[str]]]:
    return [
        (name, list(inspect.signature(fn).parameters))
        for name, fn in vars(hookspecs).items()
        if callable(fn) and hasattr(fn, "ips_jobdev_spec")
    ]


def _section(name: str) -> str:
    start = PAGE.index(f"### `{name}(")
    following = PAGE.find("\n## ", start)
    following_hook = PAGE.find("\n### ", start + 1)
    ends = [i for i in (following, following_hook) if i != -1]
    return PAGE[start : min(ends) if ends else len(PAGE)]


def test_there_are_hooks_to_document() -> None:
    assert {name for name, _ in _hooks()} == {
        "register_adapters", "register_match_factors", "register_cycle_policies",
        "register_geocoders", "register_travel_times",
        "visit_planned", "visit_completed", "visit_cancelled", "record_changed",
    }  # fmt: skip


@pytest.mark.parametrize(("name", "params"), _hooks())
def test_every_hook_is_documented_with_its_parameters(name: str, params: list[str]) -> None:
    assert f"### `{name}({', '.join(params)})`" in PAGE
    section = _section(name)
    for param in params:
        assert re.search(rf"^`{param}`\n: ", section, re.MULTILINE), f"{name}: {param}"
    assert ":pyobject:" in section or ":start-after:" in section, f"{name} needs an example"


@pytest.mark.parametrize(("name", "params"), _hooks())
def test_every_hook_docstring_documents_its_parameters(name: str, params: list[str]) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    for param in params:
        assert f":param {param}:" in doc


@pytest.fixture
def examples(policy_registry: None) -> Iterator[Any]:
    spec = importlib.util.spec_from_file_location(
        "hook_examples", DOCS / "examples" / "hook_examples.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    from ips_jobdev import matching

    matching.unregister_factor("near_office")


def test_the_examples_on_the_page_run_as_a_plugin(
    examples: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ips_jobdev import cycles, matching

    pm = make_plugin_manager(load_entry_points=False, plugins=[examples], environ={})
    info = get_adapters(pm)["print"]
    assert info.audience is Audience.EMPLOYER_FACING
    database, records = std.standard_database(tmp_path)
    with database.unit_of_work() as uow:
        report = export(uow, info.adapter_class(), options={}, environ={})
    assert report.counts == {"created": 4}
    assert f"employer: create employer-{records.employer_ids['plain']}" in capsys.readouterr().out

    assert [f.name for f in load_match_factors(pm)] == ["near_office"]
    assert "near_office" in [f.name for f in matching.registered_factors()]
    assert load_cycle_policies(pm) == ["rural"]
    assert cycles.get_policy("rural").cold_after_days == 240

    [geocoder] = get_geocoders(pm)
    known = EmployerAddress(1, "100 Example St", "Madison", "WI", "53703")
    unknown = EmployerAddress(2, "1 Nowhere Rd", "Madison", "WI", "53704")
    assert list(geocoder.locate([known, unknown])) == [(43.0752, -89.3839), None]
    [travel] = get_travel_times(pm)
    assert travel.name == "osrm"
    asked: list[str] = []

    def fake_osrm(url: str) -> dict[str, Any]:
        asked.append(url)
        return {"distances": [[0, 1609.344], [3218.688, 0]], "durations": [[0, 120], [240, 0]]}

    travel.fetch = fake_osrm
    matrix = travel.matrix([(43.07, -89.38), (43.10, -89.35)])
    assert asked == [
        "http://127.0.0.1:5000/table/v1/driving/-89.38,43.07;-89.35,43.1"
        "?annotations=duration,distance"
    ]
    assert (matrix.miles, matrix.minutes) == (((0, 1), (2, 0)), ((0, 2), (4, 0)))

    with database.unit_of_work() as uow:
        visit = uow.visits.get(records.visit_ids["private"])
        assert notify_visit_planned(visit, uow, manager=pm) == []
        visit.complete(outcome="TEAM-OUTCOME owner will call back")
        assert notify_visit_completed(visit, uow, manager=pm) == []
    planned, completed = examples.SENT
    assert planned == {
        "text": "Planned: Present a job seeker: " + std.UNICODE_EMPLOYER + " (Quinn Private)"
    }
    assert completed["seekers"] == []
    assert "Quinn" not in str(completed)
    assert "TEAM-OUTCOME" not in str(completed)
    assert completed["start"] == dt.datetime(2026, 12, 7, 20, tzinfo=dt.UTC).isoformat()
    database.dispose()

"""The plugin manager: built-ins, entry points, validation in one place, events, registries."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import ips_jobdev
from ips_jobdev import Database, hookimpl
from ips_jobdev._notify import (
    notify_visit_cancelled,
    notify_visit_completed,
    notify_visit_planned,
    publish_events,
)
from ips_jobdev._plugins import (
    BUILTIN_HOOKS,
    DEFAULT_PLUGINS,
    get_adapter,
    get_adapters,
    load_cycle_policies,
    load_match_factors,
    make_plugin_manager,
    plugin_problems,
)
from ips_jobdev._records import VisitRecord
from ips_jobdev.adapters import Adapter, AdapterOption, Audience, ExportBatch, RecordKind
from ips_jobdev.errors import NotFoundError
from ips_jobdev.testing import records as std


class Good(Adapter):
    name = "good"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER})
    options = (AdapterOption("token", "A token.", secret=True),)

    def export(self, batch: ExportBatch) -> list[Any]:
        return []


def plugin(**hooks: Any) -> types.SimpleNamespace:
    """A plugin object with the given hook implementations."""
    return types.SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


def manager(*plugins: object, environ: dict[str, str] | None = None) -> Any:
    return make_plugin_manager(load_entry_points=False, plugins=plugins, environ=environ or {})


def test_the_built_in_adapters_are_registered_like_any_plugin() -> None:
    adapters = get_adapters(manager())
    assert list(adapters) == ["csv", "ics", "json"]
    ics = adapters["ics"]
    assert (ics.plugin, ics.version, ics.audience) == (
        "ips_jobdev.adapters.ics",
        ips_jobdev.__version__,
        Audience.PERSONAL_CALENDAR,
    )
    assert [o.name for o in ics.options] == ["out", "uid_domain", "calendar_name", "force"]
    assert adapters["json"].record_kinds == tuple(RecordKind)
    assert ics.to_dict()["capabilities"] == {
        "updates": True,
        "deletes": True,
        "cancel_style": "mark",
        "snapshot": True,
    }


class BadAudience(Good):
    name = "bad-audience"
    audience = "everyone"  # type: ignore[assignment]


class LeakyCalendar(Good):
    name = "leaky"
    audience = Audience.PERSONAL_CALENDAR
    record_kinds = frozenset({RecordKind.FIT_NOTE})


class TakesIcsName(Good):
    name = "ics"


class Unwritten(Adapter):
    name = "unwritten"
    audience = Audience.TEAM
    record_kinds = frozenset({RecordKind.VISIT})


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (BadAudience, "audience 'everyone' is not one of: team, personal-calendar"),
        (LeakyCalendar, "job-fit notes never leave the team"),
        (TakesIcsName, "an adapter named 'ics' is already registered"),
        (Unwritten, "export() is not written"),
        (object(), "is not a subclass of ips_jobdev.adapters.Adapter"),
    ],
)
def test_a_bad_registration_is_left_out_with_a_reason_and_the_rest_load(
    bad: object, message: str
) -> None:
    pm = manager(plugin(register_adapters=lambda register: (register(bad), register(Good))))
    adapters = get_adapters(pm)
    assert {"good", "ics", "csv", "json"} <= set(adapters)
    assert adapters["ics"].adapter_class.__name__ == "IcsAdapter"
    [problem] = plugin_problems(pm)
    assert message in problem


def test_a_plugin_whose_hook_raises_does_not_stop_the_others() -> None:
    def broken(register: Any) -> None:
        raise ImportError("no module named vendor_sdk")

    pm = manager(
        plugin(register_adapters=broken), plugin(register_adapters=lambda register: register(Good))
    )
    assert "good" in get_adapters(pm)
    assert any("no module named vendor_sdk" in p for p in plugin_problems(pm))


def test_an_unknown_adapter_names_those_installed() -> None:
    with pytest.raises(NotFoundError, match=r"nope \(installed: csv, ics, json\)"):
        get_adapter("nope", manager())


class FakeEntryPoint:
    def __init__(self, name: str, target: object) -> None:
        self.name = name
        self.target = target
        self.dist = types.SimpleNamespace(version="2.3.4")

    def load(self) -> object:
        if isinstance(self.target, Exception):
            raise self.target
        return self.target


@pytest.fixture
def entry_points(monkeypatch: pytest.MonkeyPatch) -> list[FakeEntryPoint]:
    points = [
        FakeEntryPoint("broken", ModuleNotFoundError("No module named 'vendor_sdk'")),
        FakeEntryPoint("good", plugin(register_adapters=lambda register: register(Good))),
    ]
    monkeypatch.setattr(
        "ips_jobdev._plugins.importlib.metadata.entry_points",
        lambda group: points if group == "ips_jobdev" else [],
    )
    return points


def test_entry_points_load_one_at_a_time_and_a_failing_import_is_logged_and_skipped(
    entry_points: list[FakeEntryPoint], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ips_jobdev._plugins"):
        pm = make_plugin_manager(environ={})
    adapters = get_adapters(pm)
    assert adapters["good"].version == "2.3.4"
    assert adapters["good"].plugin == "good"
    assert "plugin 'broken' failed to load: ModuleNotFoundError" in caplog.text
    assert any("broken" in p for p in plugin_problems(pm))


@pytest.mark.parametrize(
    ("setting", "expected"), [("good", {"good"}), ("", set()), (" broken , good ", {"good"})]
)
def test_ips_jobdev_load_plugins_chooses_which_entry_points_load(
    entry_points: list[FakeEntryPoint], setting: str, expected: set[str]
) -> None:
    pm = make_plugin_manager(environ={"IPS_JOBDEV_LOAD_PLUGINS": setting})
    assert set(get_adapters(pm)) - {"csv", "ics", "json"} == expected


def test_tracing_prints_hook_calls_to_standard_error(capsys: pytest.CaptureFixture[str]) -> None:
    pm = manager(environ={"IPS_JOBDEV_TRACE_PLUGINS": "1"})
    pm.hook.register_adapters(register=lambda adapter: None)
    assert "register_adapters" in capsys.readouterr().err


def _visit() -> VisitRecord:
    start = dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)
    return VisitRecord(
        id=1,
        employer_id=1,
        employer_name="Example Bakery",
        specialist_code="ab",
        specialist_name="Alex Example",
        timezone="America/Chicago",
        start=start,
        end=start + dt.timedelta(minutes=30),
        mode="in-person",
        purpose="introduce",
        status="planned",
        title="Introduce: Example Bakery",
        description="Purpose: Introduce",
    )  # type: ignore[arg-type]


def test_one_failing_event_hook_does_not_silence_the_others() -> None:
    heard: list[tuple[str, str]] = []

    def fails(visit: VisitRecord) -> None:
        raise RuntimeError("webhook down")

    pm = manager(
        plugin(visit_planned=lambda visit: heard.append(("first", visit.title))),
        plugin(visit_planned=fails, visit_cancelled=fails),
        plugin(
            visit_planned=lambda visit: heard.append(("third", visit.title)),
            visit_completed=lambda visit: heard.append(("done", visit.title)),
        ),
    )
    failures = notify_visit_planned(_visit(), manager=pm)
    assert sorted(heard) == [
        ("first", "Introduce: Example Bakery"),
        ("third", "Introduce: Example Bakery"),
    ]
    assert [(f.hook, f.error) for f in failures] == [
        ("visit_planned", "RuntimeError: webhook down")
    ]
    assert notify_visit_completed(_visit(), manager=pm) == []
    assert len(notify_visit_cancelled(_visit(), manager=pm)) == 1


class _Unreadable(list[Any]):
    """A long list of events that must not be read."""

    def __iter__(self) -> Any:
        raise AssertionError("the events were read")


def test_no_event_is_read_when_no_plugin_listens_to_events() -> None:
    # an import commits 100,000 events: with no listener, not one is looked at
    quiet = manager(plugin(register_geocoders=lambda register: None))
    assert publish_events(None, _Unreadable([None] * 3), manager=quiet) == []


def test_events_about_a_stored_visit_get_the_team_record(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    records = std.load_standard_records(database)
    heard: list[VisitRecord] = []
    pm = manager(plugin(visit_planned=lambda visit: heard.append(visit)))
    with database.unit_of_work() as uow:
        visit = uow.visits.get(records.visit_ids["private"])
        assert notify_visit_planned(visit, uow, manager=pm) == []
    [record] = heard
    assert record.seekers[0].name == "Quinn Private"
    assert record.reason is not None
    with pytest.raises(TypeError, match="give the unit of work"):
        notify_visit_planned(visit, manager=pm)
    database.dispose()


def test_match_factors_go_to_the_matching_registry_once(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[Any] = []

    def register_factor(factor: Any) -> Any:
        if factor == "taken":
            raise ValueError("'taken' is already registered")
        handed.append(factor)
        return factor

    fake = types.ModuleType("ips_jobdev.matching")
    fake.register_factor = register_factor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ips_jobdev.matching", fake)
    pm = manager(
        plugin(register_match_factors=lambda register: [register("near"), register("taken")])
    )
    assert load_match_factors(pm) == ["near"]
    assert load_match_factors(pm) == []
    assert handed == ["near"]
    assert any("'taken' is already registered" in p for p in plugin_problems(pm))


def test_cycle_policies_go_to_the_cycles_registry_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: dict[str, Any] = {}
    fake = types.ModuleType("ips_jobdev.cycles")
    fake.register_policy = handed.__setitem__  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ips_jobdev.cycles", fake)
    policy = object()
    pm = manager(plugin(register_cycle_policies=lambda register: register("rural", policy)))
    assert load_cycle_policies(pm) == ["rural"]
    assert load_cycle_policies(pm) == []
    assert handed == {"rural": policy}


@pytest.mark.usefixtures("policy_registry")
def test_the_real_registries_accept_what_plugins_register() -> None:
    from ips_jobdev import cycles, matching

    policy = cycles.get_policy("ips-default")
    pm = manager(plugin(register_cycle_policies=lambda register: register("plugin-copy", policy)))
    assert load_cycle_policies(pm) == ["plugin-copy"]
    assert cycles.get_policy("plugin-copy") is policy
    assert callable(matching.register_factor)


def test_the_built_in_plugins_stand_ins_cover_every_hook_their_modules_implement() -> None:
    # the manager registers a stand-in per built-in module (imported on first call), so a
    # hook a built-in module implements must be one the stand-in forwards
    for dotted in DEFAULT_PLUGINS:
        module = importlib.import_module(dotted)
        implemented = {
            name
            for name, value in vars(module).items()
            if callable(value) and hasattr(value, "ips_jobdev_impl")
        }
        assert implemented == BUILTIN_HOOKS, dotted

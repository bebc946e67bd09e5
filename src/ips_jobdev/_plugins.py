"""The plugin manager: built-in adapters, entry-point plugins, and the registries they feed.

- :func:`make_plugin_manager` builds a fresh ``pluggy.PluginManager("ips_jobdev")`` with
  the hooks of :mod:`ips_jobdev.hookspecs`, the built-in plugins (:data:`DEFAULT_PLUGINS`,
  registered by dotted path) and the plugins installed under the entry-point group
  ``ips_jobdev``, loaded one at a time: one that fails to import is logged and skipped.
- ``IPS_JOBDEV_LOAD_PLUGINS``: a comma-separated list of entry-point names to load (empty:
  none); built-in plugins always load. ``IPS_JOBDEV_TRACE_PLUGINS=1`` prints every hook
  call to standard error.
- :func:`get_adapters` collects the adapters, validating each registration in one place
  (:func:`ips_jobdev.adapters._base.validate_adapter_class`).
- :func:`load_match_factors` and :func:`load_cycle_policies` hand plugins' factors and
  policies to :mod:`ips_jobdev.matching` and :mod:`ips_jobdev.cycles`.
- :func:`get_geocoders` and :func:`get_travel_times` collect the plugins' geocoders and
  travel-time providers for the planner (the built-in ones are not registered: they are
  the fallback).
- The event hooks are called by :mod:`ips_jobdev._notify` after a commit.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from ips_jobdev import hookspecs
from ips_jobdev._version import __version__
from ips_jobdev.errors import AdapterError, NotFoundError

if TYPE_CHECKING:
    # the adapters' base (and the export records) load only when adapters are listed: the
    # planner asks this module for travel times and geocoders on every plan
    from ips_jobdev._geocoding import Geocoder
    from ips_jobdev._records import Audience, RecordKind
    from ips_jobdev._travel import TravelTimes
    from ips_jobdev.adapters._base import Adapter, AdapterOption, Capabilities

__all__ = [
    "BUILTIN_HOOKS",
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "AdapterInfo",
    "get_adapter",
    "get_adapters",
    "get_geocoders",
    "get_plugin_manager",
    "get_travel_times",
    "load_cycle_policies",
    "load_match_factors",
    "make_plugin_manager",
    "plugin_name",
    "plugin_problems",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ips_jobdev"
"""The entry-point group third-party plugins register under."""

DEFAULT_PLUGINS: tuple[str, ...] = (
    "ips_jobdev.adapters.ics",
    "ips_jobdev.adapters.tabular",
)
"""The built-in plugins, registered by dotted path."""

BUILTIN_HOOKS = frozenset({"register_adapters"})
"""The hooks the built-in plugins implement (a test checks it against their modules)."""


class _BuiltinPlugin:
    """A built-in plugin, registered under its dotted path and imported only when one of
    its hooks is called: the ics adapter needs icalendar, which a command that never
    lists or runs an adapter (due, plan, match) does not have to load."""

    def __init__(self, dotted: str) -> None:
        self.dotted = dotted

    @hookspecs.hookimpl
    def register_adapters(self, register: Any) -> None:
        """The module's own ``register_adapters``."""
        importlib.import_module(self.dotted).register_adapters(register)


_state_lock = threading.Lock()
_shared: pluggy.PluginManager | None = None


@attrs.frozen(slots=True)
class AdapterInfo:
    """One registered adapter: its class and what it declares, with the plugin it came from."""

    name: str
    adapter_class: type[Adapter]
    plugin: str
    version: str
    audience: Audience
    record_kinds: tuple[RecordKind, ...]
    options: tuple[AdapterOption, ...]
    capabilities: Capabilities
    description: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (one entry of ``ips-jobdev plugins --json``)."""
        return {
            "name": self.name,
            "plugin": self.plugin,
            "version": self.version,
            "audience": self.audience.value,
            "record_kinds": [k.value for k in self.record_kinds],
            "description": self.description,
            "capabilities": {
                "updates": self.capabilities.updates,
                "deletes": self.capabilities.deletes,
                "cancel_style": self.capabilities.cancel_style.value,
                "snapshot": self.capabilities.snapshot,
            },
            "options": [
                {
                    "name": o.name,
                    "type": o.type.__name__,
                    "help": o.help,
                    "required": o.required,
                    "secret": o.secret,
                    "env": o.env,
                    "default": None if o.secret or o.default is None else str(o.default),
                    "choices": list(o.choices),
                }
                for o in self.options
            ],
        }


class _Registry:
    """What a manager collected: adapters, problems, versions (kept on the manager)."""

    def __init__(self) -> None:
        self.adapters: dict[str, AdapterInfo] | None = None
        self.problems: list[str] = []
        self.versions: dict[str, str] = {}
        self.fed_factors: set[int] = set()
        self.fed_policies: set[str] = set()
        self.geocoders: list[Geocoder] | None = None
        self.travel_times: list[TravelTimes] | None = None


def _registry(manager: pluggy.PluginManager) -> _Registry:
    registry = getattr(manager, "_ips_jobdev_registry", None)
    if registry is None:
        registry = _Registry()
        manager._ips_jobdev_registry = registry  # type: ignore[attr-defined]
    return registry


def _wanted_entry_points(environ: Mapping[str, str]) -> set[str] | None:
    raw = environ.get("IPS_JOBDEV_LOAD_PLUGINS")
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def make_plugin_manager(
    *,
    load_entry_points: bool = True,
    plugins: Sequence[object] = (),
    environ: Mapping[str, str] | None = None,
) -> pluggy.PluginManager:
    """A fresh plugin manager with the hooks, the built-in plugins and installed plugins.

    Args:
        load_entry_points: also load plugins installed under the ``ips_jobdev`` group.
        plugins: more plugin objects or modules to register (tests use this).
        environ: where to read ``IPS_JOBDEV_LOAD_PLUGINS`` and ``IPS_JOBDEV_TRACE_PLUGINS``.
    """
    environ = os.environ if environ is None else environ
    manager = pluggy.PluginManager("ips_jobdev")
    manager.add_hookspecs(hookspecs)
    registry = _registry(manager)
    for dotted in DEFAULT_PLUGINS:
        manager.register(_BuiltinPlugin(dotted), name=dotted)
        registry.versions[dotted] = __version__
    wanted = _wanted_entry_points(environ)
    if load_entry_points:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if wanted is not None and entry_point.name not in wanted:
                continue
            if manager.get_plugin(entry_point.name) is not None:
                continue
            try:
                plugin = entry_point.load()
                manager.register(plugin, name=entry_point.name)
            except Exception as exc:
                message = f"plugin {entry_point.name!r} failed to load: {type(exc).__name__}: {exc}"
                log.warning("%s", message)
                registry.problems.append(message)
                continue
            dist = entry_point.dist
            registry.versions[entry_point.name] = dist.version if dist is not None else ""
    for plugin in plugins:
        name = manager.register(plugin)
        if name is not None:
            registry.versions.setdefault(name, "")
    manager.check_pending()
    if environ.get("IPS_JOBDEV_TRACE_PLUGINS", "").strip().lower() in ("1", "true", "yes", "on"):
        manager.trace.root.setwriter(lambda text: print(text, end="", file=sys.stderr))
        manager.enable_tracing()
    return manager


def get_plugin_manager() -> pluggy.PluginManager:
    """The shared plugin manager, made on first use (CLI and use cases use this one)."""
    global _shared
    with _state_lock:
        if _shared is None:
            _shared = make_plugin_manager()
        return _shared


def plugin_name(manager: pluggy.PluginManager, impl: Any) -> str:
    """The name a hook implementation's plugin was registered under."""
    return impl.plugin_name or str(manager.get_name(impl.plugin))


def _call_registration(
    manager: pluggy.PluginManager, hook_name: str, make_register: Callable[[str], Any]
) -> None:
    """Call one registration hook plugin by plugin, built-ins first, each with its own
    ``register`` (so a registration knows its plugin, and one failing plugin stops nobody)."""
    registry = _registry(manager)
    impls = getattr(manager.hook, hook_name).get_hookimpls()
    # pluggy calls the last registered plugin first; built-ins go first here so that a
    # third-party adapter cannot take a built-in adapter's name.
    ordered = sorted(impls, key=lambda i: plugin_name(manager, i) not in DEFAULT_PLUGINS)
    for impl in ordered:
        plugin = plugin_name(manager, impl)
        try:
            impl.function(**{arg: make_register(plugin) for arg in impl.argnames})
        except Exception as exc:
            message = f"plugin {plugin!r}: {hook_name} raised {type(exc).__name__}: {exc}"
            log.warning("%s", message)
            registry.problems.append(message)


def get_adapters(manager: pluggy.PluginManager | None = None) -> dict[str, AdapterInfo]:
    """Every valid registered adapter, by name (sorted). Invalid ones are logged and left out."""
    manager = manager or get_plugin_manager()
    registry = _registry(manager)
    if registry.adapters is not None:
        return registry.adapters
    from ips_jobdev._records import RecordKind
    from ips_jobdev.adapters._base import validate_adapter_class

    found: dict[str, AdapterInfo] = {}

    def make_register(plugin: str) -> Callable[[Any], None]:
        def register(adapter: Any) -> None:
            try:
                cls = validate_adapter_class(adapter, found)
            except AdapterError as exc:
                message = f"plugin {plugin!r}: {exc}"
                log.warning("%s", message)
                registry.problems.append(message)
                return
            found[cls.name] = AdapterInfo(
                name=cls.name,
                adapter_class=cls,
                plugin=plugin,
                version=cls.version or registry.versions.get(plugin, ""),
                audience=cls.audience,
                record_kinds=tuple(k for k in RecordKind if k in cls.record_kinds),
                options=tuple(cls.options),
                capabilities=cls.capabilities,
                description=cls.description or (cls.__doc__ or "").strip().split("\n")[0],
            )

        return register

    _call_registration(manager, "register_adapters", make_register)
    registry.adapters = dict(sorted(found.items()))
    return registry.adapters


def get_adapter(name: str, manager: pluggy.PluginManager | None = None) -> AdapterInfo:
    """The adapter registered under ``name``.

    Raises:
        NotFoundError: no such adapter (the message lists those installed).
    """
    adapters = get_adapters(manager)
    if name not in adapters:
        known = ", ".join(adapters) or "none"
        raise NotFoundError("adapter", f"{name} (installed: {known})")
    return adapters[name]


def plugin_problems(manager: pluggy.PluginManager | None = None) -> list[str]:
    """Plugins that failed to load or registered something invalid (after :func:`get_adapters`)."""
    manager = manager or get_plugin_manager()
    get_adapters(manager)
    return list(_registry(manager).problems)


def load_match_factors(manager: pluggy.PluginManager | None = None) -> list[Any]:
    """Hand every plugin's match factors to ``ips_jobdev.matching.register_factor``.

    Safe to call more than once: a factor is handed over once per manager. Returns the
    factors handed over by this call.
    """
    manager = manager or get_plugin_manager()
    registry = _registry(manager)
    collected: list[Any] = []

    def make_register(plugin: str) -> Callable[[Any], None]:
        def register(factor: Any) -> None:
            collected.append(factor)

        return register

    _call_registration(manager, "register_match_factors", make_register)
    fresh = [f for f in collected if id(f) not in registry.fed_factors]
    if not fresh:
        return []
    matching = importlib.import_module("ips_jobdev.matching")
    handed: list[Any] = []
    for factor in fresh:
        try:
            matching.register_factor(factor)
        except Exception as exc:
            registry.problems.append(f"match factor {factor!r} refused: {exc}")
            log.warning("match factor %r refused: %s", factor, exc)
            continue
        registry.fed_factors.add(id(factor))
        handed.append(factor)
    return handed


def load_cycle_policies(manager: pluggy.PluginManager | None = None) -> list[str]:
    """Hand every plugin's cycle policies to ``ips_jobdev.cycles.register_policy``.

    Safe to call more than once. Returns the names handed over by this call.
    """
    manager = manager or get_plugin_manager()
    registry = _registry(manager)
    collected: list[tuple[str, Any]] = []

    def make_register(plugin: str) -> Callable[[str, Any], None]:
        def register(name: str, policy: Any) -> None:
            collected.append((name, policy))

        return register

    _call_registration(manager, "register_cycle_policies", make_register)
    fresh = [(n, p) for n, p in collected if n not in registry.fed_policies]
    if not fresh:
        return []
    cycles = importlib.import_module("ips_jobdev.cycles")
    handed: list[str] = []
    for name, policy in fresh:
        try:
            cycles.register_policy(name, policy)
        except Exception as exc:
            registry.problems.append(f"cycle policy {name!r} refused: {exc}")
            log.warning("cycle policy %r refused: %s", name, exc)
            continue
        registry.fed_policies.add(name)
        handed.append(name)
    return handed


def _named_providers(
    manager: pluggy.PluginManager, hook_name: str, kind: str, method: str
) -> list[Any]:
    """The objects a registration hook registered, in plugin order, each with a lower-case
    ``name`` and a callable ``method``; others (and repeated names) are logged and left out."""
    registry = _registry(manager)
    found: list[Any] = []

    def make_register(plugin: str) -> Callable[[Any], None]:
        def register(provider: Any) -> None:
            name = getattr(provider, "name", None)
            problem = None
            if not isinstance(name, str) or not name or name != name.lower():
                problem = f"a {kind} needs a lower-case name, got {name!r}"
            elif not callable(getattr(provider, method, None)):
                problem = f"{kind} {name!r} has no {method}() method"
            elif any(p.name == name for p in found):
                problem = f"{kind} name {name!r} is already taken"
            if problem is not None:
                message = f"plugin {plugin!r}: {problem}"
                log.warning("%s", message)
                registry.problems.append(message)
                return
            found.append(provider)

        return register

    _call_registration(manager, hook_name, make_register)
    return found


def get_geocoders(manager: pluggy.PluginManager | None = None) -> list[Geocoder]:
    """The geocoders plugins registered, in the order the planner asks them (before the
    built-in ZIP-centroid geocoder)."""
    manager = manager or get_plugin_manager()
    registry = _registry(manager)
    if registry.geocoders is None:
        registry.geocoders = _named_providers(manager, "register_geocoders", "geocoder", "locate")
    return list(registry.geocoders)


def get_travel_times(manager: pluggy.PluginManager | None = None) -> list[TravelTimes]:
    """The travel-time providers plugins registered; the planner uses the first (the
    built-in straight-line estimate when there is none)."""
    manager = manager or get_plugin_manager()
    registry = _registry(manager)
    if registry.travel_times is None:
        registry.travel_times = _named_providers(
            manager, "register_travel_times", "travel-time provider", "matrix"
        )
    return list(registry.travel_times)

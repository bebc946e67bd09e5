"""Telling plugins what happened: the event hooks, called after a commit.

The unit of work hands its events to a publisher after a successful commit
(:mod:`ips_jobdev._events`); :func:`default_publisher` tells the plugins of the shared
manager, :func:`event_publisher` those of a given manager. Each implementation is called
on its own: one that raises is logged and kept on ``uow.hook_failures``, and neither stops
the others nor undoes the change. Visit hooks get the visit described for the team
audience (read in one batch, :mod:`ips_jobdev._sync.gather`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pluggy

from ips_jobdev._events import (
    Event,
    RecordChanged,
    VisitCancelled,
    VisitCompleted,
    VisitEvent,
    VisitPlanned,
)
from ips_jobdev._plugins import get_plugin_manager, plugin_name
from ips_jobdev._records import VisitRecord

__all__ = [
    "HookFailure",
    "default_publisher",
    "event_publisher",
    "notify_visit_cancelled",
    "notify_visit_completed",
    "notify_visit_planned",
    "publish_events",
]

log = logging.getLogger(__name__)


@attrs.frozen(slots=True)
class HookFailure:
    """An event-hook implementation that raised: which plugin, which hook, and the error."""

    plugin: str
    hook: str
    error: str


_VISIT_HOOKS: dict[type[Event], str] = {
    VisitPlanned: "visit_planned",
    VisitCompleted: "visit_completed",
    VisitCancelled: "visit_cancelled",
}
_EVENT_HOOKS = ("record_changed", *_VISIT_HOOKS.values())


def publish_events(
    uow: Any, events: Sequence[Event], *, manager: pluggy.PluginManager | None = None
) -> list[HookFailure]:
    """Tell plugins of committed events, in order, one implementation at a time.

    Visit events go to ``visit_planned``/``visit_completed``/``visit_cancelled`` with the
    visit described for the team audience (read in one batch); every
    :class:`~ips_jobdev._events.RecordChanged` goes to ``record_changed``. Failures are
    logged, kept on ``uow.hook_failures`` and returned; they never undo the change.
    """
    manager = manager or get_plugin_manager()
    # asked once per hook, before looking at any event: an import publishes 100,000 of them
    hooks = {name: _implemented(manager, name) for name in _EVENT_HOOKS}
    if not any(hooks.values()):
        return []
    # the events are read again rather than listed: an import's are kept compactly
    wanted = (e for e in events if hooks.get(_hook_for(e), False))
    visit_ids = [e.visit_id for e in events if isinstance(e, VisitEvent) and hooks[_hook_for(e)]]
    records: dict[int, VisitRecord] = {}
    if visit_ids:
        from ips_jobdev._sync.gather import visit_records  # only when a plugin listens

        visits = [uow.visits.get(visit_id) for visit_id in dict.fromkeys(visit_ids)]
        records = {r.id: r for r in visit_records(uow, visits)}
    failures: list[HookFailure] = []
    for event in wanted:
        hook_name = _hook_for(event)
        if isinstance(event, VisitEvent):
            failures += _call_event_hook(manager, hook_name, records[event.visit_id])
        else:
            failures += _call_event_hook(manager, hook_name, event)
    uow.hook_failures.extend(failures)
    return failures


def event_publisher(manager: pluggy.PluginManager) -> Callable[[Any, Sequence[Event]], None]:
    """A publisher for :class:`~ips_jobdev.Database` that tells this manager's plugins
    (tests and embedding programs use it; the default is the shared manager)."""

    def publish(uow: Any, events: Sequence[Event]) -> None:
        publish_events(uow, events, manager=manager)

    return publish


def default_publisher(uow: Any, events: Sequence[Event]) -> None:
    """The publisher every database uses unless it names another: the shared manager."""
    publish_events(uow, events)


def _hook_for(event: Event) -> str:
    if isinstance(event, RecordChanged):
        return "record_changed"
    return _VISIT_HOOKS.get(type(event), "")


def _implemented(manager: pluggy.PluginManager, hook_name: str) -> bool:
    return bool(getattr(manager.hook, hook_name).get_hookimpls())


def _call_event_hook(
    manager: pluggy.PluginManager, hook_name: str, argument: object
) -> list[HookFailure]:
    failures: list[HookFailure] = []
    for impl in reversed(getattr(manager.hook, hook_name).get_hookimpls()):
        plugin = plugin_name(manager, impl)
        try:
            impl.function(**dict.fromkeys(impl.argnames, argument))
        except Exception as exc:
            failure = HookFailure(plugin, hook_name, f"{type(exc).__name__}: {exc}")
            log.warning("plugin %r: %s raised %s", plugin, hook_name, failure.error)
            failures.append(failure)
    return failures


def _notify(
    hook_name: str, visit: Any, uow: Any, manager: pluggy.PluginManager | None
) -> list[HookFailure]:
    manager = manager or get_plugin_manager()
    impls = getattr(manager.hook, hook_name).get_hookimpls()
    if not impls:
        return []
    if isinstance(visit, VisitRecord):
        record = visit
    else:
        if uow is None:
            raise TypeError(f"{hook_name}: give the unit of work to describe a stored visit")
        from ips_jobdev._sync.gather import visit_records  # only when a plugin listens

        record = visit_records(uow, [visit])[0]
    return _call_event_hook(manager, hook_name, record)


def notify_visit_planned(
    visit: Any, uow: Any = None, *, manager: pluggy.PluginManager | None = None
) -> list[HookFailure]:
    """Call every ``visit_planned`` implementation, one at a time.

    Args:
        visit: a saved :class:`~ips_jobdev.Visit` (then give ``uow``) or a VisitRecord.
        uow: the unit of work the visit was saved in.
        manager: the plugin manager (default: the shared one).

    Returns:
        The implementations that raised (each logged); the others ran regardless.
    """
    return _notify("visit_planned", visit, uow, manager)


def notify_visit_completed(
    visit: Any, uow: Any = None, *, manager: pluggy.PluginManager | None = None
) -> list[HookFailure]:
    """Call every ``visit_completed`` implementation, one at a time (as
    :func:`notify_visit_planned`)."""
    return _notify("visit_completed", visit, uow, manager)


def notify_visit_cancelled(
    visit: Any, uow: Any = None, *, manager: pluggy.PluginManager | None = None
) -> list[HookFailure]:
    """Call every ``visit_cancelled`` implementation, one at a time (as
    :func:`notify_visit_planned`)."""
    return _notify("visit_cancelled", visit, uow, manager)

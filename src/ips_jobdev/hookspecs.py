"""The plugin hooks: the contract between ips-jobdev and its plugins.

A plugin is a module (or object) with functions named after these hooks, each marked with
:data:`hookimpl`, registered through the ``ips_jobdev`` entry-point group::

    # pyproject.toml of the plugin
    [project.entry-points.ips_jobdev]
    mycrm = "ips_jobdev_mycrm"

    # ips_jobdev_mycrm/__init__.py
    from ips_jobdev import hookimpl

    @hookimpl
    def register_adapters(register):
        register(MyCrmAdapter)

An implementation may take fewer arguments than the specification names (pluggy passes
only those it asks for), so hooks can gain arguments later without breaking plugins.
The docstrings below are the reference; docs/reference/hooks.md shows each with an example.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    from ips_jobdev._events import RecordChanged
    from ips_jobdev._geocoding import Geocoder
    from ips_jobdev._records import VisitRecord
    from ips_jobdev._travel import TravelTimes
    from ips_jobdev.adapters._base import Adapter
    from ips_jobdev.cycles import CyclePolicy
    from ips_jobdev.matching import MatchFactor

__all__ = [
    "hookimpl",
    "hookspec",
    "record_changed",
    "register_adapters",
    "register_cycle_policies",
    "register_geocoders",
    "register_match_factors",
    "register_travel_times",
    "visit_cancelled",
    "visit_completed",
    "visit_planned",
]

hookspec = HookspecMarker("ips_jobdev")
"""Marks a hook specification (used only here)."""

hookimpl = HookimplMarker("ips_jobdev")
"""Marks a plugin's implementation of a hook: ``@hookimpl def register_adapters(...)``."""


@hookspec
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    """Register export adapters.

    Call ``register`` once per adapter class (a subclass of
    :class:`ips_jobdev.adapters.Adapter`). The host validates every registration in one
    place: the name must be unique and lower case, the audience one of ``team``,
    ``personal-calendar`` or ``employer-facing``, the record kinds known (and ``fit-note``
    only for ``team``), the options well declared. A registration that fails these checks
    is logged and left out; the other adapters still load.

    :param register: a callback taking one adapter class.
    """


@hookspec
def register_match_factors(register: Callable[[MatchFactor], object]) -> None:
    """Add factors to employer matching.

    Call ``register`` once per factor object. Each is handed to
    :func:`ips_jobdev.matching.register_factor`, so it must be a
    :class:`~ips_jobdev.matching.MatchFactor`: a small named object with a ``weight`` and a
    ``score(context)`` that returns a part score in [0, 1] and a short human reason. A
    factor the registry refuses (a taken name, a negative weight) is logged and left out.

    :param register: a callback taking one match factor.
    """


@hookspec
def register_cycle_policies(register: Callable[[str, CyclePolicy], None]) -> None:
    """Add named contact-cycle policies.

    Call ``register(name, policy)`` once per policy. Each is handed to
    :func:`ips_jobdev.cycles.register_policy`, so ``policy`` must be a
    :class:`~ips_jobdev.cycles.CyclePolicy` (stages, gaps, the maintenance interval, when a
    relationship goes cold), usually ``CyclePolicy.from_dict(tomllib.loads(...))``. A
    program then chooses the policy by name; a taken name is logged and left out.

    :param register: a callback taking a policy name and the policy.
    """


@hookspec
def register_geocoders(register: Callable[[Geocoder], None]) -> None:
    """Add geocoders: services that turn an employer's address into a position.

    Call ``register`` once per geocoder object: a :class:`~ips_jobdev.Geocoder`, with a
    lower-case ``name`` and ``locate(addresses)``, which answers a batch of
    :class:`~ips_jobdev.EmployerAddress` in order with ``(latitude, longitude)`` or
    ``None``. The planner uses an employer's own recorded coordinates first, then asks the
    plugins' geocoders in the order they registered, then the built-in offline ZIP-centroid
    geocoder; each plan says which one placed every visit. A geocoder that raises is
    logged and the next one is asked. A registration without a name or ``locate``, or with
    a name taken, is logged and left out.

    :param register: a callback taking one geocoder.
    """


@hookspec
def register_travel_times(register: Callable[[TravelTimes], None]) -> None:
    """Replace the source of distances and travel minutes (an OSRM server, for instance).

    Call ``register`` with a :class:`~ips_jobdev.TravelTimes` provider: a lower-case
    ``name`` and ``matrix(points)``, which answers a list of ``(latitude, longitude)``
    places with a :class:`~ips_jobdev.TravelMatrix` of miles and minutes between every
    pair. The planner asks once per week planned and uses the first provider a plugin
    registered instead of the built-in straight-line estimate (straight-line miles x a road
    factor). A provider that raises or answers a matrix of the wrong size is logged, the
    plan warns, and the straight-line estimate is used.

    :param register: a callback taking one travel-time provider.
    """


@hookspec
def visit_planned(visit: VisitRecord) -> None:
    """Be told that a visit was planned (saved with status ``planned``).

    Called once per visit, after it is saved. Each implementation is called on its own: an
    implementation that raises is logged and does not stop the others, nor the use case
    that planned the visit. Implementations should return quickly (queue slow work).

    The visit comes redacted for the **team** audience: the plugin is code the program
    installed, like its own tools. A plugin that passes the visit on to anyone outside the
    team must first narrow it with
    ``ips_jobdev.privacy.redact(visit, audience, settings)``.

    :param visit: the planned visit, as a :class:`~ips_jobdev.adapters.VisitRecord` for the
        team audience.
    """


@hookspec
def visit_completed(visit: VisitRecord) -> None:
    """Be told that a visit was made: a planned one completed, or one recorded as made.

    Called like :func:`visit_planned`, one implementation at a time, with the visit
    redacted for the team audience (``outcome`` and ``next_step`` included).

    :param visit: the completed visit, as a :class:`~ips_jobdev.adapters.VisitRecord`.
    """


@hookspec
def visit_cancelled(visit: VisitRecord) -> None:
    """Be told that a planned visit was called off (its status became ``cancelled``).

    Called like :func:`visit_planned`, one implementation at a time, with the visit
    redacted for the team audience. Exports do not depend on this hook: the next export
    cancels or deletes the visit at every target it was sent to.

    :param visit: the cancelled visit, as a :class:`~ips_jobdev.adapters.VisitRecord`.
    """


@hookspec
def record_changed(change: RecordChanged) -> None:
    """Be told that a record was added, changed or removed: an imported row, an edit, a
    merge, a caseload moved to another specialist.

    Called once per record after the change is committed, whoever made it (the command
    line, the web app, a program's own script), one implementation at a time like
    :func:`visit_planned`. The change names the kind of record (``employer``, ``person``,
    ``job-seeker``, ``specialist``, ``visit``, ``opening``, ``fit-note``, ``job-start``,
    ``goal``), its id and the action (``created``, ``updated`` or ``deleted``), and none of
    its content: to send records anywhere, run an export, which applies the adapter's
    audience. Visits also raise the three visit hooks above.

    :param change: what changed, as a :class:`~ips_jobdev.RecordChanged`.
    """

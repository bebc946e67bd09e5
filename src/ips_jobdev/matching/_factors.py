"""The match factors: small named objects that score one side of fit, with a reason.

A factor is anything with a ``name``, a ``weight`` and ``score(context) -> FactorScore``
(the :class:`MatchFactor` protocol). That is all a plugin factor needs. Ranking 150,000
employers calls factors far too often to build a context per employer, so a factor may
also say which *facts* its score depends on (``facts``) and offer a cheap numeric
``part_function`` (the :class:`ColumnFactor` protocol): the engine then computes each
distinct combination of facts once and asks ``score`` for reasons only for the employers
it shows. ``part_function`` and ``score`` must agree; the built-in factors share one
function for both.

The facts a factor can declare, and the value its ``part_function`` receives for each:

================== ==========================================================
``job_types``      the employer's job types, a tuple of lower-case labels
``industry``       the employer's industry label, or ``None``
``shifts``         the shifts the employer offers, a tuple of labels
``wage_min``       the lowest hourly wage in cents, or ``None``
``wage_max``       the highest hourly wage in cents, or ``None``
``bus_access``     ``True``, ``False`` or ``None`` (not recorded)
``distance``       miles from the job seeker's home, in tenths, or ``None``
``spread``         how many jobs the team's job seekers started there
``relationship``   ``(face-to-face visits in the window, date of the last)``
================== ==========================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from ips_jobdev._vocab import Transport
from ips_jobdev.matching._config import DEFAULT_WEIGHTS, MatchConfig
from ips_jobdev.matching._context import FactorScore, MatchContext, SeekerView, label

__all__ = [
    "FACTS",
    "BusFactor",
    "ColumnFactor",
    "DistanceFactor",
    "IndustryFactor",
    "JobTypeFactor",
    "MatchFactor",
    "RelationshipFactor",
    "ScheduleFactor",
    "SpreadFactor",
    "WageFactor",
    "builtin_factors",
]

#: The fact names a factor may declare in ``facts``.
FACTS: tuple[str, ...] = (
    "job_types",
    "industry",
    "shifts",
    "wage_min",
    "wage_max",
    "bus_access",
    "distance",
    "spread",
    "relationship",
)

PartFunction = Callable[..., float | None]


@runtime_checkable
class MatchFactor(Protocol):
    """The contract of a match factor (built-in or from a plugin).

    ``score`` returns a :class:`FactorScore` with a part score in [0, 1] (``None`` when
    the facts are unknown) and a short reason that names the job seeker by
    ``context.view.who``. ``weight`` is the default weight; a program's config overrides
    it by the factor's ``name``.
    """

    @property
    def name(self) -> str: ...

    @property
    def weight(self) -> float: ...

    def score(self, context: MatchContext) -> FactorScore: ...


@runtime_checkable
class ColumnFactor(MatchFactor, Protocol):
    """A factor the engine can score in bulk: it names its facts and a numeric function.

    ``part_function(view, config)`` returns a function taking the declared facts' values
    (in ``facts`` order) and returning the same number ``score`` would. A factor whose
    facts are nearly all distinct (wages) may also offer ``part_column(view, config,
    *columns)``, returning the parts for whole columns at once.
    ``applies(view)`` says whether the factor counts for this job seeker at all, and
    ``always_unknown(view)`` whether its part is unknown for every employer (the job
    seeker recorded nothing it could compare): the engine then counts it as neutral
    without looking at any employer.
    """

    @property
    def facts(self) -> tuple[str, ...]: ...

    def applies(self, view: SeekerView) -> bool: ...

    def always_unknown(self, view: SeekerView) -> bool: ...

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction: ...


# -- wording helpers --------------------------------------------------------------------


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


_SHIFT_WORDS = {
    "day": "days",
    "evening": "evenings",
    "night": "nights",
    "weekend": "weekends",
    "flexible": "flexible hours",
}
_TRAVEL_WORDS = {
    Transport.WALK: "on foot",
    Transport.BIKE: "by bike",
    Transport.BUS: "by bus",
    Transport.CAR: "by car",
    Transport.RIDE: "with a ride",
    Transport.OTHER: "",
}


def _part(value: float) -> float:
    return round(value, 4)


class _Builtin:
    """Shared plumbing of the built-in factors: name, weight, facts, applies."""

    name = "factor"
    facts: tuple[str, ...] = ()

    def __init__(self, weight: float | None = None) -> None:
        self.weight = float(DEFAULT_WEIGHTS[self.name] if weight is None else weight)

    def applies(self, view: SeekerView) -> bool:
        """Whether the factor counts for this job seeker (its weight is 0 otherwise)."""
        return True

    def always_unknown(self, view: SeekerView) -> bool:
        """Whether the part is unknown for every employer (nothing recorded to compare)."""
        return False

    def _result(self, value: float | None, reason: str) -> FactorScore:
        return FactorScore(self.name, self.weight, value, reason)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(weight={self.weight})"


# -- job type ---------------------------------------------------------------------------


def _counted_types(job_types: Iterable[str], avoid: frozenset[str]) -> list[str]:
    return [t for t in dict.fromkeys(map(label, job_types)) if t not in avoid]


class JobTypeFactor(_Builtin):
    """Does the employer have work of a type on the job seeker's list?

    1 when one of its job types (an opening's type, for a note about an opening) is
    wanted, 0 when none is; unknown when the person named no job types or the employer's
    are not recorded. Avoided job types never count, on either side.
    """

    name = "job_type"
    facts = ("job_types",)

    def always_unknown(self, view: SeekerView) -> bool:
        return not view.wanted_job_types

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        wanted, avoid = frozenset(view.wanted_job_types), view.avoid

        def part(job_types: tuple[str, ...]) -> float | None:
            if not wanted:
                return None
            known = _counted_types(job_types, avoid)
            if not known:
                return None
            return 1.0 if any(t in wanted for t in known) else 0.0

        return part

    def score(self, context: MatchContext) -> FactorScore:
        view = context.view
        types: tuple[str, ...] = context.employer.job_types
        if context.opening is not None and context.opening.job_type:
            types = (context.opening.job_type,)
        value = self.part_function(view, context.config)(types)
        if not view.wanted_job_types:
            return self._result(value, f"{view.who} has no job types on the list")
        known = _counted_types(types, view.avoid)
        if not known:
            return self._result(value, "job types not recorded")
        matched = [t for t in view.wanted_job_types if t in known]
        if matched:
            verb = "is" if len(matched) == 1 else "are"
            return self._result(value, f"{_and(matched)} work {verb} on {view.possessive} list")
        return self._result(value, f"has {_and(known[:3])} jobs; none is on {view.possessive} list")


# -- industry ---------------------------------------------------------------------------


class IndustryFactor(_Builtin):
    """Is the employer in an industry the job seeker named? Unknown when either is missing."""

    name = "industry"
    facts = ("industry",)

    def always_unknown(self, view: SeekerView) -> bool:
        return not view.wanted_industries

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        wanted = frozenset(view.wanted_industries)

        def part(industry: str | None) -> float | None:
            if not wanted or not industry:
                return None
            return 1.0 if label(industry) in wanted else 0.0

        return part

    def score(self, context: MatchContext) -> FactorScore:
        view, industry = context.view, context.employer.industry
        value = self.part_function(view, context.config)(industry)
        if not view.wanted_industries:
            return self._result(value, f"{view.who} has no industries on the list")
        if not industry:
            return self._result(value, "industry not recorded")
        if value:
            return self._result(value, f"{industry} is on {view.possessive} list of industries")
        return self._result(value, f"{industry} is not on {view.possessive} list of industries")


# -- distance ---------------------------------------------------------------------------


def _distance_value(miles: float | None, view: SeekerView) -> float | None:
    if miles is None or view.home is None:
        return None
    limit = view.limit if view.limit is not None else view.usual_miles
    if limit <= 0:
        return 1.0 if miles <= 0 else 0.0
    return _part(max(0.0, 1.0 - miles / (2 * limit)))


class DistanceFactor(_Builtin):
    """How far the employer is from home, against the job seeker's limit or the usual one.

    Linear: 1 at the door, 0.5 at the limit, 0 at twice the limit. With a stated limit,
    employers beyond it are filtered out before scoring. Unknown when either place has
    no ZIP (or position) on record.
    """

    name = "distance"
    facts = ("distance",)

    def always_unknown(self, view: SeekerView) -> bool:
        return view.home is None

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        return lambda miles: _distance_value(miles, view)

    def score(self, context: MatchContext) -> FactorScore:
        view, miles = context.view, context.miles
        value = _distance_value(miles, view)
        if view.home is None:
            home_zip = view.preferences.home_zip
            if home_zip:
                why = f"home ZIP {home_zip} is not in the ZIP table"
            else:
                why = f"{view.who} has no home ZIP recorded"
            return self._result(value, f"distance unknown: {why}")
        if miles is None:
            return self._result(value, "distance unknown: no ZIP or position for the employer")
        travel = _TRAVEL_WORDS.get(view.transport, "") if view.transport else ""
        suffix = f" {travel}" if travel else ""
        if view.limit is not None:
            return self._result(value, f"{miles:.1f} miles; limit {view.limit:g}{suffix}")
        return self._result(
            value, f"{miles:.1f} miles; no limit recorded, {view.usual_miles:g} usual{suffix}"
        )


# -- schedule ---------------------------------------------------------------------------


def _shift_value(wanted: Sequence[str], offered: Sequence[str]) -> float | None:
    if not wanted or not offered:
        return None
    if "flexible" in wanted or "flexible" in offered:
        return 1.0
    return 1.0 if set(wanted) & set(offered) else 0.0


class ScheduleFactor(_Builtin):
    """Do the shifts (and, for an opening, the hours) fit what the job seeker wants?

    For an employer: 1 when it offers a wanted shift or flexible hours, 0 when it offers
    only other shifts. For an opening with hours, the hours must also fall within the
    person's range (and benefits cap); the part is the lower of the two.
    """

    name = "schedule"
    facts = ("shifts",)

    def always_unknown(self, view: SeekerView) -> bool:
        return not view.shifts

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        wanted = view.shifts
        return lambda shifts: _shift_value(wanted, shifts)

    def score(self, context: MatchContext) -> FactorScore:
        view = context.view
        offered = context.employer.shifts
        if context.opening is not None and context.opening.shifts:
            offered = context.opening.shifts
        shift_value = _shift_value(view.shifts, offered)
        words = [_SHIFT_WORDS.get(s, s) for s in view.shifts]
        if not view.shifts:
            shift_reason = f"{view.who} has no shifts on the list"
        elif not offered:
            shift_reason = "shifts not recorded"
        elif "flexible" in view.shifts:
            shift_reason = f"{view.who} can work any shift"
        elif "flexible" in offered:
            shift_reason = "offers flexible hours"
        elif shift_value:
            shift_reason = f"has {_and(list(offered))} shifts; {view.who} wants {_or(words)}"
        else:
            only = " only" if len(words) == 1 else ""
            shift_reason = f"has {_and(list(offered))} shifts; {view.who} wants {_or(words)}{only}"
        hours = context.opening.hours_per_week if context.opening is not None else None
        hours_value, hours_reason = _hours_fit(hours, view)
        if hours_value is None:
            return self._result(shift_value, shift_reason)
        value = hours_value if shift_value is None else min(hours_value, shift_value)
        return self._result(value, f"{shift_reason}; {hours_reason}")


def _hours_fit(hours: float | None, view: SeekerView) -> tuple[float | None, str]:
    prefs = view.preferences
    if hours is None:
        return None, ""
    caps = [c for c in (prefs.hours_max, prefs.benefits_hours_cap) if c is not None]
    low, high = prefs.hours_min, min(caps) if caps else None
    if low is None and high is None:
        return None, f"{hours:g} hours a week; {view.who} has no hours on record"
    wanted = (
        f"{low}-{high}"
        if low is not None and high is not None
        else (f"at least {low}" if low is not None else f"at most {high}")
    )
    inside = (low is None or hours >= low) and (high is None or hours <= high)
    if inside:
        return 1.0, f"{hours:g} hours a week fits {view.possessive} {wanted}"
    return 0.0, f"{hours:g} hours a week; {view.who} wants {wanted}"


# -- wage -------------------------------------------------------------------------------


def _wage_value(pair: tuple[int | None, int | None], floor: int | None) -> float | None:
    low, high = pair
    if floor is None or (low is None and high is None):
        return None
    low = high if low is None else low
    high = low if high is None else high
    assert low is not None
    assert high is not None
    if low >= floor:
        return 1.0
    return 0.5 if high >= floor else 0.0


class WageFactor(_Builtin):
    """Does the pay reach the job seeker's lowest acceptable wage?

    1 when the whole range does, 0.5 when only its top does, 0 when even the top is
    below; unknown when either wage is not recorded. An opening's wage stands in for the
    employer's range.
    """

    name = "wage"
    facts = ("wage_min", "wage_max")

    def always_unknown(self, view: SeekerView) -> bool:
        return view.preferences.wage_min is None

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        floor = _cents(view.preferences.wage_min)
        return lambda low, high: _wage_value((low, high), floor)

    def part_column(
        self,
        view: SeekerView,
        config: MatchConfig,
        lows: Sequence[int | None],
        highs: Sequence[int | None],
    ) -> list[float | None]:
        """Parts for many employers at once (wage ranges are nearly all distinct)."""
        floor = _cents(view.preferences.wage_min)
        if floor is None:
            return [None] * len(lows)
        return [
            (None if high is None else (1.0 if high >= floor else 0.0))
            if low is None
            else (1.0 if low >= floor else (0.5 if high is not None and high >= floor else 0.0))
            for low, high in zip(lows, highs, strict=True)
        ]

    def score(self, context: MatchContext) -> FactorScore:
        view, employer = context.view, context.employer
        pair = (_cents(employer.wage_min), _cents(employer.wage_max))
        if context.opening is not None and context.opening.wage is not None:
            pair = (_cents(context.opening.wage),) * 2
        floor = _cents(view.preferences.wage_min)
        value = _wage_value(pair, floor)
        if floor is None:
            return self._result(value, f"{view.who} has no lowest wage recorded")
        low, high = pair
        if low is None and high is None:
            return self._result(value, "wages not recorded")
        low = high if low is None else low
        high = low if high is None else high
        assert low is not None
        assert high is not None
        pays = _dollars(low) if low == high else f"{_dollars(low)}-{_dollars(high)}"
        if value == 0.0:
            pays = f"up to {_dollars(high)}"
        return self._result(value, f"pays {pays}; {view.who} needs {_dollars(floor)}")


# -- bus --------------------------------------------------------------------------------


class BusFactor(_Builtin):
    """For a job seeker who travels by bus: is the employer on a bus line?

    Counts only for job seekers whose travel mode is ``bus`` (its weight is 0 for
    everyone else); unknown when the employer's bus access is not recorded.
    """

    name = "bus"
    facts = ("bus_access",)

    def applies(self, view: SeekerView) -> bool:
        return view.transport is Transport.BUS

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        return lambda bus: None if bus is None else (1.0 if bus else 0.0)

    def score(self, context: MatchContext) -> FactorScore:
        view, bus = context.view, context.employer.bus_access
        if not self.applies(view):
            mode = view.transport
            if mode is None:
                why = f"{view.possessive} way to work is not recorded"
            elif mode is Transport.OTHER:
                why = f"{view.who} does not travel by bus"
            else:
                why = f"{view.who} travels {_TRAVEL_WORDS[mode]}"
            return FactorScore(self.name, 0.0, None, f"{why}; bus access not counted")
        value = self.part_function(view, context.config)(bus)
        if bus is None:
            return self._result(value, "bus access not recorded")
        if bus:
            return self._result(value, "on a bus line")
        return self._result(value, f"not on a bus line; {view.who} travels by bus")


# -- relationship -----------------------------------------------------------------------


def _relationship_value(facts: tuple[int, dt.date | None]) -> float:
    visits = facts[0]
    return 0.0 if visits <= 0 else _part(min(1.0, 0.6 + 0.2 * (visits - 1)))


class RelationshipFactor(_Builtin):
    """Is the employer already engaged: face-to-face visits in the recent window?

    0 with no face-to-face visit in the window (default 180 days), 0.6 with one, 0.2
    more for each further visit up to 1. All else equal, an engaged employer ranks higher.
    """

    name = "relationship"
    facts = ("relationship",)

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        return _relationship_value

    def score(self, context: MatchContext) -> FactorScore:
        facts = context.relationship
        if facts is None:
            return self._result(None, "visit history not loaded")
        value = _relationship_value((facts.face_to_face, facts.last_face_to_face))
        days = facts.window_days
        if facts.face_to_face <= 0:
            return self._result(value, f"no face-to-face visit in the last {days} days")
        last = facts.last_face_to_face.isoformat() if facts.last_face_to_face else "unknown"
        if facts.face_to_face == 1:
            return self._result(value, f"1 face-to-face visit in the last {days} days, on {last}")
        return self._result(
            value,
            f"{facts.face_to_face} face-to-face visits in the last {days} days, the last on {last}",
        )


# -- spread -----------------------------------------------------------------------------


class SpreadFactor(_Builtin):
    """Has the employer already taken many of the team's job seekers?

    1 with none, falling evenly to 0 at ``spread.full_at`` job starts (default 5): IPS
    asks for jobs at diverse employers, so a frequent employer ranks a little lower.
    """

    name = "spread"
    facts = ("spread",)

    def part_function(self, view: SeekerView, config: MatchConfig) -> PartFunction:
        full = config.spread_full_at
        return lambda starts: _part(max(0.0, 1.0 - starts / full))

    def score(self, context: MatchContext) -> FactorScore:
        starts = context.spread.job_starts if context.spread is not None else 0
        value = self.part_function(context.view, context.config)(starts)
        if starts == 0:
            return self._result(value, "no job seeker from the team has started here yet")
        seekers = "job seeker" if starts == 1 else "job seekers"
        return self._result(value, f"already hired {starts} of the team's {seekers}")


def builtin_factors(config: MatchConfig | None = None) -> list[Any]:
    """The eight built-in factors, weighted by ``config`` (defaults when ``None``)."""
    cfg = config or MatchConfig()
    classes: list[type[_Builtin]] = [
        JobTypeFactor,
        IndustryFactor,
        DistanceFactor,
        ScheduleFactor,
        WageFactor,
        BusFactor,
        RelationshipFactor,
        SpreadFactor,
    ]
    return [cls(cfg.weight(cls.name, DEFAULT_WEIGHTS[cls.name])) for cls in classes]

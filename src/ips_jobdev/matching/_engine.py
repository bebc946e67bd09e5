"""Ranking employers for a job seeker: hard filters, part scores, totals, best first.

The total is the weighted mean of the parts (an unknown part counts 0.5), rounded to four
places; ties go by employer name, then id. Scoring runs column by column: each factor
scores every distinct combination of the facts it declares once, and visit history is
read only for the employers that could still reach the list (their best case, with full
marks for the relationship part, beats the worst case of the list's last place).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from operator import add
from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev._geo import zip_centroid
from ips_jobdev._store.queries import matching as queries
from ips_jobdev.matching._config import MatchConfig
from ips_jobdev.matching._context import (
    EmployerFacts,
    FactorScore,
    MatchContext,
    RelationshipFacts,
    SeekerView,
    SpreadFacts,
    label,
)
from ips_jobdev.matching._factors import MatchFactor, builtin_factors
from ips_jobdev.matching._registry import registered_factors
from ips_jobdev.matching._source import FILTER_NAMES, EmployerColumns, decode_tags

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = [
    "ActiveFactor",
    "EmployerMatch",
    "SeekerScoring",
    "active_factors",
    "combine",
    "empty_filter_counts",
]

_EPSILON = 1e-4  # scores are shown to four places; anything closer may tie once rounded
_ALL_HISTORY_SHARE = 3  # above 1/3 of the rows as candidates, read all visit history at once
_ALL_HISTORY_MIN = 5000  # ... when there are at least this many candidates


@attrs.frozen(slots=True)
class EmployerMatch:
    """One employer in a ranking: its total score and every factor's part with a reason.

    ``filtered_by`` is set only by :func:`~ips_jobdev.matching.explain_match` when a hard
    filter would keep the employer off the job seeker's list.
    """

    employer_id: int
    employer_name: str
    score: float
    parts: list[FactorScore]
    miles: float | None = None
    filtered_by: str | None = None

    def part(self, name: str) -> FactorScore | None:
        """The part of factor ``name`` (``None`` when no such factor ran)."""
        return next((p for p in self.parts if p.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: id, name, score, miles and each factor's part and reason."""
        out: dict[str, Any] = {
            "id": self.employer_id,
            "name": self.employer_name,
            "score": self.score,
            "miles": self.miles,
            "factors": {
                p.name: {"score": p.score, "weight": p.weight, "reason": p.reason}
                for p in self.parts
            },
        }
        if self.filtered_by is not None:
            out["filtered_by"] = self.filtered_by
        return out


@attrs.frozen(slots=True)
class ActiveFactor:
    """A factor as it runs for one job seeker: its weight here and how it is computed.

    ``unknown`` marks a factor whose part is unknown for every employer for this job
    seeker: it counts its neutral 0.5 without any employer being looked at.
    """

    factor: MatchFactor
    weight: float
    facts: tuple[str, ...] | None
    function: Callable[..., float | None] | None
    deferred: bool
    unknown: bool = False


def active_factors(view: SeekerView, config: MatchConfig) -> list[ActiveFactor]:
    """Built-in then registered factors, weighted for ``view`` (0 where one does not apply)."""
    out: list[ActiveFactor] = []
    for factor in [*builtin_factors(config), *registered_factors()]:
        weight = float(config.weight(factor.name, factor.weight))
        applies = getattr(factor, "applies", None)
        if applies is not None and not applies(view):
            weight = 0.0
        declared = getattr(factor, "facts", None)
        facts = tuple(declared) if declared is not None else None
        maker = getattr(factor, "part_function", None)
        function = maker(view, config) if facts is not None and maker is not None else None
        deferred = facts is None or "relationship" in facts
        always_unknown = getattr(factor, "always_unknown", None)
        unknown = facts is not None and always_unknown is not None and bool(always_unknown(view))
        out.append(
            ActiveFactor(
                factor=factor,
                weight=weight,
                facts=facts,
                function=function,
                deferred=deferred,
                unknown=unknown,
            )
        )
    return out


def _all_avoided(raw: object, avoid: frozenset[str]) -> bool:
    """True when an employer has job types and every one of them is avoided."""
    types = [label(t) for t in decode_tags(raw)]
    return bool(types) and all(t in avoid for t in types)


def _decode_bus(raw: object) -> bool | None:
    return None if raw is None else bool(raw)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "job_types": decode_tags,
    "shifts": decode_tags,
    "bus_access": _decode_bus,
}


_FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "job_types": ("job_types",),
    "industry": ("industry",),
    "shifts": ("shifts",),
    "wage_min": ("wage_min",),
    "wage_max": ("wage_max",),
    "bus_access": ("bus_access",),
    "distance": ("zip", "latitude", "longitude"),
    "spread": (),
    "relationship": (),
}


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


@attrs.define
class SeekerScoring:
    """Scores employer columns for one job seeker (used by ranking and caseload targets).

    ``history`` holds visit facts already read for every employer; otherwise they are read
    for candidates as needed, into ``partial`` (``loaded``: the ids read), which caseload
    targets share between job seekers so that no employer's visits are read twice.
    """

    uow: UnitOfWork
    view: SeekerView
    config: MatchConfig
    factors: list[ActiveFactor]
    spread: dict[int, int]
    history: dict[int, tuple[int, dt.date | None]] | None = None
    _loaded: set[int] = attrs.field(factory=set)
    _partial: dict[int, tuple[int, dt.date | None]] = attrs.field(factory=dict)
    _parts: dict[int, dict[Any, float]] = attrs.field(factory=dict, init=False)

    def columns_needed(self) -> set[str] | None:
        """The employer columns this job seeker's factors and filters read (``None``: all)."""
        needed: set[str] = set()
        for active in self.factors:
            if not active.weight or active.unknown:
                continue
            if active.facts is None:
                return None
            for fact in active.facts:
                needed.update(_FACT_COLUMNS[fact])
        if self.view.avoid:
            needed |= {"industry", "job_types"}
        if self.view.limit is not None and self.view.home is not None:
            needed.update(_FACT_COLUMNS["distance"])
        return needed

    @property
    def total_weight(self) -> float:
        """The sum of the weights that count for this job seeker."""
        return sum(a.weight for a in self.factors)

    # -- hard filters done in Python, and distances -------------------------------------

    def miles(self, table: EmployerColumns) -> list[float | None]:
        """Miles from home to each employer, in tenths (``None`` where unknown)."""
        return table.miles_from(self.view.home)

    def keep(self, table: EmployerColumns, filtered: dict[str, int]) -> list[int] | None:
        """Indexes of the rows the hard filters keep (``None``: all), counting removals.

        Applies what SQL could not (or, for caseload targets, did not): avoided employer
        names, industries, the exact distance limit, and employers whose known job types
        are all avoided. Each removed row is counted in ``filtered`` under the first of
        :data:`FILTER_NAMES` that removes it.
        """
        view = self.view
        use_names = bool(view.avoid_names) and table.name_key is not None
        limit = view.limit if view.home is not None else None
        if not (view.avoid or use_names or limit is not None):
            return None
        early = self._avoided_rows(table, filtered, by_name=use_names)
        kept: Sequence[int] = range(len(table))
        if limit is not None:
            kept = self._within(table, limit, early, filtered)
        if early:
            kept = [i for i in kept if i not in early]
        if view.avoid:
            kept = self._without_avoided_job_types(table, kept, filtered)
        return None if len(kept) == len(table) else list(kept)

    def _avoided_rows(
        self, table: EmployerColumns, filtered: dict[str, int], *, by_name: bool
    ) -> set[int]:
        """Rows removed by an avoided employer name or industry (few), counted."""
        early: set[int] = set()
        if by_name:
            names, avoided = table.name_key, self.view.avoid_names
            assert names is not None
            early.update([i for i, n in enumerate(names) if n in avoided])
            filtered["avoided_employer"] += len(early)
        if self.view.avoid:
            rows = self._avoided_industry_rows(table)
            filtered["avoided_industry"] += len(rows - early)
            early |= rows
        return early

    def _avoided_industry_rows(self, table: EmployerColumns) -> set[int]:
        industries, avoid = table.industry, self.view.avoid
        avoided = {v for v in set(industries) if v and label(v) in avoid}
        if not avoided:
            return set()
        return {i for i, v in enumerate(industries) if v in avoided}

    def _within(
        self, table: EmployerColumns, limit: float, early: set[int], filtered: dict[str, int]
    ) -> list[int]:
        """Rows within ``limit`` miles of home (or at an unknown distance); those beyond
        are counted, unless already removed by name or industry."""
        miles = self.miles(table)
        kept = [i for i, m in enumerate(miles) if m is None or m <= limit]
        far_early = sum(1 for i in early if (m := miles[i]) is not None and m > limit)
        filtered["distance_limit"] += len(table) - len(kept) - far_early
        return kept

    def _without_avoided_job_types(
        self, table: EmployerColumns, kept: Sequence[int], filtered: dict[str, int]
    ) -> Sequence[int]:
        """``kept`` less the employers whose known job types are all avoided, counted."""
        job_types, avoid = table.job_types, self.view.avoid
        all_avoided = {raw for raw in set(job_types) if _all_avoided(raw, avoid)}
        if not all_avoided:
            return kept
        before = len(kept)
        kept = [i for i in kept if job_types[i] not in all_avoided]
        filtered["avoided_job_types"] += before - len(kept)
        return kept

    # -- scoring ------------------------------------------------------------------------

    def _key_column(self, fact: str, table: EmployerColumns) -> list[Any]:
        if fact == "distance":
            return self.miles(table)
        if fact == "spread":
            get = self.spread.get
            return [get(i, 0) for i in table.ids]
        if fact == "relationship":
            facts = self.relationship_for(table.ids)
            return [facts.get(i, (0, None)) for i in table.ids]
        column: list[Any] = getattr(table, fact)
        return column

    def _weighted(self, active: ActiveFactor, table: EmployerColumns) -> Iterable[float]:
        """``weight * part`` for every row, in order (neutral 0.5 for an unknown part).

        Each distinct combination of the factor's facts is scored once.
        """
        assert active.facts is not None
        bulk = getattr(active.factor, "part_column", None)
        if bulk is not None:
            columns = [self._key_column(f, table) for f in active.facts]
            parts = bulk(self.view, self.config, *columns)
            weighted = {p: active.weight * (0.5 if p is None else p) for p in set(parts)}
            return map(weighted.__getitem__, parts)
        keys: list[Any]
        if len(active.facts) == 1:
            keys = self._key_column(active.facts[0], table)
        else:
            keys = list(zip(*(self._key_column(f, table) for f in active.facts), strict=True))
        # each distinct key is scored once per job seeker, whichever table holds it
        contribution = self._parts.setdefault(id(active), {})
        missing = set(keys).difference(contribution)
        if missing and active.function is None:
            contribution.update(self._scored_by_context(active, table, keys, missing))
        elif missing:
            contribution.update(_scored_by_function(active, missing))
        return map(contribution.__getitem__, keys)

    def _scored_by_context(
        self, active: ActiveFactor, table: EmployerColumns, keys: list[Any], wanted: set[Any]
    ) -> dict[Any, float]:
        """``weight * part`` per distinct key of ``wanted``, from the factor's ``score`` on
        the full context of the first row holding that key."""
        first: dict[Any, int] = {}
        for index, key in enumerate(keys):
            if key in wanted:
                first.setdefault(key, index)
        contribution: dict[Any, float] = {}
        for key, index in first.items():
            part = active.factor.score(self.context(table, index)).score
            contribution[key] = active.weight * (0.5 if part is None else part)
        return contribution

    def prune(
        self,
        table: EmployerColumns,
        *,
        need: float | None = None,
        k: int | None = None,
    ) -> list[int] | None:
        """Rows that may still reach a weighted sum of ``need``, or the top ``k``.

        Scores the heaviest factors first; after each, a row whose best case (full marks
        on everything not yet scored) stays below the target is dropped. The target is
        ``need``, or the ``k``-th best worst case so far. Returns ``None`` when nothing
        was dropped. Exact: only rows that cannot qualify are dropped.
        """
        heavy, floor, rest = self._pruning_order()
        if not heavy:
            return None
        margin = 2 * _EPSILON * self.total_weight
        rows: list[int] | None = None
        partial: list[float] | None = None
        for active in heavy:
            sub = table if rows is None else table.take_for(self.view.home, rows)
            column = self._weighted(active, sub)
            partial = list(column) if partial is None else list(map(add, partial, column))
            rest -= active.weight
            cut = _target(partial, need, k, floor) - floor - rest - margin
            survivors = [j for j, p in enumerate(partial) if p >= cut]
            if len(survivors) < len(partial):
                rows = survivors if rows is None else [rows[j] for j in survivors]
                partial = [partial[j] for j in survivors]
        return rows

    def _pruning_order(self) -> tuple[list[ActiveFactor], float, float]:
        """The factors :meth:`prune` scores, heaviest first (the lightest known one is
        left out: it is scored anyway); the constant the factors unknown for every
        employer add; and the weight of every factor not yet scored."""
        known = [a for a in self.factors if not a.deferred and a.weight and not a.unknown]
        heavy = sorted(known, key=lambda a: -a.weight)[:-1]
        floor = sum(0.5 * a.weight for a in self.factors if a.unknown and not a.deferred)
        rest = sum(a.weight for a in known) + sum(a.weight for a in self.factors if a.deferred)
        return heavy, floor, rest

    def row_sums(self, table: EmployerColumns) -> list[float]:
        """Each row's weighted sum over the factors that need no visit history."""
        sums: list[float] | None = None
        constant = 0.0
        for active in self.factors:
            if active.deferred or not active.weight:
                continue
            if active.unknown:
                constant += active.weight * 0.5
                continue
            column = self._weighted(active, table)
            sums = list(column) if sums is None else list(map(add, sums, column))
        if sums is None:
            return [constant] * len(table)
        return sums if not constant else [s + constant for s in sums]

    def relationship_for(self, ids: Sequence[int]) -> dict[int, tuple[int, dt.date | None]]:
        """Visit facts for ``ids`` (read once; ``history`` when it was given)."""
        if self.history is not None:
            return self.history
        missing = [i for i in ids if i not in self._loaded]
        if missing:
            self._partial.update(
                queries.relationship_facts(
                    self.uow,
                    as_of=self.view.as_of,
                    window_days=self.config.relationship_days,
                    employer_ids=missing,
                )
            )
            self._loaded.update(missing)
        return self._partial

    def load_all_history(self) -> None:
        """Read visit facts for every employer at once (cheaper than many candidates)."""
        if self.history is None:
            self.history = queries.relationship_facts(
                self.uow, as_of=self.view.as_of, window_days=self.config.relationship_days
            )

    def exact_sums(
        self, table: EmployerColumns, sums: list[float], rows: list[int]
    ) -> dict[int, float]:
        """Row sums plus the deferred factors' parts, for the rows at ``rows``."""
        deferred = [a for a in self.factors if a.deferred and a.weight]
        if not deferred:
            return {i: sums[i] for i in rows}
        whole = len(rows) == len(table)
        sub = table if whole else table.take_for(self.view.home, rows)
        totals = [sums[i] for i in rows]
        for active in deferred:
            if active.facts is not None:
                column = list(self._weighted(active, sub))
            else:
                column = [
                    active.weight * active.factor.score(self.context(sub, j)).counted
                    for j in range(len(sub))
                ]
            totals = [t + c for t, c in zip(totals, column, strict=True)]
        return dict(zip(rows, totals, strict=True))

    def candidates(self, sums: list[float], k: int) -> list[int]:
        """Rows that may still be in the top ``k`` once deferred parts are known."""
        if k >= len(sums):
            return list(range(len(sums)))
        spare = sum(a.weight for a in self.factors if a.deferred)
        threshold = heapq.nlargest(k, sums)[-1] - spare - _EPSILON * self.total_weight
        return [i for i, s in enumerate(sums) if s >= threshold]

    def top(
        self, table: EmployerColumns, sums: list[float], k: int
    ) -> list[tuple[int, float, str]]:
        """The best ``k`` rows as ``(index, score, name)``, by score, then name, then id."""
        if not len(table) or k <= 0:
            return []
        rows = self.candidates(sums, k)
        many = len(rows) * _ALL_HISTORY_SHARE > len(table) and len(rows) > _ALL_HISTORY_MIN
        if many and any(a.deferred and a.weight for a in self.factors):
            self.load_all_history()
        exact = self.exact_sums(table, sums, rows)
        weight = self.total_weight
        # rounding keeps order, so the rounded top k lie within a rounding step of the
        # raw k-th best: only those are rounded and ordered
        raw_cut = heapq.nlargest(min(k, len(exact)), exact.values())[-1]
        margin = _EPSILON * weight
        scores = {
            i: (round(s / weight, 4) if weight else 0.0)
            for i, s in exact.items()
            if s >= raw_cut - margin
        }
        cut = heapq.nlargest(min(k, len(scores)), scores.values())[-1]
        ids = table.ids
        finalists = [ids[i] for i, s in scores.items() if s >= cut]
        by_id = {ids[i]: i for i in scores}
        names = queries.employer_names(self.uow, finalists, all_rows=len(finalists) > 20_000)
        order = sorted(
            finalists,
            key=lambda e: (-scores[by_id[e]], names[e].casefold(), names[e], e),
        )
        return [(by_id[e], scores[by_id[e]], names[e]) for e in order[:k]]

    def rows_reaching(self, sums: list[float], threshold: float) -> list[int]:
        """Rows whose best case (full marks on the deferred factors) reaches
        ``threshold``: the only ones :meth:`scores_at_least` finishes."""
        weight = self.total_weight
        spare = sum(a.weight for a in self.factors if a.deferred)
        need = threshold * weight - spare - _EPSILON * weight
        return [i for i, s in enumerate(sums) if s >= need]

    def needs_history(self) -> bool:
        """Whether a factor that reads visit history counts for this job seeker."""
        return any(a.deferred and a.weight for a in self.factors)

    def scores_at_least(
        self, table: EmployerColumns, sums: list[float], threshold: float
    ) -> dict[int, float]:
        """``{row index: score}`` for every row whose score reaches ``threshold``.

        Rows whose best case (full marks on the deferred factors) stays below it are
        never finished; visit history is read for the others only (unless already read).
        """
        weight = self.total_weight
        if not weight:
            return dict.fromkeys(range(len(table)), 0.0) if threshold <= 0 else {}
        rows = self.rows_reaching(sums, threshold)
        if rows and self.needs_history():
            ids = table.ids
            self.relationship_for([ids[i] for i in rows])  # for these rows only, at once
        exact = self.exact_sums(table, sums, rows)
        scores = {i: round(s / weight, 4) for i, s in exact.items()}
        return {i: v for i, v in scores.items() if v >= threshold}

    # -- reasons ------------------------------------------------------------------------

    def facts(self, row: Sequence[Any], name: str = "") -> EmployerFacts:
        """The employer facts of one fetched row."""
        employer_id, industry, job_types, shifts, low, high, bus, zip_code, lat, lon = row[:10]
        location = (lat, lon) if lat is not None and lon is not None else None
        return EmployerFacts(
            id=employer_id,
            name=name,
            industry=industry,
            job_types=decode_tags(job_types),
            shifts=decode_tags(shifts),
            wage_min=_money(low),
            wage_max=_money(high),
            bus_access=_decode_bus(bus),
            zip=zip_code,
            location=location or zip_centroid(zip_code),
        )

    def context(
        self,
        table: EmployerColumns,
        index: int,
        name: str = "",
        row: Sequence[Any] | None = None,
    ) -> MatchContext:
        """A full context for one row (visit history read for it when not yet known).

        ``row``, when given, is the employer's full row (the table may hold placeholders
        for columns this job seeker's factors do not read).
        """
        employer_id = table.ids[index]
        visits, last = self.relationship_for([employer_id]).get(employer_id, (0, None))
        if row is None:
            row, miles = table.rows[index], table.miles_at(self.view.home, index)
        else:
            miles = EmployerColumns([tuple(row)]).miles_at(self.view.home, 0)
        return MatchContext(
            view=self.view,
            employer=self.facts(row, name),
            config=self.config,
            miles=miles,
            relationship=RelationshipFacts(visits, last, self.config.relationship_days),
            spread=SpreadFacts(self.spread.get(employer_id, 0)),
        )

    def match(
        self,
        table: EmployerColumns,
        index: int,
        score: float,
        name: str,
        row: Sequence[Any] | None = None,
    ) -> EmployerMatch:
        """The :class:`EmployerMatch` of one row, with every part's reason."""
        context = self.context(table, index, name, row)
        return EmployerMatch(
            employer_id=table.ids[index],
            employer_name=name,
            score=score,
            parts=[self.part(a, context) for a in self.factors],
            miles=context.miles,
        )

    @staticmethod
    def part(active: ActiveFactor, context: MatchContext) -> FactorScore:
        """One factor's part for ``context``, carrying the weight it counted with."""
        result = active.factor.score(context)
        if result.weight != active.weight:
            result = attrs.evolve(result, weight=active.weight)
        return result


def _target(partial: list[float], need: float | None, k: int | None, floor: float) -> float:
    """What a row's weighted sum must reach while pruning: ``need``, raised to the
    ``k``-th best sum so far (plus ``floor``) when looking for the top ``k``."""
    target = -math.inf if need is None else need
    if k is not None and 0 < k < len(partial):
        target = max(target, heapq.nlargest(k, partial)[-1] + floor)
    return target


def _scored_by_function(active: ActiveFactor, keys: Iterable[Any]) -> dict[Any, float]:
    """``weight * part`` per distinct key, from the factor's part function on the decoded
    facts."""
    function = active.function
    assert function is not None
    assert active.facts is not None
    decoders = [_DECODERS.get(f) for f in active.facts]
    contribution: dict[Any, float] = {}
    for key in keys:
        if len(decoders) == 1:
            decode = decoders[0]
            part = function(key if decode is None else decode(key))
        else:
            values = [v if d is None else d(v) for d, v in zip(decoders, key, strict=True)]
            part = function(*values)
        contribution[key] = active.weight * (0.5 if part is None else part)
    return contribution


def combine(factors: Sequence[ActiveFactor], parts: Sequence[FactorScore]) -> float:
    """The weighted sum of one employer's parts, added in the order ranking adds them.

    Parts that need no visit history come first (factors unknown for every employer as
    one constant after them), then the deferred ones: floating-point sums depend on order,
    and :func:`explain_match` must give exactly the score a ranking gives.
    """
    sums: float | None = None
    constant = 0.0
    for active, part in zip(factors, parts, strict=True):
        if active.deferred or not active.weight:
            continue
        if active.unknown:
            constant += active.weight * 0.5
            continue
        value = active.weight * part.counted
        sums = value if sums is None else sums + value
    total = constant if sums is None else (sums + constant if constant else sums)
    for active, part in zip(factors, parts, strict=True):
        if active.deferred and active.weight:
            total = total + active.weight * part.counted
    return total


def empty_filter_counts() -> dict[str, int]:
    """Every hard filter's name with a count of 0."""
    return dict.fromkeys(FILTER_NAMES, 0)

"""``rank_employers``: the employers worth approaching for one job seeker, best first.

>>> import ips_jobdev as jobdev                                   # doctest: +SKIP
>>> from ips_jobdev.matching import rank_employers                # doctest: +SKIP
>>> with jobdev.open_store("sqlite:///county.sqlite3") as uow:          # doctest: +SKIP
...     for match in rank_employers(uow, "J-1001", limit=5).matches:
...         print(f"{match.score:.2f} {match.employer_name}")
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev import _lookup
from ips_jobdev._geo import employer_location, miles_between
from ips_jobdev._model import Employer, JobOpening, JobSeeker, normalize_employer_name
from ips_jobdev._store.queries import matching as queries
from ips_jobdev.errors import ValidationError
from ips_jobdev.matching import _source
from ips_jobdev.matching._config import MatchConfig
from ips_jobdev.matching._context import (
    EmployerFacts,
    MatchContext,
    OpeningFacts,
    RelationshipFacts,
    SeekerView,
    SpreadFacts,
    label,
)
from ips_jobdev.matching._engine import (
    EmployerMatch,
    SeekerScoring,
    active_factors,
    combine,
)
from ips_jobdev.matching._source import (
    EmployerColumns,
    EmployerFilter,
    avoided_job_type_texts,
    count_removed,
    filter_counts,
    hard_filters,
    read_employers,
    read_nearby,
)

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["MatchList", "explain_match", "rank_employers"]


@attrs.frozen(slots=True)
class MatchList:
    """A job seeker's ranked employers, with notes and what the hard filters removed.

    ``filtered`` counts the employers each hard filter removed (each counted once, under
    the first filter that removes it; empty when ranked without ``count_filtered``);
    ``considered`` is how many were scored.
    """

    seeker_code: str
    seeker_name: str
    matches: list[EmployerMatch]
    notes: list[str]
    filtered: dict[str, int]
    considered: int
    weights: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document of ``ips-jobdev match --json``."""
        return {
            "seeker": self.seeker_code,
            "seeker_name": self.seeker_name,
            "considered": self.considered,
            "filtered": dict(self.filtered),
            "weights": dict(self.weights),
            "notes": list(self.notes),
            "matches": [m.to_dict() for m in self.matches],
        }


def _notes(view: SeekerView, max_miles: float | None) -> list[str]:
    prefs, who = view.preferences, view.who
    notes: list[str] = []
    if prefs.is_empty:
        notes.append(
            f"no preferences are recorded for {who}: employers are ranked only on what is "
            "known about them; record the career profile to focus the list"
        )
        return notes
    if view.home is None:
        where = (
            f"home ZIP {prefs.home_zip} is not in the ZIP table"
            if prefs.home_zip
            else f"{who} has no home ZIP recorded"
        )
        notes.append(f"{where}: distances are unknown")
        if view.limit is not None:
            notes.append(f"the {view.limit:g}-mile limit cannot be applied without a home")
    elif view.limit is not None:
        source = (
            "the limit given"
            if max_miles is not None and (prefs.max_miles is None or max_miles < prefs.max_miles)
            else f"{view.possessive} limit"
        )
        notes.append(f"only employers within {view.limit:g} miles of home ({source})")
    if not view.wanted_job_types:
        notes.append(f"{who} has no job types on the list")
    return notes


def rank_employers(
    uow: UnitOfWork,
    seeker: JobSeeker | str,
    *,
    limit: int | None = 50,
    weights: Mapping[str, float] | None = None,
    config: MatchConfig | None = None,
    max_miles: float | None = None,
    as_of: dt.date | None = None,
    count_filtered: bool = True,
) -> MatchList:
    """Rank employers for one job seeker by that person's own preferences.

    Args:
        uow: an open unit of work (nothing is written).
        seeker: the job seeker, or their code.
        limit: how many employers to return (``None``: all that pass the hard filters).
        weights: factor weights for this call, over the config's.
        config: the program's settings (:class:`MatchConfig`; defaults when ``None``).
        max_miles: a distance limit for this call; the job seeker's own limit, when
            smaller, still holds.
        as_of: the day "recent" visits are counted back from (default: today).
        count_filtered: False leaves ``filtered`` empty, sparing the database a count of
            every employer under a distance limit (for a page that does not show it).

    Never refuses a job seeker (zero exclusion): with no preferences recorded, the list
    is still ranked and ``notes`` says what is missing.
    """
    if limit is not None and limit < 0:
        raise ValidationError("match", "limit", f"{limit} is below zero")
    cfg = (config or MatchConfig()).with_weights(weights)
    record = _lookup.seeker(uow, seeker)
    view = SeekerView.build(record, cfg, max_miles=max_miles, as_of=as_of)
    where = hard_filters(uow, view)
    scoring = SeekerScoring(
        uow=uow,
        view=view,
        config=cfg,
        factors=active_factors(view, cfg),
        spread=queries.spread_facts(uow),
    )
    table, filtered, considered = _read_candidates(uow, scoring, where, limit, count_filtered)
    if not count_filtered:
        filtered = {}
    k = considered if limit is None else min(limit, considered)
    survivors = scoring.prune(table, k=k)
    if survivors is not None:
        table = table.take_for(view.home, survivors)
    best = scoring.top(table, scoring.row_sums(table), k)
    shown = [table.ids[i] for i, _, _ in best]
    scoring.relationship_for(shown)
    rows = queries.employer_rows(uow, shown)
    notes = _notes(view, max_miles)
    if not considered:
        notes.append("no employer is left after the hard filters")
    return MatchList(
        seeker_code=record.code,
        seeker_name=view.who,
        matches=[
            scoring.match(table, i, score, name, rows[table.ids[i]]) for i, score, name in best
        ],
        notes=notes,
        filtered=filtered,
        considered=considered,
        weights={a.factor.name: a.weight for a in scoring.factors},
    )


def _read_candidates(
    uow: UnitOfWork,
    scoring: SeekerScoring,
    where: EmployerFilter,
    limit: int | None,
    count_filtered: bool = True,
) -> tuple[EmployerColumns, dict[str, int], int]:
    """The employers that may reach the list, what each hard filter removed (only what
    the read itself tells, unless ``count_filtered``), and how many employers the filters
    keep.

    With a ``limit`` and no distance limit, on a large record, only the region that can
    hold the best ``limit`` is read (:func:`read_nearby`); the counts then come from the
    database, which applies every hard filter itself.
    """
    columns = scoring.columns_needed()
    view = scoring.view
    if limit is not None and view.limit is None:
        whole = attrs.evolve(where, avoid_job_types=avoided_job_type_texts(uow, view.avoid))
        filtered, kept = filter_counts(uow, whole)
        table = None
        if kept >= max(_source.NEARBY_MIN_EMPLOYERS, 1):
            table = _by_history(uow, scoring, whole, min(limit, kept))
        if table is None and kept >= max(_source.NEARBY_MIN_EMPLOYERS, 1):
            table = read_nearby(uow, scoring, whole, min(limit, kept), columns)
        if table is None:  # the database applied every hard filter: read what they keep
            table = read_employers(uow, whole, columns=columns)
        return table, filtered, kept
    table = read_employers(uow, where, columns=columns)
    filtered = (
        count_removed(uow, where, len(table))
        if count_filtered
        else dict.fromkeys(_source.FILTER_NAMES, 0)
    )
    keep = scoring.keep(table, filtered)
    if keep is not None:
        table = table.take_for(view.home, keep)
    return table, filtered, len(table)


def _by_history(
    uow: UnitOfWork, scoring: SeekerScoring, where: EmployerFilter, k: int
) -> EmployerColumns | None:
    """The employers that may be among the best ``k`` when no employer column counts for
    this job seeker (nothing recorded to compare: only visit history and job starts tell
    employers apart), without reading every employer (``None``: this cannot help).

    Every employer without visits in the window and without job starts has one and the
    same score; when the ``k``-th best of the others beats it, the list is made of those
    others alone, and only they are read (their ids, then names for the finalists).
    """
    needed = scoring.columns_needed()
    if needed is None or needed or where != EmployerFilter() or k <= 0:
        return None
    scoring.load_all_history()
    assert scoring.history is not None
    known = (set(scoring.history) | set(scoring.spread)) - set(queries.do_not_contact_ids(uow))
    if len(known) < k:
        return None
    table = EmployerColumns([(i, *_NO_COLUMNS) for i in sorted(known)])
    unknown = EmployerColumns([(_NO_EMPLOYER, *_NO_COLUMNS)])
    weight = scoring.total_weight
    if not weight:
        return None
    rest = scoring.exact_sums(unknown, scoring.row_sums(unknown), [0])[0]
    sums = scoring.row_sums(table)
    exact = scoring.exact_sums(table, sums, scoring.candidates(sums, k))
    kth = heapq.nlargest(k, exact.values())[-1]
    # compare as shown (four places): a tie with the others would bring their names in
    if round(kth / weight, 4) <= round(rest / weight, 4):
        return None
    return table


_NO_COLUMNS = (None,) * (len(_source.COLUMN_NAMES) - 1)
_NO_EMPLOYER = -1  # an id no employer has: no visits, no job starts


def _filtered_by(view: SeekerView, employer: Employer, miles: float | None) -> str | None:
    if employer.do_not_contact:
        return "do_not_contact"
    if normalize_employer_name(employer.name) in view.avoid_names:
        return "avoided_employer"
    if employer.industry and label(employer.industry) in view.avoid:
        return "avoided_industry"
    if view.limit is not None and miles is not None and miles > view.limit:
        return "distance_limit"
    types = [label(t) for t in employer.job_types]
    if types and all(t in view.avoid for t in types):
        return "avoided_job_types"
    return None


def explain_match(
    uow: UnitOfWork,
    seeker: JobSeeker | str,
    employer: Employer,
    *,
    opening: JobOpening | None = None,
    config: MatchConfig | None = None,
    weights: Mapping[str, float] | None = None,
    max_miles: float | None = None,
    as_of: dt.date | None = None,
) -> EmployerMatch:
    """Score one employer (or one of its openings) for a job seeker, with every reason.

    Gives the same parts and total :func:`rank_employers` gives that employer; with an
    ``opening``, its job type, hours, shifts and wage stand in for the employer's. An
    employer a hard filter would remove is still scored, and ``filtered_by`` names the
    filter (a job-fit note may well be about such an employer).
    """
    cfg = (config or MatchConfig()).with_weights(weights)
    record = _lookup.seeker(uow, seeker)
    view = SeekerView.build(record, cfg, max_miles=max_miles, as_of=as_of)
    assert employer.id is not None, "the employer must be saved (flushed) first"
    facts = EmployerFacts.from_employer(employer)
    where = employer_location(employer)
    miles = (
        None if where is None or view.home is None else round(miles_between(view.home, where), 1)
    )
    history = queries.relationship_facts(
        uow, as_of=view.as_of, window_days=cfg.relationship_days, employer_ids=[employer.id]
    )
    visits, last = history.get(employer.id, (0, None))
    starts = queries.job_start_count(uow, employer.id)
    context = MatchContext(
        view=view,
        employer=facts,
        config=cfg,
        miles=miles,
        relationship=RelationshipFacts(visits, last, cfg.relationship_days),
        spread=SpreadFacts(starts),
        opening=OpeningFacts.from_opening(opening) if opening is not None else None,
    )
    factors = active_factors(view, cfg)
    parts = [SeekerScoring.part(a, context) for a in factors]
    total = combine(factors, parts)
    weight = sum(a.weight for a in factors)
    return EmployerMatch(
        employer_id=employer.id,
        employer_name=employer.name,
        score=round(total / weight, 4) if weight else 0.0,
        parts=parts,
        miles=miles,
        filtered_by=_filtered_by(view, employer, miles),
    )

"""Caseload targets: employers ranked by how many of a specialist's job seekers they fit.

For general job-development visits: an employer that fits several people on the caseload
well is worth getting to know. The employers within the job seekers' distance limits are
read once and scored for everyone; outside them, only employers that the database finds
may fit enough of the job seekers without a limit to reach the list are read (a score
bound per job seeker, see :func:`~ips_jobdev.matching._source.score_bound`). The result is
exactly that of scoring every employer for every job seeker.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev import _lookup
from ips_jobdev._geo import LatLon
from ips_jobdev._model import JobSeeker, Specialist
from ips_jobdev._store.queries import matching as queries
from ips_jobdev._store.queries.matching import Area, Region
from ips_jobdev._vocab import JobSeekerStatus
from ips_jobdev.matching._config import MatchConfig
from ips_jobdev.matching._context import SeekerView
from ips_jobdev.matching._engine import SeekerScoring, active_factors, empty_filter_counts
from ips_jobdev.matching._source import EmployerColumns, area_around, kind_bound

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["ACTIVE_STATUSES", "TargetEmployer", "caseload_targets", "targets_for_seekers"]

#: Job seekers counted for caseload targets: looking for work, or working and open to
#: job development (a better job, more hours). On hold and closed are left out.
ACTIVE_STATUSES = (JobSeekerStatus.SEARCHING, JobSeekerStatus.WORKING)

_EPSILON = 1e-4  # as the engine's: scores are shown to four places


@attrs.frozen(slots=True)
class TargetEmployer:
    """An employer and the job seekers it fits well.

    ``seekers`` are their codes, best fit first; ``scores`` each one's score;
    ``score`` their mean (the tie-break after the number of job seekers).
    """

    employer_id: int
    employer_name: str
    seekers: list[str]
    score: float
    scores: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``ips-jobdev targets --json``."""
        return {
            "id": self.employer_id,
            "name": self.employer_name,
            "fits": len(self.seekers),
            "score": self.score,
            "seekers": [{"code": c, "score": self.scores[c]} for c in self.seekers],
        }


def targets_for_seekers(
    uow: UnitOfWork,
    seekers: Iterable[JobSeeker | str],
    *,
    limit: int | None = 50,
    good_fit: float | None = None,
    config: MatchConfig | None = None,
    weights: Mapping[str, float] | None = None,
    as_of: dt.date | None = None,
) -> list[TargetEmployer]:
    """Employers ranked by how many of ``seekers`` they fit with a score of ``good_fit``.

    Each job seeker's hard filters hold for that person only. Order: most job seekers,
    then the higher mean score, then name, then id.
    """
    cfg = (config or MatchConfig()).with_weights(weights)
    threshold = cfg.good_fit if good_fit is None else good_fit
    records = [_lookup.seeker(uow, s) for s in seekers]
    if not records:
        return []
    plans = _plans(uow, records, cfg, as_of)
    return _ranked(uow, _caseload_fits(uow, plans, threshold, limit), limit)


@attrs.frozen
class _Plan:
    """One job seeker of a caseload: how they are scored, and the area their distance
    limit confines their fits to (``None``: anywhere)."""

    code: str
    scoring: SeekerScoring
    area: Area | None


def _plans(
    uow: UnitOfWork, records: Sequence[JobSeeker], config: MatchConfig, as_of: dt.date | None
) -> list[_Plan]:
    spread = queries.spread_facts(uow)
    zips = queries.distinct_zips(uow)
    areas: dict[tuple[LatLon, float], Area] = {}
    loaded: set[int] = set()  # visit history read once for the whole caseload
    partial: dict[int, tuple[int, dt.date | None]] = {}
    plans: list[_Plan] = []
    for record in records:
        view = SeekerView.build(record, config, as_of=as_of)
        scoring = SeekerScoring(
            uow=uow,
            view=view,
            config=config,
            factors=active_factors(view, config),
            spread=spread,
            loaded=loaded,
            partial=partial,
        )
        area = None
        if view.limit is not None and view.home is not None:
            key = (view.home, view.limit)
            area = areas.get(key) or areas.setdefault(
                key, area_around(uow, view.home, view.limit, zips)
            )
        plans.append(_Plan(record.code, scoring, area))
    return plans


def _caseload_fits(
    uow: UnitOfWork, plans: Sequence[_Plan], threshold: float, limit: int | None
) -> dict[int, dict[str, float]]:
    """``{employer id: {job seeker code: score}}`` for every pair that reaches
    ``threshold``, for at least every employer that can be among the best ``limit``.

    The areas of the distance limits are read once, for everyone; outside them only job
    seekers without a limit can fit, and only employers that the database finds to be
    candidates (hard filters, and a score bound that reaches the threshold) of as many
    of them as the ``limit``-th employer inside already fits are read.
    """
    columns = _columns(plans)
    with_name_key = any(p.scoring.view.avoid_names for p in plans)
    fits: dict[int, dict[str, float]] = {}
    region = _region([p.area for p in plans if p.area is not None])
    if region is not None:
        rows = queries.read_region(uow, region, with_name_key=with_name_key, columns=columns)
        _fit_all(plans, EmployerColumns(rows), threshold, fits)
    free = [p for p in plans if p.area is None]
    at_least = _fits_to_reach(fits, limit, len(free))
    if not free or at_least > len(free):
        return fits
    skip = _kinds_to_skip(uow, [p.scoring for p in free], threshold, at_least)
    rows = queries.read_kinds_outside(
        uow, skip, outside=region, with_name_key=with_name_key, columns=columns
    )
    _fit_all(free, EmployerColumns(rows), threshold, fits)
    return fits


def _columns(plans: Sequence[_Plan]) -> set[str] | None:
    """The employer columns any job seeker's factors and filters read (``None``: all)."""
    columns: set[str] = set()
    for plan in plans:
        needed = plan.scoring.columns_needed()
        if needed is None:
            return None
        columns |= needed
    return columns


def _region(areas: Sequence[Area]) -> Region | None:
    if not areas:
        return None
    boxes = tuple(dict.fromkeys(a.box for a in areas))
    zips = tuple(sorted({z for a in areas for z in a.zips_inside}))
    return Region(boxes=boxes, zips=zips)


def _fits_to_reach(fits: Mapping[int, Mapping[str, float]], limit: int | None, most: int) -> int:
    """How many job seekers an employer not yet scored must fit to be among the best
    ``limit``: as many as the ``limit``-th of ``fits`` (at least one; more than ``most``
    when nothing more can enter)."""
    if limit is None:
        return 1
    if limit <= 0:
        return most + 1
    if len(fits) < limit:
        return 1
    counts = heapq.nlargest(limit, (len(scores) for scores in fits.values()))
    return max(1, counts[-1])


def _kinds_to_skip(
    uow: UnitOfWork, scorings: Sequence[SeekerScoring], threshold: float, at_least: int
) -> list[tuple[str | None, str]]:
    """The stored pairs of industry and job types that fewer than ``at_least`` of the job
    seekers of ``scorings`` may fit (their hard filters, and a bound of their score with
    full marks for every factor but job type and industry): no employer of such a kind
    can reach the list."""
    may_fit = [
        kind_bound(scoring, (threshold - 2 * _EPSILON) * scoring.total_weight)
        for scoring in scorings
    ]
    return [
        kind
        for kind in queries.distinct_kinds(uow)
        if sum(1 for fits in may_fit if fits(*kind)) < at_least
    ]


def _fit_all(
    plans: Sequence[_Plan],
    table: EmployerColumns,
    threshold: float,
    fits: dict[int, dict[str, float]],
) -> None:
    """Add to ``fits`` the employers of ``table`` that each job seeker of ``plans`` fits
    (visit history read once, for every job seeker's candidates together)."""
    steps: list[tuple[_Plan, EmployerColumns, list[float]]] = []
    wanted: set[int] = set()
    for plan in plans:
        scoring, home = plan.scoring, plan.scoring.view.home
        keep = scoring.keep(table, empty_filter_counts())
        sub = table if keep is None else table.take_for(home, keep)
        survivors = scoring.prune(sub, need=threshold * scoring.total_weight)
        if survivors is not None:
            sub = sub.take_for(home, survivors)
        sums = scoring.row_sums(sub)
        if scoring.needs_history():
            ids = sub.ids
            wanted.update(ids[i] for i in scoring.rows_reaching(sums, threshold))
        steps.append((plan, sub, sums))
    if wanted and steps:
        steps[0][0].scoring.relationship_for(sorted(wanted))  # shared by every job seeker
    for plan, sub, sums in steps:
        ids = sub.ids
        for index, score in plan.scoring.scores_at_least(sub, sums, threshold).items():
            fits.setdefault(ids[index], {})[plan.code] = score


def _ranked(
    uow: UnitOfWork, fits: Mapping[int, Mapping[str, float]], limit: int | None
) -> list[TargetEmployer]:
    def strength(item: tuple[int, Mapping[str, float]]) -> tuple[int, float]:
        scores = item[1]
        return len(scores), round(sum(scores.values()) / len(scores), 4)

    ranked = sorted(fits.items(), key=strength, reverse=True)
    if limit is not None and len(ranked) > limit:
        cut = strength(ranked[limit - 1]) if limit else (10**9, 2.0)
        ranked = [item for item in ranked if strength(item) >= cut]
    names = queries.employer_names(uow, [employer_id for employer_id, _ in ranked])
    targets = [
        TargetEmployer(
            employer_id=employer_id,
            employer_name=names[employer_id],
            seekers=sorted(scores, key=lambda code: (-scores[code], code)),
            score=strength((employer_id, scores))[1],
            scores=dict(scores),
        )
        for employer_id, scores in ranked
    ]
    targets.sort(
        key=lambda t: (-len(t.seekers), -t.score, t.employer_name.casefold(), t.employer_id)
    )
    return targets if limit is None else targets[:limit]


def caseload_targets(
    uow: UnitOfWork,
    specialist: Specialist | str,
    *,
    limit: int = 50,
    good_fit: float | None = None,
    config: MatchConfig | None = None,
    weights: Mapping[str, float] | None = None,
    as_of: dt.date | None = None,
    statuses: Sequence[JobSeekerStatus] = ACTIVE_STATUSES,
) -> list[TargetEmployer]:
    """Employers ranked by how many of the specialist's active job seekers they fit well.

    ``good_fit`` defaults to the config's (0.7): a job seeker counts for an employer when
    that employer's score for them reaches it. Active job seekers are those whose status
    is in ``statuses`` (looking for work, or working).
    """
    record = _lookup.specialist(uow, specialist)
    assert record.id is not None
    seekers = [s for s in uow.seekers.on_caseload(record.id) if s.status in statuses]
    return targets_for_seekers(
        uow, seekers, limit=limit, good_fit=good_fit, config=config, weights=weights, as_of=as_of
    )

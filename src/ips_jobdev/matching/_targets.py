"""Caseload targets: employers ranked by how many of a specialist's job seekers they fit.

For general job-development visits: an employer that fits several people on the caseload
well is worth getting to know. Employers are read once and scored for every job seeker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev import _lookup
from ips_jobdev._model import JobSeeker, Specialist
from ips_jobdev._store.queries import matching as queries
from ips_jobdev._vocab import JobSeekerStatus
from ips_jobdev.matching._config import MatchConfig
from ips_jobdev.matching._context import SeekerView
from ips_jobdev.matching._engine import SeekerScoring, active_factors, empty_filter_counts
from ips_jobdev.matching._source import EmployerFilter, read_employers

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["ACTIVE_STATUSES", "TargetEmployer", "caseload_targets", "targets_for_seekers"]

#: Job seekers counted for caseload targets: looking for work, or working and open to
#: job development (a better job, more hours). On hold and closed are left out.
ACTIVE_STATUSES = (JobSeekerStatus.SEARCHING, JobSeekerStatus.WORKING)


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
    table = read_employers(uow, EmployerFilter(), with_name_key=True)
    spread = queries.spread_facts(uow)
    history: dict[int, tuple[int, dt.date | None]] | None = None
    fits: dict[int, dict[str, float]] = {}
    for record in records:
        view = SeekerView.build(record, cfg, as_of=as_of)
        factors = active_factors(view, cfg)
        scoring = SeekerScoring(
            uow=uow, view=view, config=cfg, factors=factors, spread=spread, history=history
        )
        keep = scoring.keep(table, empty_filter_counts())
        sub = table if keep is None else table.take_for(view.home, keep)
        survivors = scoring.prune(sub, need=threshold * scoring.total_weight)
        if survivors is not None:
            sub = sub.take_for(view.home, survivors)
        sums = scoring.row_sums(sub)
        ids = sub.ids
        for index, score in scoring.scores_at_least(sub, sums, threshold).items():
            fits.setdefault(ids[index], {})[record.code] = score
        history = scoring.history  # read at most once, shared by every job seeker
    return _ranked(uow, fits, limit)


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

"""Ranking without a distance limit reads only the region that can hold the best ``k``
(issue 14's pushdown): the result must be exactly what reading every employer gives, on
SQLite and PostgreSQL, with the filter counts the database makes."""

from __future__ import annotations

import datetime as dt

import pytest
import statewide
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ips_jobdev import Database, JobSeeker, Preferences
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import matching as queries
from ips_jobdev.matching import (
    FactorScore,
    MatchContext,
    _source,
    rank_employers,
    register_factor,
    targets_for_seekers,
    unregister_factor,
)
from ips_jobdev.matching._config import MatchConfig
from ips_jobdev.matching._context import SeekerView
from ips_jobdev.matching._engine import SeekerScoring, active_factors

AS_OF: dt.date = statewide.END
JOB_TYPES = sorted({t for types in statewide.INDUSTRY_JOB_TYPES.values() for t in types})
INDUSTRIES = sorted(statewide.INDUSTRY_JOB_TYPES)


@pytest.fixture
def small(db_url: str) -> Database:
    statewide.generate(db_url, seed=11, scale=0.004)
    return Database(db_url)


no_limit = st.builds(
    Preferences,
    job_types=st.lists(st.sampled_from(JOB_TYPES), max_size=3),
    industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2),
    avoid=st.lists(st.sampled_from(JOB_TYPES + INDUSTRIES), max_size=3),
    shifts=st.lists(st.sampled_from(["day", "evening", "night", "weekend"]), max_size=2),
    home_zip=st.sampled_from([None, "53703", "54301", "54481", "53202", "54601", "54806"]),
    transport=st.sampled_from([None, "bus", "car", "walk"]),
    wage_min=st.sampled_from([None, "12.00", "16.50"]),
)


@pytest.fixture(params=[False, True], ids=["radius", "radius-and-bound"])
def bound_in_database(request: pytest.FixtureRequest) -> bool:
    """Whether the database computes the score bound (by default only PostgreSQL does)."""
    return bool(request.param)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefs=no_limit, k=st.integers(min_value=1, max_value=80))
def test_the_regional_read_ranks_exactly_as_reading_every_employer(
    small: Database, bound_in_database: bool, prefs: Preferences, k: int
) -> None:
    seeker = JobSeeker(code="J-9001", preferences=prefs)
    with small.unit_of_work() as uow:
        everything = rank_employers(uow, seeker, limit=None, as_of=AS_OF)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_source, "NEARBY_MIN_EMPLOYERS", 0)
            patch.setattr(_source, "BOUND_IN_DATABASE", bound_in_database)
            nearby = rank_employers(uow, seeker, limit=k, as_of=AS_OF)
    assert nearby.matches == everything.matches[:k]
    assert nearby.considered == everything.considered
    assert nearby.filtered == everything.filtered
    assert nearby.notes == everything.notes


class EveryThirdEmployer:
    """A plugin-style factor the score bound knows nothing about (no facts): full marks for
    every third employer by id, none for the others."""

    name = "every_third"

    def __init__(self, weight: float) -> None:
        self.weight = weight

    def score(self, context: MatchContext) -> FactorScore:
        hit = context.employer.id % 3 == 0
        return FactorScore(self.name, self.weight, 1.0 if hit else 0.0, "every third")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    prefs=no_limit,
    k=st.integers(min_value=1, max_value=40),
    weight=st.sampled_from([0.5, 2.0, 6.0]),
)
def test_a_plugin_factor_without_a_bound_still_ranks_exactly_as_reading_every_employer(
    small: Database, bound_in_database: bool, prefs: Preferences, k: int, weight: float
) -> None:
    seeker = JobSeeker(code="J-9005", preferences=prefs)
    register_factor(EveryThirdEmployer(weight))
    try:
        with small.unit_of_work() as uow:
            everything = rank_employers(uow, seeker, limit=None, as_of=AS_OF)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(_source, "NEARBY_MIN_EMPLOYERS", 0)
                patch.setattr(_source, "BOUND_IN_DATABASE", bound_in_database)
                nearby = rank_employers(uow, seeker, limit=k, as_of=AS_OF)
    finally:
        unregister_factor("every_third")
    assert "every_third" in nearby.weights
    assert nearby.matches == everything.matches[:k]
    assert nearby.considered == everything.considered
    assert nearby.filtered == everything.filtered


def _scoring(
    uow: UnitOfWork, seeker: JobSeeker, config: MatchConfig
) -> tuple[SeekerView, SeekerScoring]:
    """The view of ``seeker`` and its scoring, as the ranking builds them."""
    view = SeekerView.build(seeker, config, as_of=AS_OF)
    scoring = SeekerScoring(
        uow=uow,
        view=view,
        config=config,
        factors=active_factors(view, config),
        spread=queries.spread_facts(uow),
    )
    return view, scoring


def test_the_regional_read_reads_less_than_everything(small: Database) -> None:
    prefs = Preferences(job_types=["cook", "cashier", "server"], home_zip="53703", transport="car")
    seeker = JobSeeker(code="J-9002", preferences=prefs)
    config = MatchConfig()
    with small.unit_of_work() as uow:
        view, scoring = _scoring(uow, seeker, config)
        where = _source.hard_filters(uow, view)
        read = _source.read_nearby(uow, scoring, where, 1, None)
        total = _source.count_kept(uow, where)
    assert read is not None
    assert 1 <= len(read) < total / 2


def test_the_score_bound_in_the_database_reads_less_without_a_home(
    small: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_source, "BOUND_IN_DATABASE", True)
    prefs = Preferences(job_types=["cook"], industries=["food service"], shifts=["day"])
    seeker = JobSeeker(code="J-9004", preferences=prefs)
    config = MatchConfig()
    with small.unit_of_work() as uow:
        view, scoring = _scoring(uow, seeker, config)
        where = _source.hard_filters(uow, view)
        keys = queries.distinct_keys(uow, _source.bound_columns(scoring))
        bound = _source.score_bound(scoring, {**keys, "zip": queries.distinct_zips(uow)})
        read = _source.read_nearby(uow, scoring, where, 3, None)
        total = _source.count_kept(uow, where)
    assert bound is not None
    assert {t.column for t in bound.terms} == {"job_types", "industry", "shifts"}
    assert read is not None
    assert 3 <= len(read) < total / 2


def test_the_radius_is_where_full_marks_elsewhere_stop_reaching_the_score(
    small: Database,
) -> None:
    prefs = Preferences(job_types=["cook"], home_zip="53703", transport="car")
    seeker = JobSeeker(code="J-9003", preferences=prefs)
    config = MatchConfig()
    with small.unit_of_work() as uow:
        view = SeekerView.build(seeker, config, as_of=AS_OF)
        scoring = SeekerScoring(
            uow=uow,
            view=view,
            config=config,
            factors=active_factors(view, config),
            spread={},
        )
    weights = {a.factor.name: a.weight for a in scoring.factors}
    others = sum(
        (0.5 * a.weight if a.unknown else a.weight)
        for a in scoring.factors
        if a.factor.name != "distance"
    )
    usual = view.usual_miles  # the distance part is 1 - miles / (2 * usual)
    # a sum that needs a distance part of 0.75 at least: within half the usual distance
    need = others + 0.75 * weights["distance"]
    assert _source.distance_radius(scoring, need) == pytest.approx(usual / 2, abs=0.1)
    assert _source.distance_radius(scoring, others) is None  # any distance reaches it
    assert _source.distance_radius(scoring, others + weights["distance"] + 1) == 0.0


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    caseload=st.lists(
        st.builds(
            Preferences,
            job_types=st.lists(st.sampled_from(JOB_TYPES), max_size=2),
            industries=st.lists(st.sampled_from(INDUSTRIES), max_size=1),
            avoid=st.lists(st.sampled_from(JOB_TYPES + INDUSTRIES), max_size=2),
            home_zip=st.sampled_from([None, "53703", "54301", "53202"]),
            max_miles=st.sampled_from([None, 10.0, 40.0]),
            transport=st.sampled_from([None, "bus", "car"]),
        ),
        min_size=1,
        max_size=6,
    ),
    good_fit=st.sampled_from([0.5, 0.6, 0.7]),
)
def test_caseload_targets_equal_scoring_each_job_seeker_over_every_employer(
    small: Database, caseload: list[Preferences], good_fit: float
) -> None:
    seekers = [JobSeeker(code=f"J-9{i:03d}", preferences=p) for i, p in enumerate(caseload)]
    with small.unit_of_work() as uow:
        targets = targets_for_seekers(uow, seekers, limit=None, good_fit=good_fit, as_of=AS_OF)
        expected: dict[int, dict[str, float]] = {}
        for seeker in seekers:
            ranked = rank_employers(uow, seeker, limit=None, as_of=AS_OF)
            for match in ranked.matches:
                if match.score >= good_fit:
                    expected.setdefault(match.employer_id, {})[seeker.code] = match.score
    assert {t.employer_id: t.scores for t in targets} == expected


def _targets_by_scoring_everything(
    uow: UnitOfWork, seekers: list[JobSeeker], good_fit: float, limit: int
) -> list[tuple[int, str, list[str], float, dict[str, float]]]:
    """Caseload targets the slow way: every job seeker's whole ranking, then the order
    of :func:`targets_for_seekers` (most job seekers, higher mean, name, id)."""
    fits: dict[int, dict[str, float]] = {}
    names: dict[int, str] = {}
    for seeker in seekers:
        for match in rank_employers(uow, seeker, limit=None, as_of=AS_OF).matches:
            if match.score >= good_fit:
                fits.setdefault(match.employer_id, {})[seeker.code] = match.score
                names[match.employer_id] = match.employer_name
    rows = [
        (
            employer_id,
            names[employer_id],
            sorted(scores, key=lambda code: (-scores[code], code)),
            round(sum(scores.values()) / len(scores), 4),
            scores,
        )
        for employer_id, scores in fits.items()
    ]
    rows.sort(key=lambda r: (-len(r[2]), -r[3], r[1].casefold(), r[0]))
    return rows[:limit]


#: Few job types and home ZIPs, so that job seekers share employers (targets fit several).
_SHARED_TYPES = ["cook", "cashier", "server", "stocker", "dishwasher", "housekeeping"]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    caseload=st.lists(
        st.builds(
            Preferences,
            job_types=st.lists(st.sampled_from(_SHARED_TYPES), max_size=2),
            industries=st.lists(st.sampled_from(INDUSTRIES[:4]), max_size=1),
            avoid=st.lists(st.sampled_from(JOB_TYPES + INDUSTRIES), max_size=1),
            shifts=st.lists(st.sampled_from(["day", "evening"]), max_size=1),
            home_zip=st.sampled_from([None, "53703", "53202", "53704"]),
            max_miles=st.sampled_from([None, None, 5.0, 15.0, 40.0]),
            transport=st.sampled_from([None, "bus", "car"]),
            wage_min=st.sampled_from([None, "12.00"]),
        ),
        min_size=2,
        max_size=8,
    ),
    good_fit=st.sampled_from([0.5, 0.6, 0.7]),
    limit=st.sampled_from([1, 3, 10, 40, 400]),
)
def test_the_fast_caseload_targets_rank_exactly_as_scoring_everything(
    small: Database, caseload: list[Preferences], good_fit: float, limit: int
) -> None:
    """The fast path (the limits' areas read once, outside them only the kinds of employer
    enough job seekers may fit) gives the very list of scoring every employer for everyone."""
    seekers = [JobSeeker(code=f"J-9{i:03d}", preferences=p) for i, p in enumerate(caseload)]
    with small.unit_of_work() as uow:
        fast = targets_for_seekers(uow, seekers, limit=limit, good_fit=good_fit, as_of=AS_OF)
        slow = _targets_by_scoring_everything(uow, seekers, good_fit, limit)
    assert [(t.employer_id, t.employer_name, t.seekers, t.score, t.scores) for t in fast] == slow

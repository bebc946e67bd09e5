"""Matching properties on a small generated statewide data set (SQLite and PostgreSQL).

The fast ranking (columns, memoised parts, pruning, visit history read only for
candidates) must give exactly what scoring every employer one by one gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import statewide
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ips_jobdev import Database, JobSeeker, Preferences
from ips_jobdev._model import normalize_employer_name
from ips_jobdev.matching import MatchList, explain_match, rank_employers

AS_OF: dt.date = statewide.END
JOB_TYPES = sorted({t for types in statewide.INDUSTRY_JOB_TYPES.values() for t in types})
INDUSTRIES = sorted(statewide.INDUSTRY_JOB_TYPES)


@pytest.fixture(scope="module")
def small(module_db_url: str) -> Iterator[Database]:
    """A small statewide data set, made once per database for the module (its tests only
    read it)."""
    statewide.generate(module_db_url, seed=7, scale=0.002)
    database = Database(module_db_url)
    yield database
    database.dispose()


def _in_order(result: MatchList) -> bool:
    keys = [
        (-m.score, m.employer_name.casefold(), m.employer_name, m.employer_id)
        for m in result.matches
    ]
    return keys == sorted(keys)


@pytest.mark.parametrize("read_all_history", [False, True])
def test_fast_ranking_equals_scoring_each_employer_one_by_one(
    small: Database, read_all_history: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if read_all_history:  # as for a statewide job seeker with many candidates
        monkeypatch.setattr("ips_jobdev.matching._engine._ALL_HISTORY_MIN", 0)
    with small.unit_of_work() as uow:
        seekers = [s for s in uow.seekers.list() if s.preferences.home_zip][:3]
        employers = uow.employers.list()
        assert len(employers) == 300
        for seeker in seekers:
            result = rank_employers(uow, seeker, limit=None, as_of=AS_OF)
            assert _in_order(result)
            shown = {m.employer_id: m for m in result.matches}
            kept = 0
            for employer in employers:
                one = explain_match(uow, seeker, employer, as_of=AS_OF)
                if one.filtered_by is None:
                    kept += 1
                    assert shown[employer.id] == one, (seeker.code, employer.name)
                else:
                    assert employer.id not in shown
                    assert result.filtered[one.filtered_by] >= 1
            assert kept == len(result.matches) == result.considered
            assert kept + sum(result.filtered.values()) == len(employers)
            top = rank_employers(uow, seeker, limit=7, as_of=AS_OF)
            assert top.matches == result.matches[:7]


preferences = st.builds(
    Preferences,
    job_types=st.lists(st.sampled_from(JOB_TYPES), max_size=3),
    industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2),
    avoid=st.lists(st.sampled_from(JOB_TYPES + INDUSTRIES), max_size=2),
    shifts=st.lists(st.sampled_from(["day", "evening", "night", "weekend"]), max_size=2),
    home_zip=st.sampled_from([None, "53703", "54301", "54481", "53202"]),
    max_miles=st.sampled_from([None, 10.0, 40.0]),
    transport=st.sampled_from([None, "bus", "car"]),
    wage_min=st.sampled_from([None, "12.00", "16.50"]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefs=preferences, extra=st.sampled_from(JOB_TYPES))
def test_adding_a_preferred_job_type_never_lowers_a_matching_employers_part(
    small: Database, prefs: Preferences, extra: str
) -> None:
    before = JobSeeker(code="J-9001", preferences=prefs)
    wider = Preferences.from_dict({**prefs.to_dict(), "job_types": [*prefs.job_types, extra]})
    after = JobSeeker(code="J-9001", preferences=wider)
    with small.unit_of_work() as uow:
        first = rank_employers(uow, before, limit=None, as_of=AS_OF)
        second = rank_employers(uow, after, limit=None, as_of=AS_OF)
        again = rank_employers(uow, before, limit=None, as_of=AS_OF)
    assert again == first  # the same input gives the same order
    assert _in_order(first)
    for match in first.matches:
        assert 0.0 <= match.score <= 1.0
        assert all(p.score is None or 0.0 <= p.score <= 1.0 for p in match.parts)
    parts = {m.employer_id: m.part("job_type") for m in second.matches}
    for match in first.matches:
        old = match.part("job_type")
        assert old is not None
        if old.score == 1.0:
            new = parts[match.employer_id]
            assert new is not None
            assert new.score == 1.0


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefs=preferences, pick=st.integers(min_value=0, max_value=299), by_name=st.booleans())
def test_an_avoided_employer_never_appears(
    small: Database, prefs: Preferences, pick: int, by_name: bool
) -> None:
    with small.unit_of_work() as uow:
        employers = uow.employers.list()
        industries = {e.id: e.industry for e in employers}
        target = employers[pick]
        target_id = target.id
        avoided = target.name if by_name else (target.industry or target.name)
        seeker = JobSeeker(
            code="J-9002",
            preferences=Preferences.from_dict(
                {**prefs.to_dict(), "avoid": [*prefs.avoid, avoided]}
            ),
        )
        result = rank_employers(uow, seeker, limit=None, as_of=AS_OF)
    assert target_id not in {m.employer_id for m in result.matches}
    folded = normalize_employer_name(avoided)
    for match in result.matches:
        assert normalize_employer_name(match.employer_name) != folded
        assert industries[match.employer_id] != avoided.lower()

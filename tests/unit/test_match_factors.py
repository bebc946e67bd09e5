"""Each match factor on its own, with made-up facts (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ips_jobdev import JobSeeker, Preferences, ValidationError
from ips_jobdev._geo import zip_centroid
from ips_jobdev.matching import (
    FACTOR_NAMES,
    BusFactor,
    DistanceFactor,
    EmployerFacts,
    FactorScore,
    IndustryFactor,
    JobTypeFactor,
    MatchConfig,
    MatchContext,
    OpeningFacts,
    RelationshipFactor,
    RelationshipFacts,
    ScheduleFactor,
    SeekerView,
    SpreadFactor,
    SpreadFacts,
    WageFactor,
    builtin_factors,
    register_factor,
    registered_factors,
    unregister_factor,
)

AS_OF = dt.date(2026, 11, 20)


def view(name: str | None = "Maria", **preferences: Any) -> SeekerView:
    seeker = JobSeeker(code="J-1001", name=name, preferences=Preferences(**preferences))
    return SeekerView.build(seeker, MatchConfig(), as_of=AS_OF)


def context(
    seeker: SeekerView,
    *,
    miles: float | None = None,
    visits: int = 0,
    last: dt.date | None = None,
    starts: int = 0,
    opening: OpeningFacts | None = None,
    **facts: Any,
) -> MatchContext:
    return MatchContext(
        view=seeker,
        employer=EmployerFacts(id=1, name="Example Works", **facts),
        config=MatchConfig(),
        miles=miles,
        relationship=RelationshipFacts(visits, last, 180),
        spread=SpreadFacts(starts),
        opening=opening,
    )


# -- job type ---------------------------------------------------------------------------


def test_job_type_on_the_list_scores_one_and_names_the_work() -> None:
    part = JobTypeFactor().score(
        context(view(job_types="warehouse"), job_types=("warehouse", "forklift"))
    )
    assert part == FactorScore("job_type", 3.0, 1.0, "warehouse work is on Maria's list")


def test_job_type_not_on_the_list_scores_zero_and_lists_what_the_employer_has() -> None:
    part = JobTypeFactor().score(context(view(job_types="warehouse"), job_types=("cook",)))
    assert (part.score, part.reason) == (0.0, "has cook jobs; none is on Maria's list")


def test_job_type_unknown_when_the_employer_has_none_recorded() -> None:
    part = JobTypeFactor().score(context(view(job_types="warehouse"), job_types=()))
    assert (part.score, part.reason) == (None, "job types not recorded")


def test_job_type_unknown_when_the_job_seeker_named_none_and_uses_the_code() -> None:
    part = JobTypeFactor().score(context(view(name=None), job_types=("cook",)))
    assert (part.score, part.reason) == (None, "J-1001 has no job types on the list")


def test_avoided_job_type_never_counts_toward_a_match() -> None:
    seeker = view(job_types="cook;warehouse", avoid="cook")
    assert JobTypeFactor().score(context(seeker, job_types=("cook",))).score is None
    part = JobTypeFactor().score(context(seeker, job_types=("cook", "stocker")))
    assert (part.score, part.reason) == (0.0, "has stocker jobs; none is on Maria's list")


def test_job_type_of_an_opening_stands_in_for_the_employers() -> None:
    opening = OpeningFacts(id=3, title="Cook", job_type="cook")
    part = JobTypeFactor().score(
        context(view(job_types="cook"), job_types=("warehouse",), opening=opening)
    )
    assert part.score == 1.0


def test_labels_compare_ignoring_case_hyphens_and_underscores() -> None:
    part = JobTypeFactor().score(context(view(job_types="Front-Desk"), job_types=("front_desk",)))
    assert part.score == 1.0


# -- industry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("industry", "expected", "reason"),
    [
        ("retail", 1.0, "retail is on Maria's list of industries"),
        ("manufacturing", 0.0, "manufacturing is not on Maria's list of industries"),
        (None, None, "industry not recorded"),
    ],
)
def test_industry(industry: str | None, expected: float | None, reason: str) -> None:
    part = IndustryFactor().score(context(view(industries="retail"), industry=industry))
    assert (part.score, part.reason) == (expected, reason)


# -- distance ---------------------------------------------------------------------------


def test_distance_within_a_stated_limit_by_bus() -> None:
    seeker = view(home_zip="53703", max_miles=15, transport="bus")
    part = DistanceFactor().score(context(seeker, miles=11.2))
    assert part.reason == "11.2 miles; limit 15 by bus"
    assert part.score == round(1 - 11.2 / 30, 4)


def test_distance_without_a_limit_uses_the_usual_distance_for_the_travel_mode() -> None:
    seeker = view(home_zip="53703", transport="car")
    part = DistanceFactor().score(context(seeker, miles=25.0))
    assert (part.score, part.reason) == (0.5, "25.0 miles; no limit recorded, 25 usual by car")


def test_distance_falls_to_zero_at_twice_the_limit() -> None:
    seeker = view(home_zip="53703", max_miles=10)
    assert DistanceFactor().score(context(seeker, miles=0.0)).score == 1.0
    assert DistanceFactor().score(context(seeker, miles=20.0)).score == 0.0
    assert DistanceFactor().score(context(seeker, miles=35.0)).score == 0.0


@pytest.mark.parametrize(
    ("home_zip", "miles", "reason"),
    [
        (None, 3.0, "distance unknown: Maria has no home ZIP recorded"),
        ("00000", 3.0, "distance unknown: home ZIP 00000 is not in the ZIP table"),
        ("53703", None, "distance unknown: no ZIP or position for the employer"),
    ],
)
def test_distance_unknown_is_neutral_and_says_why(
    home_zip: str | None, miles: float | None, reason: str
) -> None:
    part = DistanceFactor().score(context(view(home_zip=home_zip), miles=miles))
    assert (part.score, part.reason) == (None, reason)
    assert part.counted == 0.5


# -- schedule ---------------------------------------------------------------------------


def test_schedule_mismatch_names_both_sides() -> None:
    part = ScheduleFactor().score(context(view(shifts="day"), shifts=("evening",)))
    assert (part.score, part.reason) == (0.0, "has evening shifts; Maria wants days only")


def test_schedule_match_on_any_shared_shift() -> None:
    part = ScheduleFactor().score(context(view(shifts="day;weekend"), shifts=("evening", "day")))
    assert (part.score, part.reason) == (
        1.0,
        "has evening and day shifts; Maria wants days or weekends",
    )


def test_schedule_flexible_fits_either_way_and_missing_shifts_are_unknown() -> None:
    assert ScheduleFactor().score(context(view(shifts="day"), shifts=("flexible",))).score == 1.0
    assert ScheduleFactor().score(context(view(shifts="flexible"), shifts=("night",))).score == 1.0
    assert ScheduleFactor().score(context(view(shifts="day"), shifts=())).score is None
    assert ScheduleFactor().score(context(view(), shifts=("day",))).score is None


def test_schedule_of_an_opening_checks_hours_against_the_range_and_benefits_cap() -> None:
    seeker = view(shifts="day", hours_min=15, hours_max=30, benefits_hours_cap=20)
    inside = OpeningFacts(id=1, title="Clerk", hours_per_week=18, shifts=("day",))
    outside = OpeningFacts(id=2, title="Clerk", hours_per_week=32, shifts=("day",))
    assert ScheduleFactor().score(context(seeker, opening=inside)).score == 1.0
    part = ScheduleFactor().score(context(seeker, opening=outside))
    assert part.score == 0.0
    assert part.reason.endswith("32 hours a week; Maria wants 15-20")


# -- wage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected", "reason"),
    [
        ("15.00", "18.00", 1.0, "pays $15.00-$18.00; Maria needs $15.00"),
        ("14.00", "16.00", 0.5, "pays $14.00-$16.00; Maria needs $15.00"),
        ("12.00", "14.00", 0.0, "pays up to $14.00; Maria needs $15.00"),
        (None, "16.00", 1.0, "pays $16.00; Maria needs $15.00"),
        (None, None, None, "wages not recorded"),
    ],
)
def test_wage(low: str | None, high: str | None, expected: float | None, reason: str) -> None:
    facts = {
        "wage_min": Decimal(low) if low else None,
        "wage_max": Decimal(high) if high else None,
    }
    part = WageFactor().score(context(view(wage_min="15"), **facts))
    assert (part.score, part.reason) == (expected, reason)


cents = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))


@given(floor=st.integers(min_value=0, max_value=5000), pairs=st.lists(st.tuples(cents, cents)))
def test_wage_column_agrees_with_the_one_employer_function(
    floor: int, pairs: list[tuple[int | None, int | None]]
) -> None:
    seeker = view(wage_min=Decimal(floor) / 100)
    factor = WageFactor()
    one = factor.part_function(seeker, MatchConfig())
    lows, highs = [p[0] for p in pairs], [p[1] for p in pairs]
    assert factor.part_column(seeker, MatchConfig(), lows, highs) == [one(*p) for p in pairs]


# -- bus --------------------------------------------------------------------------------


def test_bus_counts_only_for_job_seekers_who_travel_by_bus() -> None:
    rider = view(transport="bus")
    assert BusFactor().applies(rider)
    assert BusFactor().score(context(rider, bus_access=True)).reason == "on a bus line"
    part = BusFactor().score(context(rider, bus_access=False))
    assert (part.score, part.reason) == (0.0, "not on a bus line; Maria travels by bus")
    assert BusFactor().score(context(rider, bus_access=None)).score is None
    driver = view(transport="car")
    assert not BusFactor().applies(driver)
    part = BusFactor().score(context(driver, bus_access=False))
    assert (part.weight, part.score) == (0.0, None)
    assert part.reason == "Maria travels by car; bus access not counted"


# -- relationship and spread ------------------------------------------------------------


def test_relationship_rises_with_recent_face_to_face_visits() -> None:
    seeker = view()
    none = RelationshipFactor().score(context(seeker))
    assert (none.score, none.reason) == (0.0, "no face-to-face visit in the last 180 days")
    one = RelationshipFactor().score(context(seeker, visits=1, last=dt.date(2026, 11, 2)))
    assert (one.score, one.reason) == (
        0.6,
        "1 face-to-face visit in the last 180 days, on 2026-11-02",
    )
    three = RelationshipFactor().score(context(seeker, visits=3, last=dt.date(2026, 11, 2)))
    assert three.score == 1.0
    assert three.reason == "3 face-to-face visits in the last 180 days, the last on 2026-11-02"


def test_spread_lowers_an_employer_that_took_many_of_the_teams_job_seekers() -> None:
    seeker = view()
    assert SpreadFactor().score(context(seeker)).score == 1.0
    two = SpreadFactor().score(context(seeker, starts=2))
    assert (two.score, two.reason) == (0.6, "already hired 2 of the team's job seekers")
    assert SpreadFactor().score(context(seeker, starts=9)).score == 0.0


# -- the fast path agrees with score() --------------------------------------------------

labels = st.sampled_from(["cook", "warehouse", "stocker", "retail", "day", "evening"])


@settings(max_examples=60)
@given(
    wanted=st.lists(labels, max_size=3),
    avoid=st.lists(labels, max_size=2),
    industries=st.lists(labels, max_size=2),
    shifts=st.lists(st.sampled_from(["day", "evening", "night", "flexible"]), max_size=2),
    employer_types=st.lists(labels, max_size=3),
    industry=st.one_of(st.none(), labels),
    offered=st.lists(st.sampled_from(["day", "evening", "weekend", "flexible"]), max_size=2),
    miles=st.one_of(st.none(), st.floats(min_value=0, max_value=80).map(lambda m: round(m, 1))),
    bus=st.one_of(st.none(), st.booleans()),
    starts=st.integers(min_value=0, max_value=8),
)
def test_every_factors_part_function_gives_the_score_of_score(
    wanted: list[str],
    avoid: list[str],
    industries: list[str],
    shifts: list[str],
    employer_types: list[str],
    industry: str | None,
    offered: list[str],
    miles: float | None,
    bus: bool | None,
    starts: int,
) -> None:
    seeker = view(
        job_types=wanted,
        avoid=avoid,
        industries=industries,
        shifts=shifts,
        home_zip="53703",
        transport="bus",
    )
    ctx = context(
        seeker,
        miles=miles,
        starts=starts,
        job_types=tuple(employer_types),
        industry=industry,
        shifts=tuple(offered),
        bus_access=bus,
    )
    facts = {
        "job_types": tuple(employer_types),
        "industry": industry,
        "shifts": tuple(offered),
        "distance": miles,
        "bus_access": bus,
        "spread": starts,
    }
    for factor in builtin_factors():
        if factor.name in ("wage", "relationship"):
            continue
        function = factor.part_function(seeker, MatchConfig())
        assert function(*(facts[f] for f in factor.facts)) == factor.score(ctx).score, factor.name
        if factor.always_unknown(seeker):
            assert factor.score(ctx).score is None


def test_seeker_view_leaves_avoided_labels_out_of_the_wanted_ones() -> None:
    seeker = view(job_types="cook;warehouse", industries="retail;food service", avoid="cook;retail")
    assert seeker.wanted_job_types == ("warehouse",)
    assert seeker.wanted_industries == ("food service",)
    assert seeker.home is None
    assert view(home_zip="53703-1234").home == zip_centroid("53703")


def test_a_call_limit_narrows_the_job_seekers_own_limit() -> None:
    seeker = JobSeeker(code="J-1", preferences=Preferences(max_miles=10))
    assert SeekerView.build(seeker, MatchConfig(), max_miles=5).limit == 5
    assert SeekerView.build(seeker, MatchConfig(), max_miles=50).limit == 10


# -- config -----------------------------------------------------------------------------


def test_config_file_sets_weights_distances_and_windows(tmp_path: Path) -> None:
    path = tmp_path / "matching.toml"
    path.write_text(
        "[weights]\ndistance = 4\nspread = 0\n[usual_miles]\nbus = 10\n"
        "[relationship]\nwindow_days = 90\n[spread]\nfull_at = 3\n[targets]\ngood_fit = 0.6\n",
        encoding="utf-8",
    )
    config = MatchConfig.load(path)
    assert config.weights["distance"] == 4.0
    assert config.weights["spread"] == 0.0
    assert config.weights["job_type"] == 3.0
    assert config.usual_miles["bus"] == 10.0
    assert (config.relationship_days, config.spread_full_at, config.good_fit) == (90, 3, 0.6)
    assert config.with_weights({"distance": 1}).weights["distance"] == 1.0
    assert [f.weight for f in builtin_factors(config)][:3] == [3.0, 2.0, 4.0]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[weight]\ndistance = 1\n", "weight"),
        ("[weights]\ndistance = -1\n", "weights.distance"),
        ("[weights]\ndistance = 'far'\n", "weights.distance"),
        ("[usual_miles]\nrocket = 100\n", "usual_miles.rocket"),
        ("[relationship]\ndays = 10\n", "relationship.days"),
        ("[targets]\ngood_fit = 2\n", "good_fit"),
        ("weights = [", "path"),
    ],
)
def test_config_file_mistakes_name_the_key(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "matching.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        MatchConfig.load(path)
    assert caught.value.field == field


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        MatchConfig.load(tmp_path / "nope.toml")


# -- registry ---------------------------------------------------------------------------


class NearTheLake:
    """A plugin-style factor: only name, weight and score."""

    name = "lake"
    weight = 1.0

    def score(self, context: MatchContext) -> FactorScore:
        return FactorScore(self.name, self.weight, 1.0, "by the lake")


def test_register_factor_adds_it_once_and_refuses_bad_ones() -> None:
    factor = NearTheLake()
    try:
        register_factor(factor)
        assert registered_factors() == [factor]
        with pytest.raises(ValidationError, match="already registered"):
            register_factor(NearTheLake())
        with pytest.raises(ValidationError, match="already registered"):
            register_factor(type("Clash", (NearTheLake,), {"name": "distance"})())
        with pytest.raises(ValidationError, match="lacks name"):
            register_factor(object())  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="unknown facts"):
            register_factor(type("Odd", (NearTheLake,), {"name": "odd", "facts": ("moon",)})())
    finally:
        unregister_factor("lake")
    assert registered_factors() == []
    assert tuple(f.name for f in builtin_factors()) == FACTOR_NAMES

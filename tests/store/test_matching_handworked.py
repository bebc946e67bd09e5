"""A hand-worked ranking: one job seeker, thirteen employers, every score worked out below.

Maria (J-1001) lives in ZIP 53703, travels by bus, will go 15 miles, wants warehouse or
stocker work in retail or logistics, day shifts, at least $15.00, and avoids fast food,
telemarketing and the Gravel Pit Quarry. Default weights: job type 3, industry 2,
distance 2, schedule 1.5, wage 1.5, bus 1, relationship 1, spread 0.5 (total 12.5).
An unknown part counts 0.5. Distance part = 1 - miles / (2 * 15).

=====================  ===  ===  =======  ===  ====  ===  ===  ===  =====  ======
employer               job  ind  dist     sch  wage  bus  rel  spr  sum    score
=====================  ===  ===  =======  ===  ====  ===  ===  ===  =====  ======
Alpha Supply           1    1    0.0 mi   1    1     1    0    1    11.5   0.92
Birch Goods (own pos.) 1    1    0.0 mi   1    1     1    0    1    11.5   0.92
Kestrel Outlet         1    1    0.0 mi   1    1     1    0    0.6  11.3   0.904
Beacon Logistics       1    1    0.0 mi   0    0.5   1    0.8  1    10.05  0.804
Elm Street Grocers     1    1    13.0 mi  1    1     0    0    1    9.6334 0.7707
Driftless Depot        ?    1    0.0 mi   ?    ?     ?    0    1    8.0    0.64
Cedar Foods            0    0    0.0 mi   1    1     1    0    1    6.5    0.52
Lakeside Market        0    1    ?        0    0     1    0    1    4.5    0.36
=====================  ===  ===  =======  ===  ====  ===  ===  ===  =====  ======

Elm Street's distance part is round(1 - 13.0/30, 4) = 0.5667, weighted 1.1334. Alpha
Supply and Birch Goods tie at 0.92 and go by name. Filtered out, one per hard filter:
Hilltop Movers (do not contact), Gravel Pit Quarry (avoided employer), Fryer Express
(avoided industry), Ironwood Warehouse (Milwaukee, past 15 miles), Juniper Calls (its only
job type, telemarketing, is avoided).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from ips_jobdev import Database, Employer, JobSeeker, JobStart, Preferences, Specialist, Visit
from ips_jobdev._vocab import JobSeekerStatus
from ips_jobdev.matching import caseload_targets, explain_match, rank_employers

AS_OF = dt.date(2026, 11, 20)
MADISON = (43.0775, -89.3831)  # the centroid of ZIP 53703


def _employer(name: str, **facts: Any) -> Employer:
    defaults: dict[str, Any] = {
        "zip": "53703",
        "shifts": "day",
        "wage_min": "16.00",
        "wage_max": "18.00",
        "bus_access": True,
    }
    return Employer(name=name, **{**defaults, **facts})


def _visit(employer: Employer, specialist: Specialist, day: dt.date, mode: str) -> Visit:
    assert employer.id is not None
    assert specialist.id is not None
    at = dt.datetime.combine(day, dt.time(15), dt.UTC)
    return Visit(employer_id=employer.id, specialist_id=specialist.id, at=at, mode=mode)


def build(db: Database) -> None:
    with db.unit_of_work() as uow:
        ae = uow.specialists.add(Specialist(code="ae", name="Avery Example"))
        bx = uow.specialists.add(Specialist(code="bx", name="Blake Example"))
        uow.flush()
        employers = {
            e.name: uow.employers.add(e)
            for e in [
                _employer("Alpha Supply", industry="retail", job_types="stocker;cashier"),
                _employer(
                    "Birch Goods",
                    industry="retail",
                    job_types="stocker;cashier",
                    zip=None,
                    latitude=MADISON[0],
                    longitude=MADISON[1],
                ),
                _employer("Kestrel Outlet", industry="retail", job_types="stocker;telemarketing"),
                _employer(
                    "Beacon Logistics",
                    industry="logistics",
                    job_types="warehouse",
                    shifts="evening",
                    wage_min="14.00",
                    wage_max="16.00",
                ),
                _employer(
                    "Elm Street Grocers",
                    industry="retail",
                    job_types="stocker",
                    zip="53589",
                    wage_min="15.00",
                    wage_max="16.00",
                    bus_access=False,
                ),
                _employer(
                    "Driftless Depot",
                    industry="retail",
                    shifts=None,
                    wage_min=None,
                    wage_max=None,
                    bus_access=None,
                ),
                _employer("Cedar Foods", industry="food service", job_types="cook"),
                _employer(
                    "Lakeside Market",
                    industry="retail",
                    job_types="cashier",
                    zip=None,
                    shifts="evening;weekend",
                    wage_min="12.00",
                    wage_max="14.00",
                ),
                _employer(
                    "Hilltop Movers",
                    industry="logistics",
                    job_types="warehouse",
                    do_not_contact=True,
                ),
                _employer("Gravel Pit Quarry", industry="construction", job_types="laborer"),
                _employer("Fryer Express", industry="fast food", job_types="cook"),
                _employer(
                    "Ironwood Warehouse", industry="logistics", job_types="warehouse", zip="53202"
                ),
                _employer("Juniper Calls", industry="office", job_types="telemarketing"),
            ]
        }
        maria = JobSeeker(
            code="J-1001",
            name="Maria",
            specialist_id=ae.id,
            preferences=Preferences(
                job_types="warehouse;stocker",
                industries="retail;logistics",
                avoid="fast food;telemarketing;Gravel Pit Quarry",
                shifts="day",
                home_zip="53703",
                max_miles=15,
                transport="bus",
                wage_min="15.00",
            ),
        )
        luis = JobSeeker(
            code="J-1002",
            specialist_id=ae.id,
            preferences=Preferences(
                job_types="cook;stocker",
                industries="food service;retail",
                home_zip="53703",
                transport="car",
            ),
        )
        closed = JobSeeker(
            code="J-1003",
            specialist_id=ae.id,
            status=JobSeekerStatus.CLOSED,
            preferences=Preferences(job_types="stocker", home_zip="53703"),
        )
        others = [JobSeeker(code=f"J-200{i}", specialist_id=bx.id) for i in (1, 2)]
        uow.seekers.add_all([maria, luis, closed, *others])
        uow.flush()
        beacon = employers["Beacon Logistics"]
        uow.visits.add_all(
            [
                _visit(beacon, ae, dt.date(2026, 11, 10), "in-person"),
                _visit(beacon, bx, dt.date(2026, 10, 21), "in-person"),
                _visit(beacon, ae, dt.date(2026, 11, 15), "phone"),  # not face to face
                _visit(beacon, ae, dt.date(2026, 3, 1), "in-person"),  # before the window
            ]
        )
        kestrel = employers["Kestrel Outlet"]
        for seeker in others:
            assert seeker.id is not None
            assert kestrel.id is not None
            uow.job_starts.add(
                JobStart(
                    seeker_id=seeker.id,
                    employer_id=kestrel.id,
                    title="Stocker",
                    start_date=dt.date(2025, 5, 1),
                )
            )
        uow.commit()


@pytest.fixture(scope="module")
def county(module_db_url: str) -> Iterator[Database]:
    """The hand-worked county, built once per database for the module (its tests only read
    it)."""
    database = Database(module_db_url)
    build(database)
    yield database
    database.dispose()


EXPECTED = [
    ("Alpha Supply", 0.92),
    ("Birch Goods", 0.92),
    ("Kestrel Outlet", 0.904),
    ("Beacon Logistics", 0.804),
    ("Elm Street Grocers", 0.7707),
    ("Driftless Depot", 0.64),
    ("Cedar Foods", 0.52),
    ("Lakeside Market", 0.36),
]


def _reasons(county: Database, name: str) -> dict[str, tuple[float | None, str]]:
    with county.unit_of_work() as uow:
        result = rank_employers(uow, "J-1001", as_of=AS_OF)
    match = next(m for m in result.matches if m.employer_name == name)
    return {p.name: (p.score, p.reason) for p in match.parts}


def test_order_and_scores_are_the_hand_worked_ones(county: Database) -> None:
    with county.unit_of_work() as uow:
        result = rank_employers(uow, "J-1001", as_of=AS_OF)
    assert [(m.employer_name, m.score) for m in result.matches] == EXPECTED
    assert result.considered == 8
    assert result.filtered == {
        "do_not_contact": 1,
        "avoided_employer": 1,
        "avoided_industry": 1,
        "distance_limit": 1,
        "avoided_job_types": 1,
    }
    assert result.notes == ["only employers within 15 miles of home (Maria's limit)"]
    assert result.seeker_name == "Maria"


def test_alpha_supply_reasons(county: Database) -> None:
    assert _reasons(county, "Alpha Supply") == {
        "job_type": (1.0, "stocker work is on Maria's list"),
        "industry": (1.0, "retail is on Maria's list of industries"),
        "distance": (1.0, "0.0 miles; limit 15 by bus"),
        "schedule": (1.0, "has day shifts; Maria wants days"),
        "wage": (1.0, "pays $16.00-$18.00; Maria needs $15.00"),
        "bus": (1.0, "on a bus line"),
        "relationship": (0.0, "no face-to-face visit in the last 180 days"),
        "spread": (1.0, "no job seeker from the team has started here yet"),
    }


def test_birch_goods_uses_its_own_position(county: Database) -> None:
    assert _reasons(county, "Birch Goods")["distance"] == (1.0, "0.0 miles; limit 15 by bus")


def test_kestrel_outlet_counts_stocker_not_telemarketing_and_has_hired_two(
    county: Database,
) -> None:
    reasons = _reasons(county, "Kestrel Outlet")
    assert reasons["job_type"] == (1.0, "stocker work is on Maria's list")
    assert reasons["spread"] == (0.6, "already hired 2 of the team's job seekers")


def test_beacon_logistics_is_engaged_but_has_evening_shifts_and_a_low_start(
    county: Database,
) -> None:
    reasons = _reasons(county, "Beacon Logistics")
    assert reasons["job_type"] == (1.0, "warehouse work is on Maria's list")
    assert reasons["schedule"] == (0.0, "has evening shifts; Maria wants days only")
    assert reasons["wage"] == (0.5, "pays $14.00-$16.00; Maria needs $15.00")
    assert reasons["relationship"] == (
        0.8,
        "2 face-to-face visits in the last 180 days, the last on 2026-11-10",
    )


def test_elm_street_is_thirteen_miles_off_the_bus_line(county: Database) -> None:
    reasons = _reasons(county, "Elm Street Grocers")
    assert reasons["distance"] == (0.5667, "13.0 miles; limit 15 by bus")
    assert reasons["bus"] == (0.0, "not on a bus line; Maria travels by bus")


def test_driftless_depot_unknowns_are_neutral_and_say_so(county: Database) -> None:
    reasons = _reasons(county, "Driftless Depot")
    assert reasons["job_type"] == (None, "job types not recorded")
    assert reasons["schedule"] == (None, "shifts not recorded")
    assert reasons["wage"] == (None, "wages not recorded")
    assert reasons["bus"] == (None, "bus access not recorded")


def test_cedar_foods_and_lakeside_market_mismatches(county: Database) -> None:
    cedar = _reasons(county, "Cedar Foods")
    assert cedar["job_type"] == (0.0, "has cook jobs; none is on Maria's list")
    assert cedar["industry"] == (0.0, "food service is not on Maria's list of industries")
    lakeside = _reasons(county, "Lakeside Market")
    assert lakeside["distance"] == (None, "distance unknown: no ZIP or position for the employer")
    assert lakeside["schedule"] == (0.0, "has evening and weekend shifts; Maria wants days only")
    assert lakeside["wage"] == (0.0, "pays up to $14.00; Maria needs $15.00")


def test_limit_takes_the_best_and_weights_change_the_order(county: Database) -> None:
    with county.unit_of_work() as uow:
        top = rank_employers(uow, "J-1001", limit=3, as_of=AS_OF)
        assert [m.employer_name for m in top.matches] == [n for n, _ in EXPECTED[:3]]
        # relationship alone: the one engaged employer first, the rest by name
        others = ("job_type", "industry", "distance", "schedule", "wage", "bus", "spread")
        only = dict.fromkeys(others, 0.0)
        ranked = rank_employers(uow, "J-1001", weights=only, as_of=AS_OF)
        assert ranked.matches[0].employer_name == "Beacon Logistics"
        assert [m.employer_name for m in ranked.matches[1:3]] == ["Alpha Supply", "Birch Goods"]


def test_a_call_limit_narrows_the_list(county: Database) -> None:
    with county.unit_of_work() as uow:
        result = rank_employers(uow, "J-1001", max_miles=5, as_of=AS_OF)
    names = [m.employer_name for m in result.matches]
    assert "Elm Street Grocers" not in names
    assert result.filtered["distance_limit"] == 2
    assert result.notes == ["only employers within 5 miles of home (the limit given)"]


def test_ranking_without_counting_the_filtered_gives_the_same_list_and_no_counts(
    county: Database,
) -> None:
    with county.unit_of_work() as uow:
        counted = rank_employers(uow, "J-1001", max_miles=5, as_of=AS_OF)
        sent: list[str] = []

        def grab(*args: Any) -> None:
            sent.append(args[2])

        engine = uow.session.get_bind()
        sa.event.listen(engine, "before_cursor_execute", grab)
        try:
            quick = rank_employers(uow, "J-1001", max_miles=5, as_of=AS_OF, count_filtered=False)
        finally:
            sa.event.remove(engine, "before_cursor_execute", grab)
    assert quick.matches == counted.matches
    assert (quick.considered, quick.notes) == (counted.considered, counted.notes)
    assert quick.filtered == {}
    counts = [s for s in sent if "count(" in s.lower() and "from employers" in s.lower()]
    assert not counts, "no employer is counted"


def test_explain_gives_the_rankings_parts_and_names_the_filter(county: Database) -> None:
    with county.unit_of_work() as uow:
        ranked = rank_employers(uow, "J-1001", limit=None, as_of=AS_OF)
        for match in ranked.matches:
            employer = uow.employers.get(match.employer_id)
            assert explain_match(uow, "J-1001", employer, as_of=AS_OF) == match
        quarry = uow.employers.lookup("Gravel Pit Quarry")
        assert explain_match(uow, "J-1001", quarry, as_of=AS_OF).filtered_by == "avoided_employer"


def test_no_preferences_still_gets_a_ranked_list_with_a_note(county: Database) -> None:
    with county.unit_of_work() as uow:
        result = rank_employers(uow, "J-2001", as_of=AS_OF)
    assert result.notes[0].startswith("no preferences are recorded for J-2001")
    assert result.considered == 12  # every employer but the do-not-contact one
    # without preferences the five preference factors are unknown (0.5 each) and bus does
    # not count (no travel mode): total weight 11.5, and 5.0 of it is the unknowns
    scores = {m.employer_name: m.score for m in result.matches}
    assert result.matches[0].employer_name == "Beacon Logistics"  # (5.0 + 0.8 + 0.5) / 11.5
    assert scores["Beacon Logistics"] == 0.5478
    assert scores["Kestrel Outlet"] == 0.4609  # (5.0 + 0 + 0.3) / 11.5
    assert {scores[n] for n in scores} == {0.5478, 0.4783, 0.4609}  # others (5.0 + 0.5) / 11.5
    assert result.matches[-1].employer_name == "Kestrel Outlet"


def test_caseload_targets_count_active_job_seekers_who_fit_well(county: Database) -> None:
    with county.unit_of_work() as uow:
        targets = caseload_targets(uow, "ae", as_of=AS_OF)
    assert [(t.employer_name, t.seekers) for t in targets] == [
        ("Alpha Supply", ["J-1001", "J-1002"]),
        ("Birch Goods", ["J-1001", "J-1002"]),
        ("Kestrel Outlet", ["J-1001", "J-1002"]),
        ("Elm Street Grocers", ["J-1001", "J-1002"]),
        ("Beacon Logistics", ["J-1001"]),
        ("Cedar Foods", ["J-1002"]),
    ]
    alpha = targets[0]
    assert alpha.scores == {"J-1001": 0.92, "J-1002": 0.7826}
    assert alpha.score == round((0.92 + 0.7826) / 2, 4)
    with county.unit_of_work() as uow:
        assert len(caseload_targets(uow, "ae", limit=2, as_of=AS_OF)) == 2
        assert caseload_targets(uow, "ae", good_fit=0.91, as_of=AS_OF)[0].seekers == ["J-1001"]

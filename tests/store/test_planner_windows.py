"""The week planner with visiting windows, geocoders and travel times (SQLite and
PostgreSQL): every visit inside its employer's window and saying which, visits that
cannot be placed saying why, positions and travel from plugins, and the due list's best
time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

import pytest

import ips_jobdev as jobdev
from ips_jobdev._planning import PlanSettings, ScheduleSettings, plan_week
from ips_jobdev.cycles._due import list_due

ZONE = zoneinfo.ZoneInfo("America/Chicago")
MONDAY = dt.date(2026, 11, 30)  # ISO week 2026-W49
WEEK = "2026-W49"


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _build(db: jobdev.Database, windows: dict[str, str]) -> dict[str, int]:
    """jd (office 53703) with follow-ups due this week at four employers."""
    with db.unit_of_work() as uow:
        jd = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe", office_zip="53703"))
        employers = {
            "diner": jobdev.Employer(name="Example Diner", zip="53703"),
            "depot": jobdev.Employer(
                name="Sample Depot", zip="53704", latitude=43.1201, longitude=-89.3302
            ),
            "books": jobdev.Employer(name="Demo Books", zip="53715", street="1 Example Ave"),
            "garage": jobdev.Employer(name="Sample Garage", zip="53714"),
        }
        for name, employer in employers.items():
            employer.visiting_windows = windows.get(name)
            uow.employers.add(employer)
        uow.flush()
        for employer in employers.values():
            # introduced 20 Nov: learning the business is due 4 Dec, this week
            uow.visits.add(
                jobdev.Visit(
                    employer_id=employer.id,  # type: ignore[arg-type]
                    specialist_id=jd.id,  # type: ignore[arg-type]
                    at=_at(dt.date(2026, 11, 20)),
                    purpose="introduce",
                )
            )
        uow.commit()
        return {name: e.id for name, e in employers.items()}  # type: ignore[misc]


def _minutes(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def test_each_visit_lands_in_its_employers_window_and_says_which(db: jobdev.Database) -> None:
    ids = _build(
        db,
        {
            "diner": "Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Dana",
            "depot": "Mon-Fri 6:00-10:00",
            "books": "not 11:30-13:30",
        },
    )
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, target=4)
    by_employer = {v.employer_id: v for v in plan.visits}
    assert set(by_employer) == set(ids.values())
    diner = by_employer[ids["diner"]]
    assert diner.start.weekday() in (1, 2, 3)
    assert _minutes(diner.start) >= 14 * 60
    assert _minutes(diner.end) <= 16 * 60
    assert diner.window == "Tue-Thu 14:00-16:00"
    assert diner.visiting_note == "ask for Dana"
    depot = by_employer[ids["depot"]]
    assert _minutes(depot.end) <= 10 * 60
    assert depot.window == "Mon-Fri 06:00-10:00"
    books = by_employer[ids["books"]]
    assert books.window == "not 11:30-13:30"
    assert not (_minutes(books.start) < 13 * 60 + 30 and _minutes(books.end) > 11 * 60 + 30)
    assert by_employer[ids["garage"]].window is None
    # where each place came from: the depot's own coordinates, the ZIP centroid otherwise
    assert depot.position == "recorded"
    assert {v.position for v in plan.visits if v is not depot} == {"zip-centroid"}
    document = plan.to_dict()
    assert document["travel_times"] == "straight-line"
    day = next(d for d in document["days"] if d["visits"])
    assert day["routing"] in ("or-tools", "heuristic")
    assert {"window", "position", "visiting_note"} <= set(day["visits"][0])
    windowed_day = next(d for d in plan.days if diner in d.visits)
    assert windowed_day.routing == "or-tools"  # the routing extra is part of the dev install


def test_the_person_met_there_brings_their_own_slot(db: jobdev.Database) -> None:
    ids = _build(db, {"diner": "Tue-Thu 14:00-16:00; not 11:30-13:30"})
    with db.unit_of_work() as uow:
        diner = uow.employers.get(ids["diner"])
        diner.add_person(jobdev.EmployerPerson(name="Sam Sample"))
        diner.add_person(
            jobdev.EmployerPerson(
                name="Dana Example",
                makes_hiring_decisions=True,
                visiting_windows="Wed 9:00-10:00; note: before the lunch prep",
            )
        )
        uow.commit()
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, target=4)
    visit = next(v for v in plan.visits if v.employer_id == ids["diner"])
    assert (visit.start.date(), visit.window) == (MONDAY + dt.timedelta(days=2), "Wed 09:00-10:00")
    assert visit.visiting_note == "Dana Example: before the lunch prep"


def test_a_visit_that_cannot_be_placed_says_why(db: jobdev.Database) -> None:
    ids = _build(db, {"diner": "Tue 14:00-16:00"})
    tuesday = MONDAY + dt.timedelta(days=1)
    with db.unit_of_work() as uow:
        plan = plan_week(
            uow, "jd", WEEK, today=MONDAY, target=4, busy=[(_at(tuesday, 13), _at(tuesday, 17))]
        )
    assert ids["diner"] not in {v.employer_id for v in plan.visits}
    left = next(u for u in plan.unplanned if u.employer_id == ids["diner"])
    assert left.why == "only Tue 14:00-16:00, and Tuesday is full"
    assert left.to_dict()["why"] == "only Tue 14:00-16:00, and Tuesday is full"


def test_a_visit_logged_outside_the_window_is_still_recorded(db: jobdev.Database) -> None:
    ids = _build(db, {"diner": "Tue 14:00-16:00; not 11:30-13:30"})
    with db.unit_of_work() as uow:
        visit = jobdev.log_visit(
            uow, ids["diner"], "jd", at=_at(MONDAY, 12), purpose="learn-business"
        )
        uow.commit()
        assert uow.visits.get(visit.id).at == _at(MONDAY, 12)  # type: ignore[arg-type]


class _CountyGeocoder:
    name = "county"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def locate(
        self, addresses: Sequence[jobdev.EmployerAddress]
    ) -> list[tuple[float, float] | None]:
        self.asked += [a.one_line for a in addresses]
        return [(43.0731, -89.4012) if a.street else None for a in addresses]


class _Broken:
    name = "broken"

    def locate(self, addresses: object) -> list[object]:
        raise ConnectionError("service down")

    def matrix(self, points: object) -> object:
        raise ConnectionError("service down")


class _Doubled:
    """Twice the straight-line estimate: a stand-in for a road-network service."""

    name = "doubled"

    def matrix(self, points: Sequence[tuple[float, float]]) -> jobdev.TravelMatrix:
        plain = jobdev.StraightLineTravel().matrix(points)
        return jobdev.TravelMatrix(
            miles=tuple(tuple(2 * m for m in row) for row in plain.miles),
            minutes=tuple(tuple(2 * m for m in row) for row in plain.minutes),
        )


def test_geocoders_place_employers_without_coordinates_in_turn(db: jobdev.Database) -> None:
    ids = _build(db, {})
    county = _CountyGeocoder()
    with db.unit_of_work() as uow:
        plan = plan_week(
            uow, "jd", WEEK, today=MONDAY, target=4,
            settings=PlanSettings(geocoders=(_Broken(), county)),
        )  # fmt: skip
    positions = {v.employer_id: v.position for v in plan.visits}
    assert positions == {
        ids["depot"]: "recorded",
        ids["books"]: "county",
        ids["diner"]: "zip-centroid",
        ids["garage"]: "zip-centroid",
    }
    assert "1 Example Ave, 53715" in county.asked
    assert any(w.startswith("geocoder 'broken' failed (ConnectionError") for w in plan.warnings)


def test_travel_times_come_from_one_source_a_plugin_may_replace(db: jobdev.Database) -> None:
    _build(db, {})
    with db.unit_of_work() as uow:
        plain = plan_week(uow, "jd", WEEK, today=MONDAY, target=4)
        doubled = plan_week(
            uow, "jd", WEEK, today=MONDAY, target=4,
            settings=PlanSettings(schedule=ScheduleSettings(travel=_Doubled())),
        )  # fmt: skip
        broken = plan_week(
            uow, "jd", WEEK, today=MONDAY, target=4,
            settings=PlanSettings(schedule=ScheduleSettings(travel=_Broken())),
        )  # fmt: skip
    assert doubled.travel_times == "doubled"
    miles = sum(d.miles for d in plain.days)
    assert sum(d.miles for d in doubled.days) == pytest.approx(2 * miles)
    assert sum(d.travel_minutes for d in doubled.days) > sum(d.travel_minutes for d in plain.days)
    assert broken.travel_times == "straight-line"
    assert any("travel times from 'broken' failed" in w for w in broken.warnings)
    assert sum(d.miles for d in broken.days) == pytest.approx(miles)


def test_the_due_list_shows_the_best_time_for_each_employer(db: jobdev.Database) -> None:
    ids = _build(db, {"diner": "Tue-Thu 14:00-16:00", "depot": "Mon-Fri 6:00-6:45"})
    with db.unit_of_work() as uow:
        due = list_due(uow, specialist="jd", on=MONDAY)
    items = {i.id: i for i in due.items if i.kind == "employer"}
    diner = items[ids["diner"]]
    assert diner.best_time is not None
    assert diner.best_time.describe() == "Tue 1 Dec 14:00-16:00"
    assert diner.to_dict()["best_time"] == {
        "date": "2026-12-01",
        "weekday": "Tue",
        "start": "14:00",
        "end": "16:00",
        "window": "Tue-Thu 14:00-16:00",
        "in_working_hours": True,
    }
    assert diner.to_dict()["visiting_windows"] == "Tue-Thu 14:00-16:00"
    # 6:00-6:45 is before jd's working hours (8:30-17:00): the earliest slot, flagged
    depot = items[ids["depot"]].best_time
    assert depot is not None
    assert (depot.describe(), depot.in_working_hours) == ("Mon 30 Nov 06:00-06:45", False)
    assert items[ids["depot"]].to_dict()["visiting_windows"] == "Mon-Fri 06:00-06:45"
    assert items[ids["garage"]].to_dict()["best_time"] is None
    assert items[ids["garage"]].to_dict()["visiting_windows"] is None

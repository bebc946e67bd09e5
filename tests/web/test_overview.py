"""The overview use cases behind the pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from records import NOW, TODAY, at

import ips_jobdev as jobdev
from ips_jobdev import _overview as overview
from ips_jobdev._overview.routemap import RouteStop, route_map
from ips_jobdev.errors import NotFoundError, ValidationError

Small = tuple[jobdev.Database, dict[str, int]]


def test_today_lists_the_planned_visit_the_at_risk_seeker_and_the_overdue_employer(
    small: Small,
) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        day = overview.today_overview(uow, "ab", now=NOW)
    assert day.day == TODAY
    assert [(v.id, v.employer_name, v.seekers) for v in day.planned] == [
        (ids["planned"], "Example Cafe", ("J-1",))
    ]
    assert day.planned[0].at == at(0, 10)
    assert day.made == []
    assert [v.id for v in day.coming] == [ids["tomorrow"]]
    assert [(i.name, i.status) for i in day.at_risk] == [("J-1", "at-risk")]
    assert day.at_risk[0].planned == TODAY
    assert [(i.name, i.status) for i in day.due] == [("Example Bakery", "overdue")]


def test_today_with_no_specialist_is_empty_and_an_unknown_code_is_not_found(
    db: jobdev.Database,
) -> None:
    with db.unit_of_work() as uow:
        day = overview.today_overview(uow, now=NOW)
        assert day.team.chosen is None
        assert day.planned == day.due == []
        with pytest.raises(NotFoundError):
            overview.today_overview(uow, "nobody", now=NOW)


def test_employer_page_has_the_cycle_state_history_and_the_job_seekers_it_fits(
    small: Small,
) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        page = overview.employer_overview(uow, ids["bakery"], "ab", now=NOW)
    assert page.employer.name == "Example Bakery"
    assert page.state.status.value == "overdue"
    assert page.state.next_purpose.value == "learn-business"
    assert page.state.planned == TODAY + dt.timedelta(days=1)
    assert [v.id for v in page.history] == [ids["tomorrow"], ids["intro"]]
    assert page.history[1].outcome == "met the owner"
    assert [f.code for f in page.fits] == ["J-1", "J-2"]
    assert page.fits[0].score > page.fits[1].score
    job_type = next(p for p in page.fits[0].parts if p.name == "job_type")
    assert "baker" in job_type.reason


def test_search_finds_by_part_of_the_name_and_lists_recent_employers_without_text(
    small: Small,
) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        found = overview.find_employers(uow, "  cafe ", "ab")
        recent = overview.find_employers(uow, "", "ab")
        many = overview.find_employers(uow, "example", "ab", limit=2)
    assert [r.name for r in found.rows] == ["Example Cafe"]
    assert [r.id for r in recent.rows] == [ids["bakery"]]
    assert recent.rows[0].last_contact == (TODAY - dt.timedelta(days=20))
    assert len(many.rows) == 2
    assert many.more


def test_seeker_page_ranks_employers_with_reasons_and_runs_the_30_day_clock(
    small: Small,
) -> None:
    database, _ids = small
    with database.unit_of_work() as uow:
        page = overview.seeker_overview(uow, "j-1", "ab", now=NOW)
        caseload = overview.caseload_overview(uow, "ab", now=NOW)
    assert page.seeker.code == "J-1"
    assert page.matches.matches[0].employer_name == "Example Bakery"
    assert "Example Freight" not in [m.employer_name for m in page.matches.matches]
    assert page.rapid.status.value == "at-risk"
    assert page.rapid.days_left == 5
    assert page.specialist_name == "Alex Example (ab)"
    assert [(r.code, r.rapid.status.value) for r in caseload.rows] == [
        ("J-1", "at-risk"),
        ("J-2", "pending"),
    ]


def test_visit_form_prefills_a_planned_visit_and_suggests_the_next_purpose(
    small: Small,
) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        planned = overview.visit_form(uow, "ab", visit_id=ids["planned"], now=NOW)
        bakery = overview.visit_form(uow, "ab", employer_id=ids["bakery"], now=NOW)
        blank = overview.visit_form(uow, "ab", now=NOW)
    assert planned.employer == f"Example Cafe #{ids['cafe']}"
    assert (planned.date, planned.time) == (TODAY, dt.time(10, 0))
    assert [s.code for s in planned.seekers if s.checked] == ["J-1"]
    assert bakery.purpose.value == "learn-business"
    assert (blank.employer, blank.date, blank.time) == ("", TODAY, dt.time(16, 0))
    assert [s.label for s in blank.seekers] == ["J-1 Jordan Sample", "J-2"]


def test_week_proposes_saves_once_and_refuses_a_changed_proposal(small: Small) -> None:
    database, _ids = small
    next_week = "2026-W51"
    with database.unit_of_work() as uow:
        shown = overview.week_overview(uow, "ab", next_week, now=NOW)
    assert shown.plan is not None
    assert shown.plan.visits
    assert shown.previous_week == "2026-W50"
    assert shown.next_week == "2026-W52"
    first = shown.plan.visits[0]
    day = shown.routes[first.start.date()]
    assert day.numbers[("proposed", first.employer_id)] == 1
    with database.unit_of_work() as uow:
        stale = overview.save_week(uow, "ab", next_week, fingerprint="not-it", choices={}, now=NOW)
    assert stale.changed
    assert stale.saved == []
    with database.unit_of_work() as uow:
        saved = overview.save_week(
            uow, "ab", next_week, fingerprint=shown.fingerprint, choices={}, now=NOW
        )
    assert not saved.changed
    assert len(saved.saved) == len(shown.plan.visits)
    with database.unit_of_work() as uow:
        again = overview.week_overview(uow, "ab", next_week, now=NOW)
        stored = uow.visits.by_ids(saved.saved)
    assert again.plan is not None
    assert {v.employer_id for v in stored.values()} <= {
        v.employer_id for d in again.plan.days for v in d.existing
    }


def test_moving_and_skipping_proposed_visits_before_saving(small: Small) -> None:
    database, _ = small
    with database.unit_of_work() as uow:
        shown = overview.week_overview(uow, "ab", "2026-W51", now=NOW)
    assert shown.plan is not None
    visits = shown.plan.visits
    moved, rest = visits[0], visits[1:]
    target = shown.days[-1]
    choices = {moved.employer_id: overview.Choice(day=target)}
    choices.update({v.employer_id: overview.Choice(keep=False) for v in rest})
    with database.unit_of_work() as uow:
        result = overview.save_week(
            uow, "ab", "2026-W51", fingerprint=shown.fingerprint, choices=choices, now=NOW
        )
        stored = uow.visits.get(result.saved[0])
    assert len(result.saved) == 1
    local = stored.at.astimezone(moved.start.tzinfo)
    assert local.date() == target
    assert local.time() == moved.start.time()
    assert stored.status.value == "planned"


def test_a_move_to_a_day_outside_the_week_is_refused(small: Small) -> None:
    database, _ = small
    with database.unit_of_work() as uow:
        shown = overview.week_overview(uow, "ab", "2026-W51", now=NOW)
        assert shown.plan is not None
        employer = shown.plan.visits[0].employer_id
        with pytest.raises(ValidationError, match="not a working day"):
            overview.week_overview(
                uow,
                "ab",
                "2026-W51",
                now=NOW,
                choices={employer: overview.Choice(day=dt.date(2027, 1, 4))},
            )


def test_a_week_that_is_over_gives_an_error_not_a_plan(small: Small) -> None:
    database, _ = small
    with database.unit_of_work() as uow:
        shown = overview.week_overview(uow, "ab", "2026-W40", now=NOW)
        nonsense = overview.week_overview(uow, "ab", "next tuesday", now=NOW)
    assert shown.plan is None
    assert shown.error
    assert "is over" in shown.error
    assert nonsense.plan is None
    assert nonsense.error
    assert "ISO week" in nonsense.error


def test_route_map_numbers_stops_in_order_and_spreads_stops_on_one_spot() -> None:
    stops = [
        RouteStop("A", (43.10, -89.35), "53704"),
        RouteStop("B", (43.10, -89.35), "53704"),
        RouteStop("C", None),
    ]
    drawn = route_map((43.07, -89.38), stops, width=300, height=200)
    assert [p.number for p in drawn.points] == [None, 1, 2]
    a, b = drawn.points[1], drawn.points[2]
    assert (a.x, a.y) != (b.x, b.y)
    assert drawn.unplaced == ("C",)
    assert drawn.path[0] == drawn.path[-1]
    assert all(0 <= p.x <= 300 and 0 <= p.y <= 200 for p in drawn.points)
    assert drawn.scale_px > 0


def test_every_drilldown_counts_what_its_figure_counts(demo_db: jobdev.Database) -> None:
    now = dt.datetime.combine(dt.date(2026, 12, 7), dt.time(16), NOW.tzinfo)
    with demo_db.unit_of_work() as uow:
        report = overview.reports_overview(uow, "av", scope="program", now=now)
        checked = 0
        for figure in [*report.fidelity.figures, *report.outcomes.figures]:
            detail = overview.figure_detail(uow, figure.key, "av", scope="program", now=now)
            d = figure.detail
            expected = {
                "frequent_employer_contact": d.get("face_to_face_contacts"),
                "rapid_job_search": d.get("entered_ips"),
                "rapid_job_search_share": d.get("entered_ips"),
                "diversity_of_employers": d.get("job_starts"),
                "competitive_jobs": d.get("job_starts"),
                "multi_visit_relationships": d.get("employers_visited"),
                "caseload_size": d.get("job_seekers"),
                "caseload": figure.value,
                "job_starts": figure.value,
                "first_job_starts": figure.value,
                "job_endings": figure.value,
                "held_90_days": d.get("started_90_days_before_end"),
            }.get(figure.key)
            if expected is not None:
                assert detail.total == expected, figure.key
                checked += 1
            if figure.key == "worked_competitive":
                assert len({r.seeker_code for r in detail.rows}) == figure.value
                checked += 1
            if figure.key == "rapid_job_search_share":
                within = sum(1 for m in detail.marks if "within 30 days" in m)
                assert within == d["within_30_days"]
        with pytest.raises(NotFoundError):
            overview.figure_detail(uow, "no_such_figure", "av", now=now)
    assert checked >= 12
    assert sum(w.contacts for w in report.weekly) > 0

"""The week planner over the store (SQLite and PostgreSQL): who comes first, the reasons,
warnings about other specialists, working hours, and saving the plan."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

import ips_jobdev as jobdev
from ips_jobdev._planning import plan_week, save_plan
from ips_jobdev._vocab import VisitPurpose, VisitStatus

ZONE = zoneinfo.ZoneInfo("America/Chicago")
MONDAY = dt.date(2026, 11, 30)  # ISO week 2026-W49
WEEK = "2026-W49"


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _build(db: jobdev.Database) -> dict[str, int]:
    """One specialist (jd, office 53703) with a small Madison caseload and history."""
    with db.unit_of_work() as uow:
        jd = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe", office_zip="53703"))
        kb = uow.specialists.add(jobdev.Specialist(code="kb", name="Kim Baker", office_zip="53704"))
        employers = {
            "diner": jobdev.Employer(
                name="Example Diner",
                zip="53703",
                job_types=["cook", "dishwasher"],
                industry="restaurants",
            ),
            "grill": jobdev.Employer(name="Sample Grill", zip="53704", job_types=["cook"]),
            "hardware": jobdev.Employer(name="Fictional Hardware", zip="53711"),
            "books": jobdev.Employer(name="Demo Books", zip="53715"),
            "dairy": jobdev.Employer(name="Example Dairy", zip="53589"),
            "garage": jobdev.Employer(name="Sample Garage", zip="53714"),
            "kitchen": jobdev.Employer(
                name="Sample Kitchen", zip="53703", job_types=["cook"], industry="restaurants"
            ),
            "cafe": jobdev.Employer(
                name="Demo Cafe", zip="53703", job_types=["cook"], industry="restaurants"
            ),
        }
        for employer in employers.values():
            uow.employers.add(employer)
        uow.flush()
        seeker = jobdev.JobSeeker(
            code="J-1042",
            ips_start=dt.date(2026, 11, 6),  # day 24 on Monday 30 November
            specialist_id=jd.id,
            preferences=jobdev.Preferences(
                job_types=["cook"], industries=["restaurants"], home_zip="53703"
            ),
        )
        uow.seekers.add(seeker)
        uow.flush()

        def visit(who: jobdev.Specialist, where: str, at: dt.datetime, purpose: str) -> None:
            uow.visits.add(
                jobdev.Visit(
                    employer_id=employers[where].id,  # type: ignore[arg-type]
                    specialist_id=who.id,  # type: ignore[arg-type]
                    at=at,
                    purpose=purpose,
                    outcome=f"{purpose} went well",
                )
            )

        # hardware: introduced 11 Nov -> learn the business was due 25 Nov (overdue)
        visit(jd, "hardware", _at(dt.date(2026, 11, 11)), "introduce")
        # books: introduced 20 Nov -> learn the business due 4 Dec (this week)
        visit(jd, "books", _at(dt.date(2026, 11, 20)), "introduce")
        # dairy: business learned 20 Nov -> follow-up due 4 Dec (this week)
        visit(jd, "dairy", _at(dt.date(2026, 11, 6)), "introduce")
        visit(jd, "dairy", _at(dt.date(2026, 11, 20)), "learn-business")
        # kb introduced himself at the diner 18 Nov: two specialists at one employer
        visit(kb, "diner", _at(dt.date(2026, 11, 18)), "introduce")
        uow.commit()
        ids = {name: e.id for name, e in employers.items()}
        ids["J-1042"] = seeker.id
        return ids  # type: ignore[return-value]


def test_a_job_seeker_at_day_24_with_no_contact_is_the_first_item(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY)
    first = plan.visits[0]
    assert first.kind == "first-contact"
    assert first.seekers == ("J-1042",)
    assert first.reason.startswith("first employer contact for J-1042, day 24 of 30")
    assert first.employer_id == ids["diner"]  # the best match: cook work, her own ZIP
    assert first.start.date() == MONDAY


def test_follow_ups_carry_their_due_date_and_stage(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY)
    by_employer = {v.employer_id: v for v in plan.visits}
    hardware = by_employer[ids["hardware"]]
    assert hardware.kind == "overdue"
    assert hardware.reason == "follow-up due 25 Nov (5 days overdue), stage 2: learn the business"
    assert hardware.purpose is VisitPurpose.LEARN_BUSINESS
    books = by_employer[ids["books"]]
    assert books.reason == "follow-up due 4 Dec, stage 2: learn the business"
    assert books.start.date() <= dt.date(2026, 12, 4)
    dairy = by_employer[ids["dairy"]]
    assert dairy.reason == "follow-up due 4 Dec, stage 3: follow up and present"
    assert dairy.purpose is VisitPurpose.FOLLOW_UP
    assert hardware.last_contact is not None
    assert hardware.last_contact.describe() == (
        "11 Nov 2026, jd, in-person introduce: introduce went well"
    )


def test_the_plan_warns_when_another_specialist_was_there(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY)
    diner = next((v for v in plan.visits if v.employer_id == ids["diner"]), None)
    assert diner is not None
    warning = "another specialist, kb (Kim Baker), visited on 18 Nov"
    assert diner.warnings == (warning,)
    assert f"Example Diner: {warning}" in plan.warnings
    assert diner.last_contact is not None
    assert diner.last_contact.specialist == "kb"


def test_a_visit_planned_by_another_specialist_is_warned_about_too(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        kb = uow.specialists.by_code("kb")
        for name in ("diner", "hardware"):
            uow.visits.add(
                jobdev.Visit(
                    employer_id=ids[name],
                    specialist_id=kb.id,  # type: ignore[arg-type]
                    at=_at(dt.date(2026, 12, 8)),
                    status="planned",
                )
            )
        uow.commit()
        plan = plan_week(uow, "jd", WEEK, today=MONDAY)
    first = plan.visits[0]
    assert (first.kind, first.employer_id) == ("first-contact", ids["diner"])
    assert first.warnings == (
        "another specialist, kb (Kim Baker), visited on 18 Nov",
        "another specialist, kb (Kim Baker), has a visit planned on 8 Dec",
    )
    # a follow-up someone else already has planned is left to them, and listed as such
    assert ids["hardware"] not in {v.employer_id for v in plan.visits}
    left = next(u for u in plan.unplanned if u.employer_id == ids["hardware"])
    assert left.why == "a visit is already planned there on 8 Dec"


def test_visits_stay_inside_working_hours_and_around_busy_times(db: jobdev.Database) -> None:
    _build(db)
    busy = [(_at(MONDAY, 8, 30), _at(MONDAY, 12, 0)), (_at(MONDAY, 13, 0), _at(MONDAY, 17, 0))]
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, busy=busy)
    assert plan.visits
    for visit in plan.visits:
        assert _at(visit.start.date(), 8, 30) <= visit.start
        assert visit.end <= _at(visit.start.date(), 17, 0)
        for start, end in busy:
            assert not (visit.start < end and start < visit.end)
    for day in plan.days:
        if day.back_at_office is not None:
            assert day.back_at_office <= _at(day.date, 17, 0)


def test_existing_planned_visits_count_and_keep_their_time(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        jd = uow.specialists.by_code("jd")
        for hour in (9, 11):
            uow.visits.add(
                jobdev.Visit(
                    employer_id=ids["garage"],
                    specialist_id=jd.id,  # type: ignore[arg-type]
                    at=_at(MONDAY + dt.timedelta(days=1), hour),
                    status="planned",
                    duration_minutes=60,
                )
            )
        uow.commit()
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, target=4)
    assert plan.counted_existing == 2
    assert plan.face_to_face_total >= 4
    tuesday = next(d for d in plan.days if d.date == MONDAY + dt.timedelta(days=1))
    assert [e.start.hour for e in tuesday.existing] == [9, 11]
    for visit in tuesday.visits:
        for existing in tuesday.existing:
            assert not (visit.start < existing.end and existing.start < visit.end)
    # the garage is booked this week already: the planner does not propose it again
    assert ids["garage"] not in {v.employer_id for v in plan.visits}


def test_the_target_limits_follow_ups_but_never_the_first_contacts(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, target=1)
    kinds = [v.kind for v in plan.visits]
    assert kinds == ["first-contact"]
    assert {u.why for u in plan.unplanned} == {"the weekly target is met"}
    assert plan.target_met


def test_a_plan_short_of_the_target_says_so(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, target=40)
    assert not plan.target_met
    assert plan.warnings[-1] == (
        f"the plan reaches {plan.face_to_face_total} of the 40 face-to-face visits wanted this week"
    )


def test_saving_stores_planned_visits_with_their_reason_once(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY)
        saved = save_plan(uow, plan)
        uow.commit()
        assert len(saved) == len(plan.visits)
        assert save_plan(uow, plan) == []
        uow.commit()
    with db.unit_of_work() as uow:
        stored = uow.visits.between(
            _at(MONDAY, 0), _at(MONDAY + dt.timedelta(days=7), 0), status=VisitStatus.PLANNED
        )
        assert len(stored) == len(plan.visits)
        first = next(v for v in stored if v.seekers)
        assert [s.code for s in first.seekers] == ["J-1042"]
        assert first.reason is not None
        assert first.reason.startswith("first employer contact for J-1042, day 24 of 30")
        assert all(v.face_to_face and v.reason for v in stored)
        # planned again, the week is already full: nothing new for the same employers
        again = plan_week(uow, "jd", WEEK, today=MONDAY)
        assert not {v.employer_id for v in again.visits} & {v.employer_id for v in stored}
        assert ids["J-1042"] not in {i for v in again.visits for i in v.seeker_ids}


def test_new_employers_come_from_the_caseload_target_list(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        plan = plan_week(uow, "jd", WEEK, today=MONDAY, target=8)
    new = [v for v in plan.visits if v.kind == "new"]
    assert {v.employer_id for v in new} == {ids["kitchen"], ids["cafe"]}
    for visit in new:
        assert visit.reason.startswith("new employer from the caseload target list: fits J-1042")
        assert visit.reason.endswith("stage 1: introduce")
        assert visit.purpose is VisitPurpose.INTRODUCE
    assert ids["diner"] not in {v.employer_id for v in new}  # kb is working with the diner


def test_a_week_that_is_over_or_malformed_is_refused(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        with pytest.raises(jobdev.ValidationError, match="2026-W40 is over"):
            plan_week(uow, "jd", "2026-W40", today=MONDAY)
        with pytest.raises(jobdev.ValidationError, match="not an ISO week"):
            plan_week(uow, "jd", "week 49", today=MONDAY)
        with pytest.raises(jobdev.ValidationError, match="no such week"):
            plan_week(uow, "jd", "2026-W54", today=MONDAY)


def test_a_visit_already_planned_before_the_week_covers_the_job_seeker(
    db: jobdev.Database,
) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        uow.visits.add(
            jobdev.Visit(
                employer_id=ids["grill"],
                specialist_id=uow.specialists.by_code("jd").id,  # type: ignore[arg-type]
                at=_at(dt.date(2026, 11, 26)),
                status="planned",
                seekers=[uow.seekers.get(ids["J-1042"])],
            )
        )
        uow.commit()
        # planned on Tuesday 24 November for the next week: the visit of the 26th is for her
        plan = plan_week(uow, "jd", WEEK, today=dt.date(2026, 11, 24))
    assert "first-contact" not in {v.kind for v in plan.visits}
    assert ids["grill"] not in {v.employer_id for v in plan.visits}

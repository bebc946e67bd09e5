"""Every kind of record is saved and read back equal, field by field, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev import (
    Database,
    Employer,
    EmployerPerson,
    FitFactorRating,
    JobFitNote,
    JobOpening,
    JobSeeker,
    JobStart,
    PhoneNumber,
    Preferences,
    ProgramGoal,
    Specialist,
    Visit,
)
from ips_jobdev._store import tables
from ips_jobdev._vocab import (
    ContactMode,
    Disclosure,
    FitRating,
    JobEndReason,
    JobSeekerStatus,
    OpeningStatus,
    Transport,
    VisitPurpose,
    VisitStatus,
)

CENTRAL = dt.timezone(dt.timedelta(hours=-6), "CST")
TOKYO = dt.timezone(dt.timedelta(hours=9))
RELATIONSHIPS = {"people", "seekers", "periods", "leaves", "status_history"}


def _fields(record: Any) -> dict[str, Any]:
    return {
        f.name: getattr(record, f.name)
        for f in attrs.fields(type(record))
        if f.name not in RELATIONSHIPS
    }


def assert_same_record(saved: Any, loaded: Any) -> None:
    """Every attrs field equal, with the same type (a Decimal stays a Decimal...)."""
    assert saved is not loaded, "read back from a new session, not the identity map"
    expected, actual = _fields(saved), _fields(loaded)
    assert actual == expected
    for name, value in expected.items():
        assert type(actual[name]) is type(value), name


def _specialist() -> Specialist:
    return Specialist(
        code="ae",
        name="Alex Example",
        email="alex@example.org",
        office_zip="53704",
        timezone="America/Chicago",
        weekly_contact_target=7,
        work_days="mon,tue,thu",
        work_start=dt.time(9, 15),
        work_end=dt.time(16, 45),
    )


def test_specialist_round_trip(db: Database) -> None:
    specialist = _specialist()
    with db.unit_of_work() as uow:
        uow.specialists.add(specialist)
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = uow.specialists.by_code("AE")
        assert_same_record(specialist, loaded)
        assert loaded.version == 1


def test_employer_with_people_round_trip_keeps_phones_money_lists_and_times(db: Database) -> None:
    created = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=CENTRAL)
    employer = Employer(
        name="Example Bakery",
        external_id="EMP-1",
        industry="Food Service",
        job_types="baker; counter; dishwasher",
        street="100 Example St",
        city="Madison",
        state="wi",
        zip="53703-1234",
        latitude=43.0747,
        longitude=-89.3841,
        phone="(608) 555-0142 x12",
        website="https://bakery.example.org",
        size=25,
        shifts="days;weekends",
        hours_note="opens at 5",
        wage_min="15.37",
        wage_max="1020.99",
        bus_access=True,
        do_not_contact=False,
        notes="Owner likes mornings.\nAsk for Pat.",
        created_at=created,
        updated_at=created,
    )
    employer.add_person(
        EmployerPerson(
            name="Pat Example",
            title="Owner",
            phone="608-555-0143",
            email="pat@example.org",
            makes_hiring_decisions=True,
            notes="prefers email",
        )
    )
    employer.add_person(EmployerPerson(name="Sam Example"))
    with db.unit_of_work() as uow:
        uow.employers.add(employer)
        uow.commit()

    with db.unit_of_work() as uow:
        loaded = uow.employers.get(employer.id)  # type: ignore[arg-type]
        assert_same_record(employer, loaded)
        assert loaded.phone == PhoneNumber("+16085550142", "12")
        assert loaded.wage_min == Decimal("15.37")
        assert loaded.wage_max == Decimal("1020.99")
        assert loaded.job_types == ["baker", "counter", "dishwasher"]
        assert loaded.shifts == ["day", "weekend"]
        assert loaded.created_at.utcoffset() == dt.timedelta(0)
        assert loaded.created_at == created
        assert loaded.created_at.replace(tzinfo=None) == dt.datetime(2026, 3, 1, 15, 30, 15, 123456)
        assert [p.name for p in loaded.people] == ["Pat Example", "Sam Example"]
        for saved_person, loaded_person in zip(employer.people, loaded.people, strict=True):
            assert_same_record(saved_person, loaded_person)
            assert loaded_person.employer_id == loaded.id


def test_employer_with_only_a_name_round_trip(db: Database) -> None:
    employer = Employer(name="Example Hardware")
    with db.unit_of_work() as uow:
        uow.employers.add(employer)
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = uow.employers.get(employer.id)  # type: ignore[arg-type]
        assert_same_record(employer, loaded)
        assert loaded.people == []
        assert loaded.bus_access is None


def test_money_is_exact_to_the_cent_over_many_values(db: Database) -> None:
    amounts = [Decimal(f"{d}.{c:02d}") for d in (0, 7, 15, 99, 12345) for c in (0, 1, 29, 57, 99)]
    with db.unit_of_work() as uow:
        for index, amount in enumerate(amounts):
            uow.employers.add(Employer(name=f"Example {index}", wage_min=amount))
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = [e.wage_min for e in uow.employers.list()]
    assert loaded == amounts
    assert all(isinstance(a, Decimal) for a in loaded)


def test_job_seeker_with_preferences_round_trip(db: Database) -> None:
    prefs = Preferences(
        job_types="warehouse; retail stock",
        industries=["grocery", "logistics"],
        avoid="food service;Example Foods",
        hours_min=12,
        hours_max=25,
        shifts="days;evenings",
        home_zip="53713",
        max_miles=6.5,
        transport="bus",
        wage_min="14.25",
        work_setting="indoors, quiet",
        disclosure="not-disclose",
        benefits_hours_cap=20,
        strengths="punctual; good with numbers",
    )
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(_specialist())
        uow.flush()
        seeker = JobSeeker(
            code="J-1001",
            name="Robin Example",
            ips_start=dt.date(2026, 10, 1),
            specialist_id=specialist.id,
            status="working",
            preferences=prefs,
            created_at=dt.datetime(2026, 10, 1, 23, 30, tzinfo=TOKYO),
        )
        uow.seekers.add(seeker)
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = uow.seekers.by_code("j-1001")
        assert_same_record(seeker, loaded)
        assert loaded.preferences == prefs
        assert loaded.preferences.wage_min == Decimal("14.25")
        assert loaded.preferences.transport is Transport.BUS
        assert loaded.preferences.disclosure is Disclosure.NOT_DISCLOSE
        assert loaded.status is JobSeekerStatus.WORKING
        assert loaded.created_at.tzinfo is dt.UTC
        assert loaded.created_at == dt.datetime(2026, 10, 1, 14, 30, tzinfo=dt.UTC)


def test_job_seeker_with_no_preferences_round_trip(db: Database) -> None:
    seeker = JobSeeker(code="J-1002")
    with db.unit_of_work() as uow:
        uow.seekers.add(seeker)
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = uow.seekers.by_code("J-1002")
        assert_same_record(seeker, loaded)
        assert loaded.preferences.is_empty


def test_visit_round_trip_with_seekers_many_to_many(db: Database) -> None:
    at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=CENTRAL)
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(_specialist())
        employer = uow.employers.add(Employer(name="Example Bakery", zip="53703"))
        person = employer.add_person(EmployerPerson(name="Pat Example"))
        first = uow.seekers.add(JobSeeker(code="J-1002"))
        second = uow.seekers.add(JobSeeker(code="J-1001"))
        uow.flush()
        visit = Visit(
            employer_id=employer.id,  # type: ignore[arg-type]
            specialist_id=specialist.id,  # type: ignore[arg-type]
            person_id=person.id,
            at=at,
            mode="phone",
            purpose="present job seeker",
            status="planned",
            duration_minutes=20,
            seekers=[first, second],
            seeker_present=True,
            outcome="asked to call back",
            next_step="drop off resume",
            reason="first employer contact for J-1001",
        )
        generic = Visit(employer_id=employer.id, specialist_id=specialist.id, at=at)  # type: ignore[arg-type]
        uow.visits.add_all([visit, generic])
        uow.commit()
        seeker_ids = {first.id, second.id}

    with db.unit_of_work() as uow:
        loaded = uow.visits.get(visit.id)  # type: ignore[arg-type]
        assert_same_record(visit, loaded)
        assert loaded.mode is ContactMode.PHONE
        assert loaded.purpose is VisitPurpose.PRESENT_JOB_SEEKER
        assert loaded.status is VisitStatus.PLANNED
        assert loaded.at == at
        assert loaded.at.utcoffset() == dt.timedelta(0)
        assert [s.code for s in loaded.seekers] == ["J-1001", "J-1002"]
        assert {s.id for s in loaded.seekers} == seeker_ids
        assert uow.visits.get(generic.id).seekers == []  # type: ignore[arg-type]
        assert [v.id for v in uow.visits.for_seeker(first.id)] == [visit.id]  # type: ignore[arg-type]
        rows = uow.session.execute(
            sa.select(tables.visit_seekers.c.seeker_id).where(
                tables.visit_seekers.c.visit_id == visit.id
            )
        ).scalars()
        assert set(rows) == seeker_ids


def test_opening_fit_note_job_start_and_goal_round_trip(db: Database) -> None:
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(_specialist())
        employer = uow.employers.add(Employer(name="Example Bakery"))
        seeker = uow.seekers.add(JobSeeker(code="J-1001"))
        uow.flush()
        opening = uow.openings.add(
            JobOpening(
                employer_id=employer.id,  # type: ignore[arg-type]
                title="Counter help",
                job_type="Counter",
                hours_per_week=22.5,
                shifts="days",
                wage="15.10",
                advertised=False,
                status="filled",
                learned_on=dt.date(2026, 9, 30),
                notes="not posted anywhere",
            )
        )
        uow.flush()
        note = uow.fit_notes.add(
            JobFitNote(
                seeker_id=seeker.id,  # type: ignore[arg-type]
                employer_id=employer.id,  # type: ignore[arg-type]
                author_id=specialist.id,  # type: ignore[arg-type]
                opening_id=opening.id,
                ratings={
                    "job_type": FitFactorRating("good", "counter work is on the list"),
                    "distance": FitFactorRating("partial"),
                },
                overall="good",
                text="Robin liked the pace.",
                written_at=dt.datetime(2026, 10, 2, 8, 0, tzinfo=TOKYO),
            )
        )
        start = uow.job_starts.add(
            JobStart(
                seeker_id=seeker.id,  # type: ignore[arg-type]
                employer_id=employer.id,  # type: ignore[arg-type]
                opening_id=opening.id,
                title="Counter help",
                job_type="counter",
                start_date=dt.date(2026, 10, 6),
                hours_per_week=20,
                wage="15.10",
                competitive=True,
                end_date=dt.date(2026, 12, 1),
                end_reason="quit-with-job",
            )
        )
        goal = uow.goals.add(
            ProgramGoal(
                metric="hourly_wage",
                target="16.75",
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 12, 31),
                scope="ae",
            )
        )
        uow.commit()

    with db.unit_of_work() as uow:
        loaded_opening = uow.openings.get(opening.id)  # type: ignore[arg-type]
        assert_same_record(opening, loaded_opening)
        assert loaded_opening.status is OpeningStatus.FILLED
        assert loaded_opening.shifts == ["day"]

        loaded_note = uow.fit_notes.get(note.id)  # type: ignore[arg-type]
        assert_same_record(note, loaded_note)
        assert loaded_note.ratings["job_type"] == FitFactorRating(
            FitRating.GOOD, "counter work is on the list"
        )
        assert loaded_note.written_at == dt.datetime(2026, 10, 1, 23, 0, tzinfo=dt.UTC)

        loaded_start = uow.job_starts.get(start.id)  # type: ignore[arg-type]
        assert_same_record(start, loaded_start)
        assert loaded_start.end_reason is JobEndReason.QUIT_WITH_JOB
        assert loaded_start.wage == Decimal("15.10")

        loaded_goal = uow.goals.get(goal.id)  # type: ignore[arg-type]
        assert_same_record(goal, loaded_goal)
        assert loaded_goal.target == Decimal("16.75")


def test_an_update_bumps_the_version_and_touches_updated_at(db: Database) -> None:
    employer = Employer(name="Example Bakery")
    with db.unit_of_work() as uow:
        uow.employers.add(employer)
        uow.commit()
    first_update = employer.updated_at
    with db.unit_of_work() as uow:
        loaded = uow.employers.get(employer.id)  # type: ignore[arg-type]
        loaded.notes = "visited"
        uow.commit()
    with db.unit_of_work() as uow:
        again = uow.employers.get(employer.id)  # type: ignore[arg-type]
        assert again.version == 2
        assert again.notes == "visited"
        assert again.updated_at > first_update
        assert again.created_at == employer.created_at


def test_leaving_without_commit_writes_nothing(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.employers.add(Employer(name="Example Bakery"))
        uow.flush()
        assert uow.employers.count() == 1
    with db.unit_of_work() as uow:
        assert uow.employers.count() == 0

"""Job-fit notes (pre-filled from the matcher or written by hand), job starts and ends."""

from __future__ import annotations

import datetime as dt

import pytest

from ips_jobdev import (
    Database,
    Employer,
    FitRating,
    JobEndReason,
    JobOpening,
    JobSeeker,
    JobSeekerStatus,
    NotFoundError,
    OpeningStatus,
    Preferences,
    Specialist,
    ValidationError,
)
from ips_jobdev._casework.fitnotes import (
    add_fit_note,
    fit_notes_for,
    prefill_fit_note,
    rating_for_score,
)
from ips_jobdev._casework.jobs import end_job, job_starts_for, record_job_start

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def team(db: Database) -> Database:
    with db.unit_of_work() as uow:
        uow.specialists.add(Specialist(code="ae", name="Avery Example"))
        uow.flush()
        ae = uow.specialists.by_code("ae")
        uow.seekers.add(
            JobSeeker(
                code="J-1001",
                name="Maria",
                specialist_id=ae.id,
                preferences=Preferences(
                    job_types="stocker",
                    industries="retail",
                    shifts="day",
                    home_zip="53703",
                    max_miles=15,
                    transport="car",
                    wage_min="15.00",
                    hours_min=15,
                    hours_max=25,
                ),
            )
        )
        bakery = uow.employers.add(
            Employer(
                name="Example Bakery",
                industry="food service",
                job_types="baker helper;cashier",
                zip="53589",
                shifts="evening",
                wage_min="14.00",
                wage_max="16.00",
            )
        )
        uow.employers.add(Employer(name="Example Hardware", industry="retail", zip="53703"))
        uow.flush()
        assert bakery.id is not None
        uow.openings.add(
            JobOpening(
                employer_id=bakery.id,
                title="Counter clerk",
                job_type="stocker",
                hours_per_week=20,
                shifts="day",
                wage="15.50",
            )
        )
        uow.commit()
    return db


def test_prefill_rates_each_factor_from_the_matchers_part() -> None:
    assert rating_for_score(1.0) is FitRating.GOOD
    assert rating_for_score(0.75) is FitRating.GOOD
    assert rating_for_score(0.74) is FitRating.PARTIAL
    assert rating_for_score(0.4) is FitRating.PARTIAL
    assert rating_for_score(0.39) is FitRating.POOR
    assert rating_for_score(None) is FitRating.UNKNOWN


def test_prefilled_note_follows_the_matcher_and_leaves_out_factors_that_do_not_apply(
    team: Database,
) -> None:
    with team.unit_of_work() as uow:
        note = prefill_fit_note(uow, "J-1001", "Example Bakery", author="ae", as_of=AS_OF)
        assert note.id is None  # a draft: nothing saved
        ratings = {name: (r.rating.value, r.comment) for name, r in note.ratings.items()}
    assert ratings == {
        "job_type": ("poor", "has baker helper and cashier jobs; none is on Maria's list"),
        "industry": ("poor", "food service is not on Maria's list of industries"),
        "distance": ("partial", "13.0 miles; limit 15 by car"),
        "schedule": ("poor", "has evening shifts; Maria wants days only"),
        "wage": ("partial", "pays $14.00-$16.00; Maria needs $15.00"),
        "relationship": ("poor", "no face-to-face visit in the last 180 days"),
        "spread": ("good", "no job seeker from the team has started here yet"),
    }
    assert note.overall is FitRating.POOR


def test_a_note_about_an_opening_judges_the_openings_type_hours_shift_and_wage(
    team: Database,
) -> None:
    with team.unit_of_work() as uow:
        opening_id = uow.openings.list()[0].id
        note = prefill_fit_note(
            uow, "J-1001", "Example Bakery", opening_id=opening_id, author="ae", as_of=AS_OF
        )
    assert note.opening_id == opening_id
    assert note.ratings["job_type"].rating is FitRating.GOOD
    assert note.ratings["schedule"].rating is FitRating.GOOD
    assert note.ratings["schedule"].comment == (
        "has day shifts; Maria wants days; 20 hours a week fits Maria's 15-25"
    )
    assert note.ratings["wage"].comment == "pays $15.50; Maria needs $15.00"


def test_add_with_prefill_keeps_the_specialists_corrections_and_saves(team: Database) -> None:
    with team.unit_of_work() as uow:
        note = add_fit_note(
            uow,
            "J-1001",
            "Example Bakery",
            author="ae",
            prefill=True,
            ratings={
                "schedule": ("partial", "the owner can start her on days"),
                "Job-Type": "good",
            },
            overall="partial",
            text="  Owner was friendly; ask again in spring.  ",
            as_of=AS_OF,
        )
        uow.commit()
        note_id = note.id
    with team.unit_of_work() as uow:
        saved = uow.fit_notes.get(note_id)
        assert saved.ratings["schedule"].rating is FitRating.PARTIAL
        assert saved.ratings["schedule"].comment == "the owner can start her on days"
        assert saved.ratings["job_type"].rating is FitRating.GOOD
        assert saved.ratings["wage"].rating is FitRating.PARTIAL  # from the matcher
        assert saved.overall is FitRating.PARTIAL
        assert saved.text == "Owner was friendly; ask again in spring."
        assert saved.written_at.tzinfo is not None


def test_add_without_prefill_holds_only_what_was_given(team: Database) -> None:
    with team.unit_of_work() as uow:
        note = add_fit_note(
            uow, "J-1001", "Example Hardware", author="ae", ratings={"wage": "poor"}
        )
        assert set(note.ratings) == {"wage"}
        assert note.overall is FitRating.UNKNOWN


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ratings": {"vibes": "good"}}, "unknown factor 'vibes'"),
        ({"ratings": {"wage": "great"}}, "unknown value 'great'"),
        ({"overall": "maybe"}, "unknown value 'maybe'"),
        ({"opening_id": 1, "employer": "Example Hardware"}, "is not at Example Hardware"),
    ],
)
def test_add_refuses_mistakes_and_writes_nothing(
    team: Database, kwargs: dict[str, object], message: str
) -> None:
    kwargs = dict(kwargs)
    employer = kwargs.pop("employer", "Example Bakery")
    with team.unit_of_work() as uow, pytest.raises(ValidationError, match=message):
        add_fit_note(uow, "J-1001", employer, author="ae", **kwargs)  # type: ignore[arg-type]
    with team.unit_of_work() as uow:
        assert uow.fit_notes.count() == 0


def test_unknown_people_and_places_are_not_found(team: Database) -> None:
    with team.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            add_fit_note(uow, "J-404", "Example Bakery", author="ae")
        with pytest.raises(NotFoundError):
            add_fit_note(uow, "J-1001", "Nowhere Inc", author="ae")
        with pytest.raises(NotFoundError):
            add_fit_note(uow, "J-1001", "Example Bakery", author="zz")


def test_a_note_without_an_author_is_written_by_the_job_seekers_specialist(
    team: Database,
) -> None:
    with team.unit_of_work() as uow:
        note = add_fit_note(uow, "J-1001", "Example Hardware")
        assert note.author_id == uow.specialists.by_code("ae").id
        uow.seekers.add(JobSeeker(code="J-1002"))
        uow.flush()
        with pytest.raises(ValidationError, match="J-1002 has no specialist; name the author"):
            add_fit_note(uow, "J-1002", "Example Hardware")


def test_fit_notes_for_filters_by_seeker_employer_and_time(team: Database) -> None:
    early = dt.datetime(2026, 9, 1, 15, tzinfo=dt.UTC)
    late = dt.datetime(2026, 11, 1, 15, tzinfo=dt.UTC)
    with team.unit_of_work() as uow:
        add_fit_note(uow, "J-1001", "Example Hardware", author="ae", written_at=late)
        add_fit_note(uow, "J-1001", "Example Bakery", author="ae", written_at=early)
        uow.commit()
    with team.unit_of_work() as uow:
        names = {e.id: e.name for e in uow.employers.list()}
        assert [names[n.employer_id] for n in fit_notes_for(uow, "J-1001")] == [
            "Example Bakery",
            "Example Hardware",
        ]
        assert len(fit_notes_for(uow, employer="Example Hardware")) == 1
        assert len(fit_notes_for(uow, "J-1001", before=late)) == 1
        assert len(fit_notes_for(uow)) == 2


def test_job_start_shows_the_notes_written_before_it_and_fills_the_opening(
    team: Database,
) -> None:
    with team.unit_of_work() as uow:
        before = dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC)
        after = dt.datetime(2026, 12, 5, 15, tzinfo=dt.UTC)
        add_fit_note(uow, "J-1001", "Example Bakery", author="ae", written_at=before)
        add_fit_note(uow, "J-1001", "Example Bakery", author="ae", written_at=after)
        add_fit_note(uow, "J-1001", "Example Hardware", author="ae", written_at=before)
        opening = uow.openings.list()[0]
        result = record_job_start(
            uow,
            "J-1001",
            "Example Bakery",
            title="Counter clerk",
            start_date=dt.date(2026, 12, 1),
            hours_per_week=20,
            wage="15.50",
            opening_id=opening.id,
        )
        uow.commit()
        assert [n.written_at for n in result.fit_notes] == [before]
        assert result.job_start.job_type == "stocker"  # from the opening
        assert (result.seeker_code, result.employer_name) == ("J-1001", "Example Bakery")
    with team.unit_of_work() as uow:
        assert uow.openings.list()[0].status is OpeningStatus.FILLED
        assert uow.seekers.by_code("J-1001").status is JobSeekerStatus.WORKING
        [job] = job_starts_for(uow, "J-1001")
        assert str(job.wage) == "15.50"
        assert job.competitive


def test_job_end_records_the_reason_and_the_search_goes_on(team: Database) -> None:
    with team.unit_of_work() as uow:
        result = record_job_start(
            uow, "J-1001", "Example Hardware", title="Stocker", start_date=dt.date(2026, 6, 1)
        )
        uow.commit()
        job_id = result.job_start.id
    assert job_id is not None
    with team.unit_of_work() as uow, pytest.raises(ValidationError, match="before start_date"):
        end_job(uow, job_id, on=dt.date(2026, 5, 1), reason="moved")
    with team.unit_of_work() as uow, pytest.raises(ValidationError, match="unknown value"):
        end_job(uow, job_id, on=dt.date(2026, 9, 1), reason="bored")
    with team.unit_of_work() as uow:
        job = end_job(uow, job_id, on=dt.date(2026, 9, 1), reason="quit with job")
        uow.commit()
        assert job.end_reason is JobEndReason.QUIT_WITH_JOB
    with team.unit_of_work() as uow:
        assert uow.seekers.by_code("J-1001").status is JobSeekerStatus.SEARCHING
        with pytest.raises(ValidationError, match="already ended"):
            end_job(uow, job_id, on=dt.date(2026, 10, 1), reason="moved")
        with pytest.raises(NotFoundError):
            end_job(uow, 999, on=dt.date(2026, 10, 1), reason="moved")


def test_a_job_start_refuses_an_opening_at_another_employer(team: Database) -> None:
    with team.unit_of_work() as uow:
        opening = uow.openings.list()[0]
        with pytest.raises(ValidationError, match="is not at Example Hardware"):
            record_job_start(
                uow,
                "J-1001",
                "Example Hardware",
                title="Clerk",
                start_date=dt.date(2026, 12, 1),
                opening_id=opening.id,
            )

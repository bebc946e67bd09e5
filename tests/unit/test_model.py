"""The record validates itself at construction and names the field it refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev._model import (
    Employer,
    EmployerPerson,
    JobFitNote,
    JobOpening,
    JobSeeker,
    JobStart,
    Preferences,
    ProgramGoal,
    Specialist,
    Visit,
    normalize_employer_name,
    parse_money,
)
from ips_jobdev._vocab import (
    ContactMode,
    Disclosure,
    FitRating,
    JobEndReason,
    Shift,
    Transport,
    VisitPurpose,
    VisitStatus,
)
from ips_jobdev.errors import IpsJobdevError, ValidationError

CHICAGO = dt.timezone(dt.timedelta(hours=-6))
AT = dt.datetime(2026, 11, 24, 10, 0, tzinfo=CHICAGO)


def _refused(record: str, field: str) -> pytest.RaisesExc[ValidationError]:
    """Expect a ValidationError naming ``record.field`` (and being a ValueError)."""
    return pytest.raises(ValidationError, match=rf"^{record}\.{field}: ")


# -- errors are the library's own and ValueErrors ------------------------------------------


def test_validation_error_is_a_value_error_and_a_library_error_with_its_parts() -> None:
    with pytest.raises(ValidationError) as caught:
        Employer(name="  ")
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, IpsJobdevError)
    assert (error.record, error.field, error.reason) == ("Employer", "name", "must not be empty")
    assert str(error) == "Employer.name: must not be empty"


# -- employers --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_employer_with_empty_name_is_refused(name: str) -> None:
    with _refused("Employer", "name"):
        Employer(name=name)


def test_employer_name_is_trimmed_and_inner_spaces_collapsed() -> None:
    assert Employer(name="  Example   Bakery \n").name == "Example Bakery"


@pytest.mark.parametrize("zip_code", ["5370", "537033", "53703-12", "5370A", "53703 1234", "ZIP"])
def test_employer_zip_that_is_not_five_digits_or_zip_plus_four_is_refused(zip_code: str) -> None:
    with _refused("Employer", "zip") as caught:
        Employer(name="Example Bakery", zip=zip_code)
    assert repr(zip_code) in str(caught.value)


@pytest.mark.parametrize("zip_code", ["53703", "53703-1234", " 53703 "])
def test_employer_accepts_five_digit_and_zip_plus_four(zip_code: str) -> None:
    employer = Employer(name="Example Bakery", zip=zip_code)
    assert employer.zip == zip_code.strip()
    assert employer.zip5 == "53703"


@pytest.mark.parametrize("field", ["wage_min", "wage_max"])
def test_employer_wage_below_zero_is_refused(field: str) -> None:
    with _refused("Employer", field) as caught:
        Employer(name="Example Bakery", **{field: "-0.01"})
    assert "below zero" in str(caught.value)


def test_employer_wage_max_below_wage_min_is_refused() -> None:
    with _refused("Employer", "wage_max"):
        Employer(name="Example Bakery", wage_min="16", wage_max="15.99")


def test_employer_wages_are_exact_decimals_from_dollar_strings() -> None:
    employer = Employer(name="Example Bakery", wage_min="$15.5", wage_max="1,020")
    assert employer.wage_min == Decimal("15.50")
    assert employer.wage_max == Decimal("1020.00")


def test_employer_wage_that_is_not_an_amount_is_refused() -> None:
    with _refused("Employer", "wage_min") as caught:
        Employer(name="Example Bakery", wage_min="fifteen")
    assert "'fifteen' is not an amount" in str(caught.value)


def test_employer_job_types_from_semicolon_string_are_trimmed_lowered_and_deduplicated() -> None:
    employer = Employer(
        name="Example Bakery", job_types=" Warehouse ; retail;;WAREHOUSE; Food  Prep"
    )
    assert employer.job_types == ["warehouse", "retail", "food prep"]


def test_employer_job_types_from_a_list_are_kept_in_order() -> None:
    assert Employer(name="x", job_types=["Cook", "dishwasher", "cook"]).job_types == [
        "cook",
        "dishwasher",
    ]


def test_employer_shifts_accept_aliases_and_any_separator_spelling() -> None:
    employer = Employer(name="Example Bakery", shifts="Days; EVENINGS;weekends;nights; Flexible")
    assert employer.shifts == ["day", "evening", "weekend", "night", "flexible"]


def test_employer_unknown_shift_is_refused_with_the_accepted_values() -> None:
    with _refused("Employer", "shifts") as caught:
        Employer(name="Example Bakery", shifts="day;graveyard")
    assert "'graveyard'" in str(caught.value)
    assert "day, evening, night, weekend, flexible" in str(caught.value)


def test_employer_phone_is_parsed_and_an_invalid_one_names_the_field() -> None:
    assert Employer(name="x", phone="608.555.0101").phone.e164 == "+16085550101"  # type: ignore[union-attr]
    assert Employer(name="x", phone="  ").phone is None
    with _refused("Employer", "phone"):
        Employer(name="x", phone="555")


def test_employer_state_is_upper_case_and_industry_lower_case() -> None:
    employer = Employer(name="x", state="wi", industry="  Food Service ")
    assert employer.state == "WI"
    assert employer.industry == "food service"


@pytest.mark.parametrize(("field", "value"), [("latitude", 91), ("longitude", -181), ("size", -1)])
def test_employer_out_of_range_numbers_are_refused(field: str, value: int) -> None:
    with _refused("Employer", field):
        Employer(name="x", **{field: value})


def test_employer_address_and_people() -> None:
    employer = Employer(
        name="Example Bakery", street="100 Example St", city="Madison", state="WI", zip="53703"
    )
    assert employer.address == "100 Example St, Madison, WI 53703"
    person = employer.add_person(EmployerPerson(name=" Pat Example ", title="Owner"))
    assert employer.people == [person]
    assert person.name == "Pat Example"


def test_employer_person_with_bad_email_or_empty_name_is_refused() -> None:
    with _refused("EmployerPerson", "email"):
        EmployerPerson(name="Pat Example", email="pat.example.org")
    with _refused("EmployerPerson", "name"):
        EmployerPerson(name="")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Example Bakery, Inc.", "example bakery"),
        ("Example Bakery LLC", "example bakery"),
        ("Smith & Sons Co.", "smith and sons"),
    ],
)
def test_normalized_employer_name_folds_case_punctuation_and_legal_suffixes(
    name: str, key: str
) -> None:
    assert normalize_employer_name(name) == key
    assert Employer(name=name).normalized_name == key


def test_created_and_updated_times_must_be_aware() -> None:
    with _refused("Employer", "created_at"):
        Employer(name="x", created_at=dt.datetime(2026, 1, 1))


# -- specialists and job seekers ------------------------------------------------------------


@pytest.mark.parametrize("code", ["", "has space", "-leading", "x" * 41, "é"])
def test_specialist_code_must_be_a_short_code(code: str) -> None:
    with _refused("Specialist", "code"):
        Specialist(code=code, name="Alex Example")


def test_specialist_defaults_and_time_zone() -> None:
    specialist = Specialist(code="ae", name="Alex Example")
    assert specialist.timezone == "America/Chicago"
    assert specialist.weekly_contact_target == 6
    assert str(specialist.zone) == "America/Chicago"
    with _refused("Specialist", "timezone"):
        Specialist(code="ae", name="Alex Example", timezone="Mars/Olympus")
    with _refused("Specialist", "office_zip"):
        Specialist(code="ae", name="Alex Example", office_zip="537")
    with _refused("Specialist", "weekly_contact_target"):
        Specialist(code="ae", name="Alex Example", weekly_contact_target=-1)


def test_job_seeker_without_name_displays_code_and_closed_is_off_caseload() -> None:
    seeker = JobSeeker(code="J-1001", name="  ")
    assert seeker.name is None
    assert seeker.display_name == "J-1001"
    assert seeker.on_caseload
    assert not JobSeeker(code="J-1002", status="Closed").on_caseload


def test_job_seeker_unknown_status_is_refused() -> None:
    with _refused("JobSeeker", "status"):
        JobSeeker(code="J-1001", status="retired")


# -- preferences ----------------------------------------------------------------------------


def test_preferences_convert_strings_and_aliases() -> None:
    prefs = Preferences(
        job_types="Warehouse; Retail",
        shifts="days;Weekends",
        transport="BUS",
        disclosure="no",
        wage_min="$14",
        hours_min="10",
        hours_max="25",
        max_miles="7.5",
    )
    assert prefs.job_types == ("warehouse", "retail")
    assert prefs.shifts == ("day", "weekend")
    assert prefs.transport is Transport.BUS
    assert prefs.disclosure is Disclosure.NOT_DISCLOSE
    assert prefs.wage_min == Decimal("14.00")
    assert (prefs.hours_min, prefs.hours_max, prefs.max_miles) == (10, 25, 7.5)
    assert not prefs.is_empty
    assert Preferences().is_empty


def test_preferences_hours_max_below_hours_min_is_refused() -> None:
    with _refused("Preferences", "hours_max"):
        Preferences(hours_min=30, hours_max=20)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("home_zip", "5371"),
        ("wage_min", "-1"),
        ("max_miles", -2),
        ("transport", "rocket"),
        ("disclosure", "maybe"),
    ],
)
def test_preferences_bad_values_name_the_field(field: str, value: object) -> None:
    with _refused("Preferences", field):
        Preferences(**{field: value})


_labels = st.lists(
    st.text(st.characters(codec="utf-8", exclude_characters=";"), min_size=1, max_size=12),
    max_size=4,
)


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    hours_min = draw(st.none() | st.integers(0, 40))
    hours_max = draw(st.none() | st.integers(hours_min or 0, 60))
    return Preferences(
        job_types=draw(_labels),
        industries=draw(_labels),
        avoid=draw(_labels),
        hours_min=hours_min,
        hours_max=hours_max,
        shifts=draw(st.lists(st.sampled_from(list(Shift)), max_size=3)),
        home_zip=draw(st.none() | st.from_regex(r"\A\d{5}(-\d{4})?\Z")),
        max_miles=draw(st.none() | st.floats(0, 500, allow_nan=False)),
        transport=draw(st.none() | st.sampled_from(list(Transport))),
        wage_min=draw(
            st.none() | st.decimals(0, 200, places=2, allow_nan=False, allow_infinity=False)
        ),
        work_setting=draw(st.none() | st.text(max_size=20)),
        disclosure=draw(st.sampled_from(list(Disclosure))),
        benefits_hours_cap=draw(st.none() | st.integers(0, 40)),
        strengths=draw(_labels),
    )


@given(preferences())
def test_preferences_survive_a_round_trip_through_a_plain_dict(prefs: Preferences) -> None:
    data = prefs.to_dict()
    assert all(not isinstance(v, tuple | Decimal) for v in data.values())
    assert Preferences.from_dict(data) == prefs


def test_preferences_from_dict_ignores_unknown_keys_and_nulls() -> None:
    prefs = Preferences.from_dict(
        {"job_types": ["cook"], "favourite_colour": "blue", "wage_min": None}
    )
    assert prefs == Preferences(job_types=("cook",))


# -- visits -----------------------------------------------------------------------------------


def test_visit_with_naive_time_is_refused_and_the_message_asks_for_an_offset() -> None:
    with _refused("Visit", "at") as caught:
        Visit(employer_id=1, specialist_id=1, at=dt.datetime(2026, 11, 24, 10, 0))
    assert "no time zone" in str(caught.value)


def test_visit_with_non_datetime_time_is_refused() -> None:
    with _refused("Visit", "at"):
        Visit(employer_id=1, specialist_id=1, at=dt.date(2026, 11, 24))  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "value"), [("purpose", "pitch"), ("mode", "carrier pigeon")])
def test_visit_unknown_purpose_or_mode_is_refused_with_the_accepted_values(
    field: str, value: str
) -> None:
    with _refused("Visit", field) as caught:
        Visit(employer_id=1, specialist_id=1, at=AT, **{field: value})
    assert repr(value) in str(caught.value)
    assert "expected one of" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        ("Learn_Business", VisitPurpose.LEARN_BUSINESS),
        ("follow up", VisitPurpose.FOLLOW_UP),
        ("PRESENT-JOB-SEEKER", VisitPurpose.PRESENT_JOB_SEEKER),
        ("learn", VisitPurpose.LEARN_BUSINESS),
    ],
)
def test_visit_purpose_spellings_treat_hyphens_underscores_and_spaces_alike(
    text: str, purpose: VisitPurpose
) -> None:
    assert Visit(employer_id=1, specialist_id=1, at=AT, purpose=text).purpose is purpose


def test_visit_face_to_face_is_only_in_person() -> None:
    assert Visit(employer_id=1, specialist_id=1, at=AT, mode="In Person").face_to_face
    for mode in ("phone", "email", "video"):
        assert not Visit(employer_id=1, specialist_id=1, at=AT, mode=mode).face_to_face
    assert Visit(employer_id=1, specialist_id=1, at=AT, mode="face-to-face").mode is (
        ContactMode.IN_PERSON
    )


def test_visit_seeker_present_needs_a_named_seeker() -> None:
    with _refused("Visit", "seeker_present"):
        Visit(employer_id=1, specialist_id=1, at=AT, seeker_present=True)
    visit = Visit(
        employer_id=1, specialist_id=1, at=AT, seekers=[JobSeeker(code="J-1")], seeker_present=True
    )
    assert visit.client_specific


def test_visit_ends_after_its_duration() -> None:
    visit = Visit(employer_id=1, specialist_id=1, at=AT, duration_minutes=45)
    assert visit.ends_at == AT + dt.timedelta(minutes=45)
    with _refused("Visit", "duration_minutes"):
        Visit(employer_id=1, specialist_id=1, at=AT, duration_minutes=-5)


def test_planned_visit_completes_and_cancelled_visit_cannot_complete() -> None:
    visit = Visit(employer_id=1, specialist_id=1, at=AT, status="planned", outcome="first")
    visit.complete(next_step="  come back Tuesday ")
    assert visit.status is VisitStatus.DONE
    assert visit.outcome == "first"
    assert visit.next_step == "come back Tuesday"
    with _refused("Visit", "status"):
        visit.cancel()
    other = Visit(employer_id=1, specialist_id=1, at=AT, status="planned")
    other.cancel()
    assert other.status is VisitStatus.CANCELLED
    with _refused("Visit", "status"):
        other.complete()


# -- openings, notes, job starts, goals ------------------------------------------------------


def test_opening_wage_below_zero_and_empty_title_are_refused() -> None:
    with _refused("JobOpening", "wage"):
        JobOpening(employer_id=1, title="Cook", wage="-1")
    with _refused("JobOpening", "title"):
        JobOpening(employer_id=1, title=" ")
    assert JobOpening(employer_id=1, title="Cook", shifts="evenings").shifts == ["evening"]


def test_fit_note_ratings_accept_plain_values_and_mappings() -> None:
    note = JobFitNote(
        seeker_id=1,
        employer_id=2,
        author_id=3,
        ratings={"Job Type": "good", "distance": {"rating": "poor", "comment": "two buses"}},
        overall="partial",
    )
    assert note.ratings["job_type"].rating is FitRating.GOOD
    assert note.ratings["distance"].rating is FitRating.POOR
    assert note.ratings["distance"].comment == "two buses"
    assert note.overall is FitRating.PARTIAL
    with _refused("JobFitNote", "ratings"):
        JobFitNote(seeker_id=1, employer_id=2, author_id=3, ratings={"wage": "splendid"})


def _job(**changes: object) -> JobStart:
    values: dict[str, object] = {
        "seeker_id": 1,
        "employer_id": 2,
        "title": "Line cook",
        "start_date": dt.date(2026, 3, 2),
    }
    values.update(changes)
    return JobStart(**values)  # type: ignore[arg-type]


def test_job_start_ending_before_it_started_is_refused() -> None:
    with _refused("JobStart", "end_date") as caught:
        _job(end_date=dt.date(2026, 3, 1), end_reason="fired")
    assert "2026-03-01 is before start_date 2026-03-02" in str(caught.value)


def test_job_start_end_reason_needs_an_end_date() -> None:
    with _refused("JobStart", "end_date"):
        _job(end_reason="moved")


def test_job_start_wage_below_zero_is_refused() -> None:
    with _refused("JobStart", "wage"):
        _job(wage="-15")


def test_job_start_end_records_date_and_reason() -> None:
    job = _job(wage="15.25", hours_per_week="20")
    assert job.active_on(dt.date(2026, 6, 1))
    job.end(dt.date(2026, 6, 30), "Quit without plans")
    assert (job.end_date, job.end_reason) == (dt.date(2026, 6, 30), JobEndReason.QUIT_WITHOUT_PLANS)
    assert job.end_reason.unsatisfactory
    assert job.active_on(dt.date(2026, 6, 30))
    assert not job.active_on(dt.date(2026, 7, 1))
    assert not job.active_on(dt.date(2026, 3, 1))


def test_job_start_end_refuses_a_date_before_the_start_and_an_unknown_reason() -> None:
    job = _job()
    with _refused("JobStart", "end_date"):
        job.end(dt.date(2026, 2, 1), "moved")
    with _refused("JobStart", "end_reason"):
        job.end(dt.date(2026, 4, 1), "bored")
    assert job.end_date is None
    assert job.end_reason is None


def test_program_goal_period_must_not_end_before_it_starts() -> None:
    with _refused("ProgramGoal", "period_end"):
        ProgramGoal(
            metric="job_starts",
            target=10,
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 6, 30),
        )


@pytest.mark.parametrize(
    ("text", "amount"),
    [("15", Decimal("15.00")), ("$15.505", Decimal("15.50")), ("0", Decimal("0.00")), ("", None)],
)
def test_parse_money_reads_dollars(text: str, amount: Decimal | None) -> None:
    assert parse_money(text, record="r", field="f") == amount


@pytest.mark.parametrize("text", ["NaN", "Infinity", "12.3.4"])
def test_parse_money_refuses_what_is_not_an_amount(text: str) -> None:
    with _refused("r", "f"):
        parse_money(text, record="r", field="f")

"""Visiting windows: the documented syntax, what is open on a day, the window a visit
keeps, a person's windows with the employer's, and the next opening."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev import Employer, EmployerPerson, ValidationError, VisitingWindows
from ips_jobdev._windows import Opening, WeeklySpan, parse_weekdays


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Tue-Thu 14:00-16:00", "Tue-Thu 14:00-16:00"),
        ("Tue\u2013Thu 14:00\u201316:00", "Tue-Thu 14:00-16:00"),  # en dashes, as typed
        ("tuesday to thursday 2pm-4pm", "Tue-Thu 14:00-16:00"),
        ("Tue-Thu 2-4pm", "Tue-Thu 14:00-16:00"),
        ("11-1pm", "11:00-13:00"),
        ("not 11:30-13:30", "not 11:30-13:30"),
        ("NOT 11:30-1:30 p.m.", "not 11:30-13:30"),
        ("not Fri", "not Fri"),
        ("not Mon 7:00-9:00", "not Mon 07:00-09:00"),
        ("Sat", "Sat"),
        ("weekdays 9-11, 14-16", "Mon-Fri 09:00-11:00; Mon-Fri 14:00-16:00"),
        ("Mon, Wed and Fri 6:00-6:45", "Mon,Wed,Fri 06:00-06:45"),
        ("daily noon-2pm", "12:00-14:00"),
        ("Fri-Mon 10-12", "Mon,Fri-Sun 10:00-12:00"),
        (
            "Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Dana before the 6 am shift",
            "Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Dana before the 6 am shift",
        ),
        ("note: call first; then walk in", "note: call first; then walk in"),
        ("Mon 9-10\nnot Mon 9:30-9:45", "Mon 09:00-10:00; not Mon 09:30-09:45"),
        ("   ", ""),
    ],
)
def test_the_syntax_reads_as_documented_and_writes_one_canonical_form(
    text: str, canonical: str
) -> None:
    windows = VisitingWindows.parse(text)
    assert str(windows) == canonical
    assert VisitingWindows.parse(str(windows)) == windows


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Tue 16:00-14:00", "16:00-14:00 ends before it starts"),
        ("Blursday 9-10", "'blursday' is not a day"),
        ("Mon 9-10 sharp", "'sharp' after the times is not understood"),
        ("Mon 25:00-26:00", "'25:00' is not a time"),
        ("Mon 9:75-10", "'9:75' is not a time"),
        ("call first", "'call' is not a day"),
    ],
)
def test_an_entry_it_cannot_read_is_refused_naming_the_entry(text: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        VisitingWindows.parse(text)
    assert (caught.value.record, caught.value.field) == ("Employer", "visiting_windows")
    assert reason in str(caught.value)
    assert repr(text.strip()) in str(caught.value)


spans = st.builds(
    lambda days, start, length: WeeklySpan(
        frozenset(days), start * 5, min(1440, start * 5 + length * 5)
    ),
    st.sets(st.integers(0, 6), min_size=1),
    st.integers(0, 286),
    st.integers(1, 100),
)


@given(
    st.lists(spans, max_size=4),
    st.lists(spans, max_size=3),
    st.none() | st.text("abc ;:,xyz", min_size=1).filter(lambda t: t.strip()),
)
def test_any_windows_read_back_from_their_text(
    slots: list[WeeklySpan], blackouts: list[WeeklySpan], note: str | None
) -> None:
    windows = VisitingWindows.parse(str(VisitingWindows(tuple(slots), tuple(blackouts), note)))
    assert [(s.days, s.start, s.end) for s in windows.slots] == list(
        dict.fromkeys((s.days, s.start, s.end) for s in slots)
    )
    assert str(VisitingWindows.parse(str(windows))) == str(windows)


def test_what_is_open_on_a_day_is_the_slots_less_the_blackouts() -> None:
    windows = VisitingWindows.parse("weekdays 9-17; not 11:30-13:30; not Fri")
    assert windows.open_on(0) == [(540, 690), (810, 1020)]
    assert windows.open_on(4) == []
    assert windows.open_on(5) == []  # no slot on Saturday
    blackouts_only = VisitingWindows.parse("not 11:30-13:30")
    assert blackouts_only.open_on(6) == [(0, 690), (810, 1440)]
    assert VisitingWindows().open_on(2) == [(0, 1440)]
    assert not VisitingWindows()
    assert not VisitingWindows().restricts
    assert VisitingWindows.parse("note: ask for Dana")  # a note is something recorded
    assert not VisitingWindows.parse("note: ask for Dana").restricts


def test_a_visit_says_which_window_it_keeps() -> None:
    windows = VisitingWindows.parse("Tue-Thu 14:00-16:00; Mon 6:00-6:45; not 15:00-15:15")
    assert windows.kept_by(2, 14 * 60, 14 * 60 + 30) == "Tue-Thu 14:00-16:00"
    assert windows.kept_by(0, 6 * 60, 6 * 60 + 30) == "Mon 06:00-06:45"
    assert windows.kept_by(2, 14 * 60 + 50, 15 * 60 + 20) is None  # runs into the blackout
    assert windows.kept_by(4, 14 * 60, 14 * 60 + 30) is None  # not on Friday
    lunch = VisitingWindows.parse("not 11:30-13:30")
    assert lunch.kept_by(0, 14 * 60, 14 * 60 + 30) == "not 11:30-13:30"
    assert VisitingWindows().kept_by(0, 600, 630) is None


def test_the_person_met_brings_their_own_slots_and_both_blackouts_hold() -> None:
    employer = VisitingWindows.parse("Tue-Thu 14:00-16:00; not 11:30-13:30; note: side door")
    dana = VisitingWindows.parse("Mon-Fri 6:00-6:45; not Fri; note: before the first shift")
    combined = employer.with_person(dana, "Dana Example")
    assert str(combined) == (
        "Mon-Fri 06:00-06:45; not 11:30-13:30; not Fri; "
        "note: side door; Dana Example: before the first shift"
    )
    assert employer.with_person(VisitingWindows.parse("not Mon")).slots == employer.slots


def test_the_next_opening_is_the_first_open_stretch_in_working_hours() -> None:
    windows = VisitingWindows.parse("Tue-Thu 14:00-16:00; Sat 9-12")
    saturday = dt.date(2026, 12, 5)
    assert windows.next_opening(saturday) == Opening(saturday, 540, 720, "Sat 09:00-12:00")
    weekdays = windows.next_opening(saturday, weekdays=range(5), hours=(510, 1020))
    assert weekdays == Opening(dt.date(2026, 12, 8), 840, 960, "Tue-Thu 14:00-16:00")
    assert weekdays.describe() == "Tue 8 Dec 14:00-16:00"
    assert weekdays.to_dict() == {
        "date": "2026-12-08",
        "weekday": "Tue",
        "start": "14:00",
        "end": "16:00",
        "window": "Tue-Thu 14:00-16:00",
        "in_working_hours": True,
    }
    early = VisitingWindows.parse("Mon-Fri 6:00-6:45")
    assert early.next_opening(saturday, weekdays=range(5), hours=(510, 1020)) is None
    lunch = VisitingWindows.parse("not 11:30-13:30")
    assert lunch.next_opening(saturday, hours=(600, 1020)) == Opening(
        saturday, 600, 690, "not 11:30-13:30"
    )
    assert VisitingWindows.parse("note: x").next_opening(saturday) is None


def test_weekday_lists_read_as_people_write_them() -> None:
    assert parse_weekdays("Mon-Wed, Fri") == frozenset({0, 1, 2, 4})
    assert parse_weekdays("weekends") == frozenset({5, 6})
    assert parse_weekdays("Thurs/Sat") == frozenset({3, 5})
    with pytest.raises(ValueError, match="not a day"):
        parse_weekdays("someday")


def test_employers_and_people_read_windows_from_text_and_refuse_nonsense() -> None:
    employer = Employer(name="Example Diner", visiting_windows="Tue 2-4pm")
    assert str(employer.visiting_windows) == "Tue 14:00-16:00"
    employer.visiting_windows = "not 11:30-13:30"  # read on assignment too
    assert employer.visiting_windows == VisitingWindows.parse("not 11:30-13:30")
    assert Employer(name="Example Diner").visiting_windows == VisitingWindows()
    with pytest.raises(ValidationError) as caught:
        EmployerPerson(name="Dana Example", visiting_windows="whenever")
    assert (caught.value.record, caught.value.field) == ("EmployerPerson", "visiting_windows")
    with pytest.raises(ValidationError):
        Employer(name="Example Diner", visiting_windows=42)

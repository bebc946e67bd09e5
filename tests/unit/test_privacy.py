"""Privacy: what each audience may see, as properties over generated records.

Job seekers' names are drawn from letters no other generated text uses, and codes have a
shape nothing else has, so any whole-word occurrence of a name or code in the redacted
record can only have come from that job seeker.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from ips_jobdev import _model as model
from ips_jobdev._records import (
    Audience,
    EmployerRecord,
    FitNoteRecord,
    PersonRecord,
    SeekerRef,
    VisitRecord,
    record_to_dict,
)
from ips_jobdev._vocab import ContactMode, Disclosure, FitRating, VisitPurpose, VisitStatus
from ips_jobdev.privacy import (
    PERSON_PURPOSES,
    PrivacySettings,
    SeekerLabel,
    _name_parts,
    _name_pattern,
    allowed_kinds,
    redact,
    scrub_names,
    seeker_label,
    visit_record,
)

NAME_LETTERS = "QXZKVWqxzkvwy"
OTHER_LETTERS = "abcdefghilmnoprtu"

name_words = st.text(NAME_LETTERS, min_size=3, max_size=8).map(str.capitalize)
names = st.lists(name_words, min_size=1, max_size=3).map(" ".join)
codes = st.integers(0, 99999).map(lambda n: f"JS-{n:05d}")
other_text = st.lists(st.text(OTHER_LETTERS, min_size=1, max_size=9), max_size=8).map(" ".join)


@st.composite
def seekers(draw: st.DrawFn) -> SeekerRef:
    code = draw(codes)
    name = draw(st.none() | names)
    return SeekerRef(
        label=name or code, code=code, name=name, disclosure=draw(st.sampled_from(Disclosure))
    )


@st.composite
def free_text(draw: st.DrawFn, people: list[SeekerRef]) -> str | None:
    """Text mixing ordinary words with the job seekers' names, first names and codes."""
    pieces = [draw(other_text)]
    for seeker in people:
        mentions = [seeker.code or ""]
        if seeker.name:
            mentions += [seeker.name, seeker.name.split()[0], seeker.name.upper()]
        pieces.append(draw(st.sampled_from(mentions)))
        pieces.append(draw(other_text))
    return draw(st.none() | st.just(", ".join(pieces) + "."))


@st.composite
def team_visits(draw: st.DrawFn) -> VisitRecord:
    people = draw(st.lists(seekers(), max_size=3, unique_by=lambda s: s.code))
    start = dt.datetime(2026, 12, 7, 15, tzinfo=dt.UTC) + dt.timedelta(
        minutes=draw(st.integers(0, 60 * 24 * 60))
    )
    return VisitRecord(
        id=draw(st.integers(1, 10**6)),
        employer_id=draw(st.integers(1, 10**6)),
        employer_name=draw(other_text.filter(bool)),
        specialist_code="ab",
        specialist_name="Alex Example",
        timezone="America/Chicago",
        start=start,
        end=start + dt.timedelta(minutes=30),
        mode=draw(st.sampled_from(ContactMode)),
        purpose=draw(st.sampled_from(VisitPurpose)),
        status=draw(st.sampled_from(VisitStatus)),
        title="team title",
        description="team description",
        person_name=draw(st.none() | other_text.filter(bool)),
        seekers=tuple(people),
        seeker_present=bool(people) and draw(st.booleans()),
        reason=draw(free_text(people)),
        outcome=draw(free_text(people)),
        next_step=draw(free_text(people)),
    )


def _text_of(record: object) -> str:
    return json.dumps(record_to_dict(record), ensure_ascii=False)  # type: ignore[arg-type]


def _appears(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def _name_words(seeker: SeekerRef) -> list[str]:
    return seeker.name.split() if seeker.name else []


@settings(max_examples=150)
@given(team_visits())
def test_employer_facing_never_names_or_codes_a_job_seeker_who_did_not_disclose(
    visit: VisitRecord,
) -> None:
    out = redact(visit, Audience.EMPLOYER_FACING)
    assert isinstance(out, VisitRecord)
    text = _text_of(out)
    for seeker in visit.seekers:
        if seeker.disclosure is Disclosure.DISCLOSE:
            continue
        assert seeker.code is not None
        assert not _appears(seeker.code, text)
        for word in _name_words(seeker):
            assert not _appears(word, text), (word, text)


@settings(max_examples=150)
@given(team_visits())
def test_employer_facing_gets_no_free_text_no_disclosure_and_a_neutral_purpose(
    visit: VisitRecord,
) -> None:
    out = redact(visit, Audience.EMPLOYER_FACING)
    assert isinstance(out, VisitRecord)
    assert (out.reason, out.outcome, out.next_step) == (None, None, None)
    assert all(s.disclosure is None for s in out.seekers)
    assert [s.code for s in out.seekers] == [
        s.code for s in visit.seekers if s.disclosure is Disclosure.DISCLOSE
    ]
    if visit.seekers and not out.seekers:
        assert out.purpose not in PERSON_PURPOSES
        assert not out.seeker_present
    for word in ("disclos", "Reason:", "Outcome:", "Next step:"):
        assert word.lower() not in (out.title + out.description).lower()


@settings(max_examples=150)
@given(team_visits())
def test_a_personal_calendar_shows_job_seekers_by_code_and_never_their_names(
    visit: VisitRecord,
) -> None:
    out = redact(visit, Audience.PERSONAL_CALENDAR)
    assert isinstance(out, VisitRecord)
    text = _text_of(out)
    for seeker in visit.seekers:
        for word in _name_words(seeker):
            assert not _appears(word, text), (word, text)
    assert [s.label for s in out.seekers] == [s.code for s in visit.seekers]
    assert (out.outcome, out.next_step) == (None, None)
    assert all(s.disclosure is None for s in out.seekers)


@settings(max_examples=200)
@given(team_visits())
def test_initials_on_a_personal_calendar_hide_every_word_of_a_name(visit: VisitRecord) -> None:
    out = redact(visit, Audience.PERSONAL_CALENDAR, PrivacySettings(SeekerLabel.INITIALS))
    assert isinstance(out, VisitRecord)
    text = _text_of(out)
    # the initials shown are allowed, even where they spell another job seeker's name
    for label in {shown.label for shown in out.seekers}:
        text = re.sub(rf"(?<!\w){re.escape(label)}(?!\w)", "", text)
    for seeker, shown in zip(visit.seekers, out.seekers, strict=True):
        for word in _name_words(seeker):
            assert not _appears(word, text)
        if seeker.name:
            assert shown.label == "".join(w[0] for w in seeker.name.split()).upper()


@settings(max_examples=100)
@given(team_visits())
def test_names_on_a_personal_calendar_only_when_the_specialist_opts_in(
    visit: VisitRecord,
) -> None:
    out = redact(visit, Audience.PERSONAL_CALENDAR, PrivacySettings("name"))
    assert isinstance(out, VisitRecord)
    assert [s.label for s in out.seekers] == [s.name or s.code for s in visit.seekers]
    assert out.reason == visit.reason


@settings(max_examples=100)
@given(team_visits())
def test_the_team_gets_the_record_unchanged(visit: VisitRecord) -> None:
    assert redact(visit, Audience.TEAM) is visit


@given(
    st.builds(
        FitNoteRecord,
        id=st.integers(1, 100),
        seeker=seekers(),
        employer_id=st.integers(1, 100),
        employer_name=other_text,
        author_code=st.just("ab"),
        overall=st.sampled_from(FitRating),
        written_at=st.just(dt.datetime(2026, 12, 1, tzinfo=dt.UTC)),
        text=other_text,
    ),
    st.sampled_from([Audience.PERSONAL_CALENDAR, Audience.EMPLOYER_FACING]),
)
def test_job_fit_notes_never_leave_the_team(note: FitNoteRecord, audience: Audience) -> None:
    assert redact(note, audience) is None
    assert redact(note, Audience.TEAM) is note
    assert note.kind not in allowed_kinds(audience)


@given(other_text, other_text, st.sampled_from(list(Audience)))
def test_notes_on_employers_and_people_stay_with_the_team(
    name: str, notes: str, audience: Audience
) -> None:
    employer = EmployerRecord(id=1, name=name or "x", notes=notes, phone="+16085550101")
    person = PersonRecord(id=2, employer_id=1, employer_name="x", name="Dana", notes=notes)
    for record in (employer, person):
        out = redact(record, audience)
        assert out is not None
        expected = notes if audience is Audience.TEAM else None
        assert out.notes == expected  # type: ignore[union-attr]
        assert attrs.evolve(out, notes=record.notes) == record  # type: ignore[misc]


@given(names, codes, other_text)
def test_scrubbing_replaces_every_word_of_a_name_whatever_its_case(
    name: str, code: str, filler: str
) -> None:
    text = f"{filler} {name.upper()} {filler}, {name.split()[0].lower()}'s {filler}"
    scrubbed = scrub_names(text, [(name, code)])
    assert scrubbed is not None
    for word in name.split():
        assert not _appears(word, scrubbed)
    assert scrubbed.count(code) >= 2


_letters = st.sampled_from(list("aAbBkKsSiIß \u017f\u0130\u212a-'.é"))


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.text(_letters, max_size=8), st.text(_letters, max_size=4)), max_size=3),
    st.text(_letters, max_size=30),
)
def test_scrubbing_skips_the_pattern_only_when_it_could_not_match(
    replacements: list[tuple[str, str]], text: str
) -> None:
    # the shortcut for texts in which no name occurs must give what the pattern gives
    pairs, _ = _name_parts(tuple(replacements))
    expected = text
    if pairs:
        expected = _name_pattern(tuple(replacements)).sub(
            lambda m: pairs.get(m.group(0).casefold(), m.group(0)), text
        )
    assert scrub_names(text, replacements) == expected


def test_scrubbing_finds_names_written_with_letters_that_fold_to_ascii() -> None:
    # long s (U+017F) and the Kelvin sign (U+212A) match "s" and "k" when case is ignored
    assert scrub_names("ask \u017fam", [("Sam", "JS-1")]) == "ask JS-1"
    assert scrub_names("ask \u212aari", [("Kari", "JS-2")]) == "ask JS-2"
    assert scrub_names("ask KARI and sam", [("Kari", "JS-2"), ("Sam", "JS-1")]) == (
        "ask JS-2 and JS-1"
    )


def test_a_label_that_contains_the_name_is_not_scrubbed_twice() -> None:
    assert scrub_names("ask Maria", [("Maria", "Maria-1")]) == "ask Maria-1"


def test_seeker_labels_fall_back_to_the_code_without_a_name() -> None:
    unnamed = SeekerRef(label="JS-3", code="JS-3")
    assert [seeker_label(unnamed, choice) for choice in SeekerLabel] == ["JS-3"] * 3


def test_a_stored_visit_becomes_a_team_record_with_worded_title_and_description() -> None:
    employer = model.Employer(
        name="Fictional Foods Co-op",
        street="12 Example St",
        city="Madison",
        state="WI",
        zip="53703",
        phone="608-555-0101",
        id=4,
    )
    person = employer.add_person(
        model.EmployerPerson(
            name="Dana Manager", title="Hiring manager", phone="608-555-0111 x7", id=9
        )
    )
    specialist = model.Specialist(code="ab", name="Alex Example", id=2)
    seeker = model.JobSeeker(
        code="JS-001",
        name="Maria Example",
        preferences=model.Preferences(disclosure="not-disclose", benefits_hours_cap=19),
    )
    visit = model.Visit(
        employer_id=4,
        specialist_id=2,
        person_id=9,
        id=11,
        status="planned",
        purpose="present-job-seeker",
        seekers=[seeker],
        reason="Present Maria Example",
        at=dt.datetime(2026, 12, 7, 10, tzinfo=specialist.zone),
        duration_minutes=45,
    )
    team = visit_record(visit, employer=employer, specialist=specialist, person=person)
    assert team.start == dt.datetime(2026, 12, 7, 16, tzinfo=dt.UTC)
    assert team.duration_minutes == 45
    assert team.employer_address == "12 Example St, Madison, WI 53703"
    assert team.person_phone == "+16085550111;ext=7"
    assert team.title == "Present a job seeker: Fictional Foods Co-op (Maria Example)"
    assert "Meeting: Dana Manager, Hiring manager, (608) 555-0111 ext. 7" in team.description
    assert team.seekers[0].disclosure is Disclosure.NOT_DISCLOSE
    calendar = redact(team, Audience.PERSONAL_CALENDAR)
    assert isinstance(calendar, VisitRecord)
    assert calendar.title == "Present a job seeker: Fictional Foods Co-op (JS-001)"
    assert calendar.reason == "Present JS-001"
    employer_facing = redact(team, Audience.EMPLOYER_FACING)
    assert isinstance(employer_facing, VisitRecord)
    assert employer_facing.title == "Employer visit: Fictional Foods Co-op"
    assert employer_facing.description == (
        "Employer visit by Alex Example.\nMeeting with Dana Manager, Hiring manager."
    )
    assert "19" not in _text_of(team)

"""The standard records the conformance kit exports, with the edge cases adapters trip on.

:func:`load_standard_records` fills an empty database with made-up specialists, employers
(one with a unicode name, one with long notes, one whose name a spreadsheet would run as a
formula), people, job seekers (one who chose not to disclose, one with no name), visits
(planned, made, to be edited, to be cancelled, already cancelled, with a long reason) and
a job-fit note. It returns a :class:`StandardRecords` with their ids and the marker texts
the privacy checks look for. :func:`edit_visit`, :func:`rename_employer`,
:func:`cancel_visit` and :func:`delete_visit` make the changes the kit then exports.
:func:`standard_database` hands out copies of one database made once per process, so each
test gets its own in milliseconds.

:func:`add_privacy_case` adds one generated case of the privacy property check: a visit
about several job seekers (each disclosing or not, named or not) whose every text carries
a tag of its own, so that no other case's texts can be mistaken for it.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
import threading
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from ips_jobdev._model import (
    Employer,
    EmployerPerson,
    FitFactorRating,
    JobFitNote,
    JobSeeker,
    Preferences,
    Specialist,
    Visit,
)
from ips_jobdev._store import Database
from ips_jobdev._vocab import ContactMode, Disclosure, FitRating, VisitPurpose, VisitStatus

__all__ = [
    "LONG_TEXT",
    "CaseSeeker",
    "PrivacyCase",
    "StandardRecords",
    "add_privacy_case",
    "cancel_visit",
    "case_tag",
    "delete_visit",
    "edit_visit",
    "load_standard_records",
    "rename_employer",
    "standard_database",
]

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")

LONG_TEXT = " ".join(
    f"Paragraph {n}: the loading dock opens at six, the shift lead trains new staff on "
    f"Tuesdays, and the break room is being repainted (note {n})."
    for n in range(1, 41)
)
"""About 5,000 characters of ordinary text (employer notes, a visit's reason)."""

UNICODE_EMPLOYER = "Café Ünïcødé & Søn Bäckerei 北京 🍞"
"""An employer name with accents, another script and an emoji."""

FORMULA_EMPLOYER = '=HYPERLINK("http://example.org","Formula Storage")'
"""An employer name a spreadsheet would run as a formula."""


@attrs.frozen
class StandardRecords:
    """Ids of the standard records and the texts the privacy checks look for.

    Attributes:
        specialist_code: the specialist most visits belong to (``"ab"``).
        employer_ids: by role: ``"plain"``, ``"unicode"``, ``"long_notes"``, ``"formula"``.
        person_ids: ``"manager"`` (at the plain employer), ``"owner"`` (at the unicode one).
        seeker_codes: ``"discloses"``, ``"private"`` (chose not to disclose), ``"unnamed"``.
        visit_ids: ``"planned"``, ``"private"`` (for the job seeker who does not disclose),
            ``"to_edit"``, ``"to_cancel"``, ``"done"``, ``"long_reason"``,
            ``"cancelled_early"`` (cancelled before any export), ``"other_specialist"``.
        fit_note_id: the job-fit note (about the job seeker who does not disclose).
        seeker_names: the job seekers' names.
        private_texts: what must never reach an employer-facing audience: the private job
            seeker's name, first name and code.
        team_only_texts: what only the team may see (notes, outcome, next step, the fit
            note's text, a disclosure choice).
        never_texts: preferences and benefits markers no audience ever gets.
        unicode_text: a unicode employer name that must arrive intact.
    """

    specialist_code: str
    employer_ids: dict[str, int]
    person_ids: dict[str, int]
    seeker_codes: dict[str, str]
    visit_ids: dict[str, int]
    fit_note_id: int
    seeker_names: tuple[str, ...]
    private_texts: tuple[str, ...]
    team_only_texts: tuple[str, ...]
    never_texts: tuple[str, ...]
    unicode_text: str = UNICODE_EMPLOYER


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=CHICAGO)


def load_standard_records(database: Database) -> StandardRecords:
    """Add the standard records to ``database`` (which should be empty) and commit."""
    with database.unit_of_work() as uow:
        ab = uow.specialists.add(
            Specialist(code="ab", name="Alex Example", email="alex@example.org", office_zip="53703")
        )
        cd = uow.specialists.add(Specialist(code="cd", name="Casey Demo", office_zip="53704"))
        plain = Employer(
            name="Fictional Foods Co-op",
            industry="grocery",
            job_types="stocking; cashier",
            street="12 Example St",
            city="Madison",
            state="WI",
            zip="53703",
            phone="608-555-0101",
            website="https://foods.example.org",
            size=40,
            shifts="day; evening",
            wage_min=Decimal("15.50"),
            wage_max=Decimal("18.00"),
            bus_access=True,
            notes="TEAM-NOTE-EMPLOYER owner prefers morning visits",
        )
        manager = plain.add_person(
            EmployerPerson(
                name="Dana Manager",
                title="Hiring manager",
                phone="608-555-0111",
                email="dana@example.org",
                makes_hiring_decisions=True,
                notes="TEAM-NOTE-PERSON likes short meetings",
            )
        )
        unicode_employer = Employer(
            name=UNICODE_EMPLOYER,
            industry="bakery",
            street="3 Ørsted Åvenue",
            city="Madison",
            state="WI",
            zip="53704",
            phone="608-555-0102",
        )
        owner = unicode_employer.add_person(
            EmployerPerson(name="Zoë Ångström-Nguyễn", title="Owner", phone="608-555-0112")
        )
        long_notes = Employer(
            name="Long Notes Hardware",
            street="400 Sample Rd",
            city="Sun Prairie",
            state="WI",
            zip="53590",
            notes=LONG_TEXT,
        )
        formula = Employer(
            name=FORMULA_EMPLOYER, city="Verona", state="WI", zip="53593", phone="608-555-0104"
        )
        uow.employers.add_all([plain, unicode_employer, long_notes, formula])
        discloses = uow.seekers.add(
            JobSeeker(
                code="JS-001",
                name="Maria Example",
                ips_start=dt.date(2026, 11, 2),
                preferences=Preferences(
                    disclosure=Disclosure.DISCLOSE, job_types="bakery", work_setting="quiet"
                ),
            )
        )
        private = uow.seekers.add(
            JobSeeker(
                code="JS-002",
                name="Quinn Private",
                ips_start=dt.date(2026, 11, 9),
                preferences=Preferences(
                    disclosure=Disclosure.NOT_DISCLOSE,
                    benefits_hours_cap=19,
                    work_setting="NEVER-WORK-SETTING",
                    strengths="NEVER-STRENGTH",
                ),
            )
        )
        unnamed = uow.seekers.add(JobSeeker(code="JS-003"))
        uow.flush()
        for seeker in (discloses, private, unnamed):
            seeker.specialist_id = ab.id
        assert ab.id is not None
        assert cd.id is not None
        assert plain.id is not None
        assert unicode_employer.id is not None
        assert long_notes.id is not None
        assert formula.id is not None

        def visit(employer: Employer, at: dt.datetime, **kw: object) -> Visit:
            assert employer.id is not None
            kw.setdefault("specialist_id", ab.id)
            kw.setdefault("status", VisitStatus.PLANNED)
            return uow.visits.add(Visit(employer_id=employer.id, at=at, **kw))  # type: ignore[arg-type]

        visits = {
            "planned": visit(
                plain,
                _at(7, 10),
                purpose=VisitPurpose.LEARN_BUSINESS,
                person_id=manager.id,
                seekers=[discloses],
                reason="Learn about the deli line for Maria Example",
            ),
            "private": visit(
                unicode_employer,
                _at(7, 14),
                purpose=VisitPurpose.PRESENT_JOB_SEEKER,
                seekers=[private],
                person_id=owner.id,
                reason="Present Quinn Private; Quinn asked that the program not be named",
            ),
            "to_edit": visit(
                long_notes,
                _at(8, 9, 30),
                purpose=VisitPurpose.FOLLOW_UP,
                duration_minutes=20,
                reason="Bring the thank-you note",
            ),
            "to_cancel": visit(
                plain, _at(9, 11), purpose=VisitPurpose.FOLLOW_UP, person_id=manager.id
            ),
            "done": visit(
                unicode_employer,
                _at(1, 15),
                status=VisitStatus.DONE,
                purpose=VisitPurpose.INTRODUCE,
                seekers=[discloses, unnamed],
                seeker_present=True,
                outcome="TEAM-OUTCOME owner will meet again",
                next_step="TEAM-NEXT-STEP bring Maria's references",
            ),
            "long_reason": visit(
                formula,
                _at(10, 13),
                purpose=VisitPurpose.LEARN_BUSINESS,
                mode=ContactMode.IN_PERSON,
                reason=LONG_TEXT,
            ),
            "cancelled_early": visit(long_notes, _at(11, 10), status=VisitStatus.CANCELLED),
            "other_specialist": visit(
                formula, _at(8, 16), specialist_id=cd.id, purpose=VisitPurpose.INTRODUCE
            ),
        }
        uow.flush()
        note = uow.fit_notes.add(
            JobFitNote(
                seeker_id=private.id or 0,
                employer_id=unicode_employer.id,
                author_id=ab.id,
                ratings={
                    "job_type": FitFactorRating("good", "bakery is on the list"),
                    "schedule": FitRating.PARTIAL,
                },
                overall=FitRating.GOOD,
                text="TEAM-FIT-NOTE quiet back room suits Quinn",
            )
        )
        uow.flush()
        records = StandardRecords(
            specialist_code="ab",
            employer_ids={
                "plain": plain.id,
                "unicode": unicode_employer.id,
                "long_notes": long_notes.id,
                "formula": formula.id,
            },
            person_ids={"manager": manager.id or 0, "owner": owner.id or 0},
            seeker_codes={"discloses": "JS-001", "private": "JS-002", "unnamed": "JS-003"},
            visit_ids={name: v.id or 0 for name, v in visits.items()},
            fit_note_id=note.id or 0,
            seeker_names=("Maria Example", "Quinn Private"),
            private_texts=("Quinn Private", "Quinn", "JS-002"),
            team_only_texts=(
                "TEAM-NOTE-EMPLOYER",
                "TEAM-NOTE-PERSON",
                "TEAM-OUTCOME",
                "TEAM-NEXT-STEP",
                "TEAM-FIT-NOTE",
                "not-disclose",
            ),
            never_texts=("NEVER-WORK-SETTING", "NEVER-STRENGTH"),
        )
        uow.commit()
    return records


def edit_visit(database: Database, records: StandardRecords) -> None:
    """Move the ``to_edit`` visit an hour later and change its reason (one update)."""
    with database.unit_of_work() as uow:
        visit = uow.visits.get(records.visit_ids["to_edit"])
        visit.at = visit.at + dt.timedelta(hours=1)
        visit.reason = "Bring the thank-you note and the job list"
        uow.commit()


def rename_employer(database: Database, records: StandardRecords) -> None:
    """Rename the plain employer (an update of it, and of its visits and people)."""
    with database.unit_of_work() as uow:
        employer = uow.employers.get(records.employer_ids["plain"])
        employer.name = "Fictional Foods Cooperative"
        uow.commit()


def cancel_visit(database: Database, records: StandardRecords) -> None:
    """Cancel the ``to_cancel`` visit."""
    with database.unit_of_work() as uow:
        uow.visits.get(records.visit_ids["to_cancel"]).cancel()
        uow.commit()


def delete_visit(database: Database, records: StandardRecords) -> None:
    """Remove the ``long_reason`` visit from the store altogether."""
    with database.unit_of_work() as uow:
        uow.visits.delete(uow.visits.get(records.visit_ids["long_reason"]))
        uow.commit()


FIRST_NAMES = ("Quorra", "Zephyrine", "Ottoline", "Benedikt", "Ysolde")
LAST_NAMES = ("Quillfeather", "Brightwater", "Oakhollow", "Stormcrest", "Larkspur")
_SYLLABLES = tuple(c + v for c in "bdfgklmnprstvz" for v in "aeiou")


def case_tag(number: int) -> str:
    """Three syllables that only the ``number``-th case uses (``"babeba"``...).

    All tags have the same length, so one never contains another.
    """
    syllables = []
    for _ in range(3):
        number, index = divmod(number, len(_SYLLABLES))
        syllables.append(_SYLLABLES[index])
    return "".join(syllables)


@attrs.frozen
class CaseSeeker:
    """A job seeker of a privacy case, with the texts that identify them.

    Attributes:
        code: the program code.
        first: the first name (stored only when ``named``).
        last: the last name (stored only when ``named``).
        named: whether a name is recorded.
        disclosure: their disclosure choice.
        preference_texts: their strengths and work setting (no audience ever gets them).
    """

    code: str
    first: str
    last: str
    named: bool
    disclosure: Disclosure
    preference_texts: tuple[str, str]

    @property
    def name(self) -> str | None:
        """The recorded name, if any."""
        return f"{self.first} {self.last}" if self.named else None


@attrs.frozen
class PrivacyCase:
    """One visit added by :func:`add_privacy_case`, and the texts to look for.

    Attributes:
        visit_id: the visit.
        seekers: the job seekers it is about.
        reason_text: a text in the visit's reason (only the team and a specialist's own
            calendar may see the reason).
        team_texts: the employer's and the person's notes and the visit's outcome (only
            the team may see them).
    """

    visit_id: int
    seekers: tuple[CaseSeeker, ...]
    reason_text: str
    team_texts: tuple[str, ...]


def add_privacy_case(
    database: Database,
    *,
    tag: str,
    seekers: Sequence[tuple[Disclosure, bool]],
    purpose: VisitPurpose,
    present: bool,
    status: VisitStatus,
) -> PrivacyCase:
    """Add an employer, a person there, job seekers and a visit about them all; commit.

    ``seekers`` gives each job seeker's disclosure choice and whether a name is recorded
    (at most five). The visit belongs to the standard specialist ``ab`` (added when
    missing) and its reason names every job seeker. Every text carries ``tag``
    (:func:`case_tag`).
    """
    tagged = [
        CaseSeeker(
            code=f"PX-{tag}-{i}",
            first=f"{FIRST_NAMES[i]}{tag}",
            last=f"{LAST_NAMES[i]}{tag}",
            named=named,
            disclosure=disclosure,
            preference_texts=(f"STRENGTH-{tag}-{i}", f"SETTING-{tag}-{i}"),
        )
        for i, (disclosure, named) in enumerate(seekers)
    ]
    team_texts = [f"TEAM-NOTE-{tag}", f"TEAM-NOTE-PERSON-{tag}"]
    if status is VisitStatus.DONE:
        team_texts.append(f"TEAM-OUTCOME-{tag}")
    with database.unit_of_work() as uow:
        specialist = uow.specialists.find_by_code("ab") or uow.specialists.add(
            Specialist(code="ab", name="Alex Example")
        )
        employer = Employer(
            name=f"Example Bakery {tag}",
            street="5 Sample Ave",
            city="Madison",
            state="WI",
            zip="53703",
            notes=team_texts[0],
        )
        person = employer.add_person(
            EmployerPerson(name="Robin Owner", title="Owner", notes=team_texts[1])
        )
        uow.employers.add(employer)
        stored = [
            uow.seekers.add(
                JobSeeker(
                    code=seeker.code,
                    name=seeker.name,
                    preferences=Preferences(
                        disclosure=seeker.disclosure,
                        benefits_hours_cap=17,
                        strengths=seeker.preference_texts[0],
                        work_setting=seeker.preference_texts[1],
                    ),
                )
            )
            for seeker in tagged
        ]
        uow.flush()
        assert specialist.id is not None
        assert employer.id is not None
        reason_text = f"REASON-{tag}"
        about = ", ".join(s.display_name for s in stored)
        visit = uow.visits.add(
            Visit(
                employer_id=employer.id,
                specialist_id=specialist.id,
                person_id=person.id,
                at=_at(7, 10),
                purpose=purpose,
                seekers=stored,
                seeker_present=present,
                status=status,
                reason=f"Talk about {about} and {reason_text}",
                outcome=team_texts[2] if status is VisitStatus.DONE else None,
            )
        )
        uow.flush()
        assert visit.id is not None
        case = PrivacyCase(visit.id, tuple(tagged), reason_text, tuple(team_texts))
        uow.commit()
    return case


_template_lock = threading.Lock()
_template: tuple[Path, StandardRecords] | None = None


def _template_file() -> tuple[Path, StandardRecords]:
    global _template
    with _template_lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="ips-jobdev-standard-"))
            atexit.register(shutil.rmtree, folder, True)
            path = folder / "standard.sqlite3"
            database = Database(f"sqlite:///{path}")
            records = load_standard_records(database)
            database.dispose()
            _template = (path, records)
        return _template


def standard_database(folder: Path) -> tuple[Database, StandardRecords]:
    """A new SQLite database in ``folder`` holding the standard records, and their ids.

    The records are made once per process and the file copied, so this is fast.
    """
    template, records = _template_file()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "standard.sqlite3"
    shutil.copyfile(template, path)
    return Database(f"sqlite:///{path}"), records

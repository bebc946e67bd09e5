"""Audiences and redaction: what may leave the team, and to whom.

Redaction happens here, in the core, before any adapter sees a record. It has two steps:

1. The ``*_record`` functions turn store objects into records for the **team** audience
   (:mod:`ips_jobdev._records`). Even these carry nothing about a job seeker's
   preferences, benefits, treatment or diagnosis: only a program code, a name when one is
   recorded, and the disclosure choice.
2. :func:`redact` narrows a team record for another audience:

   - ``personal-calendar``: a job seeker appears as their program code, or as initials or
     a name when the specialist opts in (:class:`PrivacySettings`); the visit's reason is
     kept with the job seekers' names replaced by their labels; outcome, next step and
     everybody's notes are dropped; job-fit notes never go.
   - ``employer-facing``: a job seeker whose disclosure choice is not ``disclose`` is never
     named or coded at all; no free text the team wrote (reason, outcome, next step,
     notes) and no disclosure choice goes; a visit that was about such a job seeker gets a
     neutral wording; job-fit notes never go.
   - ``team``: the record as it is.

>>> from ips_jobdev._records import SeekerRef
>>> seeker_label(SeekerRef(label="Maria Lopez", code="JS-7", name="Maria Lopez"),
...              SeekerLabel.INITIALS)
'ML'
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ips_jobdev import _model as model
from ips_jobdev._phones import PhoneNumber
from ips_jobdev._records import (
    Audience,
    EmployerRecord,
    ExportRecord,
    FitNoteRecord,
    FitRatingRecord,
    PersonRecord,
    RecordKind,
    SeekerRef,
    VisitRecord,
)
from ips_jobdev._vocab import ContactMode, Disclosure, VisitPurpose, VisitStatus

__all__ = [
    "Audience",
    "EmployerFacts",
    "MetFacts",
    "PlaceFacts",
    "PrivacySettings",
    "SeekerLabel",
    "StaffFacts",
    "VisitFacts",
    "allowed_kinds",
    "employer_record",
    "fit_note_record",
    "person_record",
    "redact",
    "scrub_names",
    "seeker_label",
    "seeker_ref",
    "visit_record",
]

PURPOSE_LABELS: dict[VisitPurpose, str] = {
    VisitPurpose.INTRODUCE: "Introduce",
    VisitPurpose.LEARN_BUSINESS: "Learn the business",
    VisitPurpose.FOLLOW_UP: "Follow up",
    VisitPurpose.PRESENT_JOB_SEEKER: "Present a job seeker",
    VisitPurpose.JOB_ANALYSIS: "Job analysis",
    VisitPurpose.SUPPORT: "Support an employed worker",
    VisitPurpose.OTHER: "Employer visit",
}
"""How the team and a specialist's calendar name each purpose."""

NEUTRAL_LABELS: dict[VisitPurpose, str] = {
    VisitPurpose.INTRODUCE: "Introduction",
    VisitPurpose.LEARN_BUSINESS: "Learning about the business",
    VisitPurpose.FOLLOW_UP: "Follow-up visit",
    VisitPurpose.PRESENT_JOB_SEEKER: "Candidate discussion",
    VisitPurpose.JOB_ANALYSIS: "Job analysis",
    VisitPurpose.SUPPORT: "Support visit",
    VisitPurpose.OTHER: "Employer visit",
}
"""How an employer-facing audience sees each purpose."""

PERSON_PURPOSES = frozenset(
    {VisitPurpose.PRESENT_JOB_SEEKER, VisitPurpose.JOB_ANALYSIS, VisitPurpose.SUPPORT}
)
"""Purposes that are about one person; hidden (as ``other``) when that person is hidden."""


class SeekerLabel(enum.StrEnum):
    """How a specialist's calendar shows a job seeker (the specialist opts in past ``code``)."""

    CODE = "code"
    INITIALS = "initials"
    NAME = "name"


@attrs.frozen(slots=True)
class PrivacySettings:
    """Choices that loosen the defaults, for one export.

    Attributes:
        seeker_label: on a personal calendar, show job seekers by program code (the
            default), initials or name. It changes nothing for other audiences.
    """

    seeker_label: SeekerLabel = attrs.field(default=SeekerLabel.CODE, converter=SeekerLabel)


def allowed_kinds(audience: Audience) -> frozenset[RecordKind]:
    """The kinds of record an audience may receive (job-fit notes only for the team)."""
    if audience is Audience.TEAM:
        return frozenset(RecordKind)
    return frozenset(RecordKind) - {RecordKind.FIT_NOTE}


# -- step 1: store objects to team records ---------------------------------------------------


def _phone(phone: object) -> str | None:
    return None if phone is None else phone.to_storage()  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4096)
def _national(phone: str) -> str:
    """A stored phone (E.164, maybe ``;ext=``) as people write it: ``(608) 555-0101``."""
    return PhoneNumber.from_storage(phone).national


def _money(value: object) -> str | None:
    return None if value is None else str(value)


class EmployerFacts(Protocol):
    """What an employer record is made of: an :class:`~ips_jobdev._model.Employer`, or the
    same columns read without the ORM (exports of many employers read them so)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...

    @property
    def external_id(self) -> str | None: ...

    @property
    def industry(self) -> str | None: ...

    @property
    def job_types(self) -> Iterable[str]: ...

    @property
    def street(self) -> str | None: ...

    @property
    def city(self) -> str | None: ...

    @property
    def state(self) -> str | None: ...

    @property
    def zip(self) -> str | None: ...

    @property
    def latitude(self) -> float | None: ...

    @property
    def longitude(self) -> float | None: ...

    @property
    def phone(self) -> PhoneNumber | None: ...

    @property
    def website(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    @property
    def shifts(self) -> Iterable[str]: ...

    @property
    def hours_note(self) -> str | None: ...

    @property
    def wage_min(self) -> Decimal | None: ...

    @property
    def wage_max(self) -> Decimal | None: ...

    @property
    def bus_access(self) -> bool | None: ...

    @property
    def do_not_contact(self) -> bool: ...

    @property
    def notes(self) -> str | None: ...


def employer_record(
    employer: EmployerFacts, *, audience: Audience = Audience.TEAM
) -> EmployerRecord:
    """An employer as the team sees it; with another ``audience``, as that audience receives
    it (the same as ``redact(employer_record(employer), audience)``, made in one step)."""
    assert employer.id is not None, "save the employer before exporting it"
    return EmployerRecord(
        id=employer.id,
        name=employer.name,
        external_id=employer.external_id,
        industry=employer.industry,
        job_types=tuple(employer.job_types),
        street=employer.street,
        city=employer.city,
        state=employer.state,
        zip=employer.zip,
        latitude=employer.latitude,
        longitude=employer.longitude,
        phone=_phone(employer.phone),
        website=employer.website,
        size=employer.size,
        shifts=tuple(employer.shifts),
        hours_note=employer.hours_note,
        wage_min=_money(employer.wage_min),
        wage_max=_money(employer.wage_max),
        bus_access=employer.bus_access,
        do_not_contact=employer.do_not_contact,
        notes=employer.notes if _notes_go(audience) else None,
    )


def _notes_go(audience: Audience) -> bool:
    """Whether employers' and people's notes (the team's free text) go to ``audience``."""
    return Audience(audience) is Audience.TEAM


def person_record(person: model.EmployerPerson, employer: model.Employer) -> PersonRecord:
    """Someone at an employer, as the team sees them."""
    assert person.id is not None, "save the person before exporting them"
    assert employer.id is not None, "save the employer before exporting it"
    return PersonRecord(
        id=person.id,
        employer_id=employer.id,
        employer_name=employer.name,
        name=person.name,
        title=person.title,
        phone=_phone(person.phone),
        email=person.email,
        makes_hiring_decisions=person.makes_hiring_decisions,
        notes=person.notes,
    )


def seeker_ref(seeker: model.JobSeeker) -> SeekerRef:
    """A job seeker as the team refers to them: code, name, disclosure choice."""
    return SeekerRef(
        label=seeker.display_name,
        code=seeker.code,
        name=seeker.name,
        disclosure=seeker.preferences.disclosure,
    )


class VisitFacts(Protocol):
    """What a visit record is made of: a :class:`~ips_jobdev._model.Visit`, or the same
    columns read without the ORM (exports of many visits read them so)."""

    @property
    def id(self) -> int | None: ...

    @property
    def employer_id(self) -> int: ...

    @property
    def at(self) -> dt.datetime: ...

    @property
    def ends_at(self) -> dt.datetime: ...

    @property
    def mode(self) -> ContactMode: ...

    @property
    def purpose(self) -> VisitPurpose: ...

    @property
    def status(self) -> VisitStatus: ...

    @property
    def seeker_present(self) -> bool: ...

    @property
    def reason(self) -> str | None: ...

    @property
    def outcome(self) -> str | None: ...

    @property
    def next_step(self) -> str | None: ...


class PlaceFacts(Protocol):
    """What a visit record shows of its employer (an :class:`~ips_jobdev._model.Employer`
    or the same columns read with the visit)."""

    @property
    def name(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def phone(self) -> PhoneNumber | None: ...


class MetFacts(Protocol):
    """What a visit record shows of the person met (an
    :class:`~ips_jobdev._model.EmployerPerson` or the same columns read with the visit)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str | None: ...

    @property
    def phone(self) -> PhoneNumber | None: ...


class StaffFacts(Protocol):
    """What a visit record shows of its specialist (a :class:`~ips_jobdev._model.Specialist`
    or the same values read once for many visits)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def email(self) -> str | None: ...

    @property
    def timezone(self) -> str: ...


def visit_record(
    visit: VisitFacts,
    *,
    employer: PlaceFacts,
    specialist: StaffFacts,
    person: MetFacts | None = None,
    seekers: Iterable[model.JobSeeker] | None = None,
    audience: Audience = Audience.TEAM,
    settings: PrivacySettings | None = None,
) -> VisitRecord:
    """A visit as the team sees it, with the employer's and the person's details.

    ``seekers`` are the visit's job seekers (default: ``visit.seekers``, for a
    :class:`~ips_jobdev._model.Visit`). With another ``audience``, the record that audience
    receives: the same as ``redact(visit_record(...), audience, settings)``, made in one
    step (exports of many visits save the team wording they would throw away).

    A voided visit (entered in error) goes out as cancelled, without the reason it was
    voided: the remote copy is called off, and why stays in the change history.
    """
    assert visit.id is not None, "save the visit before exporting it"
    voided = visit.status is VisitStatus.VOIDED
    if seekers is None:
        seekers = visit.seekers  # type: ignore[attr-defined]
        assert seekers is not None
    fields: dict[str, Any] = {
        "id": visit.id,
        "employer_id": visit.employer_id,
        "employer_name": employer.name,
        "specialist_code": specialist.code,
        "specialist_name": specialist.name,
        "specialist_email": specialist.email,
        "timezone": specialist.timezone,
        "start": visit.at.astimezone(dt.UTC),
        "end": visit.ends_at.astimezone(dt.UTC),
        "mode": visit.mode,
        "purpose": visit.purpose,
        "status": VisitStatus.CANCELLED if voided else visit.status,
        "employer_address": employer.address or None,
        "employer_phone": _phone(employer.phone),
        "person_id": None,
        "person_name": None,
        "person_title": None,
        "person_phone": None,
        "seekers": tuple(map(seeker_ref, seekers)) if seekers else (),
        "seeker_present": visit.seeker_present,
        "reason": None if voided else visit.reason,
        "outcome": visit.outcome,
        "next_step": visit.next_step,
    }
    if person is not None:
        fields["person_id"] = person.id
        fields["person_name"] = person.name
        fields["person_title"] = person.title
        fields["person_phone"] = _phone(person.phone)
    if type(audience) is not Audience:
        audience = Audience(audience)
    if audience is not Audience.TEAM:
        # redaction words the record for its audience from these fields
        _narrow_visit(fields, audience, settings or PrivacySettings())
    return _worded(fields, audience)


def fit_note_record(
    note: model.JobFitNote,
    *,
    seeker: model.JobSeeker,
    employer: model.Employer,
    author: model.Specialist,
    opening: model.JobOpening | None = None,
) -> FitNoteRecord:
    """A job-fit note (team only)."""
    assert note.id is not None, "save the note before exporting it"
    return FitNoteRecord(
        id=note.id,
        seeker=seeker_ref(seeker),
        employer_id=note.employer_id,
        employer_name=employer.name,
        author_code=author.code,
        overall=note.overall,
        written_at=note.written_at.astimezone(dt.UTC),
        opening_id=note.opening_id,
        opening_title=opening.title if opening is not None else None,
        ratings=tuple(
            FitRatingRecord(factor, rating.rating, rating.comment)
            for factor, rating in sorted(note.ratings.items())
        ),
        text=note.text,
    )


# -- step 2: narrowing for an audience -------------------------------------------------------


def _initials(name: str) -> str:
    letters = [word[0] for word in re.split(r"[\s\-]+", name) if word and word[0].isalpha()]
    return "".join(letters).upper()


def seeker_label(seeker: SeekerRef, label: SeekerLabel) -> str:
    """How a personal calendar shows this job seeker under the specialist's choice.

    Falls back to the program code when no name is recorded (and to the team's label when
    there is no code either).
    """
    if label is SeekerLabel.NAME:
        return seeker.name or seeker.label
    if label is SeekerLabel.INITIALS:
        return _initials(seeker.name or "") or seeker.label
    return seeker.code or seeker.label


def scrub_names(text: str | None, replacements: Iterable[tuple[str, str]]) -> str | None:
    """Replace each name (and each word of it, two letters or more) by its label.

    Matching ignores case and respects word boundaries; longer names win, and a label is
    never itself scanned again.

    >>> scrub_names("Ask about Maria's hours; Maria Lopez likes mornings",
    ...             [("Maria Lopez", "JS-7")])
    "Ask about JS-7's hours; JS-7 likes mornings"
    """
    if text is None:
        return None
    replacements = tuple(replacements)
    pairs, ascii_names = _name_parts(replacements)
    if not pairs:
        return text
    if ascii_names and text.isascii():
        # Between ASCII texts, ignoring case is comparing lower case: a text in which no
        # name occurs that way has nothing to replace (and needs no pattern compiled).
        lowered = text.lower()
        if not any(name in lowered for name in pairs):
            return text
    pattern = _name_pattern(replacements)
    return pattern.sub(lambda m: pairs.get(m.group(0).casefold(), m.group(0)), text)


@functools.lru_cache(maxsize=4096)
def _name_parts(replacements: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], bool]:
    """The names to replace (casefolded) with their labels, and whether all are ASCII."""
    pairs: dict[str, str] = {}
    for name, label in replacements:
        for part in (name.strip(), *re.split(r"[\s\-]+", name)):
            if len(part) >= 2:
                pairs.setdefault(part.casefold(), label)
    return pairs, all(name.isascii() for name in pairs)


@functools.lru_cache(maxsize=4096)
def _name_pattern(replacements: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One pattern matching any of the names; kept for the next visit with the same job
    seekers (compiling is the slow part)."""
    pairs, _ = _name_parts(replacements)
    names = sorted(pairs, key=len, reverse=True)
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
    )


def _for_calendar(seeker: SeekerRef, settings: PrivacySettings) -> SeekerRef:
    label = seeker_label(seeker, settings.seeker_label)
    show_name = settings.seeker_label is SeekerLabel.NAME
    return SeekerRef(label=label, code=seeker.code, name=seeker.name if show_name else None)


def _for_employer(seeker: SeekerRef) -> SeekerRef | None:
    if seeker.disclosure is not Disclosure.DISCLOSE:
        return None
    return SeekerRef(
        label=seeker.name or seeker.code or seeker.label, code=seeker.code, name=seeker.name
    )


_VISIT_FIELDS = tuple(
    f.name for f in attrs.fields(VisitRecord) if f.name not in ("title", "description")
)
"""A visit record's fields but its wording (which is made from them)."""


def _redact_visit(visit: VisitRecord, audience: Audience, settings: PrivacySettings) -> VisitRecord:
    fields = {name: getattr(visit, name) for name in _VISIT_FIELDS}
    _narrow_visit(fields, audience, settings)
    return _worded(fields, audience)


def _narrow_visit(fields: dict[str, Any], audience: Audience, settings: PrivacySettings) -> None:
    """Narrow a team visit's ``fields`` (all but its wording) for ``audience``, in place."""
    team_seekers: tuple[SeekerRef, ...] = fields["seekers"]
    if audience is Audience.PERSONAL_CALENDAR:
        seekers = tuple(_for_calendar(s, settings) for s in team_seekers)
        names = [
            (name, shown.label)
            for original, shown in zip(team_seekers, seekers, strict=True)
            for name in (original.name, original.label)
            if name and name != shown.label and name != shown.name
        ]
        fields["seekers"] = seekers
        fields["reason"] = scrub_names(fields["reason"], names)
        fields["outcome"] = None
        fields["next_step"] = None
        return
    kept: tuple[SeekerRef, ...] = ()
    if team_seekers:  # most visits have none: no generators made for them
        kept = tuple(s for s in (_for_employer(s) for s in team_seekers) if s is not None)
        hidden = len(kept) < len(team_seekers)
        if hidden and not kept and fields["purpose"] in PERSON_PURPOSES:
            fields["purpose"] = VisitPurpose.OTHER
    fields["seekers"] = kept
    fields["seeker_present"] = fields["seeker_present"] and bool(kept)
    fields["reason"] = None
    fields["outcome"] = None
    fields["next_step"] = None


def redact(
    record: ExportRecord, audience: Audience, settings: PrivacySettings | None = None
) -> ExportRecord | None:
    """``record`` (a team record) narrowed for ``audience``; ``None`` if it may not go at all."""
    settings = settings or PrivacySettings()
    audience = Audience(audience)
    if audience is Audience.TEAM:
        return record
    if isinstance(record, FitNoteRecord):
        return None
    if isinstance(record, EmployerRecord | PersonRecord):
        return attrs.evolve(record, notes=None)
    return _redact_visit(record, audience, settings)


def _worded(fields: dict[str, Any], audience: Audience) -> VisitRecord:
    """The visit record of ``fields`` (redacted for ``audience``), with its title and
    description for that audience."""
    seekers = fields["seekers"]
    labels = [s.label for s in seekers] if seekers else []
    who = f" ({', '.join(labels)})" if labels else ""
    person = None
    person_name, person_title = fields["person_name"], fields["person_title"]
    if person_name:
        person = person_name + (f", {person_title}" if person_title else "")
    if audience is Audience.EMPLOYER_FACING:
        purpose = NEUTRAL_LABELS[fields["purpose"]]
        title = f"{purpose}: {fields['employer_name']}{who}"
        lines = [f"{purpose} by {fields['specialist_name']}."]
        if person:
            lines.append(f"Meeting with {person}.")
        if labels:
            lines.append(f"Candidates: {', '.join(labels)}.")
    else:
        purpose = PURPOSE_LABELS[fields["purpose"]]
        title = f"{purpose}: {fields['employer_name']}{who}"
        lines = [f"Purpose: {purpose}"]
        if fields["reason"]:
            lines.append(f"Reason: {fields['reason']}")
        if person:
            person_phone = fields["person_phone"]
            phone = f", {_national(person_phone)}" if person_phone else ""
            lines.append(f"Meeting: {person}{phone}")
        if fields["employer_phone"]:
            lines.append(f"Employer phone: {_national(fields['employer_phone'])}")
        if labels:
            came = " (coming along)" if fields["seeker_present"] else ""
            lines.append(f"Job seekers: {', '.join(labels)}{came}")
        lines.append(f"Contact: {fields['mode'].value}")
        if fields["outcome"]:
            lines.append(f"Outcome: {fields['outcome']}")
        if fields["next_step"]:
            lines.append(f"Next step: {fields['next_step']}")
    if fields["status"] is VisitStatus.CANCELLED:
        title = f"Cancelled: {title}"
    return VisitRecord(**fields, title=title, description="\n".join(lines))

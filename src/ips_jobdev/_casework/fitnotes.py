"""Job-fit notes: a structured judgment of how an employer or a job fits a job seeker.

A note rates each fit factor ``good``, ``partial``, ``poor`` or ``unknown`` with a
comment, gives an overall judgment and free text. The factor names are the matcher's
(``job_type``, ``industry``, ``distance``, ``schedule``, ``wage``, ``bus``,
``relationship``, ``spread``, and any plugin factor), so a note can start from the
matcher's view (:func:`prefill_fit_note`) and the specialist corrects it. Notes are
internal to the team: they never leave through an adapter whose audience is an employer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ips_jobdev import _lookup as lookup
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._model import (
    Employer,
    FitFactorRating,
    JobFitNote,
    JobOpening,
    JobSeeker,
    Specialist,
    utc_now,
)
from ips_jobdev._vocab import FitRating, normalize_token, parse_choice
from ips_jobdev.errors import ValidationError
from ips_jobdev.matching import FACTOR_NAMES, MatchConfig, explain_match, registered_factors
from ips_jobdev.matching._context import FactorScore

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = [
    "GOOD_AT",
    "PARTIAL_AT",
    "RatingInput",
    "add_fit_note",
    "fit_factor_names",
    "fit_notes_for",
    "prefill_fit_note",
    "rating_for_score",
]

#: A part score at or above this pre-fills ``good``.
GOOD_AT = 0.75
#: A part score at or above this (and below :data:`GOOD_AT`) pre-fills ``partial``.
PARTIAL_AT = 0.4

RatingInput = FitRating | str | FitFactorRating | tuple[FitRating | str, str | None]
"""What a rating may be given as: a rating, its name, or ``(rating, comment)``."""


def rating_for_score(score: float | None) -> FitRating:
    """The rating a part score pre-fills: >= 0.75 good, >= 0.4 partial, else poor.

    ``None`` (unknown facts) gives ``unknown``.

    >>> rating_for_score(0.8).value, rating_for_score(0.5).value, rating_for_score(None).value
    ('good', 'partial', 'unknown')
    """
    if score is None:
        return FitRating.UNKNOWN
    if score >= GOOD_AT:
        return FitRating.GOOD
    return FitRating.PARTIAL if score >= PARTIAL_AT else FitRating.POOR


def fit_factor_names() -> list[str]:
    """The factor names a note may rate: the built-in ones, then registered plugin ones."""
    return [*FACTOR_NAMES, *(f.name for f in registered_factors())]


def _opening(uow: UnitOfWork, employer: Employer, opening_id: int | None) -> JobOpening | None:
    if opening_id is None:
        return None
    opening = uow.openings.get(opening_id)
    if opening.employer_id != employer.id:
        raise ValidationError(
            "JobFitNote", "opening_id", f"opening #{opening_id} is not at {employer.name}"
        )
    return opening


def _note_author(uow: UnitOfWork, seeker: JobSeeker, author: Specialist | str | None) -> Specialist:
    """The specialist writing a note: the one named, else the job seeker's own."""
    if author is not None:
        return lookup.specialist(uow, author)
    if seeker.specialist_id is None:
        reason = f"{seeker.code} has no specialist; name the author (--author CODE)"
        raise ValidationError("JobFitNote", "author", reason)
    return uow.specialists.get(seeker.specialist_id)


def _rating(name: str, value: RatingInput) -> FitFactorRating:
    if isinstance(value, FitFactorRating):
        return value
    if isinstance(value, tuple):
        rating, comment = value
        return FitFactorRating(
            parse_choice(FitRating, rating, record="JobFitNote", field=f"ratings.{name}"), comment
        )
    return FitFactorRating(
        parse_choice(FitRating, value, record="JobFitNote", field=f"ratings.{name}")
    )


def _check_factor(name: str) -> str:
    key = normalize_token(name).replace("-", "_")
    known = fit_factor_names()
    if key not in known:
        raise ValidationError(
            "JobFitNote", "ratings", f"unknown factor {name!r}; expected one of: {', '.join(known)}"
        )
    return key


def _from_part(part: FactorScore) -> FitFactorRating:
    return FitFactorRating(rating_for_score(part.score), part.reason)


def prefill_fit_note(
    uow: UnitOfWork,
    seeker: JobSeeker | str,
    employer: Employer | int | str,
    *,
    opening_id: int | None = None,
    author: Specialist | str,
    config: MatchConfig | None = None,
    as_of: dt.date | None = None,
) -> JobFitNote:
    """A new, unsaved note filled in from the matcher's view of this employer (or opening).

    Each factor that counts for the job seeker gets the rating of its part score
    (>= 0.75 good, >= 0.4 partial, else poor; unknown facts give unknown) with the
    matcher's reason as the comment; the overall judgment comes from the total score.
    Factors that do not apply to the person (bus access for someone who drives) are left
    out. Correct what the specialist knows better, then save it with :func:`add_fit_note`
    or ``uow.fit_notes.add``.
    """
    person = lookup.seeker(uow, seeker)
    place = lookup.employer(uow, employer)
    writer = lookup.specialist(uow, author)
    opening = _opening(uow, place, opening_id)
    match = explain_match(uow, person, place, opening=opening, config=config, as_of=as_of)
    assert person.id is not None
    assert place.id is not None
    assert writer.id is not None
    return JobFitNote(
        seeker_id=person.id,
        employer_id=place.id,
        author_id=writer.id,
        opening_id=opening_id,
        ratings={p.name: _from_part(p) for p in match.parts if p.weight > 0},
        overall=rating_for_score(match.score),
    )


def add_fit_note(
    uow: UnitOfWork,
    seeker: JobSeeker | str,
    employer: Employer | int | str,
    *,
    author: Specialist | str | None = None,
    ratings: Mapping[str, RatingInput] | None = None,
    overall: FitRating | str | None = None,
    text: str | None = None,
    opening_id: int | None = None,
    prefill: bool = False,
    written_at: dt.datetime | None = None,
    config: MatchConfig | None = None,
    as_of: dt.date | None = None,
) -> JobFitNote:
    """Write a job-fit note (staged in ``uow``; call ``uow.commit()`` to save it).

    ``author`` is the specialist writing it; without one, the job seeker's specialist.
    ``ratings`` maps factor names to ratings (``"good"``, ``FitRating.POOR``, or
    ``("partial", "comment")``); with ``prefill=True`` they correct the matcher's
    pre-filled ratings, and ``overall`` (when given) replaces its overall judgment.

    Raises:
        ValidationError: an unknown factor or rating, an opening at another employer, or
            no author given for a job seeker without a specialist.
        NotFoundError: no such job seeker, employer, specialist or opening.
    """
    person = lookup.seeker(uow, seeker)
    writer = _note_author(uow, person, author)
    place = lookup.employer(uow, employer)
    given = {_check_factor(name): _rating(name, value) for name, value in (ratings or {}).items()}
    if prefill:
        note = prefill_fit_note(
            uow, person, place, opening_id=opening_id, author=writer, config=config, as_of=as_of
        )
        note.ratings = {**note.ratings, **given}
    else:
        _opening(uow, place, opening_id)
        assert person.id is not None
        assert place.id is not None
        assert writer.id is not None
        note = JobFitNote(
            seeker_id=person.id,
            employer_id=place.id,
            author_id=writer.id,
            opening_id=opening_id,
            ratings=given,
        )
    if overall is not None:
        note.overall = parse_choice(FitRating, overall, record="JobFitNote", field="overall")
    note.text = (text or "").strip() or None
    note.written_at = written_at or utc_now()
    if note.written_at.tzinfo is None:
        raise ValidationError("JobFitNote", "written_at", "has no time zone")
    uow.fit_notes.add(note)
    uow.flush()
    assert note.id is not None
    uow.record_event(RecordChanged("fit-note", note.id, ChangeAction.CREATED))
    return note


def fit_notes_for(
    uow: UnitOfWork,
    seeker: JobSeeker | str | None = None,
    *,
    employer: Employer | int | str | None = None,
    before: dt.datetime | None = None,
) -> list[JobFitNote]:
    """Job-fit notes, oldest first: of one job seeker, at one employer, or both.

    ``before`` keeps only notes written before that moment.
    """
    return list(
        uow.fit_notes.matching(
            seeker_id=lookup.seeker(uow, seeker).id if seeker is not None else None,
            employer_id=lookup.employer(uow, employer).id if employer is not None else None,
            before=before,
        )
    )

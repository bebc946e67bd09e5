"""The controlled vocabularies of the record: modes, purposes, statuses, reasons.

Each is a :class:`str` enum whose value is the spelling used in CSV files, JSON output and
the database. :func:`parse_choice` reads what a person typed (any case, hyphens, spaces and
underscores alike) and names the field when it does not fit.
"""

from __future__ import annotations

import enum
from typing import TypeVar

from ips_jobdev.errors import ValidationError

__all__ = [
    "LIVE_VISIT_STATUSES",
    "ContactBy",
    "ContactMode",
    "Disclosure",
    "FitRating",
    "JobEndReason",
    "JobSeekerStatus",
    "OpeningStatus",
    "Shift",
    "Transport",
    "VisitPurpose",
    "VisitStatus",
    "normalize_token",
    "parse_choice",
]


class ContactMode(enum.StrEnum):
    """How an employer contact was made. Only ``in-person`` counts as face-to-face."""

    IN_PERSON = "in-person"
    PHONE = "phone"
    EMAIL = "email"
    VIDEO = "video"

    @property
    def face_to_face(self) -> bool:
        """True for the contacts the fidelity scale counts."""
        return self is ContactMode.IN_PERSON


class ContactBy(enum.StrEnum):
    """Who made an employer contact: the specialist (the default), or the job seeker on
    their own. A job seeker's own contact counts for their rapid job search, never for the
    specialist's weekly count or the relationships the specialist builds."""

    SPECIALIST = "specialist"
    JOB_SEEKER = "job-seeker"


class VisitPurpose(enum.StrEnum):
    """Why the specialist contacts the employer (the steps of IPS job development)."""

    INTRODUCE = "introduce"
    LEARN_BUSINESS = "learn-business"
    FOLLOW_UP = "follow-up"
    PRESENT_JOB_SEEKER = "present-job-seeker"
    JOB_ANALYSIS = "job-analysis"
    SUPPORT = "support"
    OTHER = "other"


class VisitStatus(enum.StrEnum):
    """Whether a visit is planned, was made, was called off, or was voided.

    ``voided`` marks an entry made in error: it stays in the record and its history, but
    no figure, list of what is due, plan or export counts it (adapters receive it as a
    cancellation).
    """

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"
    VOIDED = "voided"

    @property
    def live(self) -> bool:
        """True for the visits that count anywhere: planned or made."""
        return self in LIVE_VISIT_STATUSES


LIVE_VISIT_STATUSES = (VisitStatus.PLANNED, VisitStatus.DONE)
"""The visit statuses that count (planned and made); cancelled and voided visits do not."""


class JobSeekerStatus(enum.StrEnum):
    """Where a job seeker is in IPS. Everyone but ``closed`` is on the caseload."""

    SEARCHING = "searching"
    WORKING = "working"
    ON_HOLD = "on-hold"
    CLOSED = "closed"


class Disclosure(enum.StrEnum):
    """The job seeker's own choice about telling employers of their condition or the program."""

    UNDECIDED = "undecided"
    DISCLOSE = "disclose"
    NOT_DISCLOSE = "not-disclose"


class Transport(enum.StrEnum):
    """How a job seeker travels to work."""

    WALK = "walk"
    BIKE = "bike"
    BUS = "bus"
    CAR = "car"
    RIDE = "ride"
    OTHER = "other"


class Shift(enum.StrEnum):
    """Work shifts an employer offers or a job seeker wants."""

    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    WEEKEND = "weekend"
    FLEXIBLE = "flexible"


class OpeningStatus(enum.StrEnum):
    """Whether a job opening can still be filled."""

    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


class FitRating(enum.StrEnum):
    """A job-fit judgment for one factor or overall."""

    GOOD = "good"
    PARTIAL = "partial"
    POOR = "poor"
    UNKNOWN = "unknown"


class JobEndReason(enum.StrEnum):
    """Why a job ended, as IPS programs report it."""

    QUIT_WITH_JOB = "quit-with-job"
    QUIT_WITHOUT_PLANS = "quit-without-plans"
    FIRED = "fired"
    LAID_OFF = "laid-off"
    TEMPORARY_ENDED = "temporary-ended"
    HEALTH = "health"
    MOVED = "moved"
    OTHER = "other"

    @property
    def unsatisfactory(self) -> bool:
        """A quit without plans or a firing: "unsatisfactory" in the IPS literature."""
        return self in (JobEndReason.QUIT_WITHOUT_PLANS, JobEndReason.FIRED)


E = TypeVar("E", bound=enum.StrEnum)

_ALIASES: dict[str, str] = {
    "inperson": "in-person",
    "face-to-face": "in-person",
    "facetoface": "in-person",
    "visit": "in-person",
    "learn": "learn-business",
    "days": "day",
    "evenings": "evening",
    "nights": "night",
    "weekends": "weekend",
    "yes": "disclose",
    "no": "not-disclose",
    "seeker": "job-seeker",
    "jobseeker": "job-seeker",
}


def normalize_token(text: str) -> str:
    """Lower-case, trim, and treat spaces and underscores as hyphens."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def parse_choice(enum_type: type[E], value: object, *, record: str, field: str) -> E:
    """Read ``value`` as a member of ``enum_type``.

    Raises:
        ValidationError: names the record, field, the value and the accepted spellings.
    """
    if isinstance(value, enum_type):
        return value
    token = normalize_token(str(value))
    candidates = [token, _ALIASES.get(token, token), token.replace("-", "")]
    for candidate in candidates:
        try:
            return enum_type(candidate)
        except ValueError:
            continue
    allowed = ", ".join(member.value for member in enum_type)
    raise ValidationError(record, field, f"unknown value {value!r}; expected one of: {allowed}")

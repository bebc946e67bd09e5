"""What a match factor sees: the job seeker's terms, one employer's facts, and history.

These are frozen value objects. :class:`SeekerView` is computed once per job seeker and
call (preferences normalised, home located, distance limit decided); :class:`MatchContext`
joins it with one employer for a factor's :meth:`~ips_jobdev.matching.MatchFactor.score`.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from ips_jobdev._geo import LatLon, employer_location, zip_centroid
from ips_jobdev._model import Employer, JobOpening, JobSeeker, Preferences, normalize_employer_name
from ips_jobdev._vocab import Transport

if TYPE_CHECKING:
    from ips_jobdev.matching._config import MatchConfig

__all__ = [
    "EmployerFacts",
    "FactorScore",
    "MatchContext",
    "OpeningFacts",
    "RelationshipFacts",
    "SeekerView",
    "SpreadFacts",
    "label",
]


@functools.lru_cache(maxsize=4096)
def label(text: str) -> str:
    """Fold a job type or industry label for comparison: case, hyphens, underscores, spaces."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


@attrs.frozen(slots=True)
class FactorScore:
    """One factor's part of an employer's score, with its reason.

    ``score`` is in [0, 1], or ``None`` when the facts are unknown: an unknown part counts
    as neutral (0.5) in the total and its reason says what is unknown. ``weight`` is the
    weight the part carried in this ranking (0 when the factor does not apply to this job
    seeker, for example bus access for someone who drives).
    """

    name: str
    weight: float
    score: float | None
    reason: str

    @property
    def unknown(self) -> bool:
        """True when the facts needed to judge this factor are not recorded."""
        return self.score is None

    @property
    def counted(self) -> float:
        """The value the part counts with in the total (neutral 0.5 when unknown)."""
        return 0.5 if self.score is None else self.score


@attrs.frozen(slots=True)
class EmployerFacts:
    """The employer facts the factors use (read from the store, or from an Employer)."""

    id: int | None
    name: str
    industry: str | None = None
    job_types: tuple[str, ...] = ()
    shifts: tuple[str, ...] = ()
    wage_min: Decimal | None = None
    wage_max: Decimal | None = None
    bus_access: bool | None = None
    zip: str | None = None
    location: LatLon | None = None

    @classmethod
    def from_employer(cls, employer: Employer) -> EmployerFacts:
        """The facts of a loaded :class:`~ips_jobdev._model.Employer`."""
        return cls(
            id=employer.id,
            name=employer.name,
            industry=employer.industry,
            job_types=tuple(employer.job_types),
            shifts=tuple(employer.shifts),
            wage_min=employer.wage_min,
            wage_max=employer.wage_max,
            bus_access=employer.bus_access,
            zip=employer.zip,
            location=employer_location(employer),
        )


@attrs.frozen(slots=True)
class OpeningFacts:
    """A job opening's facts, when a job-fit note is about one opening."""

    id: int | None
    title: str
    job_type: str | None = None
    hours_per_week: float | None = None
    shifts: tuple[str, ...] = ()
    wage: Decimal | None = None

    @classmethod
    def from_opening(cls, opening: JobOpening) -> OpeningFacts:
        """The facts of a loaded :class:`~ips_jobdev._model.JobOpening`."""
        return cls(
            id=opening.id,
            title=opening.title,
            job_type=opening.job_type,
            hours_per_week=opening.hours_per_week,
            shifts=tuple(opening.shifts),
            wage=opening.wage,
        )


@attrs.frozen(slots=True)
class RelationshipFacts:
    """The team's face-to-face visits made to the employer in the recent window."""

    face_to_face: int = 0
    last_face_to_face: dt.date | None = None
    window_days: int = 180


@attrs.frozen(slots=True)
class SpreadFacts:
    """How many jobs the team's job seekers have started at the employer (ended ones too)."""

    job_starts: int = 0


@attrs.frozen(slots=True)
class SeekerView:
    """The matcher's view of one job seeker, computed once per ranking.

    Avoided labels are removed from the wanted ones (an avoided job type never counts
    toward a match). ``limit`` is the stated distance limit (a hard filter): the smaller of
    the job seeker's own ``max_miles`` and the one given to the call. ``usual_miles`` is
    what the distance score measures against when no limit is stated.
    """

    code: str
    who: str
    preferences: Preferences
    record: JobSeeker | None
    wanted_job_types: tuple[str, ...]
    wanted_industries: tuple[str, ...]
    avoid: frozenset[str]
    avoid_names: frozenset[str]
    shifts: tuple[str, ...]
    home: LatLon | None
    limit: float | None
    usual_miles: float
    transport: Transport | None
    as_of: dt.date

    @classmethod
    def build(
        cls,
        seeker: JobSeeker,
        config: MatchConfig,
        *,
        max_miles: float | None = None,
        as_of: dt.date | None = None,
    ) -> SeekerView:
        """Prepare ``seeker``'s terms under ``config`` (``max_miles`` narrows the limit)."""
        prefs = seeker.preferences
        avoid = frozenset(label(a) for a in prefs.avoid)
        limits = [m for m in (prefs.max_miles, max_miles) if m is not None]
        transport = prefs.transport
        usual = config.usual_miles_for(transport)
        return cls(
            code=seeker.code,
            who=seeker.display_name,
            preferences=prefs,
            record=seeker,
            wanted_job_types=tuple(
                dict.fromkeys(t for t in map(label, prefs.job_types) if t not in avoid)
            ),
            wanted_industries=tuple(
                dict.fromkeys(i for i in map(label, prefs.industries) if i not in avoid)
            ),
            avoid=avoid,
            avoid_names=frozenset(normalize_employer_name(a) for a in prefs.avoid) - {""},
            shifts=tuple(prefs.shifts),
            home=zip_centroid(prefs.home_zip),
            limit=min(limits) if limits else None,
            usual_miles=usual,
            transport=transport,
            as_of=as_of or dt.date.today(),
        )

    @property
    def possessive(self) -> str:
        """``"J-1001's"`` (or ``"Maria's"``), for reasons."""
        return f"{self.who}'" if self.who.endswith("s") else f"{self.who}'s"


@attrs.frozen(slots=True)
class MatchContext:
    """Everything a factor may read about one job seeker and one employer.

    ``relationship`` is ``None`` while visit history is not loaded (factors that declare
    only row facts are scored before it is). ``opening`` is set when a job-fit note is
    about one opening: its hours, shifts and wage then stand in for the employer's.
    """

    view: SeekerView
    employer: EmployerFacts
    config: MatchConfig
    miles: float | None = None
    relationship: RelationshipFacts | None = None
    spread: SpreadFacts | None = None
    opening: OpeningFacts | None = None

    @property
    def seeker(self) -> JobSeeker | None:
        """The job seeker's record."""
        return self.view.record

    @property
    def preferences(self) -> Preferences:
        """The job seeker's preferences."""
        return self.view.preferences

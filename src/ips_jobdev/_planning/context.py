"""What the planner's phases share: the week being planned (fixed once it is chosen) and the
draft the phases fill in (the visits wanted so far, what was left out, warnings)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import attrs

from ips_jobdev import _model as model
from ips_jobdev._geocoding import Geocoder
from ips_jobdev._planning.schedule import ScheduleSettings, WorkWindow
from ips_jobdev._planning.week import ExistingVisit, Unplanned
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import JobSeekerStatus, VisitPurpose, VisitStatus
from ips_jobdev.cycles import CyclePolicy, EmployerCycleState
from ips_jobdev.cycles._due import EmployerInfo

__all__ = ["Candidate", "Draft", "PlanSettings", "WeekContext"]


@attrs.frozen
class PlanSettings:
    """What the planner may vary besides the policy.

    Fields:

    - ``schedule``: travel speed, per-stop allowance, visits per day, area radius.
    - ``match_limit``: how many ranked employers to consider for an at-risk job seeker.
    - ``target_limit``: how long a caseload target list to ask for.
    - ``geocoders``: asked, in order, where employers without recorded coordinates are
      (default: the plugins' geocoders); the built-in ZIP-centroid geocoder comes last.
      The travel-time source is ``schedule.travel`` (default: the first a plugin
      registered, else the straight-line estimate).
    """

    schedule: ScheduleSettings = attrs.field(factory=ScheduleSettings)
    match_limit: int = 10
    target_limit: int = 50
    geocoders: tuple[Geocoder, ...] | None = attrs.field(default=None, eq=False)


@attrs.frozen
class WeekContext:
    """The week being planned and everything every phase reads about it.

    ``today`` is the first day that may be planned; ``windows`` the working hours left
    that week; ``existing`` the specialist's visits already planned or made that week;
    ``busy`` other times they are not free; ``goal`` the face-to-face visits wanted.
    """

    uow: UnitOfWork
    who: model.Specialist
    specialist_id: int
    policy: CyclePolicy
    settings: PlanSettings
    monday: dt.date
    today: dt.date
    windows: tuple[WorkWindow, ...]
    existing: tuple[ExistingVisit, ...]
    busy: tuple[tuple[dt.datetime, dt.datetime], ...]
    goal: int
    caseload: tuple[model.JobSeeker, ...]

    @property
    def zone(self) -> str:
        """The specialist's time zone."""
        return self.who.timezone

    @property
    def sunday(self) -> dt.date:
        """The week's last day."""
        return self.monday + dt.timedelta(days=6)

    @property
    def reference(self) -> dt.date:
        """The day states are judged on: today, or the Monday of a week still to come."""
        return max(self.monday, self.today)

    @property
    def first_day(self) -> dt.date:
        """The first working day left (``reference`` when none is left)."""
        return self.windows[0].day if self.windows else self.reference

    @property
    def last_day(self) -> dt.date:
        """The last working day left (Sunday when none is left)."""
        return self.windows[-1].day if self.windows else self.sunday

    @functools.cached_property
    def counted(self) -> int:
        """Face-to-face job-development visits already planned or made that week
        (follow-along support visits never count toward the target)."""
        # worked out once: the planner asks for ``need`` for every follow-up and target
        support = VisitPurpose.SUPPORT.value
        return sum(1 for v in self.existing if v.face_to_face and v.purpose != support)

    @property
    def need(self) -> int:
        """How many more visits reach the goal."""
        return max(0, self.goal - self.counted)

    @functools.cached_property
    def booked(self) -> frozenset[int]:
        """Employers with a visit already planned that week."""
        planned = VisitStatus.PLANNED.value
        return frozenset(v.employer_id for v in self.existing if v.status == planned)

    @property
    def searching(self) -> list[model.JobSeeker]:
        """The job seekers on the caseload looking for work."""
        return [s for s in self.caseload if s.status is JobSeekerStatus.SEARCHING]


@attrs.define
class Candidate:
    """A visit the planner wants, before it is placed on a day."""

    employer: EmployerInfo
    kind: str
    reason: str
    priority: int
    latest: dt.date | None
    seekers: list[model.JobSeeker] = attrs.field(factory=list)
    state: EmployerCycleState | None = None

    def join(self, seeker: model.JobSeeker, reason: str, latest: dt.date | None) -> None:
        """Make the visit serve one more job seeker too (the earlier last day holds)."""
        self.seekers.append(seeker)
        self.reason += f"; {reason}"
        dates = [d for d in (latest, self.latest) if d is not None]
        self.latest = min(dates) if dates else None


@attrs.define
class Draft:
    """What the phases have decided so far.

    ``infos`` and ``states`` hold the employers looked at (the specialist's list first,
    then matched and target employers as they come); ``candidates`` the visits wanted, by
    employer id, in the order chosen.
    """

    infos: dict[int, EmployerInfo]
    states: dict[int, EmployerCycleState]
    candidates: dict[int, Candidate] = attrs.field(factory=dict)
    unplanned: list[Unplanned] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)

    def want(
        self,
        info: EmployerInfo,
        *,
        kind: str,
        reason: str,
        latest: dt.date | None,
        seekers: Sequence[model.JobSeeker] = (),
        state: EmployerCycleState | None = None,
    ) -> None:
        """Add a visit to ``info``'s employer, after those already wanted."""
        self.candidates[info.id] = Candidate(
            employer=info,
            kind=kind,
            reason=reason,
            priority=len(self.candidates) + 1,
            latest=latest,
            seekers=list(seekers),
            state=state,
        )

    def leave_out(self, item: Unplanned) -> None:
        """Note something considered and not planned."""
        self.unplanned.append(item)

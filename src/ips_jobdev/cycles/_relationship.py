"""An employer relationship, derived from its visit history (never stored).

:func:`summarize` folds the visits; :func:`employer_state` says, for one day, the stage
reached, the next visit's purpose and due date, and whether it is overdue or gone cold.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ips_jobdev._vocab import VisitPurpose, VisitStatus
from ips_jobdev.cycles._policy import (
    DEFAULT_POLICY,
    ContactLike,
    CyclePolicy,
    _purpose,
    short_date,
)

__all__ = [
    "Contact",
    "EmployerCycleState",
    "EmployerStatus",
    "RelationshipSummary",
    "employer_state",
    "fold_made",
    "summarize",
]


@attrs.frozen
class Contact:
    """A visit as the cycle sees it (when there is no :class:`~ips_jobdev.Visit` at hand)."""

    at: dt.datetime
    purpose: VisitPurpose = attrs.field(converter=_purpose)
    face_to_face: bool = True
    status: VisitStatus = VisitStatus.DONE


@attrs.frozen
class RelationshipSummary:
    """What an employer's visit history says about the relationship now.

    Fields:

    - ``stage``: the highest stage completed since the relationship (re)started; 0 when no
      counted visit was ever made.
    - ``started``: the date of the first counted visit of the current relationship.
    - ``last_counted``: the date of the last counted visit (the one the next gap runs from).
    - ``counted_visits``: counted visits made since the relationship (re)started.
    - ``last_face_to_face``: the date of the last face-to-face visit made, counted or not.
    - ``last_contact``: the date of the last contact of any kind made.
    - ``restarted``: True when an earlier relationship went cold and a later visit began it
      again.
    """

    stage: int = 0
    started: dt.date | None = None
    last_counted: dt.date | None = None
    counted_visits: int = 0
    last_face_to_face: dt.date | None = None
    last_contact: dt.date | None = None
    restarted: bool = False


_at = operator.attrgetter("at")


def summarize(
    visits: Iterable[ContactLike],
    policy: CyclePolicy | None = None,
    *,
    zone: str | zoneinfo.ZoneInfo | None = None,
    before: dt.datetime | None = None,
) -> RelationshipSummary:
    """Fold an employer's visits into a :class:`RelationshipSummary`.

    Visits count when made (not planned or cancelled) and, under a face-to-face-only policy,
    in person; any other visit advances nothing. A counted visit completes the stage its
    purpose belongs to when that is later than the current one; once the last stage is
    complete, the next counted visit puts the relationship in keep-in-touch. A gap of
    ``cold_after_days`` or more between counted visits starts the relationship again.

    Args:
        visits: the employer's visits, in any order.
        policy: the cycle policy (default :data:`DEFAULT_POLICY`).
        zone: the time zone whose calendar dates count (default UTC).
        before: ignore visits at or after this moment (the state "as of" a date).
    """
    policy = policy or DEFAULT_POLICY
    tz: dt.tzinfo = (
        dt.UTC
        if zone is None
        else zone
        if isinstance(zone, zoneinfo.ZoneInfo)
        else zoneinfo.ZoneInfo(zone)
    )
    done = VisitStatus.DONE
    made = [
        (visit.at, visit.purpose, visit.face_to_face)
        for visit in sorted(visits, key=_at)
        if (before is None or visit.at < before) and getattr(visit, "status", done) is done
    ]
    return fold_made(made, policy, tz)


def fold_made(
    made: Iterable[tuple[dt.datetime, VisitPurpose, bool]], policy: CyclePolicy, tz: dt.tzinfo
) -> RelationshipSummary:
    """:func:`summarize` of visits made, given oldest first as ``(at, purpose,
    face_to_face)`` with the time zone resolved (a page folds a whole list's visits, read
    in that order: neither sorted again nor wrapped in an object each)."""
    stage = 0
    started: dt.date | None = None
    last_counted: dt.date | None = None
    counted = 0
    last_f2f: dt.date | None = None
    last_any: dt.date | None = None
    restarted = False
    last_stage = len(policy.stages)
    any_mode = not policy.face_to_face_only
    cold_after = policy.cold_after_days
    stage_of: dict[object, int] = {}
    # local_date and policy.counts written out: no call of each per visit
    for at, purpose, face_to_face in made:
        day = at.astimezone(tz).date()
        last_any = day
        if face_to_face:
            last_f2f = day
        elif not any_mode:
            continue
        if last_counted is not None and (day - last_counted).days >= cold_after:
            stage, counted, started, restarted = 0, 0, None, True
        reached = stage_of.get(purpose)
        if reached is None:
            reached = stage_of[purpose] = policy.stage_for(purpose)
        if reached > stage:
            stage = reached
        elif stage >= last_stage:
            stage = policy.keep_in_touch_stage
        started = started or day
        last_counted = day
        counted += 1
    return RelationshipSummary(
        stage=stage,
        started=started,
        last_counted=last_counted,
        counted_visits=counted,
        last_face_to_face=last_f2f,
        last_contact=last_any,
        restarted=restarted,
    )


class EmployerStatus(enum.StrEnum):
    """Where an employer relationship stands on a given day."""

    NEW = "new"
    """No counted visit yet: the next visit is the introduction, and nothing is due."""
    OK = "ok"
    """The next visit is not due within the policy's due-soon window."""
    DUE = "due"
    """The next visit falls due within the window (today included)."""
    OVERDUE = "overdue"
    """The longest gap has passed without a counted visit."""
    COLD = "cold"
    """No counted visit for ``cold_after_days``: start again with an introduction."""


@attrs.frozen
class EmployerCycleState:
    """An employer relationship on one day, derived from the visits (never stored).

    ``stage`` is the stage completed so far (0: not yet introduced; one past the last
    planned stage: keep in touch); ``next_stage`` and ``next_purpose`` describe the visit
    that is due next, by ``due``.
    """

    on: dt.date
    stage: int
    stage_title: str
    next_stage: int
    next_title: str
    next_purpose: VisitPurpose
    next_minutes: int
    due: dt.date | None
    status: EmployerStatus
    last_face_to_face: dt.date | None
    last_contact: dt.date | None
    counted_visits: int
    interested: bool = False
    interested_seekers: tuple[str, ...] = ()
    planned: dt.date | None = None
    employer_id: int | None = None
    employer_name: str | None = None
    gap_days: int | None = None
    keep_in_touch: bool = False

    @property
    def overdue(self) -> bool:
        """True when the longest gap has passed (a cold relationship is flagged cold)."""
        return self.status is EmployerStatus.OVERDUE

    @property
    def cold(self) -> bool:
        """True when no counted visit was made for the policy's ``cold_after_days``."""
        return self.status is EmployerStatus.COLD

    @property
    def days_overdue(self) -> int:
        """Days past the due date (0 unless overdue)."""
        if self.due is None or not self.overdue:
            return 0
        return (self.on - self.due).days

    @property
    def reason(self) -> str:
        """Why the next visit is wanted, as plans and due lists say it.

        For example ``follow-up due 25 Nov, stage 2: learn the business``.
        """
        stage = f"stage {self.next_stage}: {self.next_title}"
        if self.status is EmployerStatus.NEW:
            return f"not yet introduced, {stage}"
        if self.status is EmployerStatus.COLD:
            since = self.last_face_to_face or self.last_contact
            return f"gone cold (no face-to-face visit since {_long_date(since)}), {stage}"
        assert self.due is not None
        text = f"follow-up due {short_date(self.due)}"
        if self.overdue:
            days = self.days_overdue
            text += f" ({days} day{'s' if days != 1 else ''} overdue)"
        text += f", {stage}"
        if self.keep_in_touch:
            if self.interested_seekers:
                who = ", ".join(self.interested_seekers)
                verb = "is" if len(self.interested_seekers) == 1 else "are"
                text += f" (every {self.gap_days} days while {who} {verb} interested)"
            elif self.interested:
                text += f" (every {self.gap_days} days while a job seeker is interested)"
            else:
                text += f" (every {self.gap_days} days: no job seeker interested)"
        return text


def _long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "never"


def employer_state(
    summary: RelationshipSummary,
    policy: CyclePolicy | None = None,
    *,
    on: dt.date,
    interested: bool | Sequence[str] = False,
    planned: dt.date | None = None,
    employer_id: int | None = None,
    employer_name: str | None = None,
) -> EmployerCycleState:
    """The relationship's state on day ``on``: stage, next visit and when it is due.

    The next visit is due ``gap`` days after the last counted visit, where the gap is the
    completed stage's ``next_visit_within_days`` or, in keep-in-touch, the interval for
    interested (or not) job seekers. It is overdue the day after; with no counted visit
    for ``cold_after_days`` the relationship is cold and starts again with stage 1.

    Args:
        summary: from :func:`summarize` (visits made before the end of ``on``).
        policy: the cycle policy (default :data:`DEFAULT_POLICY`).
        on: the day to judge.
        interested: whether a job seeker is interested in the employer or its job types;
            or the codes of those job seekers.
        planned: the date of the next visit already planned there, if any.
    """
    policy = policy or DEFAULT_POLICY
    seekers = tuple(interested) if not isinstance(interested, bool) else ()
    is_interested = bool(seekers) if not isinstance(interested, bool) else interested
    common: dict[str, Any] = {
        "on": on,
        "stage": summary.stage,
        "stage_title": policy.title(summary.stage),
        "last_face_to_face": summary.last_face_to_face,
        "last_contact": summary.last_contact,
        "counted_visits": summary.counted_visits,
        "interested": is_interested,
        "interested_seekers": seekers,
        "planned": planned,
        "employer_id": employer_id,
        "employer_name": employer_name,
    }
    first: dict[str, Any] = {
        "next_stage": 1,
        "next_title": policy.title(1),
        "next_purpose": policy.purpose(1),
        "next_minutes": policy.minutes(1),
        "due": None,
    }
    last = summary.last_counted
    if last is None or summary.stage == 0:
        return EmployerCycleState(status=EmployerStatus.NEW, **first, **common)
    if (on - last).days >= policy.cold_after_days:
        return EmployerCycleState(status=EmployerStatus.COLD, **first, **common)
    next_stage = min(summary.stage + 1, policy.keep_in_touch_stage)
    gap = policy.gap_after(summary.stage, interested=is_interested)
    due = last + dt.timedelta(days=gap)
    if on > due:
        status = EmployerStatus.OVERDUE
    elif (due - on).days < policy.due_soon_days:
        status = EmployerStatus.DUE
    else:
        status = EmployerStatus.OK
    return EmployerCycleState(
        status=status,
        next_stage=next_stage,
        next_title=policy.title(next_stage),
        next_purpose=policy.purpose(next_stage),
        next_minutes=policy.minutes(next_stage),
        due=due,
        gap_days=gap,
        keep_in_touch=next_stage == policy.keep_in_touch_stage,
        **common,
    )

"""A job seeker and the 30-day rapid job search rule (derived, never stored)."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ips_jobdev.cycles._policy import DEFAULT_POLICY, CyclePolicy, short_date

__all__ = ["RapidSearchState", "RapidSearchStatus", "rapid_search_state"]


class RapidSearchStatus(enum.StrEnum):
    """Where a job seeker stands with the 30-day rapid job search rule."""

    MET = "met"
    """The first face-to-face employer contact came within the limit."""
    AT_RISK = "at-risk"
    """No contact yet, and ``at_risk_days_left`` days or fewer remain."""
    MISSED = "missed"
    """The limit passed before the first contact (or passed with none yet)."""
    PENDING = "pending"
    """No contact yet, with more days left than the at-risk threshold."""
    NO_START_DATE = "no-start-date"
    """The IPS start date is not recorded, so the clock cannot run."""


@attrs.frozen
class RapidSearchState:
    """A job seeker and the rapid job search rule on one day (derived, never stored).

    ``days_since_start`` counts from the IPS start (day 0) to ``on``; ``first_contact`` is
    the date of the first face-to-face employer contact about a job for them (a visit
    naming them, with or without them present, by the specialist or made by the job seeker
    alone; a follow-along support visit is not one); ``days_to_first_contact`` is the figure
    the fidelity scale averages.
    """

    on: dt.date
    status: RapidSearchStatus
    ips_start: dt.date | None
    first_contact: dt.date | None
    days_since_start: int | None
    days_to_first_contact: int | None
    deadline: dt.date | None
    days_left: int | None
    limit_days: int
    seeker_id: int | None = None
    seeker_code: str | None = None

    @property
    def reason(self) -> str:
        """``"first employer contact for J-1042, day 24 of 30"`` and the like."""
        who = self.seeker_code or "this job seeker"
        if self.status is RapidSearchStatus.NO_START_DATE:
            return f"no IPS start date recorded for {who}"
        if self.status is RapidSearchStatus.MET:
            return f"first employer contact for {who} on day {self.days_to_first_contact}"
        if self.first_contact is not None:
            return (
                f"first employer contact for {who} came on day {self.days_to_first_contact}, "
                f"after the {self.limit_days}-day mark"
            )
        assert self.deadline is not None
        assert self.days_since_start is not None
        if self.status is RapidSearchStatus.MISSED:
            return (
                f"first employer contact for {who}, day {self.days_since_start} "
                f"(the {self.limit_days}-day mark passed on {short_date(self.deadline)})"
            )
        if self.days_since_start < 0:
            return f"IPS start for {who} is on {short_date(self.ips_start)}"  # type: ignore[arg-type]
        return f"first employer contact for {who}, day {self.days_since_start} of {self.limit_days}"


def rapid_search_state(
    ips_start: dt.date | None,
    first_contact: dt.date | None,
    *,
    on: dt.date,
    policy: CyclePolicy | None = None,
    seeker_id: int | None = None,
    seeker_code: str | None = None,
) -> RapidSearchState:
    """Judge the rapid job search rule for one job seeker on day ``on``.

    Met when the first face-to-face employer contact came no later than ``days`` (30)
    after IPS start; missed when it came later, or when the limit passed with none; with no
    contact yet, at risk when ``at_risk_days_left`` (7) days or fewer remain, else pending.
    A contact after ``on`` is not known yet on that day.
    """
    policy = policy or DEFAULT_POLICY
    limit = policy.rapid_search_days
    known_contact = first_contact if first_contact is not None and first_contact <= on else None
    if ips_start is None:
        return RapidSearchState(
            on=on,
            status=RapidSearchStatus.NO_START_DATE,
            ips_start=None,
            first_contact=known_contact,
            days_since_start=None,
            days_to_first_contact=None,
            deadline=None,
            days_left=None,
            limit_days=limit,
            seeker_id=seeker_id,
            seeker_code=seeker_code,
        )
    deadline = ips_start + dt.timedelta(days=limit)
    since = (on - ips_start).days
    if known_contact is not None:
        days = max(0, (known_contact - ips_start).days)
        status = RapidSearchStatus.MET if days <= limit else RapidSearchStatus.MISSED
        left = None
    else:
        days = None
        left = (deadline - on).days
        if left < 0:
            status = RapidSearchStatus.MISSED
        elif left <= policy.at_risk_days_left:
            status = RapidSearchStatus.AT_RISK
        else:
            status = RapidSearchStatus.PENDING
    return RapidSearchState(
        on=on,
        status=status,
        ips_start=ips_start,
        first_contact=known_contact,
        days_since_start=since,
        days_to_first_contact=days,
        deadline=deadline,
        days_left=left,
        limit_days=limit,
        seeker_id=seeker_id,
        seeker_code=seeker_code,
    )

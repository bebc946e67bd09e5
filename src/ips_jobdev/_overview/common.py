"""What every page of a specialist's overview shares: whose day it is, the team to switch
between, the clock, and a visit as a page shows it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence

import attrs

from ips_jobdev import _model as model
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import overview as queries
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus
from ips_jobdev.errors import NotFoundError

__all__ = [
    "DEFAULT_ZONE",
    "SpecialistBrief",
    "Team",
    "VisitLine",
    "day_bounds",
    "local_now",
    "team",
    "visit_lines",
    "visit_lines_of_rows",
]

DEFAULT_ZONE = "America/Chicago"
"""The time zone pages use when the record has no specialist yet (the model's default)."""


@attrs.frozen
class SpecialistBrief:
    """A specialist as a page names them."""

    id: int
    code: str
    name: str
    timezone: str
    active: bool = True
    weekly_target: int = 6

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Their time zone."""
        return zoneinfo.ZoneInfo(self.timezone)


@attrs.frozen
class Team:
    """Whose overview a page shows (``chosen``; ``None`` in an empty record) and everyone
    it can switch to."""

    chosen: SpecialistBrief | None
    everyone: tuple[SpecialistBrief, ...]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The chosen specialist's time zone (the default one without a specialist)."""
        return self.chosen.zone if self.chosen else zoneinfo.ZoneInfo(DEFAULT_ZONE)


def _briefs(uow: UnitOfWork) -> tuple[SpecialistBrief, ...]:
    return tuple(
        SpecialistBrief(
            id=i, code=code, name=name, timezone=zone, active=active, weekly_target=target
        )
        for i, code, name, zone, active, target in queries.specialist_rows(uow)
    )


def team(uow: UnitOfWork, chosen: str | None = None) -> Team:
    """The team, and the specialist whose overview to show: ``chosen`` (a code), else the
    first active specialist.

    Raises:
        NotFoundError: ``chosen`` is not a specialist's code.
    """
    everyone = _briefs(uow)
    if chosen is not None:
        wanted = chosen.strip().lower()
        found = next((s for s in everyone if s.code.lower() == wanted), None)
        if found is None:
            raise NotFoundError("specialist", chosen)
        return Team(found, everyone)
    first = next((s for s in everyone if s.active), everyone[0] if everyone else None)
    return Team(first, everyone)


def local_now(now: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime:
    """``now`` (default: the clock) in ``zone``."""
    return (now or model.utc_now()).astimezone(zone)


def day_bounds(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight at the start of ``day`` and of the next day."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end


@attrs.frozen
class VisitLine:
    """A visit as a page lists it: times in the specialist's zone, names resolved."""

    id: int
    version: int
    employer_id: int
    employer_name: str
    address: str
    at: dt.datetime
    minutes: int
    mode: ContactMode
    purpose: VisitPurpose
    status: VisitStatus
    specialist_id: int
    seekers: tuple[str, ...] = ()
    seeker_present: bool = False
    reason: str | None = None
    outcome: str | None = None
    next_step: str | None = None
    specialist_code: str = ""

    @property
    def face_to_face(self) -> bool:
        """True for an in-person contact."""
        return self.mode.face_to_face


def visit_lines(
    uow: UnitOfWork,
    visits: Sequence[model.Visit],
    zone: dt.tzinfo,
    *,
    employers: Mapping[int, model.Employer] | None = None,
    specialists: Iterable[SpecialistBrief] = (),
) -> list[VisitLine]:
    """:class:`VisitLine` for each visit, in the same order (employers read in one go)."""
    known = dict(employers or {})
    missing = {v.employer_id for v in visits} - known.keys()
    if missing:
        known.update(uow.employers.by_ids(missing))
    codes = {s.id: s.code for s in specialists}
    out = []
    for visit in visits:
        assert visit.id is not None
        employer = known[visit.employer_id]
        out.append(
            VisitLine(
                id=visit.id,
                version=visit.version,
                employer_id=visit.employer_id,
                employer_name=employer.name,
                address=employer.address,
                at=visit.at.astimezone(zone),
                minutes=visit.duration_minutes,
                mode=visit.mode,
                purpose=visit.purpose,
                status=visit.status,
                specialist_id=visit.specialist_id,
                seekers=tuple(s.code for s in visit.seekers),
                seeker_present=visit.seeker_present,
                reason=visit.reason,
                outcome=visit.outcome,
                next_step=visit.next_step,
                specialist_code=codes.get(visit.specialist_id, ""),
            )
        )
    return out


def visit_lines_of_rows(
    rows: Iterable[queries.VisitRow],
    zone: dt.tzinfo,
    *,
    specialists: Iterable[SpecialistBrief] = (),
) -> list[VisitLine]:
    """:class:`VisitLine` for each row the store read (the same lines
    :func:`visit_lines` makes of the records, without loading them)."""
    codes = {s.id: s.code for s in specialists}
    return [
        VisitLine(
            id=row.id,
            version=row.version,
            employer_id=row.employer_id,
            employer_name=row.employer_name,
            address=model.postal_address(row.street, row.city, row.state, row.zip),
            at=row.at.astimezone(zone),
            minutes=row.duration_minutes,
            mode=row.mode,
            purpose=row.purpose,
            status=row.status,
            specialist_id=row.specialist_id,
            seekers=row.seekers,
            seeker_present=row.seeker_present,
            reason=row.reason,
            outcome=row.outcome,
            next_step=row.next_step,
            specialist_code=codes.get(row.specialist_id, ""),
        )
        for row in rows
    ]

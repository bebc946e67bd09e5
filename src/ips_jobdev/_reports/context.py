"""What every fidelity figure of one report reads (shared by the modules that compute
them)."""

from __future__ import annotations

import zoneinfo

import attrs

from ips_jobdev._reports.common import Period, Scope
from ips_jobdev._reports.people import SeekerInPeriod
from ips_jobdev._reports.scale import FidelityScale
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries.fidelity import ClientContact, EmployerVisits, VisitTally
from ips_jobdev._store.queries.people import SeekerRow

__all__ = ["ReportContext"]


@attrs.frozen
class ReportContext:
    """What every fidelity figure of one report reads: the period and scope, the scale and how it
    is read, the job seekers in scope with what they were during the period, and the
    specialists' job-development visits of the period (follow-along support left out),
    counted, for those naming job seekers one row per contact and person, and per employer
    (read once, for every figure that counts them)."""

    uow: UnitOfWork
    period: Period
    scope: Scope
    scale: FidelityScale
    between: str
    rows: tuple[SeekerRow, ...]
    seekers: tuple[SeekerInPeriod, ...]
    tally: tuple[VisitTally, ...] = ()
    contacts: tuple[ClientContact, ...] = ()
    employers: tuple[EmployerVisits, ...] = ()

    def rate(self, key: str, value: float | None) -> tuple[int | None, str | None]:
        """The point and anchor text ``value`` earns on item ``key`` (``None`` when the
        scale has no such item or there is no value)."""
        item = self.scale.item(key) if self.scale.has(key) else None
        if item is None or value is None:
            return None, None
        anchor = item.rate(value, self.between)
        return anchor.point, anchor.text

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone whose calendar days count."""
        return zoneinfo.ZoneInfo(self.period.zone)

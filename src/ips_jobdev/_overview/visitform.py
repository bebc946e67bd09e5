"""What the "Log a visit" form starts with: a blank visit now, a visit to one employer
(with the purpose its contact cycle asks for next), or a planned visit to log as made."""

from __future__ import annotations

import datetime as dt

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev._overview.common import Team, VisitLine, local_now, team, visit_lines
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus
from ips_jobdev.cycles import DEFAULT_POLICY
from ips_jobdev.cycles._due import relationship_states

__all__ = ["SeekerChoice", "VisitForm", "visit_form"]


@attrs.frozen
class SeekerChoice:
    """A job seeker the visit can be for: their code, how to show them, and whether the
    form starts with them ticked."""

    code: str
    label: str
    checked: bool = False


@attrs.frozen
class VisitForm:
    """The form's starting values. ``visit`` is the planned visit being logged as made
    (``None`` for a new visit)."""

    team: Team
    visit: VisitLine | None
    employer: str
    date: dt.date
    time: dt.time
    mode: ContactMode
    purpose: VisitPurpose
    seekers: list[SeekerChoice]
    seeker_present: bool = False


def employer_label(name: str, employer_id: int) -> str:
    """How the form names an employer: ``"Example Bakery #12"`` (the id makes it exact)."""
    return f"{name} #{employer_id}"


def visit_form(
    uow: UnitOfWork,
    specialist: str | None = None,
    *,
    visit_id: int | None = None,
    employer_id: int | None = None,
    now: dt.datetime | None = None,
) -> VisitForm:
    """The log form for ``specialist`` (default: the first active one).

    With ``visit_id`` (a planned visit): its employer, purpose, mode and job seekers, at
    its planned time (or now, when that is still ahead). With ``employer_id``: that
    employer and the purpose its contact cycle asks for next. Otherwise a blank visit now.
    The job seekers offered are the specialist's caseload (and anyone the visit names).

    Raises:
        NotFoundError: no such visit, employer or specialist.
    """
    crew = team(uow, specialist)
    zone = crew.zone
    moment = local_now(now, zone).replace(second=0, microsecond=0)
    caseload = list(uow.seekers.on_caseload(crew.chosen.id)) if crew.chosen else []
    ticked: set[str] = set()
    line: VisitLine | None = None
    employer = ""
    purpose = VisitPurpose.INTRODUCE
    mode = ContactMode.IN_PERSON
    when = moment
    present = False
    if visit_id is not None:
        visit = lookup.visit(uow, visit_id)
        line = visit_lines(uow, [visit], zone, specialists=crew.everyone)[0]
        employer = employer_label(line.employer_name, line.employer_id)
        purpose, mode, present = line.purpose, line.mode, line.seeker_present
        ticked = set(line.seekers)
        when = min(line.at, moment) if line.status is VisitStatus.PLANNED else line.at
        caseload += [s for s in visit.seekers if s not in caseload]
    elif employer_id is not None:
        found = uow.employers.get(employer_id)
        employer = employer_label(found.name, employer_id)
        state = relationship_states(
            uow,
            [employer_id],
            on=moment.date(),
            zone=str(zone),
            policy=DEFAULT_POLICY,
            pool=caseload,
        )[employer_id]
        purpose = state.next_purpose
    seekers = [
        SeekerChoice(s.code, f"{s.code} {s.name}" if s.name else s.code, s.code in ticked)
        for s in sorted(caseload, key=lambda s: s.code)
    ]
    local = when.astimezone(zone)
    return VisitForm(
        team=crew,
        visit=line,
        employer=employer,
        date=local.date(),
        time=local.time().replace(second=0, microsecond=0),
        mode=mode,
        purpose=purpose,
        seekers=seekers,
        seeker_present=present,
    )

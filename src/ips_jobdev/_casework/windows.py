"""Recording when an employer, or a person there, can be visited.

>>> with jobdev.open_store(url) as uow:                                   # doctest: +SKIP
...     set_visiting_windows(uow, "Example Diner", "Tue-Thu 14:00-16:00; not 11:30-13:30")
...     set_visiting_windows(uow, "Example Diner", "Mon 6-6:45", person="Dana Example")
...     uow.commit()
"""

from __future__ import annotations

import attrs

from ips_jobdev import _lookup
from ips_jobdev import _model as model
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._store import UnitOfWork
from ips_jobdev._windows import VisitingWindows
from ips_jobdev.errors import NotFoundError

__all__ = ["WindowsChange", "set_visiting_windows"]


@attrs.frozen
class WindowsChange:
    """What :func:`set_visiting_windows` did: the employer, the person (``None`` for the
    employer's own windows), the windows before and after."""

    employer: model.Employer
    person: model.EmployerPerson | None
    before: VisitingWindows
    after: VisitingWindows

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return self.before != self.after


def _person(employer: model.Employer, name: str) -> model.EmployerPerson:
    wanted = " ".join(name.split()).casefold()
    for person in employer.people:
        if person.name.casefold() == wanted:
            return person
    known = ", ".join(p.name for p in employer.people) or "nobody recorded"
    raise NotFoundError("person", f"{name} at {employer.name} (people there: {known})")


def set_visiting_windows(
    uow: UnitOfWork,
    employer: model.Employer | int | str,
    windows: VisitingWindows | str | None,
    *,
    person: str | None = None,
) -> WindowsChange:
    """Record when an employer (or, with ``person``, someone there) can be visited.

    ``windows`` is the documented text (``"Tue-Thu 14:00-16:00; not 11:30-13:30; note:
    ask for Dana"``), a :class:`VisitingWindows`, or ``None``/``""`` to clear them. The
    change is staged (plugins hear ``record_changed`` after the commit); nothing is
    committed.

    Raises:
        ValidationError: the text does not follow the syntax.
        NotFoundError: no such employer, or no such person there.
    """
    found = _lookup.employer(uow, employer)
    record = "EmployerPerson" if person is not None else "Employer"
    wanted = (
        windows
        if isinstance(windows, VisitingWindows)
        else VisitingWindows.parse(windows, record=record)
    )
    target: model.Employer | model.EmployerPerson = (
        _person(found, person) if person is not None else found
    )
    before = target.visiting_windows
    change = WindowsChange(
        found, target if isinstance(target, model.EmployerPerson) else None, before, wanted
    )
    if not change.changed:
        return change
    target.visiting_windows = wanted
    uow.flush()
    kind, record_id = (
        ("person", target.id)
        if isinstance(target, model.EmployerPerson)
        else ("employer", found.id)
    )
    assert record_id is not None
    uow.record_event(RecordChanged(kind, record_id, ChangeAction.UPDATED))
    return change

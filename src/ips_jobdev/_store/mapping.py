"""Imperative mapping of the model's attrs classes onto the tables.

:func:`start_mappers` runs once per process; every mapped class gets optimistic locking
through its ``version`` column.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, attributes, column_property, registry, relationship

from ips_jobdev import _model as model
from ips_jobdev._store import tables

__all__ = ["keep_status_history", "mapper_registry", "start_mappers"]

mapper_registry = registry(metadata=tables.metadata)
_lock = threading.Lock()
_started = False


def _stamp_name_key(mapper: Any, connection: Any, target: model.Employer) -> None:
    target.name_key = model.normalize_employer_name(target.name)  # type: ignore[attr-defined]


def _touch(mapper: Any, connection: Any, target: Any) -> None:
    target.updated_at = model.utc_now()


def keep_status_history(session: Session, flush_context: Any, instances: Any) -> None:
    """Before a flush: give a new job seeker the first entry of their status history, and
    date a status changed without :meth:`~ips_jobdev._model.JobSeeker.change_status`
    (the day of the flush), so the history always ends with the status of today."""
    for record in list(session.new):
        if isinstance(record, model.JobSeeker) and not record.status_history:
            record.status_history.append(
                model.StatusChange(status=record.status, since=record.entered_on())
            )
    for record in list(session.dirty):
        if not isinstance(record, model.JobSeeker):
            continue
        changed = attributes.get_history(record, "status")
        if not changed.has_changes():
            continue
        history = record.history()
        if history and history[-1].status is record.status:
            continue
        if not history and changed.deleted:
            record.status_history.append(
                model.StatusChange(status=changed.deleted[0], since=record.entered_on())
            )
            history = record.history()
        day = max([dt.date.today(), *(c.since for c in history)])
        record.status_history.append(model.StatusChange(status=record.status, since=day))


def start_mappers() -> None:
    """Map the model classes (idempotent; safe to call from several threads)."""
    global _started
    with _lock:
        if _started:
            return
        m = mapper_registry.map_imperatively
        m(
            model.EmploymentPeriod,
            tables.employment_periods,
            version_id_col=tables.employment_periods.c.version,
        )
        m(model.Leave, tables.specialist_leaves, version_id_col=tables.specialist_leaves.c.version)
        m(
            model.StatusChange,
            tables.seeker_status_changes,
            version_id_col=tables.seeker_status_changes.c.version,
        )
        m(
            model.Specialist,
            tables.specialists,
            version_id_col=tables.specialists.c.version,
            properties={
                "periods": relationship(
                    model.EmploymentPeriod,
                    cascade="all, delete-orphan",
                    order_by=(tables.employment_periods.c.started, tables.employment_periods.c.id),
                    lazy="selectin",
                ),
                "leaves": relationship(
                    model.Leave,
                    cascade="all, delete-orphan",
                    order_by=tables.specialist_leaves.c.first_day,
                    lazy="selectin",
                ),
            },
        )
        m(
            model.EmployerPerson,
            tables.employer_people,
            version_id_col=tables.employer_people.c.version,
        )
        m(
            model.Employer,
            tables.employers,
            version_id_col=tables.employers.c.version,
            properties={
                # the current program's notes (the store writes them: program_notes.py)
                "notes": column_property(
                    tables.employer_notes(tables.employers.c.id), expire_on_flush=False
                ),
                "people": relationship(
                    model.EmployerPerson,
                    cascade="all, delete-orphan",
                    order_by=tables.employer_people.c.id,
                    lazy="selectin",
                ),
            },
        )
        m(
            model.JobSeeker,
            tables.job_seekers,
            version_id_col=tables.job_seekers.c.version,
            properties={
                "status_history": relationship(
                    model.StatusChange,
                    cascade="all, delete-orphan",
                    order_by=(
                        tables.seeker_status_changes.c.since,
                        tables.seeker_status_changes.c.id,
                    ),
                    lazy="selectin",
                ),
            },
        )
        m(
            model.Visit,
            tables.visits,
            version_id_col=tables.visits.c.version,
            properties={
                "seekers": relationship(
                    model.JobSeeker,
                    secondary=tables.visit_seekers,
                    order_by=tables.job_seekers.c.code,
                    lazy="selectin",
                ),
            },
        )
        m(model.JobOpening, tables.job_openings, version_id_col=tables.job_openings.c.version)
        m(model.JobFitNote, tables.job_fit_notes, version_id_col=tables.job_fit_notes.c.version)
        m(model.JobStart, tables.job_starts, version_id_col=tables.job_starts.c.version)
        m(model.ProgramGoal, tables.program_goals, version_id_col=tables.program_goals.c.version)
        m(model.Program, tables.programs, version_id_col=tables.programs.c.version)

        event.listen(model.Employer, "before_insert", _stamp_name_key)
        event.listen(model.Employer, "before_update", _stamp_name_key)
        for cls in (model.Employer, model.JobSeeker, model.Visit):
            event.listen(cls, "before_update", _touch)
        _started = True

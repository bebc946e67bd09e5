"""ips-jobdev: systematic job development for IPS supported employment.

The record (employers, job seekers and their preferences, specialists, visits, openings,
job-fit notes, job starts), its storage on SQLite or PostgreSQL, and the use cases built on
it. Everything a county or tribal program's own tools need is exported here; the modules
behind it are private (their names start with ``_``) and may change between releases.
Vendors writing adapters use :mod:`ips_jobdev.adapters`, :mod:`ips_jobdev.hookspecs`,
:mod:`ips_jobdev.privacy` and :mod:`ips_jobdev.testing`.

>>> import ips_jobdev as jobdev
>>> db = jobdev.Database("sqlite:///county.sqlite3")                  # doctest: +SKIP
>>> with db.unit_of_work() as uow:                                     # doctest: +SKIP
...     jobdev.log_visit(uow, "Example Bakery", "ab", purpose="learn-business")
...     uow.commit()
"""

from __future__ import annotations

import typing

from ips_jobdev import _deprecated
from ips_jobdev._casework.audit import (
    AuditCount,
    AuditEvent,
    AuditTrail,
    audit_summary,
    audit_trail,
    record_access,
)
from ips_jobdev._casework.caseload import (
    Caseload,
    Reassignment,
    add_specialist,
    reassign_caseload,
    specialist_caseload,
)
from ips_jobdev._casework.corrections import (
    Correction,
    FieldChange,
    edit_seeker,
    edit_visit,
    void_visit,
)
from ips_jobdev._casework.employers import (
    MergeResult,
    add_employer,
    edit_employer,
    merge_employers,
)
from ips_jobdev._casework.fitnotes import add_fit_note, fit_notes_for, prefill_fit_note
from ips_jobdev._casework.history import HistoryEntry, RecordHistory, record_history
from ips_jobdev._casework.jobs import JobStartResult, end_job, job_starts_for, record_job_start
from ips_jobdev._casework.people import add_person, edit_person
from ips_jobdev._casework.programs import (
    ProgramGrant,
    ProgramSummary,
    add_program,
    edit_program,
    grant_program,
    list_programs,
    revoke_program,
)
from ips_jobdev._casework.visits import (
    cancel_visit,
    complete_visit,
    last_contacts,
    log_visit,
    recent_visits,
)
from ips_jobdev._events import (
    ChangeAction,
    Event,
    RecordChanged,
    VisitCancelled,
    VisitCompleted,
    VisitPlanned,
)
from ips_jobdev._importing import (
    ImportReport,
    Rejection,
    RowResult,
    import_employers,
    import_seekers,
    import_visits,
)
from ips_jobdev._model import (
    Employer,
    EmployerPerson,
    FitFactorRating,
    JobFitNote,
    JobOpening,
    JobSeeker,
    JobStart,
    Preferences,
    Program,
    ProgramGoal,
    Specialist,
    Visit,
)
from ips_jobdev._phones import PhoneNumber, parse_phone
from ips_jobdev._planning import WeekPlan, plan_week, save_plan
from ips_jobdev._reports import (
    FidelityReport,
    FidelityScale,
    OutcomesReport,
    fidelity_report,
    goal_progress,
    outcomes_report,
    set_goal,
)
from ips_jobdev._store import Database, UnitOfWork, open_store
from ips_jobdev._store import unit_of_work as _unit_of_work
from ips_jobdev._sync.export import ExportReport, export
from ips_jobdev._version import __version__
from ips_jobdev._vocab import (
    ContactMode,
    Disclosure,
    FitRating,
    JobEndReason,
    JobSeekerStatus,
    OpeningStatus,
    Shift,
    Transport,
    VisitPurpose,
    VisitStatus,
)
from ips_jobdev.cycles import CyclePolicy
from ips_jobdev.cycles._due import DueList, list_due
from ips_jobdev.errors import (
    AdapterError,
    ConcurrentUpdateError,
    IpsJobdevError,
    NotFoundError,
    SchemaOutOfDateError,
    ValidationError,
)
from ips_jobdev.hookspecs import hookimpl
from ips_jobdev.matching import (
    EmployerMatch,
    FactorScore,
    MatchConfig,
    MatchList,
    TargetEmployer,
    caseload_targets,
    rank_employers,
    register_factor,
)
from ips_jobdev.privacy import Audience, PrivacySettings, SeekerLabel

_deprecated.install()


def _publish_to_plugins(uow: UnitOfWork, events: typing.Sequence[Event]) -> None:
    # imported on first use: scripts that never commit an event never load pluggy's side
    from ips_jobdev._notify import default_publisher

    default_publisher(uow, events)


_unit_of_work.set_default_publisher(_publish_to_plugins)

_DEPRECATED_NAMES = {
    "open": ("ips_jobdev._store", "open_store", "ips_jobdev.open_store"),
    "build_demo": ("ips_jobdev.demo", "build_demo", "ips_jobdev.demo.build_demo"),
    "DemoSummary": ("ips_jobdev.demo", "DemoSummary", "ips_jobdev.demo.DemoSummary"),
}


def __getattr__(name: str) -> typing.Any:
    """Old names, with a :class:`DeprecationWarning`: ``open`` (it shadowed the builtin on
    ``import *``; use :func:`open_store`), the demo builder (now in :mod:`ips_jobdev.demo`)
    and the modules that moved in 0.2."""
    import importlib
    import warnings

    if name in _DEPRECATED_NAMES:
        module, attribute, instead = _DEPRECATED_NAMES[name]
        warnings.warn(
            f"ips_jobdev.{name} is deprecated and will be removed in 1.0: use {instead}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(module), attribute)
    if f"ips_jobdev.{name}" in _deprecated.MOVED_MODULES:
        return importlib.import_module(f"ips_jobdev.{name}")
    raise AttributeError(f"module 'ips_jobdev' has no attribute {name!r}")


__all__ = [
    "AdapterError",
    "Audience",
    "AuditCount",
    "AuditEvent",
    "AuditTrail",
    "Caseload",
    "ChangeAction",
    "ConcurrentUpdateError",
    "ContactMode",
    "Correction",
    "CyclePolicy",
    "Database",
    "Disclosure",
    "DueList",
    "Employer",
    "EmployerMatch",
    "EmployerPerson",
    "Event",
    "ExportReport",
    "FactorScore",
    "FidelityReport",
    "FidelityScale",
    "FieldChange",
    "FitFactorRating",
    "FitRating",
    "HistoryEntry",
    "ImportReport",
    "IpsJobdevError",
    "JobEndReason",
    "JobFitNote",
    "JobOpening",
    "JobSeeker",
    "JobSeekerStatus",
    "JobStart",
    "JobStartResult",
    "MatchConfig",
    "MatchList",
    "MergeResult",
    "NotFoundError",
    "OpeningStatus",
    "OutcomesReport",
    "PhoneNumber",
    "Preferences",
    "PrivacySettings",
    "Program",
    "ProgramGoal",
    "ProgramGrant",
    "ProgramSummary",
    "Reassignment",
    "RecordChanged",
    "RecordHistory",
    "Rejection",
    "RowResult",
    "SchemaOutOfDateError",
    "SeekerLabel",
    "Shift",
    "Specialist",
    "TargetEmployer",
    "Transport",
    "UnitOfWork",
    "ValidationError",
    "Visit",
    "VisitCancelled",
    "VisitCompleted",
    "VisitPlanned",
    "VisitPurpose",
    "VisitStatus",
    "WeekPlan",
    "__version__",
    "add_employer",
    "add_fit_note",
    "add_person",
    "add_program",
    "add_specialist",
    "audit_summary",
    "audit_trail",
    "cancel_visit",
    "caseload_targets",
    "complete_visit",
    "edit_employer",
    "edit_person",
    "edit_program",
    "edit_seeker",
    "edit_visit",
    "end_job",
    "export",
    "fidelity_report",
    "fit_notes_for",
    "goal_progress",
    "grant_program",
    "hookimpl",
    "import_employers",
    "import_seekers",
    "import_visits",
    "job_starts_for",
    "last_contacts",
    "list_due",
    "list_programs",
    "log_visit",
    "merge_employers",
    "open_store",
    "outcomes_report",
    "parse_phone",
    "plan_week",
    "prefill_fit_note",
    "rank_employers",
    "reassign_caseload",
    "recent_visits",
    "record_access",
    "record_history",
    "record_job_start",
    "register_factor",
    "revoke_program",
    "save_plan",
    "set_goal",
    "specialist_caseload",
    "void_visit",
]

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

from ips_jobdev import _deprecated, _publisher
from ips_jobdev._version import __version__

if typing.TYPE_CHECKING:
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
        edit_specialist,
        reassign_caseload,
        record_leave,
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
    from ips_jobdev._casework.fitnotes import (
        add_fit_note,
        fit_notes_for,
        prefill_fit_note,
    )
    from ips_jobdev._casework.history import (
        HistoryEntry,
        RecordHistory,
        record_history,
    )
    from ips_jobdev._casework.jobs import (
        JobStartResult,
        end_job,
        job_starts_for,
        record_job_start,
    )
    from ips_jobdev._casework.people import (
        add_person,
        edit_person,
    )
    from ips_jobdev._casework.programs import (
        ProgramGrant,
        ProgramSummary,
        add_program,
        edit_program,
        grant_program,
        list_programs,
        revoke_program,
    )
    from ips_jobdev._casework.status import (
        close_seeker,
        reopen_seeker,
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
    from ips_jobdev._geocoding import (
        EmployerAddress,
        Geocoder,
        Position,
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
    from ips_jobdev._phones import (
        PhoneNumber,
        parse_phone,
    )
    from ips_jobdev._planning import (
        WeekPlan,
        plan_week,
        save_plan,
    )
    from ips_jobdev._reports import (
        FidelityReport,
        FidelityScale,
        OutcomesReport,
        fidelity_report,
        goal_progress,
        outcomes_report,
        set_goal,
    )
    from ips_jobdev._reports.packet import (
        ReviewPacket,
        fidelity_packet,
        outcomes_packet,
    )
    from ips_jobdev._store import (
        Database,
        UnitOfWork,
        open_store,
    )
    from ips_jobdev._sync.export import (
        ExportReport,
        export,
    )
    from ips_jobdev._travel import (
        StraightLineTravel,
        TravelMatrix,
        TravelTimes,
    )
    from ips_jobdev._vocab import (
        ContactBy,
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
    from ips_jobdev._windows import (
        VisitingWindows,
    )
    from ips_jobdev.cycles import (
        CyclePolicy,
    )
    from ips_jobdev.cycles._due import (
        DueList,
        list_due,
    )
    from ips_jobdev.errors import (
        AdapterError,
        ConcurrentUpdateError,
        IpsJobdevError,
        NotFoundError,
        SchemaOutOfDateError,
        ValidationError,
    )
    from ips_jobdev.hookspecs import (
        hookimpl,
    )
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
    from ips_jobdev.privacy import (
        Audience,
        PrivacySettings,
        SeekerLabel,
    )

_deprecated.install()

_LAZY: dict[str, str] = {
    "AdapterError": "ips_jobdev.errors",
    "Audience": "ips_jobdev.privacy",
    "AuditCount": "ips_jobdev._casework.audit",
    "AuditEvent": "ips_jobdev._casework.audit",
    "AuditTrail": "ips_jobdev._casework.audit",
    "Caseload": "ips_jobdev._casework.caseload",
    "ChangeAction": "ips_jobdev._events",
    "ConcurrentUpdateError": "ips_jobdev.errors",
    "ContactBy": "ips_jobdev._vocab",
    "ContactMode": "ips_jobdev._vocab",
    "Correction": "ips_jobdev._casework.corrections",
    "CyclePolicy": "ips_jobdev.cycles",
    "Database": "ips_jobdev._store",
    "Disclosure": "ips_jobdev._vocab",
    "DueList": "ips_jobdev.cycles._due",
    "Employer": "ips_jobdev._model",
    "EmployerAddress": "ips_jobdev._geocoding",
    "EmployerMatch": "ips_jobdev.matching",
    "EmployerPerson": "ips_jobdev._model",
    "Event": "ips_jobdev._events",
    "ExportReport": "ips_jobdev._sync.export",
    "FactorScore": "ips_jobdev.matching",
    "FidelityReport": "ips_jobdev._reports",
    "FidelityScale": "ips_jobdev._reports",
    "FieldChange": "ips_jobdev._casework.corrections",
    "FitFactorRating": "ips_jobdev._model",
    "FitRating": "ips_jobdev._vocab",
    "Geocoder": "ips_jobdev._geocoding",
    "HistoryEntry": "ips_jobdev._casework.history",
    "ImportReport": "ips_jobdev._importing",
    "IpsJobdevError": "ips_jobdev.errors",
    "JobEndReason": "ips_jobdev._vocab",
    "JobFitNote": "ips_jobdev._model",
    "JobOpening": "ips_jobdev._model",
    "JobSeeker": "ips_jobdev._model",
    "JobSeekerStatus": "ips_jobdev._vocab",
    "JobStart": "ips_jobdev._model",
    "JobStartResult": "ips_jobdev._casework.jobs",
    "MatchConfig": "ips_jobdev.matching",
    "MatchList": "ips_jobdev.matching",
    "MergeResult": "ips_jobdev._casework.employers",
    "NotFoundError": "ips_jobdev.errors",
    "OpeningStatus": "ips_jobdev._vocab",
    "OutcomesReport": "ips_jobdev._reports",
    "PhoneNumber": "ips_jobdev._phones",
    "Position": "ips_jobdev._geocoding",
    "Preferences": "ips_jobdev._model",
    "PrivacySettings": "ips_jobdev.privacy",
    "Program": "ips_jobdev._model",
    "ProgramGoal": "ips_jobdev._model",
    "ProgramGrant": "ips_jobdev._casework.programs",
    "ProgramSummary": "ips_jobdev._casework.programs",
    "Reassignment": "ips_jobdev._casework.caseload",
    "RecordChanged": "ips_jobdev._events",
    "RecordHistory": "ips_jobdev._casework.history",
    "Rejection": "ips_jobdev._importing",
    "ReviewPacket": "ips_jobdev._reports.packet",
    "RowResult": "ips_jobdev._importing",
    "SchemaOutOfDateError": "ips_jobdev.errors",
    "SeekerLabel": "ips_jobdev.privacy",
    "Shift": "ips_jobdev._vocab",
    "Specialist": "ips_jobdev._model",
    "StraightLineTravel": "ips_jobdev._travel",
    "TargetEmployer": "ips_jobdev.matching",
    "Transport": "ips_jobdev._vocab",
    "TravelMatrix": "ips_jobdev._travel",
    "TravelTimes": "ips_jobdev._travel",
    "UnitOfWork": "ips_jobdev._store",
    "ValidationError": "ips_jobdev.errors",
    "Visit": "ips_jobdev._model",
    "VisitCancelled": "ips_jobdev._events",
    "VisitCompleted": "ips_jobdev._events",
    "VisitPlanned": "ips_jobdev._events",
    "VisitPurpose": "ips_jobdev._vocab",
    "VisitStatus": "ips_jobdev._vocab",
    "VisitingWindows": "ips_jobdev._windows",
    "WeekPlan": "ips_jobdev._planning",
    "add_employer": "ips_jobdev._casework.employers",
    "add_fit_note": "ips_jobdev._casework.fitnotes",
    "add_person": "ips_jobdev._casework.people",
    "add_program": "ips_jobdev._casework.programs",
    "add_specialist": "ips_jobdev._casework.caseload",
    "audit_summary": "ips_jobdev._casework.audit",
    "audit_trail": "ips_jobdev._casework.audit",
    "cancel_visit": "ips_jobdev._casework.visits",
    "caseload_targets": "ips_jobdev.matching",
    "close_seeker": "ips_jobdev._casework.status",
    "complete_visit": "ips_jobdev._casework.visits",
    "edit_employer": "ips_jobdev._casework.employers",
    "edit_person": "ips_jobdev._casework.people",
    "edit_program": "ips_jobdev._casework.programs",
    "edit_seeker": "ips_jobdev._casework.corrections",
    "edit_specialist": "ips_jobdev._casework.caseload",
    "edit_visit": "ips_jobdev._casework.corrections",
    "end_job": "ips_jobdev._casework.jobs",
    "export": "ips_jobdev._sync.export",
    "fidelity_packet": "ips_jobdev._reports.packet",
    "fidelity_report": "ips_jobdev._reports",
    "fit_notes_for": "ips_jobdev._casework.fitnotes",
    "goal_progress": "ips_jobdev._reports",
    "grant_program": "ips_jobdev._casework.programs",
    "hookimpl": "ips_jobdev.hookspecs",
    "import_employers": "ips_jobdev._importing",
    "import_seekers": "ips_jobdev._importing",
    "import_visits": "ips_jobdev._importing",
    "job_starts_for": "ips_jobdev._casework.jobs",
    "last_contacts": "ips_jobdev._casework.visits",
    "list_due": "ips_jobdev.cycles._due",
    "list_programs": "ips_jobdev._casework.programs",
    "log_visit": "ips_jobdev._casework.visits",
    "merge_employers": "ips_jobdev._casework.employers",
    "open_store": "ips_jobdev._store",
    "outcomes_packet": "ips_jobdev._reports.packet",
    "outcomes_report": "ips_jobdev._reports",
    "parse_phone": "ips_jobdev._phones",
    "plan_week": "ips_jobdev._planning",
    "prefill_fit_note": "ips_jobdev._casework.fitnotes",
    "rank_employers": "ips_jobdev.matching",
    "reassign_caseload": "ips_jobdev._casework.caseload",
    "recent_visits": "ips_jobdev._casework.visits",
    "record_access": "ips_jobdev._casework.audit",
    "record_history": "ips_jobdev._casework.history",
    "record_job_start": "ips_jobdev._casework.jobs",
    "record_leave": "ips_jobdev._casework.caseload",
    "register_factor": "ips_jobdev.matching",
    "reopen_seeker": "ips_jobdev._casework.status",
    "revoke_program": "ips_jobdev._casework.programs",
    "save_plan": "ips_jobdev._planning",
    "set_goal": "ips_jobdev._reports",
    "specialist_caseload": "ips_jobdev._casework.caseload",
    "void_visit": "ips_jobdev._casework.corrections",
}
"""Each public name and the module that holds it: imported on first use, so ``import
ips_jobdev`` (and the command line's start) stays quick."""


def _publish_to_plugins(uow: UnitOfWork, events: typing.Sequence[Event]) -> None:
    # imported on first use: scripts that never commit an event never load pluggy's side
    from ips_jobdev._notify import default_publisher

    default_publisher(uow, events)


_publisher.set_default_publisher(_publish_to_plugins)

_DEPRECATED_NAMES = {
    "open": ("ips_jobdev._store", "open_store", "ips_jobdev.open_store"),
    "build_demo": ("ips_jobdev.demo", "build_demo", "ips_jobdev.demo.build_demo"),
    "DemoSummary": ("ips_jobdev.demo", "DemoSummary", "ips_jobdev.demo.DemoSummary"),
}


def __getattr__(name: str) -> typing.Any:
    """The public names, each imported from its module on first use; old names, with a
    :class:`DeprecationWarning`: ``open`` (it shadowed the builtin on ``import *``; use
    :func:`open_store`), the demo builder (now in :mod:`ips_jobdev.demo`) and the modules
    that moved in 0.2."""
    import importlib

    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in _DEPRECATED_NAMES:
        import warnings

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


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AdapterError",
    "Audience",
    "AuditCount",
    "AuditEvent",
    "AuditTrail",
    "Caseload",
    "ChangeAction",
    "ConcurrentUpdateError",
    "ContactBy",
    "ContactMode",
    "Correction",
    "CyclePolicy",
    "Database",
    "Disclosure",
    "DueList",
    "Employer",
    "EmployerAddress",
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
    "Geocoder",
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
    "Position",
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
    "ReviewPacket",
    "RowResult",
    "SchemaOutOfDateError",
    "SeekerLabel",
    "Shift",
    "Specialist",
    "StraightLineTravel",
    "TargetEmployer",
    "Transport",
    "TravelMatrix",
    "TravelTimes",
    "UnitOfWork",
    "ValidationError",
    "Visit",
    "VisitCancelled",
    "VisitCompleted",
    "VisitPlanned",
    "VisitPurpose",
    "VisitStatus",
    "VisitingWindows",
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
    "close_seeker",
    "complete_visit",
    "edit_employer",
    "edit_person",
    "edit_program",
    "edit_seeker",
    "edit_specialist",
    "edit_visit",
    "end_job",
    "export",
    "fidelity_packet",
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
    "outcomes_packet",
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
    "record_leave",
    "register_factor",
    "reopen_seeker",
    "revoke_program",
    "save_plan",
    "set_goal",
    "specialist_caseload",
    "void_visit",
]

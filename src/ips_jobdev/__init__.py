"""ips-jobdev: systematic job development for IPS supported employment.

The record (employers, job seekers and their preferences, specialists, visits, openings,
job-fit notes, job starts), its storage on SQLite or PostgreSQL, and the tools built on it.

>>> import ips_jobdev as jobdev
>>> with jobdev.open("sqlite:///county.sqlite3") as uow:            # doctest: +SKIP
...     uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
...     uow.commit()
"""

from __future__ import annotations

from ips_jobdev._version import __version__
from ips_jobdev.caseload import (
    Caseload,
    Reassignment,
    add_specialist,
    reassign_caseload,
    specialist_caseload,
)
from ips_jobdev.cycles import CyclePolicy
from ips_jobdev.demo import DemoSummary, build_demo
from ips_jobdev.due import DueList, list_due
from ips_jobdev.errors import (
    AdapterError,
    ConcurrentUpdateError,
    IpsJobdevError,
    NotFoundError,
    SchemaOutOfDateError,
    ValidationError,
)
from ips_jobdev.fitnotes import add_fit_note, fit_notes_for, prefill_fit_note
from ips_jobdev.hookspecs import hookimpl
from ips_jobdev.importing import (
    ImportReport,
    Rejection,
    RowResult,
    import_employers,
    import_seekers,
    import_visits,
)
from ips_jobdev.jobs import JobStartResult, end_job, record_job_start
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
from ips_jobdev.model import (
    Employer,
    EmployerPerson,
    FitFactorRating,
    JobFitNote,
    JobOpening,
    JobSeeker,
    JobStart,
    Preferences,
    ProgramGoal,
    Specialist,
    Visit,
)
from ips_jobdev.phones import PhoneNumber, parse_phone
from ips_jobdev.planning import WeekPlan, plan_week, save_plan
from ips_jobdev.privacy import Audience, PrivacySettings, SeekerLabel
from ips_jobdev.reports import (
    FidelityReport,
    FidelityScale,
    OutcomesReport,
    fidelity_report,
    outcomes_report,
)
from ips_jobdev.store import Database, UnitOfWork, open_store
from ips_jobdev.sync import ExportReport, export
from ips_jobdev.vocab import (
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

open = open_store

__all__ = [
    "AdapterError",
    "Audience",
    "Caseload",
    "ConcurrentUpdateError",
    "ContactMode",
    "CyclePolicy",
    "Database",
    "DemoSummary",
    "Disclosure",
    "DueList",
    "Employer",
    "EmployerMatch",
    "EmployerPerson",
    "ExportReport",
    "FactorScore",
    "FidelityReport",
    "FidelityScale",
    "FitFactorRating",
    "FitRating",
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
    "NotFoundError",
    "OpeningStatus",
    "OutcomesReport",
    "PhoneNumber",
    "Preferences",
    "PrivacySettings",
    "ProgramGoal",
    "Reassignment",
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
    "VisitPurpose",
    "VisitStatus",
    "WeekPlan",
    "__version__",
    "add_fit_note",
    "add_specialist",
    "build_demo",
    "caseload_targets",
    "end_job",
    "export",
    "fidelity_report",
    "fit_notes_for",
    "hookimpl",
    "import_employers",
    "import_seekers",
    "import_visits",
    "list_due",
    "open",
    "open_store",
    "outcomes_report",
    "parse_phone",
    "plan_week",
    "prefill_fit_note",
    "rank_employers",
    "reassign_caseload",
    "record_job_start",
    "register_factor",
    "save_plan",
    "specialist_caseload",
]

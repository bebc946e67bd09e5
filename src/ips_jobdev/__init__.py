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
from ips_jobdev.hookspecs import hookimpl
from ips_jobdev.importing import (
    ImportReport,
    Rejection,
    RowResult,
    import_employers,
    import_seekers,
    import_visits,
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
from ips_jobdev.reports import (
    FidelityReport,
    FidelityScale,
    OutcomesReport,
    fidelity_report,
    outcomes_report,
)
from ips_jobdev.store import Database, UnitOfWork, open_store
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

open = open_store  # noqa: A001  (``jobdev.open(url)`` reads naturally; shadows only here)

__all__ = [
    "AdapterError",
    "Caseload",
    "ConcurrentUpdateError",
    "ContactMode",
    "CyclePolicy",
    "Database",
    "DemoSummary",
    "Disclosure",
    "DueList",
    "Employer",
    "EmployerPerson",
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
    "NotFoundError",
    "OpeningStatus",
    "OutcomesReport",
    "PhoneNumber",
    "Preferences",
    "ProgramGoal",
    "Reassignment",
    "Rejection",
    "RowResult",
    "SchemaOutOfDateError",
    "Shift",
    "Specialist",
    "Transport",
    "UnitOfWork",
    "ValidationError",
    "Visit",
    "VisitPurpose",
    "VisitStatus",
    "WeekPlan",
    "__version__",
    "add_specialist",
    "build_demo",
    "fidelity_report",
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
    "reassign_caseload",
    "save_plan",
    "specialist_caseload",
]

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
from ips_jobdev.errors import (
    AdapterError,
    ConcurrentUpdateError,
    IpsJobdevError,
    NotFoundError,
    SchemaOutOfDateError,
    ValidationError,
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
    "ConcurrentUpdateError",
    "ContactMode",
    "Database",
    "Disclosure",
    "Employer",
    "EmployerPerson",
    "FitFactorRating",
    "FitRating",
    "IpsJobdevError",
    "JobEndReason",
    "JobFitNote",
    "JobOpening",
    "JobSeeker",
    "JobSeekerStatus",
    "JobStart",
    "NotFoundError",
    "OpeningStatus",
    "PhoneNumber",
    "Preferences",
    "ProgramGoal",
    "SchemaOutOfDateError",
    "Shift",
    "Specialist",
    "Transport",
    "UnitOfWork",
    "ValidationError",
    "Visit",
    "VisitPurpose",
    "VisitStatus",
    "__version__",
    "open",
    "open_store",
    "parse_phone",
]

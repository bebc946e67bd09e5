"""CSV import of employers, job seekers and visits, with a per-row report.

Every row is checked first; by default any rejected row means nothing is written (all or
nothing). ``partial=True`` writes the good rows, ``rejects_path`` saves the rejected ones
with a ``reason`` column to fix and re-import, ``dry_run=True`` reports and writes nothing.
Duplicates, within the file and against the database, follow ``on_duplicate``.

>>> import ips_jobdev as jobdev
>>> with jobdev.open_store("sqlite:///county.sqlite3") as uow:               # doctest: +SKIP
...     report = jobdev.import_employers(uow, "employers.csv", partial=True,
...                                      rejects_path="to-fix.csv")
>>> print(report.summary())                                          # doctest: +SKIP
298 created, 0 updated, 0 unchanged, 0 skipped, 2 rejected
"""

from ips_jobdev._importing.employers import EMPLOYER_COLUMNS, import_employers
from ips_jobdev._importing.report import (
    DuplicatePolicy,
    ImportAction,
    ImportReport,
    Rejection,
    RowResult,
)
from ips_jobdev._importing.run import Progress
from ips_jobdev._importing.seekers import SEEKER_COLUMNS, import_seekers
from ips_jobdev._importing.visits import VISIT_COLUMNS, import_visits

__all__ = [
    "EMPLOYER_COLUMNS",
    "SEEKER_COLUMNS",
    "VISIT_COLUMNS",
    "DuplicatePolicy",
    "ImportAction",
    "ImportReport",
    "Progress",
    "Rejection",
    "RowResult",
    "import_employers",
    "import_seekers",
    "import_visits",
]

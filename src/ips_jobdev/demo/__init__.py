"""A small fictional Dane County, Wisconsin, to try ips-jobdev on.

:func:`build_demo` fills an empty database with two employment specialists, 40 job
seekers with varied preferences, 300 employers on real Dane County ZIP codes (made-up
names, ``Example`` streets, 608-555-01xx phones), some six months of employer visits that
follow the IPS cycle (introduce, learn the business, follow up and present a job seeker,
keep in touch), a few planned visits for the coming week, job openings, job starts (some
ended, with reasons) and job-fit notes. The same ``seed`` and ``today`` give the same
county.

Running it again on the same database adds nothing: the county is recognised (its
employers' external ids start with ``DEMO-``) and the summary of what is there is returned
with ``created`` False. A database that holds other records is refused with
:class:`DemoError`, so fictional records never mix with real ones.

>>> import datetime as dt, ips_jobdev as jobdev
>>> from ips_jobdev.demo import build_demo
>>> with jobdev.open_store("sqlite:///demo.sqlite3") as uow:                  # doctest: +SKIP
...     summary = build_demo(uow, seed=2026, today=dt.date(2026, 11, 24))
...     uow.commit()
>>> summary.counts["employers"]                                          # doctest: +SKIP
300
"""

from __future__ import annotations

import datetime as dt
import random

from ips_jobdev._store import UnitOfWork, reads_unaudited
from ips_jobdev._store.queries import demo as queries
from ips_jobdev.demo.county import DEMO_EXTERNAL_ID_PREFIX, build_county
from ips_jobdev.demo.summary import DemoSummary, RecentEmployer, WaitingSeeker, summarize
from ips_jobdev.errors import IpsJobdevError

__all__ = [
    "DEFAULT_SEED",
    "DemoError",
    "DemoSummary",
    "RecentEmployer",
    "WaitingSeeker",
    "build_demo",
    "demo_present",
]

DEFAULT_SEED = 2026


class DemoError(IpsJobdevError):
    """The demo was refused: the database holds records that are not the demo's."""


def demo_present(uow: UnitOfWork) -> bool:
    """True when the demo county is already in the database."""
    return queries.employer_with_external_id_prefix(uow, DEMO_EXTERNAL_ID_PREFIX)


@reads_unaudited
def build_demo(
    uow: UnitOfWork, *, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> DemoSummary:
    """Build the fictional county in ``uow`` (call ``uow.commit()`` to keep it).

    Args:
        uow: a unit of work on an empty database (or one holding the demo already).
        seed: the random seed; the same seed and ``today`` give the same county.
        today: the day the county's history leads up to (default: today).

    Returns:
        The summary of the county; ``created`` is False when it was already there.

    Raises:
        DemoError: the database holds other records.
    """
    day = today or dt.date.today()
    if demo_present(uow):
        return summarize(uow, today=day, created=False, seed=None)
    counts = queries.held_counts(uow)
    if any(counts.values()):
        found = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        raise DemoError(
            f"this database already holds records ({found}); the demo only fills an empty "
            "database, so fictional records never mix with real ones. Give it its own: "
            "ips-jobdev --db demo.sqlite3 demo"
        )
    with uow.explain("build demo"):
        build_county(uow, random.Random(seed), day)
        uow.flush()
    return summarize(uow, today=day, created=True, seed=seed)

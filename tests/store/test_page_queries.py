"""Read-side queries the web pages run on every view, written for speed on PostgreSQL,
give exactly what their plain form gives (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

import ips_jobdev as jobdev
from ips_jobdev._store import tables
from ips_jobdev._store.queries.matching import distinct_zips


def test_the_zips_read_by_skipping_along_the_index_are_the_distinct_stored_zips(
    db: jobdev.Database,
) -> None:
    zips = ["53703", "53703", "53704", "53703-1234", None, "54901", "", "53590", None, "54901"]
    with db.unit_of_work() as uow:
        for i, zip_code in enumerate(zips):
            uow.employers.add(jobdev.Employer(name=f"Example Employer {i}", zip=zip_code))
        uow.commit()
    with db.unit_of_work() as uow:
        found = distinct_zips(uow)
        e = tables.employers.c
        plain = uow.session.scalars(sa.select(e.zip).where(e.zip.is_not(None)).distinct())
        stored = set(plain)
    assert len(found) == len(set(found)), "each ZIP once"
    assert set(found) == stored
    assert stored >= {"53703", "53704", "53703-1234", "54901", "53590"}


def test_no_employer_with_a_zip_gives_no_zips(db: jobdev.Database) -> None:
    with db.unit_of_work() as uow:
        uow.employers.add(jobdev.Employer(name="Example Employer", zip=None))
        uow.commit()
    with db.unit_of_work() as uow:
        assert distinct_zips(uow) == []

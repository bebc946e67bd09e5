"""Read-side queries the web pages run on every view, written for speed on PostgreSQL,
give exactly what their plain form gives (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

import ips_jobdev as jobdev
from ips_jobdev._overview.common import team
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


def test_a_job_seekers_latest_visits_are_the_newest_of_the_whole_history(
    db: jobdev.Database,
) -> None:
    at = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe"))
        seeker = uow.seekers.add(jobdev.JobSeeker(code="J-1042", name="Example Person"))
        other = uow.seekers.add(jobdev.JobSeeker(code="J-2000", name="Other Person"))
        bakery = uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
        uow.flush()
        # out of order, two at the same moment, one planned, one for someone else only
        for days, people in ((5, [seeker]), (1, [seeker, other]), (9, [seeker]), (5, [seeker]),
                             (12, [other]), (3, [seeker])):  # fmt: skip
            uow.visits.add(
                jobdev.Visit(employer_id=bakery.id, specialist_id=specialist.id,  # type: ignore[arg-type]
                             at=at + dt.timedelta(days=days), purpose="follow-up", seekers=people)
            )  # fmt: skip
        uow.visits.add(
            jobdev.Visit(employer_id=bakery.id, specialist_id=specialist.id, status="planned",  # type: ignore[arg-type]
                         at=at + dt.timedelta(days=20), purpose="follow-up", seekers=[seeker])
        )  # fmt: skip
        uow.commit()
        seeker_id = seeker.id
    assert seeker_id is not None
    with db.unit_of_work() as uow:
        history = list(uow.visits.for_seeker(seeker_id))
        for limit in (1, 3, 4, 10):
            latest = [v.id for v in uow.visits.latest_for_seeker(seeker_id, limit)]
            assert latest == [v.id for v in history[::-1][:limit]]
    assert len(history) == 6


def test_the_team_a_page_names_is_every_specialist_by_code_as_recorded(
    db: jobdev.Database,
) -> None:
    with db.unit_of_work() as uow:
        uow.specialists.add(jobdev.Specialist(code="kb", name="Kim Baker", active=False))
        uow.specialists.add(
            jobdev.Specialist(
                code="ae", name="Alex Example", timezone="America/Denver", weekly_contact_target=9
            )
        )
        uow.commit()
    with db.unit_of_work() as uow:
        crew = team(uow)
        records = {s.code: s for s in uow.specialists.list()}
    assert [b.code for b in crew.everyone] == ["ae", "kb"]
    for brief in crew.everyone:
        record = records[brief.code]
        assert (brief.id, brief.name, brief.timezone, brief.active, brief.weekly_target) == (
            record.id, record.name, record.timezone, record.active,
            record.weekly_contact_target,
        )  # fmt: skip
    assert crew.chosen is not None
    assert crew.chosen.code == "ae"  # the first active one

"""Times are timezone-aware, stored in UTC; a naive datetime is refused with a clear error."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import sqlalchemy as sa

from ips_jobdev import Database, Employer, JobSeeker, Specialist, ValidationError, Visit
from ips_jobdev._store import tables

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NAIVE = dt.datetime(2026, 11, 24, 10, 0)


def _specialist_and_employer(db: Database) -> tuple[int, int]:
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(Specialist(code="ae", name="Alex Example"))
        employer = uow.employers.add(Employer(name="Example Bakery"))
        uow.commit()
        return specialist.id, employer.id  # type: ignore[return-value]


def test_model_refuses_a_naive_time_when_it_is_set(db: Database) -> None:
    specialist_id, employer_id = _specialist_and_employer(db)
    visit = Visit(employer_id=employer_id, specialist_id=specialist_id, at=dt.datetime.now(dt.UTC))
    with pytest.raises(ValidationError, match=r"^Visit\.at: .* has no time zone"):
        visit.at = NAIVE


def test_store_refuses_a_naive_time_that_slipped_past_the_model(db: Database) -> None:
    specialist_id, employer_id = _specialist_and_employer(db)
    visit = Visit(employer_id=employer_id, specialist_id=specialist_id, at=dt.datetime.now(dt.UTC))
    object.__setattr__(visit, "at", NAIVE)  # bypass the model's own check
    with db.unit_of_work() as uow:
        uow.visits.add(visit)
        with pytest.raises(ValidationError) as caught:
            uow.commit()
    assert "2026-11-24T10:00:00 has no time zone; refusing to store it" in str(caught.value)
    with db.unit_of_work() as uow:
        assert uow.visits.count() == 0, "nothing was written"


def test_store_refuses_a_naive_time_on_update_and_keeps_the_stored_one(db: Database) -> None:
    specialist_id, employer_id = _specialist_and_employer(db)
    first = dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC)
    with db.unit_of_work() as uow:
        visit = uow.visits.add(
            Visit(employer_id=employer_id, specialist_id=specialist_id, at=first)
        )
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = uow.visits.get(visit.id)  # type: ignore[arg-type]
        object.__setattr__(loaded, "at", NAIVE)
        uow.session.add(loaded)
        sa.orm.attributes.flag_modified(loaded, "at")
        with pytest.raises(ValidationError, match="has no time zone"):
            uow.commit()
    with db.unit_of_work() as uow:
        assert uow.visits.get(visit.id).at == first  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "written",
    [
        dt.datetime(2026, 1, 15, 9, 0, tzinfo=CHICAGO),  # CST, -06:00
        dt.datetime(2026, 7, 15, 9, 0, tzinfo=CHICAGO),  # CDT, -05:00
        dt.datetime(2026, 7, 15, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    ],
)
def test_aware_times_are_stored_in_utc_and_read_back_as_the_same_instant(
    db: Database, written: dt.datetime
) -> None:
    specialist_id, employer_id = _specialist_and_employer(db)
    with db.unit_of_work() as uow:
        visit = uow.visits.add(
            Visit(employer_id=employer_id, specialist_id=specialist_id, at=written)
        )
        uow.commit()
    utc = written.astimezone(dt.UTC)
    with db.unit_of_work() as uow:
        loaded = uow.visits.get(visit.id)  # type: ignore[arg-type]
        assert loaded.at == written
        assert loaded.at.tzinfo is dt.UTC
        assert loaded.at.replace(tzinfo=None) == utc.replace(tzinfo=None)
        column = tables.visits.c.at
        if db.engine.dialect.name == "postgresql":
            stored = sa.func.extract("epoch", column)  # timestamptz: an instant
        else:
            stored = sa.cast(column, sa.String)  # SQLite: the UTC wall time as text
        raw = uow.session.execute(
            sa.select(stored).where(tables.visits.c.id == visit.id)
        ).scalar_one()
    if db.engine.dialect.name == "postgresql":
        assert float(raw) == pytest.approx(utc.timestamp(), abs=1e-6)
    else:
        assert raw == utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def test_queries_compare_instants_across_offsets(db: Database) -> None:
    specialist_id, employer_id = _specialist_and_employer(db)
    morning_chicago = dt.datetime(2026, 11, 24, 9, 0, tzinfo=CHICAGO)  # 15:00 UTC
    with db.unit_of_work() as uow:
        uow.visits.add(
            Visit(employer_id=employer_id, specialist_id=specialist_id, at=morning_chicago)
        )
        uow.commit()
    just_before = dt.datetime(2026, 11, 24, 14, 59, tzinfo=dt.UTC)
    just_after = dt.datetime(2026, 11, 24, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with db.unit_of_work() as uow:
        assert len(uow.visits.between(just_before, just_after)) == 1
        assert len(uow.visits.between(just_after)) == 0


def test_record_timestamps_are_aware_utc_after_a_round_trip(db: Database) -> None:
    with db.unit_of_work() as uow:
        seeker = uow.seekers.add(JobSeeker(code="J-1001"))
        uow.commit()
    with db.unit_of_work() as uow:
        loaded = uow.seekers.get(seeker.id)  # type: ignore[arg-type]
        for value in (loaded.created_at, loaded.updated_at):
            assert value.utcoffset() == dt.timedelta(0)
            assert abs(value - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)

"""Optimistic locking: two units of work that save the same record get one success and one
ConcurrentUpdateError, and the stored value is the winner's. Nothing is silently lost."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from ips_jobdev import (
    ConcurrentUpdateError,
    Database,
    Employer,
    EmployerPerson,
    JobSeeker,
    Preferences,
    Specialist,
    UnitOfWork,
    Visit,
)

AT = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)


def _seed(db: Database) -> dict[str, int]:
    """One employer (with a person), specialist, job seeker and visit; their ids."""
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(Specialist(code="ae", name="Alex Example"))
        employer = uow.employers.add(Employer(name="Example Bakery", zip="53703"))
        person = employer.add_person(EmployerPerson(name="Pat Example"))
        seeker = uow.seekers.add(JobSeeker(code="J-1001"))
        uow.flush()
        visit = uow.visits.add(
            Visit(employer_id=employer.id, specialist_id=specialist.id, at=AT, status="planned")  # type: ignore[arg-type]
        )
        uow.commit()
        return {
            "employer": employer.id,
            "person": person.id,
            "specialist": specialist.id,
            "seeker": seeker.id,
            "visit": visit.id,
        }  # type: ignore[dict-item]


def test_two_units_of_work_saving_one_employer_one_wins_one_is_refused(db: Database) -> None:
    ids = _seed(db)
    first, second = db.unit_of_work(), db.unit_of_work()
    with first, second:
        mine = first.employers.get(ids["employer"])
        theirs = second.employers.get(ids["employer"])
        assert mine is not theirs
        mine.notes = "winner"
        first.commit()
        theirs.notes = "loser"
        with pytest.raises(ConcurrentUpdateError, match="someone else saved this record"):
            second.commit()
    with db.unit_of_work() as uow:
        stored = uow.employers.get(ids["employer"])
        assert stored.notes == "winner"
        assert stored.version == 2


def test_the_refused_unit_of_work_writes_none_of_its_other_changes(db: Database) -> None:
    ids = _seed(db)
    first, second = db.unit_of_work(), db.unit_of_work()
    with first, second:
        first.employers.get(ids["employer"]).phone = "608-555-0101"  # type: ignore[assignment]
        stale = second.employers.get(ids["employer"])
        first.commit()
        second.employers.add(Employer(name="Example Hardware"))
        second.seekers.get(ids["seeker"]).name = "Robin Example"
        stale.website = "https://bakery.example.org"
        with pytest.raises(ConcurrentUpdateError):
            second.commit()
    with db.unit_of_work() as uow:
        assert uow.employers.count() == 1
        assert uow.employers.get(ids["employer"]).website is None
        assert uow.employers.get(ids["employer"]).phone.e164 == "+16085550101"  # type: ignore[union-attr]
        assert uow.seekers.get(ids["seeker"]).name is None


def test_after_the_conflict_a_reload_and_retry_succeeds(db: Database) -> None:
    ids = _seed(db)
    first, second = db.unit_of_work(), db.unit_of_work()
    with first, second:
        first.employers.get(ids["employer"]).notes = "first"
        stale = second.employers.get(ids["employer"])
        first.commit()
        stale.notes = "second"
        with pytest.raises(ConcurrentUpdateError):
            second.commit()
    with db.unit_of_work() as retry:
        fresh = retry.employers.get(ids["employer"])
        assert fresh.notes == "first"
        fresh.notes = "first; second"
        retry.commit()
    with db.unit_of_work() as uow:
        assert uow.employers.get(ids["employer"]).notes == "first; second"
        assert uow.employers.get(ids["employer"]).version == 3


def _load_person(uow: UnitOfWork, ids: dict[str, int]) -> Any:
    employer = uow.employers.get(ids["employer"])
    return next(p for p in employer.people if p.id == ids["person"])


def _set_preferences(seeker: Any, value: str) -> None:
    seeker.preferences = Preferences(job_types=value)


class Kind:
    """How to load one kind of record in a unit of work, change it, and read the change."""

    def __init__(
        self,
        load: Callable[[UnitOfWork, dict[str, int]], Any],
        field: str,
        set_value: Callable[[Any, str], None] | None = None,
        get_value: Callable[[Any], Any] | None = None,
    ) -> None:
        self.load = load
        self.field = field
        self._set = set_value
        self._get = get_value

    def edit(self, record: Any, value: str) -> None:
        if self._set is not None:
            self._set(record, value)
        else:
            setattr(record, self.field, value)

    def value(self, record: Any) -> Any:
        return self._get(record) if self._get is not None else getattr(record, self.field)


KINDS: dict[str, Kind] = {
    "employer": Kind(lambda uow, ids: uow.employers.get(ids["employer"]), "notes"),
    "employer person": Kind(_load_person, "title"),
    "job seeker": Kind(
        lambda uow, ids: uow.seekers.get(ids["seeker"]),
        "preferences",
        _set_preferences,
        lambda seeker: seeker.preferences.job_types[0],
    ),
    "visit": Kind(lambda uow, ids: uow.visits.get(ids["visit"]), "outcome"),
    "specialist": Kind(lambda uow, ids: uow.specialists.get(ids["specialist"]), "name"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_mutable_record_is_locked_optimistically(db: Database, kind: str) -> None:
    record_kind = KINDS[kind]
    ids = _seed(db)
    first, second = db.unit_of_work(), db.unit_of_work()
    with first, second:
        mine = record_kind.load(first, ids)
        theirs = record_kind.load(second, ids)
        record_kind.edit(mine, "winner")
        first.commit()
        record_kind.edit(theirs, "loser")
        with pytest.raises(ConcurrentUpdateError):
            second.commit()
    with db.unit_of_work() as uow:
        assert record_kind.value(record_kind.load(uow, ids)) == "winner"


# -- PostgreSQL: two real connections from two Database objects, at the same time ----------


def _blocked_on_a_lock(admin: sa.Engine, pid: int, timeout: float = 10.0) -> bool:
    """Wait until backend ``pid`` waits for a lock another connection holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with admin.connect() as connection:
            waiting = connection.execute(
                sa.text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"),
                {"pid": pid},
            ).scalar_one()
        if waiting:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("kind", ["employer", "job seeker", "visit"])
def test_postgresql_two_connections_at_once_one_wins_and_one_is_refused(
    pg_url: str, kind: str
) -> None:
    """A holds the row lock (its UPDATE flushed, not committed); B's UPDATE really blocks on
    it; A commits; B's UPDATE then finds the version moved on and B is refused."""
    record_kind = KINDS[kind]
    first_db, second_db = Database(pg_url), Database(pg_url)
    admin = sa.create_engine(pg_url)
    try:
        ids = _seed(first_db)
        loaded = threading.Barrier(2)
        flushed = threading.Event()
        b_pid: list[int] = []

        def worker_a() -> str:
            with first_db.unit_of_work() as uow:
                record = record_kind.load(uow, ids)
                loaded.wait(timeout=10)
                record_kind.edit(record, "a")
                uow.flush()
                flushed.set()
                assert _blocked_on_a_lock(admin, b_pid[0]), "B never waited for A's row lock"
                uow.commit()
                return "committed"

        def worker_b() -> str:
            with second_db.unit_of_work() as uow:
                b_pid.append(uow.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
                record = record_kind.load(uow, ids)
                loaded.wait(timeout=10)
                assert flushed.wait(timeout=10)
                record_kind.edit(record, "b")
                try:
                    uow.commit()
                except ConcurrentUpdateError:
                    return "refused"
                return "committed"

        with ThreadPoolExecutor(max_workers=2) as pool:
            a, b = pool.submit(worker_a), pool.submit(worker_b)
            outcomes = (a.result(timeout=30), b.result(timeout=30))
        assert outcomes == ("committed", "refused")
        with second_db.unit_of_work() as uow:
            assert record_kind.value(record_kind.load(uow, ids)) == "a"
    finally:
        admin.dispose()
        first_db.dispose()
        second_db.dispose()


@pytest.mark.parametrize("kind", ["employer", "job seeker", "visit"])
def test_postgresql_many_concurrent_writers_exactly_one_wins(pg_url: str, kind: str) -> None:
    """Four connections load the same version and all save at once: one success only."""
    record_kind = KINDS[kind]
    databases = [Database(pg_url) for _ in range(4)]
    try:
        ids = _seed(databases[0])
        loaded = threading.Barrier(len(databases))

        def worker(index: int) -> str:
            with databases[index].unit_of_work() as uow:
                record = record_kind.load(uow, ids)
                loaded.wait(timeout=10)
                record_kind.edit(record, f"writer {index}")
                try:
                    uow.commit()
                except ConcurrentUpdateError:
                    return "refused"
                return f"writer {index}"

        with ThreadPoolExecutor(max_workers=len(databases)) as pool:
            outcomes = list(pool.map(worker, range(len(databases))))
        winners = [o for o in outcomes if o != "refused"]
        assert len(winners) == 1
        assert outcomes.count("refused") == len(databases) - 1
        with databases[0].unit_of_work() as uow:
            assert record_kind.value(record_kind.load(uow, ids)) == winners[0]
    finally:
        for database in databases:
            database.dispose()

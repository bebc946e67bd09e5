"""Visits sent from browsers: stored once per submission id; changes that notice someone
else's change first. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from records import NOW, TODAY

import ips_jobdev as jobdev
from ips_jobdev._submissions import (
    ChangedElsewhere,
    VisitFields,
    complete_planned_visit,
    move_visit,
    submit_visit,
)
from ips_jobdev.errors import NotFoundError, ValidationError

Small = tuple[jobdev.Database, dict[str, int]]


def _count(database: jobdev.Database) -> int:
    with database.unit_of_work() as uow:
        return uow.visits.count()


def test_the_same_submission_sent_twice_is_stored_once(small: Small) -> None:
    database, ids = small
    before = _count(database)
    fields = VisitFields(at=f"{TODAY}T14:30", purpose="learn-business", seekers=["J-1"])
    with database.unit_of_work() as uow:
        first = submit_visit(uow, "phone-1-abc", f"#{ids['bakery']}", "ab", fields, now=NOW)
    with database.unit_of_work() as uow:
        second = submit_visit(uow, "phone-1-abc", f"#{ids['bakery']}", "ab", fields, now=NOW)
    assert first.created
    assert not second.created
    assert first.visit.id == second.visit.id
    assert _count(database) == before + 1
    with database.unit_of_work() as uow:
        stored = uow.visits.get(first.visit.id)
        assert [s.code for s in stored.seekers] == ["J-1"]
        assert stored.status.value == "done"


def test_a_refused_submission_writes_nothing_and_can_be_sent_again(small: Small) -> None:
    database, _ids = small
    before = _count(database)
    future = VisitFields(at=f"{TODAY}T23:00")
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as caught:
        submit_visit(uow, "phone-2", "Example Bakery", "ab", future, now=NOW)
    assert caught.value.field == "at"
    with database.unit_of_work() as uow, pytest.raises(NotFoundError):
        submit_visit(uow, "phone-2", "No Such Place", "ab", VisitFields(), now=NOW)
    with database.unit_of_work() as uow:
        ok = submit_visit(uow, "phone-2", "Example Bakery", "ab", VisitFields(), now=NOW)
    assert ok.created
    assert _count(database) == before + 1


def test_the_same_submission_arriving_twice_at_once_is_stored_once(small: Small) -> None:
    database, _ids = small
    before = _count(database)
    results: list[object] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        with database.unit_of_work() as uow:
            results.append(
                submit_visit(uow, "twice-at-once", "Example Cafe", "ab", VisitFields(), now=NOW)
            )

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert _count(database) == before + 1
    assert sorted(r.created for r in results) == [False, True]  # type: ignore[attr-defined]


def test_a_planned_visit_is_logged_as_made_with_what_really_happened(small: Small) -> None:
    database, ids = small
    fields = VisitFields(
        at=f"{TODAY}T10:20",
        purpose="introduce",
        seekers=["J-1"],
        seeker_present=True,
        outcome="met the manager",
        next_step="come back Thursday",
    )
    with database.unit_of_work() as uow:
        result = complete_planned_visit(
            uow, "done-1", ids["planned"], fields, expected_version=1, now=NOW
        )
    with database.unit_of_work() as uow:
        again = complete_planned_visit(
            uow, "done-1", ids["planned"], fields, expected_version=1, now=NOW
        )
        visit = uow.visits.get(ids["planned"])
        assert visit.status.value == "done"
        assert visit.outcome == "met the manager"
        assert visit.seeker_present
        assert visit.at.astimezone(NOW.tzinfo).time().isoformat() == "10:20:00"
    assert result.created
    assert not again.created


def test_a_planned_visit_changed_meanwhile_shows_both_versions(small: Small) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        move_visit(uow, ids["planned"], f"{TODAY}T11:00", expected_version=1)
    fields = VisitFields(at=f"{TODAY}T10:05", outcome="mine")
    with database.unit_of_work() as uow, pytest.raises(ChangedElsewhere) as caught:
        complete_planned_visit(uow, "done-2", ids["planned"], fields, expected_version=1, now=NOW)
    change = caught.value
    assert isinstance(change, jobdev.ConcurrentUpdateError)
    assert change.version == 2
    assert change.theirs["when"] == f"{TODAY} 11:00"
    assert change.yours["when"] == f"{TODAY} 10:05"
    assert change.yours["outcome"] == "mine"
    assert change.theirs["outcome"] == ""
    with database.unit_of_work() as uow:
        assert uow.visits.get(ids["planned"]).status.value == "planned"
        done = complete_planned_visit(
            uow, "done-2", ids["planned"], fields, expected_version=change.version, now=NOW
        )
    assert done.visit.status.value == "done"


def test_a_visit_already_logged_by_someone_else_cannot_be_logged_again(small: Small) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        jobdev.complete_visit(uow, ids["planned"], outcome="theirs")
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(ChangedElsewhere) as caught:
        complete_planned_visit(uow, "done-3", ids["planned"], VisitFields(), now=NOW)
    assert caught.value.theirs["status"] == "done"
    assert caught.value.theirs["outcome"] == "theirs"


def test_only_a_planned_visit_moves(small: Small) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        moved = move_visit(uow, ids["tomorrow"], f"{TODAY}T08:30")
        assert moved.version == 2
    with database.unit_of_work() as uow, pytest.raises(ValidationError, match="only a planned"):
        move_visit(uow, ids["intro"], f"{TODAY}T08:30")

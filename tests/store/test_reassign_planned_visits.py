"""Reassigning a caseload takes the old specialist's planned visits for the job seekers who
move, on SQLite and PostgreSQL; visits made, general visits and visits shared with job
seekers who stay are left, and ``move_planned_visits=False`` leaves them all.

Reproduction (issue 10, item 11): ``specialists reassign`` left the old specialist's planned
visits behind.
"""

from __future__ import annotations

import datetime as dt

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def visits(db: Database) -> dict[str, int]:
    with db.unit_of_work() as uow:
        ae = jobdev.add_specialist(uow, "ae", "Alex Example")
        jobdev.add_specialist(uow, "bx", "Blair Example")
        uow.employers.add(jobdev.Employer(name="Example Bakery"))
        for code in ("J-1", "J-2", "J-3"):
            uow.seekers.add(jobdev.JobSeeker(code=code, specialist_id=ae.id))
        uow.flush()

        def log(days: int, seekers: list[str], *, planned: bool = True) -> int:
            visit = jobdev.log_visit(
                uow,
                "#1",
                "ae",
                at=NOW + dt.timedelta(days=days),
                seekers=seekers,
                planned=planned,
                now=NOW,
            )
            assert visit.id is not None
            return visit.id

        made = {
            "for J-1": log(2, ["J-1"]),
            "for J-1 and J-2": log(3, ["J-1", "J-2"]),
            "for J-1 and J-3": log(4, ["J-1", "J-3"]),
            "general": log(5, []),
            "made for J-1": log(-3, ["J-1"], planned=False),
            "past planned for J-1": log(-2, ["J-1"]),
        }
        uow.commit()
    return made


def _specialists(db: Database) -> dict[int, str]:
    with db.unit_of_work() as uow:
        codes = {s.id: s.code for s in uow.specialists.list()}
        return {v.id: codes[v.specialist_id] for v in uow.visits.list()}  # type: ignore[misc]


def test_planned_visits_for_the_moved_job_seekers_go_with_them(
    db: Database, visits: dict[str, int]
) -> None:
    with db.unit_of_work(actor="supervisor") as uow:
        result = jobdev.reassign_caseload(
            uow, "ae", "bx", seeker_codes=["J-1", "J-2"], now=NOW, reason="balancing"
        )
        uow.commit()
    assert sorted(v.id for v in result.visits_moved) == sorted(  # type: ignore[type-var]
        [visits["for J-1"], visits["for J-1 and J-2"]]
    )
    assert result.planned_visits_left == 2, "the shared and the general visit stay"
    owner = _specialists(db)
    assert {name: owner[i] for name, i in visits.items()} == {
        "for J-1": "bx",
        "for J-1 and J-2": "bx",
        "for J-1 and J-3": "ae",
        "general": "ae",
        "made for J-1": "ae",
        "past planned for J-1": "ae",
    }
    with db.unit_of_work() as uow:
        [entry] = [
            e
            for e in jobdev.record_history(uow, "visit", visits["for J-1"]).entries
            if e.action == "updated"
        ]
    assert (entry.actor, entry.operation, entry.reason) == (
        "supervisor",
        "reassign caseload",
        "balancing",
    )


def test_the_whole_caseload_takes_every_planned_visit_for_it(
    db: Database, visits: dict[str, int]
) -> None:
    with db.unit_of_work() as uow:
        result = jobdev.reassign_caseload(uow, "ae", "bx", now=NOW)
        uow.commit()
    assert len(result.visits_moved) == 3
    assert result.planned_visits_left == 1, "only the general visit is left"


def test_planned_visits_can_be_left_on_purpose(db: Database, visits: dict[str, int]) -> None:
    with db.unit_of_work() as uow:
        result = jobdev.reassign_caseload(uow, "ae", "bx", now=NOW, move_planned_visits=False)
        uow.commit()
    assert result.visits_moved == ()
    assert result.planned_visits_left == 4
    assert set(_specialists(db).values()) == {"ae"}

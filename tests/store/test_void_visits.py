"""Voiding a visit: it stays in the record and its history, counts in no figure, due list,
plan, match or listing (exactly as if it had never been logged), goes to adapters as a
cancellation, and refuses further changes. On SQLite and PostgreSQL.

Reproduction (issue 10, item 11): a wrong entry counted toward fidelity forever, because
no visit already made could be edited or voided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database, UnitOfWork
from ips_jobdev._casework.visits import last_contacts
from ips_jobdev._notify import event_publisher
from ips_jobdev._plugins import make_plugin_manager
from ips_jobdev._sync.export import export
from ips_jobdev.adapters import (
    Adapter,
    Audience,
    Capabilities,
    ChangeKind,
    ExportBatch,
    ExportResult,
    RecordKind,
)
from ips_jobdev.demo import build_demo
from ips_jobdev.errors import ConcurrentUpdateError, ValidationError

TODAY = dt.date(2026, 12, 1)
QUARTER = (dt.date(2026, 9, 1), dt.date(2026, 11, 30))


@pytest.fixture
def county(db: Database) -> Database:
    with db.unit_of_work() as uow:
        build_demo(uow, today=TODAY)
        uow.commit()
    return db


def _figures(uow: UnitOfWork) -> dict[str, Any]:
    """Every figure and list the record feeds, for both specialists."""
    start, end = QUARTER
    out: dict[str, Any] = {
        "fidelity": jobdev.fidelity_report(uow, start=start, end=end).to_dict(),
        "outcomes": jobdev.outcomes_report(uow, start=start, end=end).to_dict(),
        "last_contacts": last_contacts(uow, [e.id for e in uow.employers.list() if e.id]),
        "recent": [v.id for v in jobdev.recent_visits(uow, employer_id=1, limit=50)],
    }
    for code in ("av", "mo"):
        out[f"due {code}"] = jobdev.list_due(uow, specialist=code, on=TODAY).to_dict()
        plan = jobdev.plan_week(uow, code, TODAY, today=TODAY)
        out[f"plan {code}"] = plan.to_dict()
        out[f"targets {code}"] = [
            t.to_dict() for t in jobdev.caseload_targets(uow, code, as_of=TODAY)
        ]
    for seeker in ("J-1001", "J-1007", "J-1020"):
        out[f"match {seeker}"] = jobdev.rank_employers(uow, seeker, as_of=TODAY).to_dict()
    return out


def _chosen(uow: UnitOfWork) -> list[int]:
    """A third of the visits, made and planned, across both specialists."""
    ids = [v.id for v in uow.visits.list() if v.id is not None]
    return ids[::3]


def test_voided_visits_count_nowhere_exactly_as_if_never_logged(county: Database) -> None:
    with county.unit_of_work() as uow:
        before = _figures(uow)
        chosen = _chosen(uow)
        for visit_id in chosen:
            jobdev.void_visit(uow, visit_id, reason="entered in error")
        uow.commit()
    with county.unit_of_work() as uow:
        voided = _figures(uow)
        for visit_id in chosen:
            uow.visits.delete(uow.visits.get(visit_id))
        uow.flush()
        never_logged = _figures(uow)
        uow.rollback()
    assert voided["fidelity"] != before["fidelity"], "the chosen visits do count when not void"
    assert voided["last_contacts"] != before["last_contacts"]
    for name in before:
        assert voided[name] == never_logged[name], name
    with county.unit_of_work() as uow:
        assert all(uow.visits.get(i).voided for i in chosen), "voided visits are kept"


def test_a_void_keeps_the_visit_and_its_reason_and_history(db: Database) -> None:
    visit_id = _one_visit(db)
    with db.unit_of_work(actor="specialist:ae") as uow:
        result = jobdev.void_visit(uow, visit_id, reason="logged twice; the real one is #1")
        uow.commit()
    assert [c.to_dict() for c in result.changes] == [
        {"field": "reason", "before": None, "after": "logged twice; the real one is #1"},
        {"field": "status", "before": "done", "after": "voided"},
    ]
    with db.unit_of_work() as uow:
        visit = uow.visits.get(visit_id)
        assert (visit.status, visit.reason) == (
            jobdev.VisitStatus.VOIDED,
            "logged twice; the real one is #1",
        )
        history = jobdev.record_history(uow, "visit", visit_id)
    last = history.entries[-1]
    assert (last.action, last.operation, last.reason, last.actor) == (
        "updated",
        "void visit",
        "logged twice; the real one is #1",
        "specialist:ae",
    )
    assert last.before == {"status": "done", "reason": None}
    assert last.after == {"status": "voided", "reason": "logged twice; the real one is #1"}


def test_a_voided_visit_cannot_be_edited_completed_cancelled_or_voided_again(db: Database) -> None:
    visit_id = _one_visit(db)
    with db.unit_of_work() as uow:
        jobdev.void_visit(uow, visit_id, reason="wrong employer")
        uow.commit()
    attempts: list[Callable[[UnitOfWork], object]] = [
        lambda uow: jobdev.edit_visit(uow, visit_id, {"outcome": "x"}),
        lambda uow: jobdev.complete_visit(uow, visit_id),
        lambda uow: jobdev.cancel_visit(uow, visit_id),
        lambda uow: jobdev.void_visit(uow, visit_id, reason="again"),
    ]
    for attempt in attempts:
        with db.unit_of_work() as uow, pytest.raises(ValidationError, match="voided"):
            attempt(uow)


def test_a_void_needs_a_reason_and_the_version_read(db: Database) -> None:
    visit_id = _one_visit(db)
    with db.unit_of_work() as uow, pytest.raises(ValidationError, match="say why"):
        jobdev.void_visit(uow, visit_id, reason="  ")
    with db.unit_of_work() as uow, pytest.raises(ConcurrentUpdateError, match="version 1, not 3"):
        jobdev.void_visit(uow, visit_id, reason="typo", expected_version=3)
    with db.unit_of_work() as uow:
        assert uow.visits.get(visit_id).status is jobdev.VisitStatus.DONE
        assert uow.history.for_records("visit", [visit_id])[-1].action == "created"


class _Calendar(Adapter):
    name = "calendar"
    audience = Audience.TEAM
    record_kinds = frozenset({RecordKind.VISIT})
    capabilities = Capabilities(deletes=True)

    def __init__(self) -> None:
        self.remote: dict[str, Any] = {}
        self.changes: list[tuple[str, ChangeKind]] = []

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        results = []
        for change in batch.changes:
            self.changes.append((change.key, change.kind))
            if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                self.remote.pop(change.key, None)
                results.append(change.deleted())
            else:
                self.remote[change.key] = change.record
                results.append(change.created(change.key))
        return results


def test_adapters_get_a_voided_visit_as_a_cancellation_and_never_the_reason(db: Database) -> None:
    sent_id = _one_visit(db)
    calendar = _Calendar()
    with db.unit_of_work() as uow:
        export(uow, calendar, target="t", specialist="ae", environ={})
    assert list(calendar.remote) == [f"visit-{sent_id}"]
    with db.unit_of_work() as uow:
        never_sent = jobdev.log_visit(
            uow, "#1", "ae", at=dt.datetime(2026, 11, 3, 15, tzinfo=dt.UTC)
        )
        uow.flush()
        jobdev.void_visit(uow, sent_id, reason="SECRET-VOID-REASON logged for the wrong person")
        jobdev.void_visit(uow, never_sent, reason="duplicate")
        uow.commit()
    calendar.changes.clear()
    with db.unit_of_work() as uow:
        report = export(uow, calendar, target="t", specialist="ae", environ={})
    assert calendar.changes == [(f"visit-{sent_id}", ChangeKind.CANCEL)], "never-sent: not sent"
    assert calendar.remote == {}
    assert "SECRET-VOID-REASON" not in repr(report.to_dict())
    with db.unit_of_work() as uow:
        assert export(uow, calendar, target="t", specialist="ae", environ={}).sent == 0


def test_plugins_hear_of_a_void_after_the_commit(db_url: str) -> None:
    heard: list[tuple[str, int]] = []

    class Ear:
        @jobdev.hookimpl
        def visit_cancelled(self, visit: Any) -> None:
            heard.append(("cancelled", visit.id))
            assert visit.status is jobdev.VisitStatus.CANCELLED
            assert visit.reason is None

        @jobdev.hookimpl
        def record_changed(self, change: Any) -> None:
            heard.append((f"{change.kind} {change.action.value}", change.record_id))

    manager = make_plugin_manager(load_entry_points=False, plugins=[Ear()], environ={})
    database = jobdev.Database(db_url, publisher=event_publisher(manager))
    visit_id = _one_visit(database)
    heard.clear()
    with database.unit_of_work() as uow:
        jobdev.void_visit(uow, visit_id, reason="wrong day")
        assert heard == []
        uow.commit()
    assert heard == [("cancelled", visit_id), ("visit updated", visit_id)]
    database.dispose()


def test_visits_list_leaves_voided_visits_out_unless_asked(db: Database) -> None:
    first = _one_visit(db)
    with db.unit_of_work() as uow:
        second = jobdev.log_visit(uow, "#1", "ae", at=dt.datetime(2026, 11, 4, 15, tzinfo=dt.UTC))
        jobdev.void_visit(uow, first, reason="duplicate of the next one")
        uow.commit()
        assert [v.id for v in uow.visits.between(exclude_status=jobdev.VisitStatus.VOIDED)] == [
            second.id
        ]
        assert [v.id for v in jobdev.recent_visits(uow, employer_id=1)] == [second.id]


def _one_visit(db: Database) -> int:
    """A specialist ``ae``, employer #1 and one visit made there; returns the visit id."""
    with db.unit_of_work() as uow:
        if uow.specialists.find_by_code("ae") is None:
            jobdev.add_specialist(uow, "ae", "Alex Example")
            uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
            uow.flush()
        visit = jobdev.log_visit(
            uow, "#1", "ae", at=dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), purpose="introduce"
        )
        uow.commit()
        assert visit.id is not None
        return visit.id

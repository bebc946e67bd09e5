"""Change tracking: an export gathers and redacts only the records whose basis moved.

A record's basis is the versions of the rows it is made from (a visit: its employer,
specialist, person met and job seekers). These tests edit each kind of row through the
library and check, on SQLite and PostgreSQL, which records the next export reads again
(the real :class:`RecordSource`, watched) and what it sends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from ips_jobdev import Database, Visit
from ips_jobdev._store import tables
from ips_jobdev._sync.export import ExportReport, export
from ips_jobdev._sync.gather import RecordSource, gather
from ips_jobdev.adapters import (
    Adapter,
    Audience,
    ChangeKind,
    ExportBatch,
    ExportResult,
    Outcome,
    RecordKind,
)
from ips_jobdev.adapters.ics import IcsAdapter
from ips_jobdev.privacy import PrivacySettings
from ips_jobdev.testing import records as std


class Crm(Adapter):
    """An employer-facing adapter that takes changes only, as the CRM plugins do."""

    name = "crm"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT})

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        out = []
        for change in batch.changes:
            if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                out.append(change.deleted())
            elif change.kind is ChangeKind.CREATE:
                out.append(change.created(f"R-{change.key}"))
            else:
                out.append(change.updated())
        return out


class Team(Crm):
    """The same for the team's own tools, which see job seekers' names."""

    name = "team-crm"
    audience = Audience.TEAM


@pytest.fixture
def loaded(db: Database) -> std.StandardRecords:
    return std.load_standard_records(db)


@pytest.fixture
def gathered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the records each export gathers (the real method, watched)."""
    seen: list[str] = []
    real = RecordSource.records

    def watched(self: RecordSource, kind: RecordKind, ids: Any) -> Any:
        seen.extend(f"{kind.value}-{i}" for i in ids)
        return real(self, kind, ids)

    monkeypatch.setattr(RecordSource, "records", watched)
    return seen


def run(db: Database, adapter: Adapter | type[Adapter], seen: list[str], **kw: Any) -> ExportReport:
    seen.clear()
    kw.setdefault("target", "there")
    with db.unit_of_work() as uow:
        return export(uow, adapter, environ={}, **kw)


def sent(report: ExportReport) -> set[tuple[str, ChangeKind]]:
    return {(i.key, i.change) for i in report.items if i.change is not ChangeKind.UNCHANGED}


def test_an_export_after_which_nothing_changed_reads_and_sends_nothing(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    first = run(db, Crm, gathered)
    assert first.counts == {"created": 4 + 2 + 7}
    assert len(gathered) == 4 + 2 + 8, "the first export reads every record once"
    again = run(db, Crm, gathered)
    assert (again.sent, len(again.items)) == (0, 0)
    assert gathered == [], "nothing was read, nothing redacted"


def test_an_edited_visit_is_the_only_record_read_again(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Crm, gathered)
    std.edit_visit(db, loaded)
    report = run(db, Crm, gathered)
    key = f"visit-{loaded.visit_ids['to_edit']}"
    assert gathered == [key]
    assert sent(report) == {(key, ChangeKind.UPDATE)}


def test_a_renamed_employer_reads_it_its_people_and_its_visits_again(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Crm, gathered)
    std.rename_employer(db, loaded)
    report = run(db, Crm, gathered)
    expected = {
        f"employer-{loaded.employer_ids['plain']}",
        f"person-{loaded.person_ids['manager']}",
        f"visit-{loaded.visit_ids['planned']}",
        f"visit-{loaded.visit_ids['to_cancel']}",
    }
    assert set(gathered) == expected
    assert sent(report) == {(key, ChangeKind.UPDATE) for key in expected}


def test_a_renamed_job_seeker_is_sent_where_the_name_shows_and_read_once_elsewhere(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Team, gathered)
    run(db, Crm, gathered)
    with db.unit_of_work() as uow:
        uow.seekers.by_code("JS-001").name = "Maria Renamed"
        uow.commit()
    visits = {f"visit-{loaded.visit_ids[n]}" for n in ("planned", "done")}
    team = run(db, Team, gathered)
    assert set(gathered) == visits
    assert sent(team) == {(key, ChangeKind.UPDATE) for key in visits}
    crm = run(db, Crm, gathered)
    assert set(gathered) == visits
    assert crm.sent == 2, "she discloses: employer-facing visits name her"
    with db.unit_of_work() as uow:
        uow.seekers.by_code("JS-002").name = "Quinn Renamed"
        uow.commit()
    crm = run(db, Crm, gathered)
    assert gathered == [f"visit-{loaded.visit_ids['private']}"]
    assert crm.sent == 0, "a job seeker who does not disclose is never in these visits"
    assert run(db, Crm, gathered).items == ()
    assert gathered == [], "the new basis was kept although nothing was sent"


def test_a_renamed_specialist_and_an_edited_person_update_what_shows_them(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Crm, gathered)
    with db.unit_of_work() as uow:
        uow.specialists.by_code("cd").name = "Casey Renamed"
        uow.commit()
    report = run(db, Crm, gathered)
    other = f"visit-{loaded.visit_ids['other_specialist']}"
    assert (gathered, sent(report)) == ([other], {(other, ChangeKind.UPDATE)})
    with db.unit_of_work() as uow:
        uow.people.get(loaded.person_ids["owner"]).title = "Co-owner"
        uow.commit()
    report = run(db, Crm, gathered)
    expected = {f"person-{loaded.person_ids['owner']}", f"visit-{loaded.visit_ids['private']}"}
    assert set(gathered) == expected, "the other visit there met nobody: it is not read"
    assert sent(report) == {(key, ChangeKind.UPDATE) for key in expected}


def test_a_job_seeker_added_to_a_visit_moves_its_basis(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Team, gathered)
    with db.unit_of_work() as uow:
        visit = uow.visits.get(loaded.visit_ids["to_edit"])
        visit.seekers.append(uow.seekers.by_code("JS-003"))
        uow.commit()
    report = run(db, Team, gathered)
    key = f"visit-{loaded.visit_ids['to_edit']}"
    assert (gathered, sent(report)) == ([key], {(key, ChangeKind.UPDATE)})


def test_deletions_and_cancellations_arrive_without_reading_the_rest(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Crm, gathered)
    std.cancel_visit(db, loaded)
    std.delete_visit(db, loaded)
    report = run(db, Crm, gathered)
    cancelled = f"visit-{loaded.visit_ids['to_cancel']}"
    deleted = f"visit-{loaded.visit_ids['long_reason']}"
    assert gathered == [cancelled]
    assert [(i.key, i.change, i.outcome) for i in report.items] == [
        (cancelled, ChangeKind.CANCEL, Outcome.DELETED),
        (deleted, ChangeKind.DELETE, Outcome.DELETED),
    ]
    assert run(db, Crm, gathered).items == ()
    assert gathered == []


def test_a_visit_cancelled_before_it_was_ever_sent_is_read_once(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    early = f"visit-{loaded.visit_ids['cancelled_early']}"
    first = run(db, Crm, gathered)
    assert early in gathered
    assert early not in {i.key for i in first.items}
    run(db, Crm, gathered)
    assert gathered == []
    with db.unit_of_work() as uow:
        uow.visits.get(loaded.visit_ids["cancelled_early"]).status = "planned"  # type: ignore[assignment]
        uow.commit()
    report = run(db, Crm, gathered)
    assert [(i.key, i.change, i.outcome) for i in report.items] == [
        (early, ChangeKind.CREATE, Outcome.CREATED)
    ]
    with db.unit_of_work() as uow:
        row = uow.sync_state.rows("crm", "there")[
            (RecordKind.VISIT, loaded.visit_ids["cancelled_early"])
        ]
    assert (row.sequence, row.remote_id, row.deleted) == (0, f"R-{early}", False)


def test_other_privacy_settings_read_every_record_again(
    db: Database, loaded: std.StandardRecords, gathered: list[str], tmp_path: Any
) -> None:
    options = {"out": str(tmp_path / "ab.ics")}
    run(db, IcsAdapter, gathered, options=options, target=None)
    run(db, IcsAdapter, gathered, options=options, target=None)
    assert gathered == []
    report = run(
        db,
        IcsAdapter,
        gathered,
        options=options,
        target=None,
        privacy_settings=PrivacySettings("initials"),
    )
    assert len(gathered) == 8
    named = {f"visit-{loaded.visit_ids[n]}" for n in ("planned", "private", "done")}
    assert {key for key, _ in sent(report)} == named


def test_a_new_visit_given_a_deleted_visits_id_is_not_taken_for_it(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    with db.unit_of_work() as uow:
        newest = uow.visits.add(
            Visit(
                employer_id=loaded.employer_ids["formula"],
                specialist_id=uow.specialists.by_code("ab").id or 0,
                at=dt.datetime(2026, 12, 14, 16, tzinfo=dt.UTC),
                status="planned",  # type: ignore[arg-type]
            )
        )
        uow.commit()
    run(db, Crm, gathered)
    with db.unit_of_work() as uow:
        uow.visits.delete(uow.visits.get(newest.id or 0))
        uow.commit()
    with db.unit_of_work() as uow:
        again = uow.visits.add(
            Visit(
                employer_id=loaded.employer_ids["formula"],
                specialist_id=uow.specialists.by_code("ab").id or 0,
                at=dt.datetime(2026, 12, 15, 16, tzinfo=dt.UTC),
                status="planned",  # type: ignore[arg-type]
            )
        )
        uow.commit()
    report = run(db, Crm, gathered)
    if again.id == newest.id:  # SQLite gives the highest id again
        assert gathered == [f"visit-{again.id}"]
        assert sent(report) == {(f"visit-{again.id}", ChangeKind.UPDATE)}
    else:
        assert sent(report) == {
            (f"visit-{again.id}", ChangeKind.CREATE),
            (f"visit-{newest.id}", ChangeKind.DELETE),
        }


def test_rows_from_before_change_tracking_are_read_once_and_nothing_is_sent(
    db: Database, loaded: std.StandardRecords, gathered: list[str]
) -> None:
    run(db, Crm, gathered)
    with db.unit_of_work() as uow:
        uow.session.execute(sa.update(tables.sync_state).values(basis=None, payload=None))
        uow.commit()
    report = run(db, Crm, gathered)
    assert len(gathered) == 4 + 2 + 8
    assert report.sent == 0
    run(db, Crm, gathered)
    assert gathered == []


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("label", ["code", "initials", "name"])
def test_records_made_a_chunk_at_a_time_are_those_gather_makes(
    db: Database, loaded: std.StandardRecords, audience: Audience, label: str
) -> None:
    settings = PrivacySettings(label)
    with db.unit_of_work() as uow:
        everything = gather(uow, set(RecordKind), audience, settings=settings)
        source = RecordSource(uow, audience, settings)
        for kind, records in everything.items():
            ids = sorted(records)
            assert source.records(kind, ids) == records, kind

"""Adding and correcting employers and the people there, and merging two records of one
business, on SQLite and PostgreSQL.

Reproduction (issue 10, item 11): there was no way to add or edit an employer or the people
there except by import, nor to merge two employer records that are the same business.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database
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
from ips_jobdev.errors import ConcurrentUpdateError, ValidationError

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def heard() -> list[tuple[str, int]]:
    return []


@pytest.fixture
def db(db_url: str, heard: list[tuple[str, int]]) -> Any:
    class Ear:
        @jobdev.hookimpl
        def record_changed(self, change: Any) -> None:
            heard.append((f"{change.kind} {change.action.value}", change.record_id))

    manager = make_plugin_manager(load_entry_points=False, plugins=[Ear()], environ={})
    database = Database(db_url, publisher=event_publisher(manager))
    yield database
    database.dispose()


# -- add and edit ---------------------------------------------------------------------------------


def test_adding_an_employer_by_hand(db: Database, heard: list[tuple[str, int]]) -> None:
    with db.unit_of_work(actor="specialist:ae") as uow:
        bakery = jobdev.add_employer(
            uow,
            "  Example   Bakery ",
            {
                "zip": "53703",
                "phone": "(608) 555-0101",
                "job_types": "Baker; counter",
                "wage_min": "15.50",
                "bus_access": "yes",
                "size": "12",
            },
        )
        assert heard == []
        uow.commit()
    assert heard == [("employer created", bakery.id)]
    assert (bakery.name, bakery.job_types, bakery.wage_min, bakery.bus_access, bakery.size) == (
        "Example Bakery",
        ["baker", "counter"],
        Decimal("15.50"),
        True,
        12,
    )
    with db.unit_of_work() as uow:
        [entry] = jobdev.record_history(uow, "employer", "Example Bakery").entries
    assert (entry.action, entry.operation, entry.actor) == (
        "created",
        "add employer",
        "specialist:ae",
    )


@pytest.mark.parametrize(
    ("name", "fields", "message"),
    [
        ("Example Bakery, Inc.", {"zip": "53703-1234"}, "already employer #1"),
        ("Example Cafe", {"external_id": "EX-1"}, "'EX-1' is employer #1's"),
        ("Example Cafe", {"zip": "5370"}, "not a 5-digit ZIP"),
        ("Example Cafe", {"wage_min": "18", "wage_max": "15"}, "below wage_min"),
        ("Example Cafe", {"fax": "608-555-0100"}, "editable fields: bus_access"),
        ("  ", {}, "must not be empty"),
    ],
)
def test_a_refused_employer_is_not_added(
    db: Database, name: str, fields: dict[str, Any], message: str
) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_employer(uow, "Example Bakery", {"zip": "53703", "external_id": "EX-1"})
        uow.commit()
    with db.unit_of_work() as uow, pytest.raises(ValidationError, match=message):
        jobdev.add_employer(uow, name, fields)
    with db.unit_of_work() as uow:
        assert uow.employers.count() == 1


def test_a_same_named_business_elsewhere_or_allowed_is_added(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_employer(uow, "Example Bakery", {"zip": "53703"})
        jobdev.add_employer(uow, "Example Bakery", {"zip": "53590"})
        jobdev.add_employer(uow, "Example Bakery", {"zip": "53703"}, allow_duplicate=True)
        uow.commit()
        assert uow.employers.count() == 3


def test_editing_an_employer(db: Database, heard: list[tuple[str, int]]) -> None:
    with db.unit_of_work() as uow:
        bakery = jobdev.add_employer(
            uow, "Example Bakery", {"zip": "53703", "latitude": 43.07, "longitude": -89.38}
        )
        uow.commit()
    heard.clear()
    with db.unit_of_work(actor="specialist:ae") as uow:
        result = jobdev.edit_employer(
            uow,
            "#1",
            {"zip": "53704", "do_not_contact": True, "phone": "608-555-0199", "website": ""},
            reason="moved; the owner asked us not to come",
            expected_version=1,
        )
        uow.commit()
    assert heard == [("employer updated", bakery.id)]
    assert [c.to_dict() for c in result.changes] == [
        {"field": "do_not_contact", "before": False, "after": True},
        {"field": "latitude", "before": 43.07, "after": None},
        {"field": "longitude", "before": -89.38, "after": None},
        {"field": "phone", "before": None, "after": "+16085550199"},
        {"field": "zip", "before": "53703", "after": "53704"},
    ]
    with db.unit_of_work() as uow:
        entry = jobdev.record_history(uow, "employer", "#1").entries[-1]
        with pytest.raises(ConcurrentUpdateError):
            jobdev.edit_employer(uow, "#1", {"size": 3}, expected_version=1)
    assert entry.reason == "moved; the owner asked us not to come"
    assert entry.after == {
        "do_not_contact": True,
        "latitude": None,
        "longitude": None,
        "phone": "+16085550199",
        "zip": "53704",
    }


def test_a_refused_employer_edit_changes_nothing(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_employer(uow, "Example Bakery", {"wage_min": "15", "external_id": "EX-1"})
        jobdev.add_employer(uow, "Example Hardware", {"external_id": "EX-2"})
        uow.commit()
    for changes, message in [
        ({"wage_max": "14"}, "below wage_min"),
        ({"external_id": "EX-2"}, "employer #2's"),
        ({"name": ""}, "must not be empty"),
        ({"do_not_contact": "maybe"}, "is not yes or no"),
    ]:
        with db.unit_of_work() as uow:
            with pytest.raises(ValidationError, match=message):
                jobdev.edit_employer(uow, "EX-1", changes)
            uow.commit()
    with db.unit_of_work() as uow:
        assert uow.employers.get(1).version == 1


# -- people -------------------------------------------------------------------------------------


def test_adding_and_editing_a_person(db: Database, heard: list[tuple[str, int]]) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_employer(uow, "Example Bakery")
        pat = jobdev.add_person(
            uow,
            "Example Bakery",
            {"name": "Pat Example", "title": "Owner", "makes_hiring_decisions": "yes"},
        )
        uow.commit()
    with db.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="already person"):
            jobdev.add_person(uow, "#1", {"name": "pat example"})
        with pytest.raises(ValidationError, match="not an email"):
            jobdev.edit_person(uow, pat.id, {"email": "pat at example"})
        result = jobdev.edit_person(
            uow, f"#{pat.id}", {"phone": "608-555-0143 x7", "title": None}, reason="new number"
        )
        uow.commit()
    assert [c.to_dict() for c in result.changes] == [
        {"field": "phone", "before": None, "after": "+16085550143;ext=7"},
        {"field": "title", "before": "Owner", "after": None},
    ]
    assert heard[-2:] == [("person created", pat.id), ("person updated", pat.id)]
    with db.unit_of_work() as uow:
        entries = jobdev.record_history(uow, "person", pat.id).entries
    assert [(e.action, e.operation) for e in entries] == [
        ("created", "add person"),
        ("updated", "edit person"),
    ]


# -- merging ------------------------------------------------------------------------------------


class _Crm(Adapter):
    name = "crm"
    audience = Audience.TEAM
    record_kinds = frozenset({RecordKind.EMPLOYER})
    capabilities = Capabilities(deletes=True)

    def __init__(self) -> None:
        self.remote: dict[str, dict[str, Any]] = {}
        self.changes: list[tuple[ChangeKind, int, str | None]] = []
        self.count = 0

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        results = []
        for change in batch.changes:
            self.changes.append((change.kind, change.local_id, change.remote_id))
            if change.kind is ChangeKind.DELETE:
                self.remote.pop(change.remote_id or "", None)
                results.append(change.deleted())
            elif change.kind is ChangeKind.CREATE:
                self.count += 1
                remote_id = f"{batch.target}-{self.count}"
                self.remote[remote_id] = {"name": change.record.name}  # type: ignore[union-attr]
                results.append(change.created(remote_id))
            else:
                assert change.remote_id in self.remote
                self.remote[change.remote_id] = {"name": change.record.name}  # type: ignore[union-attr]
                results.append(change.updated(change.remote_id))
        return results


def _send(db: Database, crm: _Crm, target: str) -> None:
    with db.unit_of_work() as uow:
        assert export(uow, crm, target=target, environ={}).ok


def _two_records_of_one_bakery(db: Database, crm: _Crm) -> tuple[int, int]:
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example")
        seeker = uow.seekers.add(jobdev.JobSeeker(code="J-1001"))
        away = jobdev.add_employer(
            uow,
            "Example Bakery, Inc.",
            {
                "zip": "53703",
                "external_id": "EX-2",
                "phone": "608-555-0101",
                "job_types": "cashier; baker",
                "notes": "Busy before 10 am",
                "latitude": 43.07,
                "longitude": -89.38,
            },
        )
        uow.commit()
        pat = jobdev.add_person(uow, away, {"name": "pat example", "title": "Owner"})
        lee = jobdev.add_person(uow, away, {"name": "Lee Example", "email": "lee@example.org"})
        jobdev.log_visit(uow, away, "ae", at=NOW, seekers=["J-1001"], now=NOW)
        visit = jobdev.log_visit(uow, away, "ae", at=NOW - dt.timedelta(days=9), now=NOW)
        visit.person_id = pat.id
        uow.openings.add(jobdev.JobOpening(employer_id=away.id or 0, title="Counter help"))
        jobdev.add_fit_note(uow, "J-1001", away, author="ae", text="Likes the early shift")
        jobdev.record_job_start(uow, seeker, away, title="Baker", start_date=dt.date(2026, 11, 16))
        uow.commit()
    _send(db, crm, "only-away")
    with db.unit_of_work() as uow:
        kept = jobdev.add_employer(
            uow,
            "Example Bakery",
            {"zip": "53703", "job_types": "baker", "notes": "Ask for Pat"},
            allow_duplicate=True,
        )
        jobdev.add_person(uow, kept, {"name": "Pat Example", "phone": "608-555-0143"})
        uow.commit()
    _send(db, crm, "both")
    assert kept.id is not None
    assert away.id is not None
    assert lee.id is not None
    return kept.id, away.id


def test_merging_moves_everything_and_keeps_both_histories(
    db: Database, heard: list[tuple[str, int]]
) -> None:
    crm = _Crm()
    kept_id, away_id = _two_records_of_one_bakery(db, crm)
    heard.clear()
    with db.unit_of_work(actor="specialist:ae") as uow:
        result = jobdev.merge_employers(
            uow, f"#{kept_id}", f"#{away_id}", reason="the same shop, entered twice"
        )
        assert heard == []
        uow.commit()
    assert result.to_dict() == {
        "merged": {"id": away_id, "name": "Example Bakery, Inc."},
        "moved": {
            "people": 1,
            "visits": 2,
            "openings": 1,
            "fit_notes": 1,
            "job_starts": 1,
            "sync_records": 1,
        },
        "people_combined": ["pat example"],
        "filled": ["external_id", "job_types", "latitude", "longitude", "notes", "phone"],
    }
    with db.unit_of_work() as uow:
        assert uow.employers.find(away_id) is None
        kept = uow.employers.get(kept_id)
        assert kept.name == "Example Bakery"
        assert kept.external_id == "EX-2"
        assert kept.job_types == ["baker", "cashier"]
        assert kept.notes == "Ask for Pat\n\nBusy before 10 am"
        assert kept.phone is not None
        assert kept.phone.e164 == "+16085550101"
        people = {p.name: p for p in kept.people}
        assert sorted(people) == ["Lee Example", "Pat Example"]
        pat = people["Pat Example"]
        assert (pat.name, pat.title, pat.phone is not None) == ("Pat Example", "Owner", True)
        visits = uow.visits.between(employer_id=kept_id)
        assert len(visits) == 2
        assert {v.person_id for v in visits} == {None, pat.id}, "repointed to the kept Pat"
        assert [o.employer_id for o in uow.openings.list()] == [kept_id]
        assert [n.employer_id for n in uow.fit_notes.list()] == [kept_id]
        assert [j.employer_id for j in uow.job_starts.list()] == [kept_id]
        history = jobdev.record_history(uow, "employer", f"#{kept_id}")
        gone = jobdev.record_history(uow, "employer", f"#{away_id}")
    assert history.merged_ids == (away_id,)
    assert {e.record_id for e in history.entries} == {kept_id, away_id}
    # the merged record's notes were its program's: a row of their own after its creation
    assert [e.action for e in history.entries if e.record_id == away_id] == [
        "created",
        "updated",
        "deleted",
    ]
    assert not gone.exists
    assert gone.label == "Example Bakery, Inc."
    deletion = gone.entries[-1]
    assert (deletion.operation, deletion.reason, deletion.actor) == (
        "merge employers",
        "the same shop, entered twice",
        "specialist:ae",
    )
    assert deletion.after == {"merged_into": kept_id, "sync_records_moved": 1}
    assert ("employer deleted", away_id) in heard
    assert ("employer updated", kept_id) in heard
    assert sorted(h[1] for h in heard if h[0] == "visit updated") == sorted(v.id for v in visits)
    assert sum(1 for h in heard if h[0] == "person deleted") == 1


def test_after_a_merge_adapters_update_or_delete_the_merged_record(db: Database) -> None:
    crm = _Crm()
    kept_id, away_id = _two_records_of_one_bakery(db, crm)
    remote_before = dict(crm.remote)
    with db.unit_of_work() as uow:
        jobdev.merge_employers(uow, kept_id, away_id)
        uow.commit()
    crm.changes.clear()
    _send(db, crm, "only-away")
    # the kept employer was never sent here: it takes over the merged record's remote copy
    assert crm.changes == [(ChangeKind.UPDATE, kept_id, "only-away-1")]
    assert crm.remote["only-away-1"] == {"name": "Example Bakery"}
    crm.changes.clear()
    _send(db, crm, "both")
    # both were sent here: the kept one is updated, the merged one deleted
    assert sorted(crm.changes, key=lambda c: c[0].value) == [
        (ChangeKind.DELETE, away_id, "both-2"),
        (ChangeKind.UPDATE, kept_id, "both-3"),
    ]
    assert "both-2" in remote_before
    assert "both-2" not in crm.remote
    crm.changes.clear()
    _send(db, crm, "both")
    _send(db, crm, "only-away")
    assert crm.changes == [], "a second export after the merge sends nothing"


def test_an_employer_cannot_be_merged_into_itself(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_employer(uow, "Example Bakery", {"external_id": "EX-1"})
        uow.commit()
    with db.unit_of_work() as uow, pytest.raises(ValidationError, match="same employer twice"):
        jobdev.merge_employers(uow, "EX-1", "#1")


def test_do_not_contact_survives_a_merge(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_employer(uow, "Example Bakery", {"zip": "53703"})
        jobdev.add_employer(
            uow, "Example Bakery LLC", {"zip": "53590", "do_not_contact": True, "latitude": 43.1}
        )
        uow.commit()
    with db.unit_of_work() as uow:
        result = jobdev.merge_employers(uow, "#1", "#2")
        uow.commit()
    assert result.employer.do_not_contact is True
    assert result.employer.latitude is None, "coordinates of another ZIP are not taken"

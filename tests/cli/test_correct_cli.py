"""Correcting the record from the command line, on SQLite and PostgreSQL: ``visits
edit|void``, ``visits log`` against do-not-contact, ``employers add|edit|merge``, ``people
add|edit``, ``seekers edit``, ``specialists reassign`` with planned visits, and ``history``
with its ``--json`` contract; who made each change (``--as``, the specialist, the login).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ips_jobdev import Database, Specialist, import_employers, import_seekers, import_visits
from ips_jobdev.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CHANGE_KEYS = ["field", "before", "after"]
ENTRY_KEYS = [
    "id", "at", "actor", "kind", "record_id", "action", "version", "operation", "reason",
    "batch", "changes",
]  # fmt: skip


@pytest.fixture
def url(db_url: str) -> str:
    """The example county: specialists ab and mt, 12 employers, job seekers, visits."""
    with Database(db_url) as db:
        with db.unit_of_work() as uow:
            uow.specialists.add(Specialist(code="ab", name="Alex Example"))
            uow.specialists.add(Specialist(code="mt", name="Mo Test", timezone="America/Denver"))
            uow.commit()
        for function, name in [
            (import_employers, "employers.csv"),
            (import_seekers, "seekers.csv"),
            (import_visits, "visits.csv"),
        ]:
            with db.unit_of_work() as uow:
                assert function(uow, EXAMPLES / name).ok
    return db_url


def invoke(url: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env={"COLUMNS": "200", **(env or {})}).invoke(main, ["--db", url, *args])


def document(url: str, *args: str) -> Any:
    result = invoke(url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def failure(url: str, *args: str) -> str:
    result = invoke(url, *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: "), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, "one line"
    return result.stderr


# -- visits ------------------------------------------------------------------------------------


def test_visits_edit_changes_the_fields_given_and_history_shows_who_and_why(url: str) -> None:
    edited = document(
        url,
        "--as",
        "supervisor:kim",
        "visits",
        "edit",
        "1",
        "--purpose",
        "learn-business",
        "--outcome",
        "",
        "--at",
        "2026-01-08T11:00",
        "--reason",
        "fixed from the paper diary",
    )
    assert list(edited) == ["visit", "changes"]
    assert edited["visit"]["purpose"] == "learn-business"
    assert edited["visit"]["at"] == "2026-01-08T17:00:00+00:00", "read in ab's Chicago time"
    assert [list(c) for c in edited["changes"]] == [CHANGE_KEYS] * 3
    assert edited["changes"] == [
        {
            "field": "at",
            "before": "2026-01-08T16:30:00+00:00",
            "after": "2026-01-08T17:00:00+00:00",
        },
        {"field": "outcome", "before": "Met the owner; agreed to a 20-minute visit", "after": None},
        {"field": "purpose", "before": "introduce", "after": "learn-business"},
    ]
    history = document(url, "history", "visit", "1")
    assert list(history) == ["record", "entries", "count"]
    assert history["record"] == {
        "kind": "visit",
        "id": 1,
        "label": "#1",
        "exists": True,
        "merged_ids": [],
    }
    assert [e["action"] for e in history["entries"]] == ["created", "updated"]
    created, updated = history["entries"]
    assert list(updated) == ENTRY_KEYS
    assert (created["operation"], created["actor"]) == (
        "import visits",
        f"user:{getpass.getuser()}",
    )
    assert (updated["actor"], updated["operation"], updated["reason"], updated["version"]) == (
        "supervisor:kim",
        "edit visit",
        "fixed from the paper diary",
        2,
    )
    assert updated["changes"] == edited["changes"]
    table = invoke(url, "history", "visit", "#1")
    assert table.exit_code == 0, table.output
    assert "supervisor:kim" in table.output
    assert "fixed from the paper diary" in table.output
    assert "learn-business" in table.output


def test_visits_edit_refusals_are_one_line(url: str) -> None:
    assert "nothing to change" in failure(url, "visits", "edit", "1")
    assert "unknown value 'coffee'" in failure(url, "visits", "edit", "1", "--purpose", "coffee")
    assert "no visit 999" in failure(url, "visits", "edit", "999", "--outcome", "x")
    message = failure(url, "visits", "edit", "1", "--outcome", "x", "--version", "7")
    assert "version 1, not 7" in message


def test_visits_void_keeps_the_visit_out_of_lists_and_in_the_history(url: str) -> None:
    assert invoke(url, "visits", "void", "2").exit_code == 2, "--reason is required"
    voided = document(url, "--as", "ab", "visits", "void", "2", "--reason", "logged twice")
    assert voided["visit"]["status"] == "voided"
    assert voided["visit"]["reason"] == "logged twice"
    listed = document(url, "visits", "list")
    assert 2 not in [v["id"] for v in listed["visits"]]
    assert [v["id"] for v in document(url, "visits", "list", "--status", "voided")["visits"]] == [2]
    entry = document(url, "history", "visit", "2")["entries"][-1]
    assert (entry["actor"], entry["operation"], entry["reason"]) == (
        "ab",
        "void visit",
        "logged twice",
    )
    assert "is voided" in failure(url, "visits", "edit", "2", "--outcome", "x")
    human = invoke(url, "visits", "void", "3", "--reason", "wrong employer")
    assert human.exit_code == 0, human.output
    assert "Voided visit #3" in human.output
    assert "status: done -> voided" in human.output


def test_visits_log_refuses_a_do_not_contact_employer_unless_overridden(url: str) -> None:
    document(url, "employers", "edit", "DC-0003", "--do-not-contact", "--reason", "owner asked")
    before = document(url, "visits", "list", "--employer", "DC-0003")["count"]
    message = failure(url, "visits", "log", "DC-0003", "-s", "ab", "--at", "2026-02-02T10:00")
    assert "asked not to be contacted" in message
    assert document(url, "visits", "list", "--employer", "DC-0003")["count"] == before
    assert "needs a reason" in failure(
        url, "visits", "log", "DC-0003", "-s", "ab", "--at", "2026-02-02T10:00", "--override"
    )
    logged = document(
        url,
        "visits",
        "log",
        "DC-0003",
        "-s",
        "ab",
        "--at",
        "2026-02-02T10:00",
        "--override",
        "--reason",
        "the owner called us back",
    )
    entry = document(url, "history", "visit", str(logged["visit"]["id"]))["entries"][0]
    assert entry["actor"] == "specialist:ab", "the specialist the command names"
    assert entry["reason"] == "the owner called us back"
    assert {"field": "do_not_contact_override", "before": None, "after": True} in entry["changes"]


# -- employers and people --------------------------------------------------------------------


def test_employers_add_edit_and_people(url: str) -> None:
    added = document(
        url,
        "employers",
        "add",
        "Example Florist",
        "--zip",
        "53703",
        "--phone",
        "608-555-0150",
        "--job-types",
        "florist; delivery",
        "--bus",
    )
    assert list(added) == ["employer"]
    florist = added["employer"]
    assert (florist["name"], florist["job_types"], florist["bus_access"]) == (
        "Example Florist",
        ["florist", "delivery"],
        True,
    )
    assert "already employer #1" in failure(
        url, "employers", "add", "Example Bakery, Inc.", "--zip", "53703"
    )
    edited = document(
        url,
        "employers",
        "edit",
        f"#{florist['id']}",
        "--clear",
        "phone",
        "--wage-min",
        "15.25",
        "--version",
        "1",
    )
    assert edited["changes"] == [
        {"field": "phone", "before": "+16085550150", "after": None},
        {"field": "wage_min", "before": None, "after": "15.25"},
    ]
    assert "given a value and --clear" in failure(
        url, "employers", "edit", "#1", "--phone", "608-555-0101", "--clear", "phone"
    )
    person = document(
        url,
        "people",
        "add",
        "Example Florist",
        "--name",
        "Jo Example",
        "--title",
        "Owner",
        "--hiring",
    )["person"]
    assert person["employer_id"] == florist["id"]
    assert person["makes_hiring_decisions"] is True
    changed = document(url, "people", "edit", str(person["id"]), "--email", "jo@example.org")
    assert changed["changes"] == [{"field": "email", "before": None, "after": "jo@example.org"}]
    shown = invoke(url, "employers", "show", "Example Florist")
    assert f"{person['id']}" in shown.output
    assert "Jo Example" in shown.output
    history = document(url, "history", "person", f"#{person['id']}")
    assert [e["operation"] for e in history["entries"]] == ["add person", "edit person"]


def test_employers_merge_moves_the_record_and_history_follows(url: str) -> None:
    twin = document(
        url,
        "employers",
        "add",
        "Example Bakery LLC",
        "--zip",
        "53590",
        "--website",
        "https://x.example.org",
    )["employer"]
    document(url, "visits", "log", f"#{twin['id']}", "-s", "ab", "--at", "2026-02-03T10:00")
    merged = document(url, "employers", "merge", "DC-0001", f"#{twin['id']}", "--reason", "same")
    assert list(merged) == ["employer", "merged", "moved", "people_combined", "filled"]
    assert merged["merged"] == {"id": twin["id"], "name": "Example Bakery LLC"}
    assert merged["moved"] == {
        "people": 0,
        "visits": 1,
        "openings": 0,
        "fit_notes": 0,
        "job_starts": 0,
        "sync_records": 0,
    }
    assert merged["filled"] == []
    assert merged["employer"]["website"] == "https://bakery.example.org", "the kept value wins"
    assert "no employer" in failure(url, "employers", "show", f"#{twin['id']}")
    kept = document(url, "history", "employer", "DC-0001")
    assert kept["record"]["merged_ids"] == [twin["id"]]
    gone = document(url, "history", "employer", f"#{twin['id']}")
    assert gone["record"]["exists"] is False
    assert gone["entries"][-1]["action"] == "deleted"
    assert {"field": "merged_into", "before": None, "after": 1} in gone["entries"][-1]["changes"]
    human = invoke(url, "employers", "merge", "#1", "#1")
    assert human.exit_code == 1
    assert "same employer twice" in human.stderr


# -- job seekers and reassignment -------------------------------------------------------------


def test_seekers_edit_and_its_history(url: str) -> None:
    edited = document(
        url,
        "seekers",
        "edit",
        "P-2002",
        "--ips-start",
        "2026-01-13",
        "--home-zip",
        "53704",
        "--transport",
        "bus",
        "--clear",
        "industries",
        "--reason",
        "career profile review",
    )
    assert list(edited) == ["seeker", "changes"]
    assert edited["seeker"]["preferences"]["transport"] == "bus"
    assert [c["field"] for c in edited["changes"]] == [
        "home_zip",
        "industries",
        "ips_start",
        "transport",
    ]
    history = document(url, "history", "seeker", "P-2002")
    assert history["record"]["label"] == "P-2002"
    last = history["entries"][-1]
    assert {c["field"] for c in last["changes"]} == {
        "ips_start",
        "preferences.home_zip",
        "preferences.industries",
        "preferences.transport",
    }
    renamed = document(url, "seekers", "edit", "P-2002", "--code", "P-2012")
    assert renamed["changes"] == [{"field": "code", "before": "P-2002", "after": "P-2012"}]
    assert document(url, "history", "seeker", "P-2012")["record"]["id"] == history["record"]["id"]


def test_specialists_reassign_moves_planned_visits_with_the_job_seekers(url: str) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    planned = document(
        url, "visits", "log", "DC-0002", "-s", "ab", "--at", soon, "--planned", "--seeker", "P-2001"
    )["visit"]["id"]
    general = document(url, "visits", "log", "DC-0002", "-s", "ab", "--at", soon, "--planned")
    moved = document(
        url, "--as", "supervisor", "specialists", "reassign", "ab", "mt", "--seeker", "P-2001"
    )
    assert moved == {
        "from": "ab",
        "to": "mt",
        "moved": ["P-2001"],
        "planned_visits_left": 1,
        "visits_moved": [planned],
    }
    assert general["visit"]["id"] != planned
    entry = document(url, "history", "visit", str(planned))["entries"][-1]
    assert (entry["actor"], entry["operation"]) == ("supervisor", "reassign caseload")
    left = document(
        url, "specialists", "reassign", "ab", "mt", "--seeker", "P-2002", "--leave-planned-visits"
    )
    assert left["visits_moved"] == []


def test_history_of_an_unknown_record_is_one_line(url: str) -> None:
    assert "no visit '#999'" in failure(url, "history", "visit", "#999")
    assert "no job-seeker 'J-9999'" in failure(url, "history", "seeker", "J-9999")
    assert invoke(url, "history", "planet", "1").exit_code == 2

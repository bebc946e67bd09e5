"""``employers list|show``, ``seekers list|show`` and ``visits log|complete|cancel|list``
through click's runner: filters, JSON shapes, local times, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ips_jobdev import Database, Specialist, import_employers, import_seekers, import_visits
from ips_jobdev.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
VISIT_KEYS = [
    "id", "employer_id", "employer", "specialist", "at", "duration_minutes", "mode",
    "face_to_face", "purpose", "status", "seekers", "seeker_present", "person_id", "outcome",
    "next_step", "reason", "version",
]  # fmt: skip


@pytest.fixture
def url(sqlite_url: str) -> str:
    """The example county: two specialists (one in Mountain time), employers, job seekers,
    visits."""
    with Database(sqlite_url) as db:
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
    return sqlite_url


def invoke(url: str, *args: str) -> Result:
    # a wide terminal, so table cells are not wrapped
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, ["--db", url, *args])


def document(url: str, *args: str) -> Any:
    result = invoke(url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def words(text: str) -> str:
    return " ".join(text.split())


# -- employers ------------------------------------------------------------------------------


def test_employers_list_json_shape_and_filters(url: str) -> None:
    everything = document(url, "employers", "list")
    assert list(everything) == ["employers", "count"]
    assert everything["count"] == len(everything["employers"]) == 12
    bakery = next(e for e in everything["employers"] if e["name"] == "Example Bakery")
    assert "people" not in bakery
    assert bakery["last_contact"] == "2026-01-15T20:00:00+00:00"
    assert bakery["phone"] == "+16085550101"
    assert [
        e["name"] for e in document(url, "employers", "list", "--zip", "53590")["employers"]
    ] == [
        "Example Auto Repair",
        "Example Warehouse Logistics",
    ]
    retail = document(url, "employers", "list", "--industry", "Retail", "--search", "book")
    assert [e["name"] for e in retail["employers"]] == ["Example Bookstore"]
    assert document(url, "employers", "list", "--limit", "3")["count"] == 3


def test_employers_list_table_shows_last_contact_and_do_not_contact(url: str) -> None:
    result = invoke(url, "employers", "list", "--search", "Clean")
    assert result.exit_code == 0
    text = words(result.stdout)
    assert "Example Cleaners (do not contact)" in text
    assert "never" in text
    empty = invoke(url, "employers", "list", "--zip", "54999")
    assert "No employers match" in empty.stdout


def test_employers_show_gives_people_recent_visits_and_last_contact(url: str) -> None:
    shown = document(url, "employers", "show", "DC-0001")
    assert list(shown) == ["employer", "last_contact", "recent_visits"]
    assert shown["employer"]["name"] == "Example Bakery"
    assert [p["name"] for p in shown["employer"]["people"]] == ["Pat Example"]
    assert [v["purpose"] for v in shown["recent_visits"]] == ["learn-business", "introduce"]
    assert list(shown["recent_visits"][0]) == VISIT_KEYS
    assert shown["last_contact"]["at"] == "2026-01-15T20:00:00+00:00"
    table = words(invoke(url, "employers", "show", "Example Bakery").stdout)
    assert "Last contact: Thu 2026-01-15 14:00 CST, learn-business by ab" in table
    assert "Pat Example" in table
    assert "Owner" in table


def test_an_unknown_employer_is_one_error_line(url: str) -> None:
    result = invoke(url, "employers", "show", "Nowhere Inc")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: no employer 'Nowhere Inc'"]


# -- job seekers ------------------------------------------------------------------------------


def test_seekers_list_filters_by_specialist_and_status(url: str) -> None:
    everything = document(url, "seekers", "list")
    assert list(everything) == ["seekers", "count"]
    assert everything["count"] == 6
    mine = document(url, "seekers", "list", "--specialist", "ab")
    assert [s["code"] for s in mine["seekers"]] == [
        "P-2001",
        "P-2002",
        "P-2003",
        "P-2004",
        "P-2005",
    ]
    assert {s["specialist"] for s in mine["seekers"]} == {"ab"}
    assert document(url, "seekers", "list", "--status", "working")["count"] == 0
    assert document(url, "seekers", "list", "--specialist", "mt")["seekers"] == []
    unknown = invoke(url, "seekers", "list", "--specialist", "zz")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: no specialist 'zz'")


def test_seekers_show_gives_preferences_and_visits_for_them(url: str) -> None:
    shown = document(url, "seekers", "show", "p-2001")
    assert list(shown) == ["seeker", "recent_visits"]
    assert shown["seeker"]["code"] == "P-2001"
    assert shown["seeker"]["specialist"] == "ab"
    assert shown["seeker"]["preferences"]["job_types"] == ["stock", "cashier"]
    assert len(shown["recent_visits"]) == 4
    text = words(invoke(url, "seekers", "show", "P-2001").stdout)
    assert "Maria Example (P-2001), searching" in text
    assert "transport: bus" in text
    bare = words(invoke(url, "seekers", "show", "P-2006").stdout)
    assert "preferences: none recorded yet" in bare
    assert "No employer contacts for them yet." in bare


# -- visits ---------------------------------------------------------------------------------


def test_visits_log_reads_a_time_without_offset_in_the_specialists_zone(url: str) -> None:
    logged = document(
        url, "visits", "log", "Example Hardware", "--specialist", "mt",
        "--at", "2026-03-02T10:00", "--purpose", "follow_up", "--mode", "phone",
        "--seeker", "P-2002", "--seeker", "p-2003", "--seeker-present",
        "--outcome", "Owner out", "--next-step", "Call Monday",
    )  # fmt: skip
    visit = logged["visit"]
    assert list(visit) == VISIT_KEYS
    assert visit["at"] == "2026-03-02T17:00:00+00:00"  # 10:00 in Denver (MST)
    assert (visit["mode"], visit["purpose"], visit["status"]) == ("phone", "follow-up", "done")
    assert visit["face_to_face"] is False
    assert visit["seekers"] == ["P-2002", "P-2003"]
    assert visit["seeker_present"] is True
    assert (visit["outcome"], visit["next_step"]) == ("Owner out", "Call Monday")
    screen = invoke(url, "visits", "list", "--specialist", "mt")
    assert "2026-03-02 10:00 MST" in words(screen.stdout)


def test_visits_log_without_at_is_now(url: str) -> None:
    before = dt.datetime.now(dt.UTC)
    visit = document(url, "visits", "log", "DC-0005", "-s", "ab")["visit"]
    at = dt.datetime.fromisoformat(visit["at"])
    assert before - dt.timedelta(seconds=1) <= at <= dt.datetime.now(dt.UTC)
    assert (visit["purpose"], visit["mode"], visit["seekers"]) == ("introduce", "in-person", [])


def test_a_future_visit_must_be_planned_then_completed_or_cancelled(url: str) -> None:
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat(timespec="minutes")
    refused = invoke(url, "visits", "log", "DC-0004", "-s", "ab", "--at", future)
    assert refused.exit_code == 1
    [line] = refused.stderr.splitlines()
    assert "is in the future" in line
    assert "--planned" in line

    planned = document(url, "visits", "log", "DC-0004", "-s", "ab", "--at", future, "--planned")
    visit_id = str(planned["visit"]["id"])
    assert planned["visit"]["status"] == "planned"
    done = document(url, "visits", "complete", visit_id, "--outcome", "Met the crew")
    assert done["visit"]["status"] == "done"
    assert done["visit"]["outcome"] == "Met the crew"
    again = invoke(url, "visits", "cancel", visit_id)
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        "Error: Visit.status: a visit already made cannot be cancelled"
    ]

    other = document(url, "visits", "log", "DC-0004", "-s", "ab", "--at", future, "--planned")
    other_id = f"#{other['visit']['id']}"
    cancelled = document(url, "visits", "cancel", other_id, "--reason", "Owner away")
    assert cancelled["visit"]["status"] == "cancelled"
    assert cancelled["visit"]["reason"] == "Owner away"
    text = invoke(url, "visits", "complete", other_id)
    assert text.exit_code == 1
    assert "cancelled visit cannot be completed" in text.stderr
    missing = invoke(url, "visits", "complete", "9999")
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == ["Error: no visit 9999"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nowhere", "-s", "ab"], "no employer 'Nowhere'"),
        (["DC-0001", "-s", "zz"], "no specialist 'zz'"),
        (["DC-0001", "-s", "ab", "--seeker", "J-0000"], "no job seeker 'J-0000'"),
        (["DC-0001", "-s", "ab", "--at", "soon"], "not an ISO 8601 time"),
        (["DC-0001", "-s", "ab", "--purpose", "chat"], "unknown value 'chat'"),
        (["DC-0001", "-s", "ab", "--seeker-present"], "no job seeker is named"),
    ],
)
def test_visits_log_errors_are_one_line(url: str, args: list[str], message: str) -> None:
    result = invoke(url, "visits", "log", *args)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    assert message in line


def test_visits_list_filters_and_json_shape(url: str) -> None:
    everything = document(url, "visits", "list")
    assert list(everything) == ["visits", "count"]
    assert everything["count"] == 8
    at = [v["at"] for v in everything["visits"]]
    assert at == sorted(at)
    january = document(url, "visits", "list", "--specialist", "ab", "--from", "2026-01-15",
                       "--to", "2026-01-27")  # fmt: skip
    assert [v["at"][:10] for v in january["visits"]] == ["2026-01-15", "2026-01-20", "2026-01-27"]
    bakery = document(url, "visits", "list", "--employer", "Example Bakery")
    assert {v["employer"] for v in bakery["visits"]} == {"Example Bakery"}
    assert bakery["count"] == 2
    assert document(url, "visits", "list", "--status", "planned")["count"] == 0
    assert document(url, "visits", "list", "--limit", "2")["count"] == 2
    backwards = invoke(url, "visits", "list", "--from", "2026-02-01", "--to", "2026-01-01")
    assert backwards.exit_code == 1
    assert "before --from" in backwards.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["employers", "list"], ["employers", "show"], ["seekers", "list"], ["seekers", "show"],
        ["visits", "log"], ["visits", "complete"], ["visits", "cancel"], ["visits", "list"],
    ],
)  # fmt: skip
def test_every_record_command_has_help_with_examples(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"ips-jobdev {' '.join(command)}" in result.stdout
    assert "--db" in result.stdout

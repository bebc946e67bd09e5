"""``ips-jobdev specialists``: add, list, show a caseload, and move a caseload."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner, Result

import ips_jobdev
from ips_jobdev import Employer, JobSeeker, Visit
from ips_jobdev._casework.caseload import reassign_caseload
from ips_jobdev.cli import main
from ips_jobdev.errors import ValidationError


def _run(url: str, *args: str) -> Result:
    # --create: each test starts from a new database, made by its first command
    return CliRunner().invoke(main, ["--db", url, "--create", *args])


def _json(url: str, *args: str) -> Any:
    result = _run(url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _add(url: str, code: str, name: str, *options: str) -> Result:
    result = _run(url, "specialists", "add", code, "--name", name, *options)
    assert result.exit_code == 0, result.output
    return result


def _seekers(url: str, specialist: str, codes: list[str], **fields: Any) -> None:
    with ips_jobdev.open_store(url) as uow:
        owner = uow.specialists.by_code(specialist)
        for code in codes:
            uow.seekers.add(
                JobSeeker(
                    code=code, specialist_id=owner.id, ips_start=dt.date(2026, 10, 1), **fields
                )
            )
        uow.commit()


def test_add_then_list_shows_every_field(db_url: str) -> None:
    added = _add(
        db_url, "ae", "Alex Example",
        "--email", "alex@example.org", "--office-zip", "53704",
        "--timezone", "America/Denver", "--weekly-target", "7",
    )  # fmt: skip
    assert added.stdout.strip() == "Added specialist ae (Alex Example)."
    _add(db_url, "bx", "Blair Example")
    document = _json(db_url, "specialists", "list")
    assert document == {
        "specialists": [
            {
                "id": document["specialists"][0]["id"],
                "code": "ae",
                "name": "Alex Example",
                "email": "alex@example.org",
                "office_zip": "53704",
                "timezone": "America/Denver",
                "weekly_contact_target": 7,
                "active": True,
                "started": None,
                "ended": None,
                "fte": 1.0,
                "employment": [],
                "leave": [],
                "caseload": 0,
            },
            {
                "id": document["specialists"][1]["id"],
                "code": "bx",
                "name": "Blair Example",
                "email": None,
                "office_zip": None,
                "timezone": "America/Chicago",
                "weekly_contact_target": 6,
                "active": True,
                "started": None,
                "ended": None,
                "fte": 1.0,
                "employment": [],
                "leave": [],
                "caseload": 0,
            },
        ]
    }


def test_list_counts_only_job_seekers_on_the_caseload(db_url: str) -> None:
    _add(db_url, "ae", "Alex Example")
    _seekers(db_url, "ae", ["J-1", "J-2", "J-3"])
    _seekers(db_url, "ae", ["J-4"], status="closed")
    _seekers(db_url, "ae", ["J-5"], status="on-hold")
    assert [s["caseload"] for s in _json(db_url, "specialists", "list")["specialists"]] == [4]
    table = _run(db_url, "specialists", "list")
    assert table.exit_code == 0
    assert "Alex Example" in table.stdout
    assert "│ 4 " in table.stdout


def test_list_of_an_empty_database_says_how_to_add_one(sqlite_url: str) -> None:
    result = _run(sqlite_url, "specialists", "list")
    assert result.exit_code == 0
    assert 'ips-jobdev specialists add CODE --name "NAME"' in result.stdout
    assert _json(sqlite_url, "specialists", "list") == {"specialists": []}


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--office-zip", "537"], "Specialist.office_zip"),
        (["--timezone", "Mars/Olympus"], "Specialist.timezone"),
        (["--email", "not-an-email"], "Specialist.email"),
    ],
)
def test_add_with_a_bad_field_is_one_line_naming_it(
    sqlite_url: str, options: list[str], field: str
) -> None:
    result = _run(sqlite_url, "specialists", "add", "ae", "--name", "Alex Example", *options)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {field}: ")
    assert result.stderr.count("\n") == 1
    assert _json(sqlite_url, "specialists", "list") == {"specialists": []}


def test_add_refuses_a_code_that_exists_in_any_case(db_url: str) -> None:
    _add(db_url, "ae", "Alex Example")
    result = _run(db_url, "specialists", "add", "AE", "--name", "Another Example")
    assert result.exit_code == 1
    assert "Specialist.code: 'ae' already exists (Alex Example)" in result.stderr
    assert len(_json(db_url, "specialists", "list")["specialists"]) == 1


def test_add_needs_a_name_and_a_non_negative_target(sqlite_url: str) -> None:
    assert _run(sqlite_url, "specialists", "add", "ae").exit_code == 2
    negative = _run(sqlite_url, "specialists", "add", "ae", "--name", "A", "--weekly-target", "-1")
    assert negative.exit_code == 2


def test_show_lists_the_caseload_by_code(db_url: str) -> None:
    _add(db_url, "ae", "Alex Example", "--office-zip", "53704")
    _seekers(db_url, "ae", ["J-1002", "J-1001"])
    _seekers(db_url, "ae", ["J-1003"], status="working", name="Robin Example")
    _seekers(db_url, "ae", ["J-1004"], status="closed")
    document = _json(db_url, "specialists", "show", "AE")
    assert document["specialist"]["code"] == "ae"
    assert document["caseload"] == {
        "count": 3,
        "by_status": {"searching": 2, "working": 1},
        "job_seekers": [
            {"code": "J-1001", "name": None, "status": "searching", "ips_start": "2026-10-01"},
            {"code": "J-1002", "name": None, "status": "searching", "ips_start": "2026-10-01"},
            {"code": "J-1003", "name": "Robin Example", "status": "working",
             "ips_start": "2026-10-01"},
        ],
    }  # fmt: skip
    text = _run(db_url, "specialists", "show", "ae")
    assert text.exit_code == 0
    assert "Alex Example (ae)" in text.stdout
    assert "Caseload: 3 job seekers (2 searching, 1 working)" in text.stdout
    assert "J-1004" not in text.stdout


def test_show_warns_when_the_caseload_is_over_twenty(sqlite_url: str) -> None:
    _add(sqlite_url, "ae", "Alex Example")
    _seekers(sqlite_url, "ae", [f"J-{n}" for n in range(21)])
    text = _run(sqlite_url, "specialists", "show", "ae")
    assert "More than 20" in text.stdout
    _seekers(sqlite_url, "ae", ["J-X"], status="closed")
    assert _json(sqlite_url, "specialists", "show", "ae")["caseload"]["count"] == 21


def test_show_unknown_specialist_is_one_line_and_exit_1(sqlite_url: str) -> None:
    result = _run(sqlite_url, "specialists", "show", "zz")
    assert result.exit_code == 1
    assert result.stderr == "Error: no specialist 'zz'\n"


def _specialist_of(url: str, code: str) -> str | None:
    with ips_jobdev.open_store(url) as uow:
        seeker = uow.seekers.by_code(code)
        if seeker.specialist_id is None:
            return None
        return uow.specialists.get(seeker.specialist_id).code


def test_reassign_moves_the_whole_caseload_and_keeps_employer_history(db_url: str) -> None:
    _add(db_url, "ae", "Alex Example")
    _add(db_url, "bx", "Blair Example")
    _seekers(db_url, "ae", ["J-3", "J-1", "J-2"])
    _seekers(db_url, "ae", ["J-9"], status="closed")
    _seekers(db_url, "bx", ["J-5"])
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    with ips_jobdev.open_store(db_url) as uow:
        ae = uow.specialists.by_code("ae")
        employer = uow.employers.add(Employer(name="Example Bakery"))
        uow.flush()
        uow.visits.add(
            Visit(employer_id=employer.id, specialist_id=ae.id,  # type: ignore[arg-type]
                  at=soon - dt.timedelta(days=30), seekers=[uow.seekers.by_code("J-1")])
        )  # fmt: skip
        uow.visits.add(
            Visit(employer_id=employer.id, specialist_id=ae.id, at=soon, status="planned")  # type: ignore[arg-type]
        )
        uow.commit()

    document = _json(db_url, "specialists", "reassign", "ae", "bx")
    assert document == {
        "from": "ae",
        "to": "bx",
        "moved": ["J-1", "J-2", "J-3"],
        "planned_visits_left": 1,
        "visits_moved": [],
    }
    assert [_specialist_of(db_url, c) for c in ("J-1", "J-2", "J-3", "J-5")] == ["bx"] * 4
    assert _specialist_of(db_url, "J-9") == "ae", "a closed record is not a caseload"
    caseloads = {
        s["code"]: s["caseload"] for s in _json(db_url, "specialists", "list")["specialists"]
    }
    assert caseloads == {"ae": 0, "bx": 4}
    with ips_jobdev.open_store(db_url) as uow:
        ae_id = uow.specialists.by_code("ae").id
        assert [v.specialist_id for v in uow.visits.list()] == [ae_id, ae_id]


def test_reassign_only_the_named_job_seekers(db_url: str) -> None:
    _add(db_url, "ae", "Alex Example")
    _add(db_url, "bx", "Blair Example")
    _seekers(db_url, "ae", ["J-1", "J-2", "J-3"])
    result = _run(
        db_url, "specialists", "reassign", "ae", "bx", "--seeker", "j-3", "--seeker", "J-1"
    )
    assert result.exit_code == 0, result.output
    assert "Moved 2 job seeker(s) from ae to bx: J-1, J-3" in result.stdout
    assert [_specialist_of(db_url, c) for c in ("J-1", "J-2", "J-3")] == ["bx", "ae", "bx"]


def test_reassign_refuses_a_job_seeker_of_someone_else_and_moves_nobody(db_url: str) -> None:
    _add(db_url, "ae", "Alex Example")
    _add(db_url, "bx", "Blair Example")
    _seekers(db_url, "ae", ["J-1"])
    _seekers(db_url, "bx", ["J-2"])
    result = _run(
        db_url, "specialists", "reassign", "ae", "bx", "--seeker", "J-1", "--seeker", "J-2"
    )
    assert result.exit_code == 1
    assert "'J-2' is not on 'ae''s caseload" in result.stderr
    assert _specialist_of(db_url, "J-1") == "ae"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ae", "ae"], "'ae' is the same specialist"),
        (["ae", "zz"], "no specialist 'zz'"),
        (["zz", "ae"], "no specialist 'zz'"),
        (["ae", "bx", "--seeker", "J-404"], "no job seeker 'J-404'"),
    ],
)
def test_reassign_errors_are_one_line(sqlite_url: str, args: list[str], message: str) -> None:
    _add(sqlite_url, "ae", "Alex Example")
    _add(sqlite_url, "bx", "Blair Example")
    result = _run(sqlite_url, "specialists", "reassign", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_reassign_an_empty_caseload_says_nothing_moved(sqlite_url: str) -> None:
    _add(sqlite_url, "ae", "Alex Example")
    _add(sqlite_url, "bx", "Blair Example")
    result = _run(sqlite_url, "specialists", "reassign", "ae", "bx")
    assert result.exit_code == 0
    assert "ae has no job seekers on the caseload; nothing moved." in result.stdout


def test_reassign_refuses_an_inactive_specialist(sqlite_url: str) -> None:
    _add(sqlite_url, "ae", "Alex Example")
    _add(sqlite_url, "bx", "Blair Example")
    _seekers(sqlite_url, "ae", ["J-1"])
    with ips_jobdev.open_store(sqlite_url) as uow:
        uow.specialists.by_code("bx").active = False
        uow.commit()
        with pytest.raises(ValidationError, match="'bx' is not an active specialist"):
            reassign_caseload(uow, "ae", "bx")


@pytest.mark.parametrize("command", ["add", "list", "show", "reassign"])
def test_every_specialists_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, ["specialists", command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"ips-jobdev specialists {command}" in result.stdout
    assert "--db URL" in result.stdout


def test_a_plugin_that_fails_to_hear_of_a_change_is_a_warning_and_the_change_stays(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ips_jobdev import _plugins, hookimpl

    class Broken:
        @hookimpl
        def record_changed(self, change: Any) -> None:
            raise RuntimeError(f"webhook down for {change.kind}")

    manager = _plugins.make_plugin_manager(load_entry_points=False, plugins=[Broken()], environ={})
    monkeypatch.setattr(_plugins, "_shared", manager)
    added = _add(db_url, "ae", "Alex Example")
    assert added.stdout.strip() == "Added specialist ae (Alex Example)."
    assert added.stderr.startswith("Warning: plugin ")
    assert "failed: RuntimeError: webhook down for specialist" in added.stderr
    _add(db_url, "bx", "Blair Example")
    _seekers(db_url, "ae", ["J-1001"])
    moved = _run(db_url, "specialists", "reassign", "ae", "bx", "--json")
    assert moved.exit_code == 0, moved.output
    assert json.loads(moved.stdout)["moved"] == ["J-1001"]
    assert "webhook down for job-seeker" in moved.stderr
    assert [s["code"] for s in _json(db_url, "specialists", "list")["specialists"]] == ["ae", "bx"]

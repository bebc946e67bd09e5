"""The county-program tutorial's example (docs/examples/county_program.py) works as written
on SQLite and PostgreSQL: the retry wins after a real conflict, the intake import keeps the
good rows, the figures carry scale points, the caseload moves; the CLI's --json figures
are the same as the Python ones."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from ips_jobdev import ConcurrentUpdateError, Database
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.cli import main as cli_main

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "examples" / "county_program.py"
TUTORIAL = DOCS / "tutorials" / "county-program-api.md"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("county_program", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _figures(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {figure["key"]: figure for figure in document["figures"]}


@pytest.fixture(scope="module")
def ran(module_db_url: str) -> tuple[str, dict[str, Any]]:
    """The example run once per database for the module (its tests only read the result)."""
    printed_to = io.StringIO()
    with contextlib.redirect_stdout(printed_to):
        result = _example().main(module_db_url)
    printed = printed_to.getvalue()
    # the lines the tutorial shows are the lines the example prints
    tutorial = TUTORIAL.read_text(encoding="utf-8")
    for line in printed.splitlines():
        assert line in tutorial, line
    assert len(printed.splitlines()) == 10
    return module_db_url, result


def test_the_example_runs_every_step_of_the_tutorial(ran: tuple[str, dict[str, Any]]) -> None:
    url, result = ran
    assert result["demo_created"] is True

    # optimistic locking: the colleague's save made the first attempt fail; the retry
    # reloaded and kept both notes
    retry = result["retry"]
    assert retry["saved_on_attempt"] == 2
    assert retry["notes"] == (
        "Hiring manager back from leave on 1 Dec.\nAsks for candidates for weekend shifts."
    )

    # intake import: the dry run wrote nothing and named the bad row; partial kept the rest
    preview, seekers, employers = (result["import"][k] for k in ("preview", "seekers", "employers"))
    assert preview["dry_run"]
    assert not preview["written"]
    assert not preview["ok"]
    assert preview["counts"]["created"] == 2
    assert preview["counts"]["rejected"] == 1
    assert [(r["line"], r["field"], r["value"]) for r in preview["rejections"]] == [
        (4, "specialist", "zz")
    ]
    assert seekers["written"]
    assert seekers["counts"]["created"] == 2
    assert employers["ok"]
    assert employers["counts"]["created"] == 1

    # repositories: the imported job seekers are on av's caseload, by code
    dashboard = result["dashboard"]
    assert {"J-2001", "J-2002"} <= set(dashboard["caseload"])
    assert "J-2003" not in dashboard["caseload"]
    assert dashboard["planned_visits"], "the demo plans visits for the coming week"
    assert all(v["planned"] > "2026-11-24" for v in dashboard["planned_visits"])

    db = Database(url)
    try:
        with db.unit_of_work() as uow:
            imported = uow.seekers.by_code("J-2001")
            assert imported.name is None, "the intake export carries no names"
            assert str(imported.ips_start) == "2026-11-20"
            assert uow.seekers.find_by_code("J-2003") is None
            assert uow.employers.find_by_external_id("INTAKE-0001") is not None

            # reassignment: the whole caseload moved; mo's visits stay mo's
            moved = result["reassignment"]
            assert moved["from"] == "mo"
            assert moved["to"] == "qe"
            assert len(moved["moved"]) == 19
            mo = uow.specialists.by_code("mo")
            qe = uow.specialists.by_code("qe")
            assert not mo.active
            assert qe.active
            assert uow.seekers.on_caseload(mo.id) == []
            assert sorted(s.code for s in uow.seekers.on_caseload(qe.id)) == moved["moved"]
            assert moved["planned_visits_taken_over"] == moved["planned_visits_left"] > 0
            assert not uow.visits.between(
                None, None, specialist_id=mo.id, status=VisitStatus.PLANNED
            )
            assert uow.visits.between(None, None, specialist_id=mo.id, status=VisitStatus.DONE)
    finally:
        db.dispose()


def test_the_figures_carry_scale_points_and_no_job_seeker(
    ran: tuple[str, dict[str, Any]],
) -> None:
    _, result = ran
    figures = result["figures"]
    fidelity = _figures(figures["fidelity"])
    for key in ("frequent_employer_contact", "rapid_job_search", "caseload_size"):
        assert fidelity[key]["value"] is not None, key
        assert fidelity[key]["point"] in range(1, 6), key
        assert fidelity[key]["anchor"], key
    assert figures["fidelity"]["scope"] == {"label": "team av, mo", "specialists": ["av", "mo"]}
    assert [s["specialist"] for s in figures["fidelity"]["specialists"]] == ["av", "mo"]
    # 21 + 19 job seekers on two caseloads (the two imported ones went to av)
    assert fidelity["caseload_size"]["detail"] == {"job_seekers": 40, "specialists": 2}
    assert figures["fidelity_av"]["scope"]["specialists"] == ["av"]
    outcomes = _figures(figures["outcomes"])
    rate = outcomes["employment_rate"]
    assert rate["value"] == round(100 * rate["detail"]["worked"] / rate["detail"]["caseload"], 1)
    # what goes to the state names specialists, never a job seeker
    text = json.dumps(figures, default=str)
    assert not re.search(r"J-\d{4}", text)


def test_the_cli_json_gives_the_same_figures(
    ran: tuple[str, dict[str, Any]],
) -> None:
    url, result = ran
    # av's caseload and visits are unchanged by mo's leaving: the CLI must agree
    command = re.search(
        r"\$ ips-jobdev (report fidelity --from \S+ --to \S+ --specialist av --json)",
        TUTORIAL.read_text(encoding="utf-8"),
    )
    assert command is not None, "the tutorial shows the --json command"
    out = CliRunner().invoke(cli_main, ["--db", url, *command.group(1).split()])
    assert out.exit_code == 0, out.output
    document = json.loads(out.stdout)
    python = result["figures"]["fidelity_av"]
    assert _figures(document).keys() == _figures(python).keys()
    for key, figure in _figures(document).items():
        assert (figure["value"], figure["point"]) == (
            _figures(python)[key]["value"],
            _figures(python)[key]["point"],
        ), key


def test_the_retry_gives_up_after_the_last_attempt(db_url: str) -> None:
    example = _example()
    db = example.connect(db_url)
    try:
        example.build_demo_county(db)
        with db.unit_of_work() as uow:
            employer_id = uow.employers.list(limit=1)[0].id

        def always_beaten(employer: Any) -> None:
            with db.unit_of_work() as other:
                other.employers.get(employer_id).notes = f"v{employer.version}"
                other.commit()
            employer.notes = "mine"

        with pytest.raises(ConcurrentUpdateError):
            example.change_employer(db, employer_id, always_beaten, attempts=2)
        with db.unit_of_work() as uow:
            assert uow.employers.get(employer_id).notes != "mine"
    finally:
        db.dispose()

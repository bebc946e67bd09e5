"""``ips-jobdev due``, ``plan week``, ``report`` and ``goals`` from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import ips_jobdev as jobdev
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.cli import main

ZONE = zoneinfo.ZoneInfo("America/Chicago")
MONDAY = dt.date(2026, 11, 30)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _json(*args: str) -> Any:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A small record: jd with an at-risk job seeker, an overdue and a cold employer."""
    url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    db = jobdev.Database(url)
    with db.unit_of_work() as uow:
        jd = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe", office_zip="53703"))
        uow.specialists.add(jobdev.Specialist(code="kb", name="Kim Baker"))
        diner = uow.employers.add(
            jobdev.Employer(name="Example Diner", zip="53703", job_types=["cook"])
        )
        hardware = uow.employers.add(jobdev.Employer(name="Fictional Hardware", zip="53711"))
        cafe = uow.employers.add(jobdev.Employer(name="Cold Cafe", zip="53704"))
        uow.flush()
        seeker = uow.seekers.add(
            jobdev.JobSeeker(
                code="J-1042",
                ips_start=dt.date(2026, 11, 6),
                specialist_id=jd.id,
                preferences=jobdev.Preferences(job_types=["cook"], home_zip="53703"),
            )
        )
        uow.flush()
        for employer, day, purpose in (
            (hardware, dt.date(2026, 11, 11), "introduce"),
            (cafe, dt.date(2026, 3, 2), "introduce"),
            (diner, dt.date(2026, 10, 1), "introduce"),
        ):
            uow.visits.add(
                jobdev.Visit(
                    employer_id=employer.id,  # type: ignore[arg-type]
                    specialist_id=jd.id,  # type: ignore[arg-type]
                    at=_at(day),
                    purpose=purpose,
                )
            )
        uow.job_starts.add(
            jobdev.JobStart(
                seeker_id=seeker.id,  # type: ignore[arg-type]
                employer_id=diner.id,  # type: ignore[arg-type]
                title="Cook",
                job_type="cook",
                start_date=dt.date(2026, 11, 20),
                hours_per_week=24,
                wage="16.25",
            )
        )
        uow.commit()
    db.dispose()
    return url


def test_due_lists_what_is_due_with_reasons(url: str) -> None:
    document = _json("--db", url, "due", "--specialist", "jd", "--on", "2026-11-30", "--json")
    assert list(document) == ["on", "specialist", "policy", "cold", "items"]
    assert (document["on"], document["specialist"], document["cold"]) == ("2026-11-30", "jd", 1)
    reasons = [(i["kind"], i["name"], i["reason"]) for i in document["items"]]
    assert reasons == [
        ("employer", "Example Diner",
         "follow-up due 15 Oct (46 days overdue), stage 2: learn the business"),
        ("employer", "Fictional Hardware",
         "follow-up due 25 Nov (5 days overdue), stage 2: learn the business"),
        ("job-seeker", "J-1042", "first employer contact for J-1042, day 24 of 30"),
    ]  # fmt: skip
    text = _run("--db", url, "due", "-s", "jd", "--on", "2026-11-30")
    assert text.exit_code == 0, text.output
    assert "Fictional Hardware" in text.stdout
    assert "1 relationship has gone cold" in text.stdout
    cold = _json("--db", url, "due", "-s", "jd", "--on", "2026-11-30", "--cold", "--json")
    assert cold["items"][-1]["name"] == "Cold Cafe"


def test_due_takes_a_policy_file(url: str, tmp_path: Path) -> None:
    policy = tmp_path / "slow.toml"
    policy.write_text(
        'name = "slow"\n[[stages]]\ntitle = "introduce"\npurpose = "introduce"\n'
        'next_visit_within_days = 60\n[[stages]]\ntitle = "follow up"\npurpose = "follow-up"\n',
        encoding="utf-8",
    )
    document = _json(
        "--db", url, "due", "-s", "jd", "--on", "2026-11-30", "--policy", str(policy), "--json"
    )
    assert document["policy"] == "slow"
    # with 60 days after the introduction, only the diner (1 Oct + 60 = 30 Nov) is due
    assert [i["name"] for i in document["items"]] == ["Example Diner", "J-1042"]
    bad = _run("--db", url, "due", "--policy", "nowhere")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "Error: no cycle policy 'nowhere'"


def test_plan_week_shows_the_days_and_saves_planned_visits(url: str) -> None:
    args = ("--db", url, "plan", "week", "-s", "jd", "--week", "2026-W49", "--today", "2026-11-30")
    document = _json(*args, "--json")
    assert document["week"] == "2026-W49"
    visits = [v for day in document["days"] for v in day["visits"]]
    assert visits[0]["seekers"] == ["J-1042"]
    assert visits[0]["reason"].startswith("first employer contact for J-1042, day 24 of 30")
    assert visits[0]["last_contact"]["purpose"] == "introduce"
    text = _run(*args)
    assert text.exit_code == 0, text.output
    assert "Week 2026-W49 (30 Nov - 6 Dec 2026) for jd Jo Doe" in text.stdout
    assert "Monday 30 Nov" in text.stdout
    saved = _json(*args, "--save", "--json")
    assert len(saved["saved"]) == len(visits)
    db = jobdev.Database(url)
    with db.unit_of_work() as uow:
        stored = uow.visits.between(status=VisitStatus.PLANNED)
        assert sorted(v.id for v in stored) == sorted(saved["saved"])
        assert all(v.reason for v in stored)
    db.dispose()


def test_plan_week_refuses_a_bad_busy_time_in_one_line(url: str) -> None:
    result = _run("--db", url, "plan", "week", "-s", "jd", "--busy", "monday morning")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: plan.busy: 'monday morning' is not like '2026-12-01 09:00-12:00'"
    )
    busy = _json(
        "--db", url, "plan", "week", "-s", "jd", "--week", "2026-W49", "--today", "2026-11-30",
        "--busy", "2026-11-30 08:30-17:00", "--json",
    )  # fmt: skip
    assert busy["days"][0]["visits"] == []


def test_report_fidelity_json_csv_and_explain(url: str) -> None:
    period = ("--from", "2026-09-01", "--to", "2026-11-30")
    document = _json("--db", url, "report", "fidelity", *period, "--json")
    assert document["scale"]["source"].startswith("IPS Supported Employment Fidelity Scale")
    keys = [f["key"] for f in document["figures"]]
    assert keys == [
        "frequent_employer_contact",
        "rapid_job_search",
        "rapid_job_search_share",
        "diversity_of_job_types",
        "diversity_of_employers",
        "competitive_jobs",
        "multi_visit_relationships",
        "caseload_size",
        # added by issue 11, after the first ones
        "individualized_job_search",
        "follow_along",
        "face_to_face_share",
        "seeker_present_share",
        "contacts_per_seeker_looking",
        "cold_relationships",
    ]
    assert document["scale"]["between_anchors"] == "reach"
    # plain --json names no job seeker: the evidence rows only with --evidence
    assert all(f["source"] and "evidence" not in f for f in document["figures"])
    with_evidence = _json("--db", url, "report", "fidelity", *period, "--json", "--evidence")
    assert all("evidence" in f for f in with_evidence["figures"])
    assert any(f["evidence"] for f in with_evidence["figures"])
    rows = list(
        csv.DictReader(
            io.StringIO(_run("--db", url, "report", "fidelity", *period, "--csv").stdout)
        )
    )
    assert rows[0]["figure"] == "frequent_employer_contact"
    assert {r["specialist"] for r in rows} == {"", "jd", "kb"}
    explained = _run("--db", url, "report", "fidelity", *period, "--team", "jd", "--explain")
    assert explained.exit_code == 0, explained.output
    assert "How each figure is computed" in explained.stdout
    assert "(frequent_employer_contact): Face-to-face employer contacts" in " ".join(
        explained.stdout.split()
    )
    both = _run("--db", url, "report", "fidelity", "--json", "--csv")
    assert both.exit_code == 1
    assert "choose --json or --csv" in both.stderr


def test_report_outcomes_and_goals(url: str) -> None:
    result = _run(
        "--db", url, "goals", "set", "job_starts", "2", "--from", "2026-10-01", "--to", "2026-12-31"
    )
    assert result.exit_code == 0, result.output
    assert "Goal set: job_starts 2.00 for program, 2026-10-01 to 2026-12-31." in result.stdout
    goals = _json("--db", url, "goals", "list", "--json")["goals"]
    assert [(g["metric"], g["target"], g["achieved"], g["met"]) for g in goals] == [
        ("job_starts", "2.00", 1.0, False)
    ]
    document = _json(
        "--db", url, "report", "outcomes", "--from", "2026-10-01", "--to", "2026-12-31", "--json"
    )
    values = {f["key"]: f["value"] for f in document["figures"]}
    assert (values["caseload"], values["job_starts"], values["average_hourly_wage"]) == (
        1,
        1,
        16.25,
    )
    assert values["employment_rate"] == 100.0
    assert document["goals"][0]["metric"] == "job_starts"
    text = _run("--db", url, "report", "outcomes", "--from", "2026-10-01", "--to", "2026-12-31")
    assert "IPS employment rate" in text.stdout
    assert "Program goals" in text.stdout
    bad = _run(
        "--db",
        url,
        "goals",
        "set",
        "job_starts",
        "lots",
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
    )
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "Error: ProgramGoal.target: 'lots' is not a number"


@pytest.mark.parametrize(
    "command",
    [("due",), ("plan", "week"), ("report", "fidelity"), ("report", "outcomes"),
     ("goals", "set"), ("goals", "list")],
)  # fmt: skip
def test_every_command_has_help_with_examples(command: tuple[str, ...]) -> None:
    result = _run(*command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"ips-jobdev {' '.join(command)}" in result.stdout


def test_the_demo_prints_a_week_plan_and_the_fidelity_figures(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    text = _run("--db", url, "demo", "--today", "2026-11-24")
    assert text.exit_code == 0, text.output
    flat = " ".join(text.stdout.split())
    assert "Week 2026-W49 (30 Nov - 6 Dec 2026) for" in flat
    assert "Face-to-face visits this week:" in flat
    assert "Fidelity (IPS Supported Employment Fidelity Scale" in flat
    assert "Next: ips-jobdev report fidelity --explain" in flat
    document = _json("--db", url, "demo", "--today", "2026-11-24", "--json")
    assert document["week_plan"]["week"] == "2026-W49"
    assert document["fidelity"]["figures"][0]["key"] == "frequent_employer_contact"
    assert document["fidelity"]["figures"][0]["point"] in (1, 2, 3, 4, 5)


def test_goals_json_names_each_goal_by_its_id_with_its_progress(url: str) -> None:
    period = ("--from", "2026-10-01", "--to", "2026-12-31")
    first = _json("--db", url, "goals", "set", "job_starts", "2", *period, "--json")["goal"]
    second = _json(
        "--db", url, "goals", "set", "hourly_wage", "$15", *period, "--scope", "JD", "--json"
    )["goal"]
    assert first == {
        "id": first["id"],
        "metric": "job_starts",
        "target": "2.00",
        "from": "2026-10-01",
        "to": "2026-12-31",
        "scope": "program",
        "achieved": 1.0,
        "met": False,
    }
    assert (second["scope"], second["target"], second["achieved"], second["met"]) == (
        "jd",
        "15.00",
        16.25,
        True,
    )
    listed = _json("--db", url, "goals", "list", "--json")["goals"]
    assert [(g["id"], g["metric"]) for g in listed] == [
        (second["id"], "hourly_wage"),
        (first["id"], "job_starts"),
    ]
    assert listed == [second, first]

"""``ips-jobdev demo``: a fictional Dane County, the same for the same seed, never twice."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

import ips_jobdev
from ips_jobdev import Employer, Specialist
from ips_jobdev._store import tables
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, VisitPurpose, VisitStatus
from ips_jobdev.cli import demo as demo_cli
from ips_jobdev.cli import main
from ips_jobdev.demo import DemoError, build_demo, demo_present

TODAY = "2026-11-24"
DAY = dt.date(2026, 11, 24)
ZONE = zoneinfo.ZoneInfo("America/Chicago")
DANE_ZIPS = {
    "53703", "53704", "53705", "53711", "53713", "53714", "53715", "53716", "53717", "53718",
    "53719", "53726", "53590", "53562", "53593", "53527", "53575", "53589", "53597", "53532",
}  # fmt: skip


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _demo_json(url: str, *extra: str) -> dict[str, Any]:
    result = _run("--db", url, "demo", "--today", TODAY, "--json", *extra)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """One demo county on SQLite (built once for the read-only tests of this module)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    return url, _demo_json(url)


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        sa.select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in tables.metadata.sorted_tables
                # the change history and the audit trail (the tests' own reads are views)
                # say when and by whom: not the same twice
                if table.name not in ("change_history", "audit_events")
            }
    finally:
        engine.dispose()


# -- what it makes -----------------------------------------------------------------------------


def test_demo_makes_the_county_the_issue_describes(county: tuple[str, dict[str, Any]]) -> None:
    _, document = county
    counts = document["counts"]
    assert document["created"] is True
    assert document["seed"] == 2026
    assert document["today"] == TODAY
    assert counts["specialists"] == 2
    assert counts["job_seekers"] == 40
    assert counts["employers"] == 300
    assert counts["zip_codes"] == 20
    assert counts["do_not_contact"] == 4  # seed 2026: a few businesses asked not to be visited
    assert counts["employer_people"] > 150
    assert 300 <= counts["visits_done"] <= 700
    assert 0 < counts["visits_planned"] <= 20
    assert counts["openings_open"] > 5
    assert counts["job_starts"] > 5
    assert 0 < counts["jobs_ended"] < counts["job_starts"]
    assert counts["fit_notes"] >= 2
    assert [c["specialist"] for c in document["caseloads"]] == ["av", "mo"]


def test_demo_records_are_fictional_and_on_real_dane_county_zip_codes(
    county: tuple[str, dict[str, Any]],
) -> None:
    url, _ = county
    with ips_jobdev.open_store(url) as uow:
        employers = uow.employers.list()
        assert {e.zip for e in employers} == DANE_ZIPS
        assert all(e.state == "WI" for e in employers)
        assert all(e.external_id and e.external_id.startswith("DEMO-") for e in employers)
        assert all(
            re.fullmatch(r"\d+ (Example|Sample|Demo) \w+", e.street or "") for e in employers
        )
        phones = [e.phone for e in employers if e.phone] + [
            p.phone for e in employers for p in e.people if p.phone
        ]
        assert phones, "some employers and people have phones"
        assert all(re.fullmatch(r"\+160855501\d\d", p.e164) for p in phones)
        assert len({p.e164 for p in phones}) == len(phones), "no two share a phone"
        emails = [p.email for e in employers for p in e.people if p.email]
        emails += [s.email for s in uow.specialists.list() if s.email]
        assert emails
        assert all(
            email.endswith(".example.org") or email.endswith("@example.org") for email in emails
        )
        assert all(w.endswith(".example.org") for w in (e.website for e in employers) if w)
        assert len({e.name for e in employers}) == 300
        assert len({e.industry for e in employers}) >= 10
        assert all(e.job_types for e in employers)
        assert any(e.bus_access for e in employers)
        assert any(e.bus_access is False for e in employers)


def test_demo_job_seekers_have_varied_preferences(county: tuple[str, dict[str, Any]]) -> None:
    url, _ = county
    with ips_jobdev.open_store(url) as uow:
        seekers = uow.seekers.list()
        assert [s.code for s in seekers] == [f"J-{n}" for n in range(1001, 1041)]
        named = [s for s in seekers if s.name]
        assert 0 < len(named) < len(seekers) / 2, "most without names"
        prefs = [s.preferences for s in seekers]
        assert sum(p.is_empty for p in prefs) >= 1, "someone whose profile is not written yet"
        assert len({t for p in prefs for t in p.job_types}) >= 10
        assert any(p.avoid for p in prefs)
        assert {p.transport.value for p in prefs if p.transport} >= {"bus", "car", "walk"}
        assert {p.disclosure.value for p in prefs} == {"undecided", "disclose", "not-disclose"}
        assert any(p.wage_min for p in prefs)
        assert any(p.hours_max for p in prefs)
        assert any(p.shifts for p in prefs)
        assert all(p.home_zip in DANE_ZIPS for p in prefs if p.home_zip)
        statuses = Counter(s.status for s in seekers)
        assert statuses[JobSeekerStatus.WORKING] > 0
        assert statuses[JobSeekerStatus.CLOSED] > 0
        assert all(s.ips_start and s.ips_start <= DAY for s in seekers)


def test_demo_visits_follow_the_ips_cycle(county: tuple[str, dict[str, Any]]) -> None:
    url, _ = county
    with ips_jobdev.open_store(url) as uow:
        visits = sorted(uow.visits.list(), key=lambda v: (v.at, v.id))
        first: dict[tuple[int, int], Any] = {}
        for visit in visits:
            first.setdefault((visit.specialist_id, visit.employer_id), visit)
        assert {v.purpose for v in first.values()} == {VisitPurpose.INTRODUCE}
        purposes = Counter(v.purpose for v in visits)
        assert purposes[VisitPurpose.LEARN_BUSINESS] > 50
        assert purposes[VisitPurpose.PRESENT_JOB_SEEKER] > 20
        modes = Counter(v.mode for v in visits)
        assert modes[ContactMode.IN_PERSON] > 0.7 * len(visits), "mostly in person"
        assert modes[ContactMode.PHONE] > 0
        assert modes[ContactMode.EMAIL] > 0
        assert any(v.seekers for v in visits), "client-specific contacts"
        assert any(not v.seekers for v in visits), "generic contacts"
        assert any(v.seeker_present for v in visits)
        dnc = {e.id for e in uow.employers.list() if e.do_not_contact}
        assert not [v for v in visits if v.employer_id in dnc]
        end_of_today = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(), ZONE)
        next_week = end_of_today + dt.timedelta(days=8)
        for visit in visits:
            local = visit.at.astimezone(ZONE)
            assert local.weekday() < 5, "on a workday"
            assert dt.time(9) <= local.time() <= dt.time(16)
            if visit.status is VisitStatus.DONE:
                assert visit.at < end_of_today
            else:
                assert visit.status is VisitStatus.PLANNED
                assert end_of_today <= visit.at < next_week
        busy = Counter((v.specialist_id, v.at) for v in visits)
        assert max(busy.values()) == 1, "a specialist is at one visit at a time"


def test_demo_job_starts_are_competitive_and_some_ended_with_reasons(
    county: tuple[str, dict[str, Any]],
) -> None:
    url, _ = county
    with ips_jobdev.open_store(url) as uow:
        jobs = uow.job_starts.list()
        assert all(j.competitive for j in jobs)
        ended = [j for j in jobs if j.end_date]
        assert ended
        assert all(j.end_reason is not None and j.end_date > j.start_date for j in ended)
        for job in jobs:
            seeker = uow.seekers.get(job.seeker_id)
            assert job.start_date <= DAY
            presented = [
                v
                for v in uow.visits.for_seeker(seeker.id)  # type: ignore[arg-type]
                if v.employer_id == job.employer_id
                and v.purpose is VisitPurpose.PRESENT_JOB_SEEKER
                and v.at.date() < job.start_date
            ]
            assert presented, f"{seeker.code} was presented to the employer before starting"
            active = job.end_date is None
            assert (seeker.status is JobSeekerStatus.WORKING) == active
        notes = uow.fit_notes.list()
        assert notes
        assert all(n.ratings for n in notes)


# -- the summary's figures are right -----------------------------------------------------------


def test_summary_figures_match_the_records(county: tuple[str, dict[str, Any]]) -> None:
    url, document = county
    with ips_jobdev.open_store(url) as uow:
        employers = uow.employers.list()
        seekers = uow.seekers.list()
        visits = uow.visits.list()
        jobs = uow.job_starts.list()
        done = [v for v in visits if v.status is VisitStatus.DONE]
        codes = {s.id: s.code for s in uow.specialists.list()}
        expected_counts = {
            "specialists": 2,
            "job_seekers": len(seekers),
            "on_caseload": sum(s.on_caseload for s in seekers),
            "working": sum(s.status is JobSeekerStatus.WORKING for s in seekers),
            "employers": len(employers),
            "zip_codes": len({e.zip for e in employers}),
            "do_not_contact": sum(e.do_not_contact for e in employers),
            "employer_people": sum(len(e.people) for e in employers),
            "visits_done": len(done),
            "face_to_face_done": sum(v.face_to_face for v in done),
            "visits_planned": sum(v.status is VisitStatus.PLANNED for v in visits),
            "openings_open": sum(o.status.value == "open" for o in uow.openings.list()),
            "job_starts": len(jobs),
            "jobs_ended": sum(j.end_date is not None for j in jobs),
            "fit_notes": uow.fit_notes.count(),
        }
        assert document["counts"] == expected_counts

        caseloads = [
            {"specialist": s.code, "name": s.name,
             "job_seekers": sum(j.on_caseload and j.specialist_id == s.id for j in seekers)}
            for s in uow.specialists.list()
        ]  # fmt: skip
        assert document["caseloads"] == caseloads

        last: dict[int, Any] = {}
        for visit in sorted(done, key=lambda v: (v.at, v.id)):
            last[visit.employer_id] = visit
        recent = sorted(last.values(), key=lambda v: (-v.at.timestamp(), v.employer_id))[:5]
        assert [
            (r["employer_id"], r["last_contact"], r["specialist"], r["purpose"], r["mode"])
            for r in document["recently_visited"]
        ] == [
            (v.employer_id, v.at.isoformat(), codes[v.specialist_id], v.purpose.value, v.mode.value)
            for v in recent
        ]
        names = {e.id: (e.name, e.zip) for e in employers}
        assert all(
            (r["name"], r["zip"]) == names[r["employer_id"]] for r in document["recently_visited"]
        )

        contacted = {s.id for v in done if v.face_to_face for s in v.seekers}
        waiting = sorted(
            (s for s in seekers if s.on_caseload and s.id not in contacted),
            key=lambda s: (s.ips_start, s.code),
        )
        planned = {
            s.id: min(v.at for v in visits if v.status is VisitStatus.PLANNED and s in v.seekers)
            for s in waiting
            if any(v.status is VisitStatus.PLANNED and s in v.seekers for v in visits)
        }
        assert document["waiting_for_first_contact"] == [
            {
                "code": s.code,
                "specialist": codes[s.specialist_id],  # type: ignore[index]
                "ips_start": s.ips_start.isoformat(),  # type: ignore[union-attr]
                "days_since_start": (DAY - s.ips_start).days,  # type: ignore[operator]
                "past_30_days": (DAY - s.ips_start).days > 30,  # type: ignore[operator]
                "next_planned_contact": planned[s.id].isoformat() if s.id in planned else None,
            }
            for s in waiting
        ]
    waiting_days = [w["days_since_start"] for w in document["waiting_for_first_contact"]]
    assert waiting_days == sorted(waiting_days, reverse=True)
    assert any(w["past_30_days"] for w in document["waiting_for_first_contact"])
    assert any(not w["past_30_days"] for w in document["waiting_for_first_contact"])


# -- deterministic, never twice, never over real records ---------------------------------------


def test_the_same_seed_and_day_give_the_same_county(
    county: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, document = county
    again = f"sqlite:///{tmp_path / 'again.sqlite3'}"
    second = _demo_json(again)
    assert {k: v for k, v in second.items() if k != "database"} == {
        k: v for k, v in document.items() if k != "database"
    }
    assert _dump(again) == _dump(url)


def test_another_seed_gives_another_county(
    county: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, _ = county
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert _demo_json(other, "--seed", "7")["seed"] == 7
    names = [row[2] for row in _dump(url)["employers"]]
    other_names = [row[2] for row in _dump(other)["employers"]]
    assert len(other_names) == 300
    assert names != other_names


def test_running_the_demo_twice_adds_nothing_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    first = _demo_json(url)
    before = _dump(url)
    text = _run("--db", url, "demo", "--today", TODAY)
    assert text.exit_code == 0, text.output
    assert "already in this database; nothing was added" in text.stdout
    second = _demo_json(url)
    assert second["created"] is False
    assert second["seed"] is None
    assert second["counts"] == first["counts"]
    assert _dump(url) == before


def test_demo_refuses_a_database_with_other_records_and_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    with ips_jobdev.open_store(url) as uow:
        uow.specialists.add(Specialist(code="ae", name="Alex Example"))
        uow.employers.add(Employer(name="Example Bakery"))
        uow.commit()
    before = _dump(url)
    result = _run("--db", url, "demo")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, "one line"
    assert "already holds records (1 specialists, 1 employers)" in result.stderr
    assert "Traceback" not in result.output
    assert _dump(url) == before


def test_build_demo_api_refuses_and_recognises(db_url: str) -> None:
    with ips_jobdev.open_store(db_url) as uow:
        assert not demo_present(uow)
        summary = build_demo(uow, seed=3, today=DAY)
        uow.commit()
        assert summary.created
        assert demo_present(uow)
        again = build_demo(uow, seed=3, today=DAY)
        assert not again.created
        assert again.counts == summary.counts
    with ips_jobdev.open_store(db_url) as uow:
        uow.employers.add(Employer(name="Example Bakery"))
        uow.commit()
        assert not build_demo(uow, today=DAY).created, "a demo database stays a demo database"


def test_build_demo_api_refuses_a_database_with_other_records(db_url: str) -> None:
    with ips_jobdev.open_store(db_url) as uow:
        uow.specialists.add(Specialist(code="ae", name="Alex Example"))
        uow.commit()
        with pytest.raises(DemoError, match=r"already holds records \(1 specialists\)"):
            build_demo(uow, today=DAY)
        assert uow.employers.count() == 0


def test_postgresql_and_sqlite_get_the_same_county(
    county: tuple[str, dict[str, Any]], pg_url: str
) -> None:
    _, document = county
    on_postgres = _demo_json(pg_url)
    assert {k: v for k, v in on_postgres.items() if k != "database"} == {
        k: v for k, v in document.items() if k != "database"
    }


# -- the text output is a list of sections -----------------------------------------------------


def test_text_output_prints_every_section(tmp_path: Path) -> None:
    result = _run("--db", str(tmp_path / "text.sqlite3"), "demo", "--today", TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Built a fictional Dane County, Wisconsin (seed 2026, history up to 2026-11-24)" in out
    assert re.search(r"employers\s+300\s+in 20 ZIP codes", out)
    assert re.search(r"job seekers\s+40\s", out)
    assert "Employers contacted most recently" in out
    assert "Job seekers with no face-to-face employer contact yet" in out
    assert "missed by" in out
    assert "days left" in out
    assert out.index("Employers contacted most recently") < out.index("Job seekers with no")


def test_a_later_feature_can_append_a_section_and_a_json_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def extra_section(app: Any, uow: Any, summary: Any) -> None:
        seen.append(uow.employers.count())
        app.console.print("EXTRA SECTION")

    monkeypatch.setattr(demo_cli, "DEMO_SECTIONS", [*demo_cli.DEMO_SECTIONS, extra_section])
    monkeypatch.setattr(
        demo_cli, "DEMO_JSON_PARTS", [lambda uow, summary: {"extra": summary.counts["employers"]}]
    )
    text = _run("--db", str(tmp_path / "a.sqlite3"), "demo", "--today", TODAY)
    assert text.exit_code == 0, text.output
    assert text.stdout.rstrip().endswith("EXTRA SECTION")
    assert seen == [300]
    document = _demo_json(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert document["extra"] == 300


def test_demo_help_has_examples() -> None:
    result = _run("demo", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "ips-jobdev demo --json" in result.stdout

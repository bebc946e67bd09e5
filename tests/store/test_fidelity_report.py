"""Fidelity figures from the record, worked out by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest

import ips_jobdev as jobdev
from ips_jobdev._reports import fidelity_report

ZONE = zoneinfo.ZoneInfo("America/Chicago")
START = dt.date(2026, 2, 2)  # a Monday
END = dt.date(2026, 3, 1)  # a Sunday: 28 days = 4 weeks


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _week(n: int, weekday: int = 0) -> dt.date:
    return START + dt.timedelta(days=7 * (n - 1) + weekday)


class _Record:
    """Adds records to one unit of work with little ceremony."""

    def __init__(self, uow: jobdev.UnitOfWork) -> None:
        self.uow = uow
        self.employers: list[jobdev.Employer] = []

    def specialist(self, code: str, started: dt.date | None = None) -> jobdev.Specialist:
        spec = jobdev.Specialist(code=code, name=f"Specialist {code}")
        if started is not None:
            spec.add_period(started)
        self.uow.specialists.add(spec)
        self.uow.flush()
        return spec

    def employer(self, n: int) -> jobdev.Employer:
        while len(self.employers) <= n:
            e = jobdev.Employer(name=f"Example Employer {len(self.employers)}", zip="53703")
            self.uow.employers.add(e)
            self.employers.append(e)
        self.uow.flush()
        return self.employers[n]

    def seeker(self, code: str, spec: jobdev.Specialist, **kw: object) -> jobdev.JobSeeker:
        seeker = self.uow.seekers.add(jobdev.JobSeeker(code=code, specialist_id=spec.id, **kw))  # type: ignore[arg-type]
        self.uow.flush()
        return seeker

    def visit(self, spec: jobdev.Specialist, employer: int, at: dt.datetime, **kw: object) -> None:
        self.uow.visits.add(
            jobdev.Visit(employer_id=self.employer(employer).id, specialist_id=spec.id, at=at, **kw)  # type: ignore[arg-type]
        )


@pytest.fixture
def record(db: jobdev.Database) -> Iterator[_Record]:
    with db.unit_of_work() as uow:
        yield _Record(uow)


def _contact_log(r: _Record) -> None:
    # nw was hired on 19 January: a new caseload
    jd, kb, nw = r.specialist("jd"), r.specialist("kb"), r.specialist("nw", dt.date(2026, 1, 19))
    j1 = r.seeker("J-1", jd, ips_start=dt.date(2025, 12, 1))
    for code in ("J-2", "J-3"):  # 3 looking for work: not a new caseload
        r.seeker(code, jd, ips_start=dt.date(2025, 12, 1))
    # jd, week 1: 6 face-to-face contacts, two of them at the same employer (both count),
    # one client-specific with the job seeker present, one generic
    for day in range(5):
        r.visit(jd, day, _at(_week(1, day)))
    r.visit(jd, 0, _at(_week(1, 4), 15), seekers=[j1], seeker_present=True)
    # week 2: 5 face-to-face; 2 phone calls, 1 planned and 1 cancelled visit do not count
    for day in range(5):
        r.visit(jd, 10 + day, _at(_week(2, day)))
    r.visit(jd, 1, _at(_week(2, 0), 14), mode="phone")
    r.visit(jd, 2, _at(_week(2, 1), 14), mode="email")
    r.visit(jd, 3, _at(_week(2, 2), 14), status="planned")
    r.visit(jd, 4, _at(_week(2, 3), 14), status="cancelled")
    # week 3: 4 face-to-face, and 1 follow-along support visit (not job development)
    for day in range(4):
        r.visit(jd, 20 + day, _at(_week(3, day)))
    r.visit(jd, 20, _at(_week(3, 4)), purpose="support", seekers=[j1])
    # week 4: 7 face-to-face, the last at 23:00 on Sunday 1 March, still in the period
    for day in range(6):
        r.visit(jd, 30 + day, _at(_week(4, day)))
    r.visit(jd, 36, _at(END, 23))
    # outside the period: 23:30 on Sunday 1 February (05:30 UTC on the 2nd) and 2 March
    r.visit(jd, 0, _at(START - dt.timedelta(days=1), 23, 30))
    r.visit(jd, 0, _at(END + dt.timedelta(days=1), 9))
    # kb: 9 contacts in the 4 weeks
    for n in range(9):
        r.visit(kb, 40 + n, _at(START + dt.timedelta(days=3 * n)))
    for n in range(21):
        r.seeker(f"K-{n}", kb, ips_start=dt.date(2025, 6, 1), status="working")
    # nw: a new caseload, 2 job seekers looking for work, 17 contacts
    r.seeker("N-1", nw, ips_start=dt.date(2026, 1, 20))
    r.seeker("N-2", nw, ips_start=dt.date(2026, 1, 25))
    for n in range(17):
        r.visit(nw, 60 + n, _at(START + dt.timedelta(days=n), 11))
    r.uow.commit()


def test_weekly_contacts_and_the_point_worked_by_hand(record: _Record) -> None:
    _contact_log(record)
    report = fidelity_report(record.uow, start=START, end=END)
    rows = {s.code: s for s in report.specialists}
    # jd: 6 + 5 + 4 + 7 = 22 face-to-face contacts / 4 weeks = 5.5 a week
    #     -> the anchor "5, form reviewed weekly" (5.0-5.9): point 4
    assert (rows["jd"].contacts, rows["jd"].weekly_contacts, rows["jd"].contact_point) == (
        22,
        5.5,
        4,
    )
    # kb: 9 / 4 = 2.25 a week, rounded to one decimal 2.3 -> "2 (or no tracking)": point 2
    assert (rows["kb"].contacts, rows["kb"].weekly_contacts, rows["kb"].contact_point) == (
        9,
        2.25,
        2,
    )
    # nw: 17 / 4 = 4.25 a week would be point 3 ("4"); but nw has 2 job seekers looking
    #     for work (fewer than 3) and makes at least 2 x 2 = 4 a week: the new-caseload
    #     rule gives 5
    assert (rows["nw"].weekly_contacts, rows["nw"].new_caseload_rule, rows["nw"].contact_point) == (
        4.25,
        True,
        5,
    )
    # the program: points 4, 2, 5 average (4 + 2 + 5) / 3 = 3.67 -> closest point 4
    figure = report.figure("frequent_employer_contact")
    assert figure.detail["mean_of_specialist_points"] == pytest.approx(3.667, abs=0.001)
    assert (figure.point, figure.anchor) == (4, "5, form reviewed weekly")
    # the value shown: the specialists' weekly figures averaged, (5.5 + 2.25 + 4.25) / 3 = 4
    assert figure.value == 4.0
    assert figure.detail["face_to_face_contacts"] == 22 + 9 + 17
    assert figure.detail["new_caseload_rule_applied"] == ["nw"]


def test_a_team_and_a_specialist_are_rated_on_their_own(record: _Record) -> None:
    _contact_log(record)
    team = fidelity_report(record.uow, start=START, end=END, team="jd,kb")
    # (4 + 2) / 2 = 3 -> "4, form reviewed monthly"
    assert team.figure("frequent_employer_contact").point == 3
    assert team.scope.label == "team jd, kb"
    alone = fidelity_report(record.uow, start=START, end=END, specialist="jd")
    assert [s.code for s in alone.specialists] == ["jd"]
    assert alone.figure("frequent_employer_contact").point == 4


def test_rapid_job_search_worked_by_hand(record: _Record) -> None:
    r = record
    jd = r.specialist("jd")
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    people = {
        code: r.seeker(code, jd, ips_start=day)
        for code, day in [
            ("A", dt.date(2026, 1, 5)),  # first contact 15 Jan: 10 days
            ("B", dt.date(2026, 1, 10)),  # phone 12 Jan (no), face to face 24 Feb: 45 days
            ("C", dt.date(2026, 2, 1)),  # contact the same day, with C present: 0 days
            ("D", dt.date(2026, 2, 2)),  # no contact; 30 days ran out on 4 Mar
            ("E", dt.date(2026, 3, 20)),  # no contact, still within 30 days on 31 Mar
            ("F", dt.date(2025, 12, 15)),  # started before the period: not counted
            ("G", dt.date(2026, 1, 20)),  # first contact 5 Apr, after the period
        ]
    }
    r.visit(jd, 0, _at(dt.date(2026, 1, 15)), seekers=[people["A"]])
    r.visit(jd, 1, _at(dt.date(2026, 1, 12)), seekers=[people["B"]], mode="phone")
    r.visit(jd, 1, _at(dt.date(2026, 2, 24)), seekers=[people["B"]])
    r.visit(jd, 2, _at(dt.date(2026, 2, 1)), seekers=[people["C"]], seeker_present=True)
    r.visit(jd, 3, _at(dt.date(2026, 1, 2)), seekers=[people["F"]])
    r.visit(jd, 4, _at(dt.date(2026, 4, 5)), seekers=[people["G"]])
    r.uow.commit()
    report = fidelity_report(r.uow, start=start, end=end)
    days = report.figure("rapid_job_search")
    # entered IPS in the period: A, B, C, D, E, G = 6; with a first contact: A, B, C
    # average days (10 + 45 + 0) / 3 = 18.3 -> rounded 18, "30 or fewer": point 5
    assert days.value == 18.3
    assert (days.point, days.anchor) == (5, "30 or fewer")
    assert days.detail == {
        "entered_ips": 6,
        "with_first_contact": 3,
        "within_30_days": 2,  # A and C
        "judged": 5,  # A, B, C had a contact; D and G ran out of days without one
        "waiting": 3,  # D, E and G had no contact by 31 March
        "waiting_past_day_30": 2,  # D and G
        # counting the waiting at their days so far (D 57, E 11, G 70): a floor
        # (10 + 45 + 0 + 57 + 11 + 70) / 6 = 32.2
        "average_counting_waiting": 32.2,
    }
    # within 30 days: 2 of the 5 judged = 40%
    assert report.figure("rapid_job_search_share").value == 40.0


def test_diversity_and_competitive_jobs_worked_by_hand(record: _Record) -> None:
    r = record
    jd = r.specialist("jd")
    seeker = r.seeker("J-1", jd, ips_start=dt.date(2025, 6, 1))
    x, y, z, w = (r.employer(n).id for n in range(4))
    jobs = [
        (x, "cook", True, dt.date(2026, 2, 3)),
        (x, "cook", True, dt.date(2026, 2, 10)),
        (y, "cashier", True, dt.date(2026, 2, 11)),
        (z, None, False, dt.date(2026, 2, 20)),
        (w, "stocker", True, dt.date(2026, 3, 1)),
        (w, "stocker", True, dt.date(2026, 3, 2)),  # after the period
    ]
    for employer_id, job_type, competitive, start in jobs:
        r.uow.job_starts.add(
            jobdev.JobStart(
                seeker_id=seeker.id,  # type: ignore[arg-type]
                employer_id=employer_id,  # type: ignore[arg-type]
                title="Job",
                job_type=job_type,
                competitive=competitive,
                start_date=start,
            )
        )
    r.uow.commit()
    report = fidelity_report(r.uow, start=START, end=END)
    # job types: 4 jobs with a type (cook, cook, cashier, stocker), 3 different: 75%
    #   -> "70-84%": point 4
    types = report.figure("diversity_of_job_types")
    assert (types.value, types.point, types.anchor) == (75.0, 4, "70-84%")
    # employers: 5 jobs at 4 different employers (x, y, z, w): 80% -> point 4
    employers = report.figure("diversity_of_employers")
    assert (employers.value, employers.point) == (80.0, 4)
    # competitive: 4 of 5 = 80% -> "75-84%": point 3
    competitive = report.figure("competitive_jobs")
    assert (competitive.value, competitive.point, competitive.anchor) == (80.0, 3, "75-84%")


def test_multi_visit_relationships_and_caseload_worked_by_hand(record: _Record) -> None:
    r = record
    jd, kb = r.specialist("jd"), r.specialist("kb")
    # employer 0: 3 face-to-face visits; 1: one; 2: one in person and one by phone
    for day in (1, 8, 15):
        r.visit(jd, 0, _at(START + dt.timedelta(days=day)))
    r.visit(jd, 1, _at(START + dt.timedelta(days=2)))
    r.visit(jd, 2, _at(START + dt.timedelta(days=3)), purpose="learn-business")
    r.visit(jd, 2, _at(START + dt.timedelta(days=4)), mode="phone")
    # caseloads: jd 22 (and 2 closed, not counted), kb 19
    for n in range(22):
        r.seeker(f"J-{n}", jd, ips_start=dt.date(2025, 9, 1))
    for n in range(2):
        r.seeker(f"X-{n}", jd, ips_start=dt.date(2025, 9, 1), status="closed")
    for n in range(19):
        r.seeker(f"K-{n}", kb, ips_start=dt.date(2025, 9, 1), status="working")
    r.uow.commit()
    report = fidelity_report(r.uow, start=START, end=END)
    multi = report.figure("multi_visit_relationships")
    # 3 employers visited face to face; only employer 0 twice or more: 1 / 3 = 33.3%
    assert multi.value == 33.3
    assert multi.detail["employers_visited"] == 3
    assert multi.detail["visits_per_employer"] == round(5 / 3, 2)
    assert multi.detail["visits_by_purpose"] == {"introduce": 4, "learn-business": 1}
    # caseload: (22 + 19) / 2 specialists = 20.5 -> rounded 21, "21-25": point 4
    caseload = report.figure("caseload_size")
    assert (caseload.value, caseload.point, caseload.anchor) == (20.5, 4, "21-25")
    assert {s.code: (s.caseload, s.caseload_point) for s in report.specialists} == {
        "jd": (22, 4),
        "kb": (19, 5),
    }


def test_an_empty_period_reports_no_values_rather_than_zeros(record: _Record) -> None:
    record.specialist("jd")
    record.uow.commit()
    report = fidelity_report(record.uow, start=START, end=END)
    assert report.figure("rapid_job_search").value is None
    assert report.figure("competitive_jobs").value is None
    assert report.figure("competitive_jobs").point is None
    # an active specialist with no contacts is still rated: 0 a week, point 1
    assert report.figure("frequent_employer_contact").point == 1


def test_the_report_names_its_scale_and_refuses_backward_periods(record: _Record) -> None:
    record.specialist("jd")
    report = fidelity_report(record.uow, start=START, end=END)
    document = report.to_dict()
    assert document["scale"]["version"] == "4th edition manual, December 2019"
    assert document["period"] == {
        "from": START,
        "to": END,
        "days": 28,
        "timezone": "America/Chicago",
    }
    assert all(f["definition"] for f in document["figures"])
    with pytest.raises(jobdev.ValidationError, match="before the start"):
        fidelity_report(record.uow, start=END, end=START)
    with pytest.raises(jobdev.ValidationError, match="not both"):
        fidelity_report(record.uow, start=START, end=END, specialist="jd", team="jd")
    with pytest.raises(jobdev.NotFoundError):
        fidelity_report(record.uow, start=START, end=END, team="jd,zz")


def test_a_team_takes_codes_in_any_case_each_once_in_the_time_zone_of_the_first(
    record: _Record,
) -> None:
    _contact_log(record)
    kb = record.uow.specialists.by_code("kb")
    kb.timezone = "America/Denver"
    record.uow.commit()
    report = fidelity_report(record.uow, start=START, end=END, team=" KB, jd ,kb,, ")
    assert report.scope.label == "team kb, jd"
    assert report.scope.codes == ("kb", "jd")
    assert report.period.zone == "America/Denver"
    assert [s.code for s in report.specialists] == ["jd", "kb"]  # rows by code
    assert report.figure("frequent_employer_contact").detail["face_to_face_contacts"] == 22 + 9
    # the whole database takes the zone of the first specialist by code (jd), unless told
    assert fidelity_report(record.uow, start=START, end=END).period.zone == "America/Chicago"
    told = fidelity_report(record.uow, start=START, end=END, timezone="America/New_York")
    assert told.period.zone == "America/New_York"
    with pytest.raises(jobdev.ValidationError, match="at least one specialist code"):
        fidelity_report(record.uow, start=START, end=END, team=" , ")


def test_an_inactive_specialist_with_no_contacts_and_no_caseload_is_not_rated(
    record: _Record,
) -> None:
    _contact_log(record)
    gone = record.specialist("zz")
    gone.active = False
    record.uow.commit()
    report = fidelity_report(record.uow, start=START, end=END)
    assert [s.code for s in report.specialists] == ["jd", "kb", "nw"]
    assert report.figure("caseload_size").detail == {
        "job_seekers": 3 + 21 + 2,
        "specialists": 3,
        "full_time_equivalents": 3.0,
    }

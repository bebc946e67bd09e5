"""A quarter worked by hand: every fidelity and outcome figure of Q3 2026 for a program of
three specialists (one on leave, one half time, one hired mid-quarter with a new caseload),
with job seekers closed after the quarter, a non-competitive job, a temp-agency job, late
entrants still waiting, support visits and a contact a job seeker made alone.

docs/explanation/how-the-figures-are-computed.md walks through the same computations.
Re-running the quarter after later changes must give the identical report.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev._casework.caseload import edit_specialist, record_leave
from ips_jobdev._casework.jobs import end_job, record_job_start
from ips_jobdev._casework.status import close_seeker, reopen_seeker
from ips_jobdev._reports import fidelity_report, outcomes_report

ZONE = zoneinfo.ZoneInfo("America/Chicago")
Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))  # 92 days: 13.142857 weeks
D = dt.date


def _weekdays(
    first: dt.date, last: dt.date, skip: tuple[dt.date, dt.date] | None = None
) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and not (skip and skip[0] <= day <= skip[1]):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class _Program:
    """The scenario's record, built in one unit of work."""

    def __init__(self, uow: jobdev.UnitOfWork) -> None:
        self.uow = uow
        self.employers: dict[str, jobdev.Employer] = {}
        self.people: dict[str, jobdev.JobSeeker] = {}

    def employer(self, key: str, **kw: Any) -> jobdev.Employer:
        if key not in self.employers:
            self.employers[key] = self.uow.employers.add(
                jobdev.Employer(name=f"Example {key}", zip="53703", **kw)
            )
            self.uow.flush()
        return self.employers[key]

    def seeker(
        self, code: str, who: jobdev.Specialist, ips_start: dt.date, **kw: Any
    ) -> jobdev.JobSeeker:
        person = jobdev.JobSeeker(code=code, specialist_id=who.id, ips_start=ips_start, **kw)
        self.uow.seekers.add(person)
        self.uow.flush()
        self.people[code] = person
        return person

    def visit(
        self, who: jobdev.Specialist, employer: str, day: dt.date, hour: int = 10, **kw: Any
    ) -> None:
        codes = kw.pop("seekers", ())
        self.uow.visits.add(
            jobdev.Visit(
                employer_id=self.employer(employer).id,  # type: ignore[arg-type]
                specialist_id=who.id,  # type: ignore[arg-type]
                at=dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE),
                seekers=[self.people[c] for c in codes],
                **kw,
            )
        )

    def job(self, code: str, employer: str, start: dt.date, **kw: Any) -> jobdev.JobStart:
        job = jobdev.JobStart(
            seeker_id=self.people[code].id,  # type: ignore[arg-type]
            employer_id=self.employer(employer).id,  # type: ignore[arg-type]
            title=kw.pop("title", "Job"),
            start_date=start,
            **kw,
        )
        self.uow.job_starts.add(job)
        self.uow.flush()
        return job


def build(uow: jobdev.UnitOfWork) -> _Program:
    p = _Program(uow)
    # -- specialists ------------------------------------------------------------------
    ana = jobdev.Specialist(code="ana", name="Ana Example")  # full time, no dates recorded
    ana.add_leave(D(2026, 8, 10), D(2026, 8, 14), "vacation")  # Monday to Friday: one week
    ben = jobdev.Specialist(code="ben", name="Ben Example")
    ben.add_period(D(2025, 1, 6), fte=0.5)  # half time
    cal = jobdev.Specialist(code="cal", name="Cal Example")
    cal.add_period(D(2026, 8, 3))  # hired on Monday 3 August with a new caseload
    uow.specialists.add_all([ana, ben, cal])
    uow.flush()
    # -- employers ---------------------------------------------------------------------
    for n in range(10):  # ana's: grocery stores hiring stockers
        p.employer(f"E{n}", industry="grocery", job_types=["stocker"])
    for n in range(10, 20):  # ben's: retail, cashiers
        p.employer(f"E{n}", industry="retail", job_types=["cashier"])
    # -- ana's job seekers -------------------------------------------------------------
    for n in range(1, 13):
        prefs = {1: {"job_types": ["stocker"]}, 2: {"job_types": ["cashier"], "avoid": ["grocery"]}}
        p.seeker(
            f"A{n:02d}", ana, D(2026, 1, 5), preferences=jobdev.Preferences(**prefs.get(n, {}))
        )
    a13 = p.seeker("A13", ana, D(2026, 1, 5))
    a13.change_status("working", D(2026, 5, 4))
    a14 = p.seeker("A14", ana, D(2026, 1, 5))
    for status, day in [
        ("working", D(2026, 6, 1)),
        ("searching", D(2026, 8, 21)),  # laid off on 20 August
        ("working", D(2026, 9, 21)),  # a second job
        ("closed", D(2026, 10, 15)),  # closed after the quarter
    ]:
        a14.change_status(status, day)
    a15 = p.seeker("A15", ana, D(2026, 1, 5))
    a15.change_status("closed", D(2026, 6, 20))  # closed before the quarter
    a16 = p.seeker("A16", ana, D(2026, 1, 5))
    a16.change_status("on-hold", D(2026, 2, 1))
    p.seeker("A17", ana, D(2026, 9, 20))  # a late entrant, still waiting
    p.seeker("A18", ana, D(2026, 7, 6))  # made their own first contact
    p.seeker("A19", ana, D(2026, 7, 13), preferences=jobdev.Preferences(job_types=["stocker"]))
    p.seeker("A20", ana, D(2026, 8, 3))  # no contact by 30 September: past day 30
    p.seeker("A21", ana, D(2026, 1, 5))  # takes a non-competitive job: still searching
    # -- ben's and cal's ---------------------------------------------------------------
    for n in range(1, 9):
        prefs = jobdev.Preferences(industries=["retail"]) if n == 1 else jobdev.Preferences()
        p.seeker(f"B0{n}", ben, D(2025, 10, 1), preferences=prefs)
    b09 = p.seeker("B09", ben, D(2025, 10, 1))
    b09.change_status("working", D(2026, 8, 17))
    b10 = p.seeker("B10", ben, D(2025, 10, 1))
    b10.change_status("working", D(2026, 4, 6))
    p.seeker("C1", cal, D(2026, 8, 10))
    p.seeker("C2", cal, D(2026, 8, 17))
    # -- jobs --------------------------------------------------------------------------
    p.job("A13", "J1", D(2026, 5, 4), job_type="stocker", hours_per_week=20, wage="15.00")
    p.job(
        "A14", "J2", D(2026, 6, 1), job_type="cashier", hours_per_week=25, wage="14.00",
        end_date=D(2026, 8, 20), end_reason="laid-off",
    )  # fmt: skip
    p.job("A14", "J6", D(2026, 9, 21), job_type="baker", hours_per_week=20, wage="15.00")
    p.job(
        "A21", "J3", D(2026, 7, 20), job_type="janitor", title="Transitional job (agency-run)",
        competitive=False, hours_per_week=15, wage="12.00",
    )  # fmt: skip
    p.job(
        "B09", "J4", D(2026, 8, 17), job_type="warehouse", title="Warehouse (temp agency)",
        hours_per_week=32, wage="16.50",
    )  # fmt: skip
    p.job("B10", "J5", D(2026, 4, 6), job_type="cook", hours_per_week=30, wage="15.50")
    # -- ana's contacts: 69 face to face for job development, over E0-E9 in turn, on the
    #    61 weekdays she worked (66 less her week of leave); A01 named on the first 10
    #    (with A01 present on 4), A02 on the next 5
    days = _weekdays(*Q3, skip=(D(2026, 8, 10), D(2026, 8, 14)))
    for i in range(69):
        seekers = ["A01"] if i < 10 else (["A02"] if i < 15 else [])
        p.visit(
            ana, f"E{i % 10}", days[i % len(days)], 9 + i // len(days),
            seekers=seekers, seeker_present=i < 4,
        )  # fmt: skip
    # the 70th: A19's first contact, day 42, with A19 present
    p.visit(ana, "E3", D(2026, 8, 24), 14, seekers=["A19"], seeker_present=True)
    # not counted: two phone calls (one for A19 on day 2), four follow-along support
    # visits, a planned and a cancelled visit
    p.visit(ana, "E1", D(2026, 7, 15), 15, mode="phone", seekers=["A19"])
    p.visit(ana, "E2", D(2026, 7, 16), 15, mode="phone")
    for code, employer, day in [
        ("A13", "J1", D(2026, 7, 15)),
        ("A13", "J1", D(2026, 8, 20)),
        ("A14", "J2", D(2026, 7, 10)),
        ("A14", "J2", D(2026, 8, 5)),
    ]:
        p.visit(ana, employer, day, 16, purpose="support", seekers=[code], seeker_present=True)
    p.visit(ana, "E5", D(2026, 9, 29), 16, status="planned")
    p.visit(ana, "E6", D(2026, 9, 28), 16, status="cancelled")
    # A18's own contact on day 4: theirs, not ana's
    p.visit(ana, "E99", D(2026, 7, 10), 11, seekers=["A18"], made_by="job-seeker")
    # before the quarter: E90 last visited 10 February (cold by 30 September), E91 1 May
    p.visit(ana, "E90", D(2026, 2, 10))
    p.visit(ana, "E91", D(2026, 5, 1))
    # -- ben's: 40 face to face over E10-E19 (B01 on 8, B02 on 2) and an email ----------
    ben_days = _weekdays(*Q3)
    for i in range(40):
        seekers = ["B01"] if i < 8 else (["B02"] if i < 10 else [])
        p.visit(ben, f"E{10 + i % 10}", ben_days[i], 10, seekers=seekers)
    p.visit(ben, "E10", D(2026, 7, 2), 15, mode="email")
    for code, employer, day in [
        ("B09", "J4", D(2026, 8, 19)),
        ("B09", "J4", D(2026, 8, 26)),
        ("B09", "J4", D(2026, 9, 2)),
        ("B10", "J5", D(2026, 7, 1)),
        ("B10", "J5", D(2026, 7, 20)),
        ("B10", "J5", D(2026, 8, 10)),
        ("B10", "J5", D(2026, 9, 15)),
    ]:
        p.visit(ben, employer, day, 16, purpose="support", seekers=[code])
    # -- cal's: 38 face to face at E20-E57 once each; C1 on 12 Aug (present), C2 on 20 Aug
    p.visit(cal, "E20", D(2026, 8, 12), 9, seekers=["C1"], seeker_present=True)
    p.visit(cal, "E21", D(2026, 8, 20), 9, seekers=["C2"])
    cal_days = _weekdays(D(2026, 8, 3), Q3[1])
    for i in range(36):
        p.visit(cal, f"E{22 + i}", cal_days[i], 11)
    uow.commit()
    return p


@pytest.fixture
def program(db: jobdev.Database) -> Iterator[jobdev.UnitOfWork]:
    with db.unit_of_work() as uow:
        build(uow)
        yield uow


def _rows(report: Any) -> dict[str, Any]:
    return {s.code: s for s in report.specialists}


def test_frequent_employer_contact_over_the_weeks_each_specialist_worked(
    program: jobdev.UnitOfWork,
) -> None:
    report = fidelity_report(program, start=Q3[0], end=Q3[1])
    rows = _rows(report)
    # ana: 92 days / 7 = 13.142857 weeks, less a week of leave (5 work days / 5) = 12.142857;
    #   70 contacts / 12.142857 = 5.765 -> 5.8 a week: point 4 (without the leave: 5.33, 4)
    assert (rows["ana"].contacts, round(rows["ana"].weeks_worked, 4)) == (70, 12.1429)
    assert (round(rows["ana"].weekly_contacts, 3), rows["ana"].contact_point) == (5.765, 4)
    # ben: half time, 13.142857 x 0.5 = 6.571 full-time weeks; 40 / 6.571 = 6.09: point 5
    assert (rows["ben"].contacts, round(rows["ben"].full_time_weeks, 3)) == (40, 6.571)
    assert (round(rows["ben"].weekly_contacts, 3), rows["ben"].contact_point) == (6.087, 5)
    # cal: hired 3 August, 59 days = 8.428571 weeks; 38 / 8.43 = 4.51 -> 4.5: point 3, but a
    #   new caseload with 2 looking for work and 4.5 >= 2 x 2 a week: point 5
    cal = rows["cal"]
    assert (cal.contacts, round(cal.weeks_worked, 4), cal.started) == (38, 8.4286, D(2026, 8, 3))
    assert (round(cal.weekly_contacts, 3), cal.looking_for_work) == (4.508, 2)
    assert (cal.new_caseload_rule, cal.contact_point) == (True, 5)
    # the program: (4 + 5 + 5) / 3 = 4.67 -> closest point 5
    figure = report.figure("frequent_employer_contact")
    assert (figure.point, figure.anchor) == (5, "6 or more, form reviewed weekly")
    assert figure.detail["mean_of_specialist_points"] == pytest.approx(4.667, abs=0.001)
    # the value: (5.765 + 6.087 + 4.508) / 3 = 5.45
    assert figure.value == 5.45


def test_between_anchors_is_a_choice(program: jobdev.UnitOfWork) -> None:
    nearest = fidelity_report(program, start=Q3[0], end=Q3[1], between_anchors="nearest")
    rows = _rows(nearest)
    # ana's 5.8 is nearer "6" than "5": point 5; cal's 4.5 is halfway between "4" and "5":
    # halves go up, point 4 (the new-caseload rule still gives 5)
    assert rows["ana"].contact_point == 5
    assert nearest.to_dict()["scale"]["between_anchors"] == "nearest"
    as_is = jobdev.FidelityScale.from_dict({**_scale_dict(), "between_anchors": "reach"})
    assert as_is.between_anchors == "reach"


def _scale_dict() -> dict[str, Any]:
    import tomllib
    from importlib import resources

    text = resources.files("ips_jobdev").joinpath("data", "ips-25-us.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_caseload_size_per_full_time_specialist(program: jobdev.UnitOfWork) -> None:
    report = fidelity_report(program, start=Q3[0], end=Q3[1])
    rows = _rows(report)
    # served in Q3: ana A01-A14 and A16-A21 = 20 (A14 closed on 15 October still counts,
    # A15 closed on 20 June does not; A16 on hold counts); ben 10; cal 2
    assert {code: r.caseload for code, r in rows.items()} == {"ana": 20, "ben": 10, "cal": 2}
    # per full-time specialist: ana 20 / 1 = 20, ben 10 / 0.5 = 20, cal 2 / 1 = 2: all point 5
    assert {code: r.caseload_per_fte for code, r in rows.items()} == {
        "ana": 20.0,
        "ben": 20.0,
        "cal": 2.0,
    }
    # the program: 32 served / (1 + 0.5 + 59/92) = 32 / 2.1413 = 14.9 -> 15: point 5
    figure = report.figure("caseload_size")
    assert figure.detail == {"job_seekers": 32, "specialists": 3, "full_time_equivalents": 2.141}
    assert (figure.value, figure.point) == (14.9, 5)


def test_rapid_job_search_counts_the_job_seekers_own_contacts_and_shows_who_waits(
    program: jobdev.UnitOfWork,
) -> None:
    report = fidelity_report(program, start=Q3[0], end=Q3[1])
    figure = report.figure("rapid_job_search")
    # entered in Q3: A17, A18, A19, A20, C1, C2. First contacts: A18 day 4 (their own),
    # A19 day 42 (the phone call on day 2 does not count), C1 day 2, C2 day 3
    # -> (4 + 42 + 2 + 3) / 4 = 12.75 -> 12.8, rated 13: point 5
    assert (figure.value, figure.point) == (12.8, 5)
    by_code = {row["seeker"]: row for row in figure.evidence}
    assert (by_code["A18"]["days"], by_code["A18"]["by"]) == (4, "job seeker")
    assert (by_code["A19"]["days"], by_code["A19"]["by"]) == (42, "specialist")
    # still waiting: A17 (10 days so far), A20 (58 days: past day 30)
    waiting = {
        row["seeker"]: (row["days"], row["by"])
        for row in figure.evidence
        if not row["first_contact"]
    }
    assert waiting == {"A17": (10, "still waiting"), "A20": (58, "still waiting, past day 30")}
    assert (figure.detail["waiting"], figure.detail["waiting_past_day_30"]) == (2, 1)
    # counting the waiting at their days so far: (4 + 42 + 2 + 3 + 10 + 58) / 6 = 19.8
    assert figure.detail["average_counting_waiting"] == 19.8
    # within 30 days: A18, C1, C2 of the 5 judged (4 contacted + A20) = 60%
    assert report.figure("rapid_job_search_share").value == 60.0


def test_individualized_job_search_and_how_contacts_are_made(program: jobdev.UnitOfWork) -> None:
    report = fidelity_report(program, start=Q3[0], end=Q3[1])
    fit = report.figure("individualized_job_search")
    # judged: A01 at grocery stores hiring stockers, 10 (fit); A19 1 (fit); A02, who avoids
    # grocery, 5 (no fit); B01 at retail, 8 (fit) -> 19 / 24 = 79.2% -> 79: point 4
    # not judged: B02 (no preferences) 2, C1 and C2 (employers with no industry or types) 2
    assert fit.detail == {"contacts_for_job_seekers": 28, "judged": 24, "fit": 19, "not_judged": 4}
    assert (fit.value, fit.point, fit.anchor) == (79.2, 4, "75-89%")
    values = {f.key: f for f in report.figures}
    # all contacts the specialists made (support and A18's own left out): 72 + 41 + 38 = 151,
    # in person 148 -> 98.0%
    assert values["face_to_face_share"].value == 98.0
    # with a job seeker present: 4 (A01) + 1 (A19) + 1 (C1) of 28 for job seekers = 21.4%
    assert values["seeker_present_share"].value == 21.4
    # per job seeker looking for work: 148 / 29 = 5.10 (ana 18, ben 9, cal 2 looking)
    per = values["contacts_per_seeker_looking"]
    assert (per.value, per.detail["looking_for_work"], per.detail["per_week"]) == (5.1, 29, 0.39)


def test_job_starts_multi_visit_follow_along_and_cold(program: jobdev.UnitOfWork) -> None:
    report = fidelity_report(program, start=Q3[0], end=Q3[1])
    values = {f.key: f for f in report.figures}
    # job starts in Q3: A21 janitor (transitional, not competitive), B09 warehouse (temp
    # agency: competitive), A14 baker: 3 types of 3, 3 employers of 3 -> 100%: point 5
    assert (values["diversity_of_job_types"].value, values["diversity_of_job_types"].point) == (
        100.0,
        5,
    )
    assert values["diversity_of_employers"].point == 5
    # competitive: 2 of 3 = 66.7% -> 67, "65-74%": point 2
    assert (values["competitive_jobs"].value, values["competitive_jobs"].point) == (66.7, 2)
    # employers visited for job development: E0-E9 (7 or 8 each), E10-E19 (4 each), E20-E57
    # (once each) = 58, 20 of them twice or more -> 34.5%; support visits and A18's own
    # contact are not relationship building
    multi = values["multi_visit_relationships"]
    assert (multi.value, multi.detail["employers_visited"], multi.detail["with_two_or_more"]) == (
        34.5,
        58,
        20,
    )
    assert "support" not in multi.detail["visits_by_purpose"]
    # the evidence: the 20 employers visited twice or more, most visits first (E3 8 with
    # A19's contact; E0-E8 7 each of ana's 69 in turn, E9 6; ben's E10-E19 4 each)
    visits = [(row["employer"], row["visits"]) for row in multi.evidence]
    assert len(visits) == 20
    assert visits[0] == ("Example E3", 8)
    assert [n for _, n in visits] == [8] + [7] * 8 + [6] + [4] * 10
    # follow-along checks due in Q3: B09 (started 17 Aug) 5, met 4 (no visit in week 4);
    # A13 months ending 30 Jul, 29 Aug, 28 Sep: 3, met 2; A14's first job, month ending
    # 28 Jul: 1, met 1 (the next one ends after the job did); A14's second job (21 Sep):
    # "within 3 days" (to 24 Sep) and week 1 (to 27 Sep), no visit yet: 2, met 0; B10 months
    # ending 2 Jul, 1 Aug, 31 Aug, 30 Sep: 4, met 4 -> 11 of 15 = 73.3%
    follow = values["follow_along"]
    assert follow.detail == {"jobs": 5, "checks_due": 15, "checks_met": 11}
    assert follow.value == 73.3
    missed = [(row["seeker"], row["job_start"], row["missed"]) for row in follow.evidence]
    assert missed == [
        ("B10", D(2026, 4, 6), []),
        ("A13", D(2026, 5, 4), ["month 5"]),
        ("A14", D(2026, 6, 1), []),
        ("B09", D(2026, 8, 17), ["week 4"]),
        ("A14", D(2026, 9, 21), ["within 3 days", "week 1"]),
    ]
    # cold: of 60 employers visited in the year up to 30 September, E90 (232 days) -> 1.7%
    cold = values["cold_relationships"]
    assert (cold.value, [row["employer"] for row in cold.evidence]) == (1.7, ["Example E90"])


def test_outcomes_of_the_quarter(program: jobdev.UnitOfWork) -> None:
    report = outcomes_report(program, start=Q3[0], end=Q3[1])
    values = {f.key: f.value for f in report.figures}
    # served 32; worked in a competitive job: A13, A14, B09, B10 = 4 -> 12.5%
    assert (values["caseload"], values["worked_competitive"], values["employment_rate"]) == (
        32,
        4,
        12.5,
    )
    # competitive starts: B09 (temp agency), A14's second job = 2; A21's transitional job apart
    assert (values["job_starts"], values["non_competitive_job_starts"]) == (2, 1)
    # first competitive starts: B09 only (A14's first was in June), 320 days after IPS start
    assert (values["first_job_starts"], values["days_to_first_job"]) == (1, 320.0)
    # hours (32 + 20) / 2 = 26; wage (16.50 + 15.00) / 2 = 15.75
    assert (values["average_hours_per_week"], values["average_hourly_wage"]) == (26.0, 15.75)
    # 90-day cohort: competitive starts 2 April to 2 July: B10 and A13 held, A14 ended on day 80
    held = report.figure("held_90_days")
    assert (held.value, held.detail["held"], held.detail["started_90_days_before_end"]) == (
        66.7,
        2,
        3,
    )
    assert (held.detail["cohort_started_from"], held.detail["cohort_started_to"]) == (
        D(2026, 4, 2),
        D(2026, 7, 2),
    )
    # tenure: A14's job ended after 80 days = 11.4 weeks; still held on 30 September: A13 149
    # days, B09 44, B10 177, A14's second 9 -> 379 / 4 / 7 = 13.5 weeks so far
    tenure = report.figure("job_tenure")
    assert (tenure.value, tenure.detail["weeks_so_far_of_jobs_held"]) == (11.4, 13.5)
    # a second job after an ending: A14 on 21 September
    assert values["second_jobs"] == 1
    assert report.figure("job_endings").detail["by_reason"] == {"laid-off": 1}


def test_a_past_quarter_re_run_after_later_changes_gives_identical_figures(
    db: jobdev.Database,
) -> None:
    with db.unit_of_work() as uow:
        build(uow)
        fidelity_before = fidelity_report(uow, start=Q3[0], end=Q3[1]).to_dict(evidence=True)
        outcomes_before = outcomes_report(uow, start=Q3[0], end=Q3[1]).to_dict(evidence=True)
    with db.unit_of_work() as uow:
        # everything that happens in the fourth quarter
        close_seeker(uow, "A01", on=D(2026, 10, 20))
        reopen_seeker(uow, "A15", on=D(2026, 10, 5))
        b09 = next(j for j in uow.job_starts.in_start_order() if j.title.endswith("(temp agency)"))
        end_job(uow, b09.id, on=D(2026, 11, 2), reason="temporary-ended")  # type: ignore[arg-type]
        record_job_start(uow, "B01", "Example E10", title="Cashier", start_date=D(2026, 10, 12))
        edit_specialist(uow, "ben", fte=1.0, fte_from=D(2026, 10, 1))
        record_leave(uow, "cal", first_day=D(2026, 11, 23), last_day=D(2026, 11, 27))
        uow.seekers.add(jobdev.JobSeeker(code="A22", ips_start=D(2026, 10, 6), specialist_id=1))
        ana = uow.specialists.by_code("ana")
        uow.visits.add(
            jobdev.Visit(
                employer_id=uow.employers.find_by_name("Example E0")[0].id,  # type: ignore[arg-type]
                specialist_id=ana.id,  # type: ignore[arg-type]
                at=dt.datetime(2026, 10, 2, 10, tzinfo=ZONE),
                seekers=[uow.seekers.by_code("A17")],
            )
        )
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.seekers.by_code("A01").status is jobdev.JobSeekerStatus.CLOSED
        # figure for figure, and every evidence row behind them
        after = fidelity_report(uow, start=Q3[0], end=Q3[1]).to_dict(evidence=True)
        assert after == fidelity_before
        assert outcomes_report(uow, start=Q3[0], end=Q3[1]).to_dict(evidence=True) == (
            outcomes_before
        )


def test_the_web_drilldowns_list_what_each_figure_counted(program: jobdev.UnitOfWork) -> None:
    """The browser's "what is behind it" pages follow the same rules as the figures."""
    from ips_jobdev import _overview as overview

    now = dt.datetime(2026, 12, 5, 12, tzinfo=ZONE)

    def detail(key: str) -> Any:
        return overview.figure_detail(
            program, key, "ana", scope="program", start=Q3[0], end=Q3[1], now=now
        )

    # 148 contacts: ana 70, ben 40, cal 38; no support visit, no phone call, not A18's own
    contacts = detail("frequent_employer_contact")
    assert contacts.total == 148
    assert all(row.purpose is not jobdev.VisitPurpose.SUPPORT for row in contacts.rows)
    assert "A18" not in {code for row in contacts.rows for code in row.seekers}
    assert detail("multi_visit_relationships").total == 58
    # served in Q3 by the status then: A14 (closed 15 October) in, A15 (closed 20 June) out
    served = {row.code for row in detail("caseload").rows}
    assert len(served) == 32
    assert "A14" in served
    assert "A15" not in served
    assert detail("caseload_size").total == 32
    worked = {row.seeker_code for row in detail("worked_competitive").rows}
    assert worked == {"A13", "A14", "B09", "B10"}
    # competitive starts only; the transitional job apart
    assert [row.seeker_code for row in detail("job_starts").rows] == ["B09", "A14"]
    assert [row.seeker_code for row in detail("non_competitive_job_starts").rows] == ["A21"]
    assert [row.seeker_code for row in detail("first_job_starts").rows] == ["B09"]
    held = detail("held_90_days")
    assert [(row.seeker_code, mark) for row, mark in zip(held.rows, held.marks, strict=True)] == [
        ("B10", "held 90 days"),
        ("A13", "held 90 days"),
        ("A14", "ended before 90 days"),
    ]
    # rapid job search: A18's own contact is their first; the phone call is not A19's
    rapid = detail("rapid_job_search")
    marks = dict(zip((row.code for row in rapid.rows), rapid.marks, strict=True))
    assert marks["A18"] == "day 4: within 30 days"
    assert marks["A19"] == "day 42: after day 30"
    assert marks["A20"] == "no contact yet, past day 30"
    # the newer figures show their evidence rows
    follow = detail("follow_along")
    assert (follow.kind, follow.total) == ("evidence", 5)


def test_a_period_with_no_one_served_has_no_caseload_to_rate(program: jobdev.UnitOfWork) -> None:
    # before anyone entered IPS (ben's job seekers entered on 1 October 2025)
    report = fidelity_report(program, start=D(2025, 4, 1), end=D(2025, 6, 30))
    figure = report.figure("caseload_size")
    assert (figure.value, figure.point, figure.detail["job_seekers"]) == (None, None, 0)

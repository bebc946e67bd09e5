"""Outcome figures and program goals, worked out by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import ips_jobdev as jobdev
from ips_jobdev._reports import goal_progress, list_goals, outcomes_report, set_goal

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)  # the first half of 2026


def _build(db: jobdev.Database) -> None:
    with db.unit_of_work() as uow:
        jd = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe"))
        kb = uow.specialists.add(jobdev.Specialist(code="kb", name="Kim Baker"))
        shop = uow.employers.add(jobdev.Employer(name="Example Shop", zip="53703"))
        uow.flush()

        def seeker(code: str, who: jobdev.Specialist, **kw: object) -> jobdev.JobSeeker:
            kw.setdefault("ips_start", dt.date(2025, 9, 1))
            s = uow.seekers.add(jobdev.JobSeeker(code=code, specialist_id=who.id, **kw))  # type: ignore[arg-type]
            uow.flush()
            return s

        def job(s: jobdev.JobSeeker, start: dt.date, **kw: object) -> None:
            uow.job_starts.add(
                jobdev.JobStart(
                    seeker_id=s.id, employer_id=shop.id, title="Job", start_date=start, **kw
                )  # type: ignore[arg-type]
            )

        s = {f"S{n}": seeker(f"S{n}", jd) for n in range(1, 9)}
        s["S9"] = seeker("S9", jd, status="working")
        s["S10"] = seeker("S10", jd, status="on-hold")
        closed = seeker("C1", jd, status="closed")
        seeker("L1", jd, ips_start=dt.date(2026, 7, 15))  # starts after the period
        k1 = seeker("K1", kb)
        # S1: competitive since 2025, still working -> worked in the period
        job(s["S1"], dt.date(2025, 11, 1), hours_per_week=25, wage="14.00")
        # S2: first job ever, 1 Feb - 20 Feb, fired -> worked; a first job start
        job(
            s["S2"],
            dt.date(2026, 2, 1),
            hours_per_week=20,
            wage="15.00",
            end_date=dt.date(2026, 2, 20),
            end_reason="fired",
        )
        # S3: a job in 2025, then a non-competitive one in March -> not worked competitively
        job(s["S3"], dt.date(2025, 3, 1), end_date=dt.date(2025, 8, 1), end_reason="laid-off")
        job(s["S3"], dt.date(2026, 3, 10), hours_per_week=10, wage="8.00", competitive=False)
        # S4: competitive job ended before the period -> not worked
        job(s["S4"], dt.date(2025, 6, 1), end_date=dt.date(2025, 12, 20), end_reason="moved")
        # S5: starts after the period -> not worked
        job(s["S5"], dt.date(2026, 7, 2))
        # S6: first job 2 March, still held -> worked; held 90 days
        job(s["S6"], dt.date(2026, 3, 2), hours_per_week=30, wage="17.00")
        # S7: 5 Jan - 1 Mar (55 days), quit with another job lined up -> worked
        job(
            s["S7"],
            dt.date(2026, 1, 5),
            hours_per_week=35,
            wage="16.00",
            end_date=dt.date(2026, 3, 1),
            end_reason="quit-with-job",
        )
        # C1, closed since: a job start all the same, but not on the caseload
        job(closed, dt.date(2026, 2, 1), hours_per_week=41, wage="20.00")
        # K1 is kb's: counted only for the whole program
        job(k1, dt.date(2026, 4, 1), hours_per_week=12, wage="13.00")
        uow.commit()  # fmt: skip


def test_outcomes_worked_by_hand(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        report = outcomes_report(uow, start=START, end=END, specialist="jd")
    values = {f.key: f.value for f in report.figures}
    # caseload: S1..S10 (every status but closed, IPS start by 30 June) = 10
    assert values["caseload"] == 10
    # worked in a competitive job during the period: S1, S2, S6, S7 = 4 -> 4 / 10 = 40%
    assert values["worked_competitive"] == 4
    assert values["employment_rate"] == 40.0
    # competitive job starts in the period: S2 (Feb), S6 (Mar), S7 (Jan), C1 (Feb: closed
    # since, but the placement happened); S3's March job is not competitive: apart
    assert values["job_starts"] == 4
    assert values["non_competitive_job_starts"] == 1
    # first competitive job starts: S2, S6, S7, C1 (S3 had a competitive job in 2025)
    assert values["first_job_starts"] == 4
    # days from IPS start (1 Sep 2025) to the first competitive job: S2 153, S6 182, S7 126,
    # C1 153 -> 614 / 4 = 153.5
    assert values["days_to_first_job"] == 153.5
    # competitive starts in the period: S2 20 h $15, S6 30 h $17, S7 35 h $16, C1 41 h $20
    #   hours (20 + 30 + 35 + 41) / 4 = 31.5; wage (15 + 17 + 16 + 20) / 4 = $17.00
    assert values["average_hours_per_week"] == 31.5
    assert values["average_hourly_wage"] == 17.0
    assert report.counts.average_wage == Decimal("17.00")
    # held 90 days: the competitive starts whose 90th day falls in the period (started 3 Oct
    #   2025 to 1 April 2026): S1 (still held), S2 (ended after 19 days), S6 (still held),
    #   S7 (ended after 55 days), C1 (still held) -> 3 of 5
    held = report.figure("held_90_days")
    assert (held.value, held.detail) == (
        60.0,
        {
            "held": 3,
            "started_90_days_before_end": 5,
            "cohort_started_from": dt.date(2025, 10, 3),
            "cohort_started_to": dt.date(2026, 4, 1),
        },
    )
    # tenure: competitive jobs ended in the period, S2 19 days and S7 55 days:
    #   (19 + 55) / 2 / 7 = 5.3 weeks; still held on 30 June: S1 241 days, S6 120, C1 149
    #   -> 510 / 3 / 7 = 24.3 weeks so far
    tenure = report.figure("job_tenure")
    assert (tenure.value, tenure.detail) == (
        5.3,
        {"jobs_ended": 2, "jobs_still_held": 3, "weeks_so_far_of_jobs_held": 24.3},
    )
    assert values["second_jobs"] == 0
    # endings in the period: S2 fired (20 Feb), S7 quit with a job lined up (1 Mar)
    endings = report.figure("job_endings")
    assert endings.value == 2
    assert endings.detail == {"by_reason": {"quit-with-job": 1, "fired": 1}, "unsatisfactory": 1}


def test_the_whole_program_counts_every_specialist(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        report = outcomes_report(uow, start=START, end=END)
    values = {f.key: f.value for f in report.figures}
    # K1 joins: caseload 11, worked 5 (45.5%), competitive job starts 5
    assert (values["caseload"], values["worked_competitive"], values["job_starts"]) == (11, 5, 5)
    assert values["employment_rate"] == 45.5


def test_goals_are_set_listed_and_measured_over_their_own_period(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        set_goal(uow, "job_starts", "4", start=START, end=END)
        set_goal(uow, "employment_rate", "45%", start=START, end=END, scope="jd")
        set_goal(uow, "hourly_wage", "$16.50", start=START, end=END)
        set_goal(uow, "job_starts", "5", start=START, end=END)  # changes the first goal
        uow.commit()
        goals = list_goals(uow)
        assert [(g.metric, g.scope, g.target) for g in goals] == [
            ("employment_rate", "jd", Decimal("45.00")),
            ("hourly_wage", "program", Decimal("16.50")),
            ("job_starts", "program", Decimal("5.00")),
        ]
        progress = {(p.metric, p.scope): p for p in goal_progress(uow)}
        # program competitive job starts: 5 of 5 -> met
        job_starts = progress[("job_starts", "program")]
        assert (job_starts.achieved, job_starts.met) == (5.0, True)
        # jd's employment rate 40% against 45% -> not met
        assert progress[("employment_rate", "jd")].achieved == 40.0
        assert not progress[("employment_rate", "jd")].met
        # program hourly wage: (15 + 17 + 16 + 20 + 13) / 5 = 16.20 < 16.50 -> not met
        wage = progress[("hourly_wage", "program")]
        assert (wage.achieved, wage.met) == (16.2, False)
        report = outcomes_report(uow, start=START, end=END, specialist="kb")
        # kb's report shows program goals, not jd's
        assert {(g.metric, g.scope) for g in report.goals} == {
            ("hourly_wage", "program"),
            ("job_starts", "program"),
        }
        assert outcomes_report(uow, start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31)).goals == []


@pytest.mark.parametrize(
    ("metric", "target", "scope", "field"),
    [
        ("placements", "5", "program", "metric"),
        ("job_starts", "many", "program", "target"),
        ("job_starts", "-2", "program", "target"),
    ],
)
def test_a_bad_goal_is_refused_naming_the_field(
    db: jobdev.Database, metric: str, target: str, scope: str, field: str
) -> None:
    with db.unit_of_work() as uow, pytest.raises(jobdev.ValidationError) as caught:
        set_goal(uow, metric, target, start=START, end=END, scope=scope)
    assert (caught.value.record, caught.value.field) == ("ProgramGoal", field)


def test_a_goal_for_an_unknown_specialist_is_refused(db: jobdev.Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(jobdev.NotFoundError):
        set_goal(uow, "job_starts", "5", start=START, end=END, scope="zz")


def test_a_specialist_goal_keeps_the_stored_code_and_is_changed_not_doubled(
    db: jobdev.Database,
) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        first = set_goal(uow, "hours-per-week", "20", start=START, end=END, scope=" JD ")
        again = set_goal(uow, "HOURS_PER_WEEK", "24.5", start=START, end=END, scope="jd")
        uow.commit()
        assert again is first
        assert [(g.metric, g.scope, g.target) for g in list_goals(uow)] == [
            ("hours_per_week", "jd", Decimal("24.50"))
        ]
        (progress,) = goal_progress(uow)
        # jd's competitive job starts in the period: S2 20 h, S6 30 h, S7 35 h and C1 41 h
        # (closed since, but the job started in the period) -> 126 / 4 = 31.5
        assert (progress.goal_id, progress.achieved, progress.met) == (first.id, 31.5, True)

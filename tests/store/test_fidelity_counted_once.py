"""The fidelity figures read the period's visits once and share the counts: the edges where
the figures count different visits (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev._reports import fidelity_report
from ips_jobdev._store.queries._reporting import (
    REPORT_CACHE_KIB,
    REPORT_WORK_MEM,
    report_settings,
)

ZONE = zoneinfo.ZoneInfo("America/Chicago")
END = dt.date(2026, 6, 28)  # a Sunday
START = END - dt.timedelta(days=27)  # four weeks


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


def _before_end(days: int) -> dt.datetime:
    return _at(END - dt.timedelta(days=days))


@pytest.fixture
def uow(db: jobdev.Database) -> Iterator[jobdev.UnitOfWork]:
    with db.unit_of_work() as uow:
        yield uow


def _employer(uow: jobdev.UnitOfWork, name: str, **kw: Any) -> jobdev.Employer:
    employer = jobdev.Employer(name=name, zip="53703", **kw)
    uow.employers.add(employer)
    uow.flush()
    return employer


def _build(uow: jobdev.UnitOfWork) -> None:
    jd = jobdev.Specialist(code="jd", name="Specialist jd")
    uow.specialists.add(jd)
    uow.flush()
    cook = uow.seekers.add(
        jobdev.JobSeeker(
            code="J-COOK",
            specialist_id=jd.id,
            ips_start=dt.date(2026, 1, 5),
            preferences=jobdev.Preferences(job_types=["cook"], avoid=["hotels"]),
        )
    )
    blank = uow.seekers.add(
        jobdev.JobSeeker(code="J-BLANK", specialist_id=jd.id, ips_start=dt.date(2026, 1, 5))
    )
    diner = _employer(uow, "Example Diner", industry="restaurants", job_types=["Cook"])
    hotel = _employer(uow, "Example Inn", industry="hotels", job_types=["cook"])
    bare = _employer(uow, "Example Bare")
    # two employers of one name, both gone cold: listed by name, then as recorded
    twins = [_employer(uow, "Example Twin", industry="retail") for _ in range(2)]
    early = _employer(uow, "Example Early", industry="retail")

    def visit(employer: jobdev.Employer, at: dt.datetime, **kw: Any) -> None:
        uow.visits.add(jobdev.Visit(employer_id=employer.id, specialist_id=jd.id, at=at, **kw))  # type: ignore[arg-type]

    # in the period: the diner 3 times in person (one naming both job seekers, one of them
    # along), once by phone naming the cook, once for support, once by the cook alone
    visit(diner, _before_end(20), purpose="introduce", seekers=[cook, blank], seeker_present=True)
    visit(diner, _before_end(13), purpose="present-job-seeker", seekers=[cook])
    visit(diner, _before_end(6), purpose="follow-up")
    visit(diner, _before_end(5), mode="phone", seekers=[cook])
    visit(diner, _before_end(4), purpose="support", seekers=[cook])
    visit(diner, _before_end(3), seekers=[cook], made_by="job-seeker")
    # the inn (on the cook's avoid list) and the bare employer (nothing to judge by)
    visit(hotel, _before_end(12), purpose="learn-business", seekers=[cook])
    visit(bare, _before_end(11), purpose="introduce", seekers=[cook])
    # before the period, inside the year: the twins gone cold (200 days), the inn lately
    for twin in twins:
        visit(twin, _before_end(200), purpose="introduce")
    visit(hotel, _before_end(40), purpose="follow-up")
    # more than a year before the end: in a long period's counts, never in the year's
    visit(early, _before_end(400), purpose="introduce")
    visit(early, _before_end(390), purpose="follow-up")
    uow.commit()


def _figures(report: Any) -> dict[str, Any]:
    return {f.key: f for f in report.figures}


def test_four_weeks_count_the_period_and_look_back_a_year(uow: jobdev.UnitOfWork) -> None:
    _build(uow)
    figures = _figures(fidelity_report(uow, start=START, end=END))
    multi = figures["multi_visit_relationships"]
    # in person in the period, support and the cook's own contact left out: diner 3, inn 1,
    # bare 1 (the phone call is not face to face)
    assert multi.detail == {
        "employers_visited": 3,
        "with_two_or_more": 1,
        "face_to_face_visits": 5,
        "visits_per_employer": 1.67,
        "visits_by_purpose": {
            "follow-up": 1,
            "introduce": 2,
            "learn-business": 1,
            "present-job-seeker": 1,
        },
    }
    assert multi.evidence == [{"employer": "Example Diner", "visits": 3}]
    # all contacts 6 (the phone call too), in person 5; for job seekers in person 4 visits
    # (the visit naming both counts once), one with a job seeker along
    assert figures["face_to_face_share"].detail == {"contacts": 6, "face_to_face": 5}
    assert figures["seeker_present_share"].detail == {
        "face_to_face_for_job_seekers": 4,
        "job_seeker_present": 1,
    }
    # the year up to the end: the diner, the inn, the bare employer and the twins; the
    # twins last seen 200 days before the end have gone cold
    cold = figures["cold_relationships"]
    assert cold.detail == {"employers_visited_in_the_year": 5, "gone_cold": 2}
    assert [row["employer"] for row in cold.evidence] == ["Example Twin", "Example Twin"]
    # one row per contact and person: the cook at the diner twice (fits: "Cook" is a cook
    # job), at the inn (avoided), at the bare employer (not judged); the blank job seeker
    # has no preferences (not judged)
    fit = figures["individualized_job_search"]
    assert fit.detail == {"contacts_for_job_seekers": 5, "judged": 3, "fit": 2, "not_judged": 2}
    assert [(row["seeker"], row["employer"], row["fits"]) for row in fit.evidence] == [
        ("J-COOK", "Example Inn", "no"),
        ("J-BLANK", "Example Diner", "not judged"),
        ("J-COOK", "Example Bare", "not judged"),
        ("J-COOK", "Example Diner", "yes"),
        ("J-COOK", "Example Diner", "yes"),
    ]


def test_a_period_longer_than_the_year_counts_visits_before_the_look_back(
    uow: jobdev.UnitOfWork,
) -> None:
    _build(uow)
    start = END - dt.timedelta(days=499)
    figures = _figures(fidelity_report(uow, start=start, end=END))
    multi = figures["multi_visit_relationships"]
    # now the early employer (2 visits) and the twins and the inn's earlier visit count too
    assert (multi.detail["employers_visited"], multi.detail["with_two_or_more"]) == (6, 3)
    assert multi.evidence == [
        {"employer": "Example Diner", "visits": 3},
        {"employer": "Example Early", "visits": 2},
        {"employer": "Example Inn", "visits": 2},
    ]
    # but relationships gone cold look back one year only: the early employer is not there
    cold = figures["cold_relationships"]
    assert cold.detail == {"employers_visited_in_the_year": 5, "gone_cold": 2}


def test_a_report_reads_with_its_settings_and_leaves_them_as_they_were(
    uow: jobdev.UnitOfWork,
) -> None:
    _build(uow)
    connection = uow.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL jit = on")
        connection.exec_driver_sql("SET LOCAL work_mem = '5MB'")
        with report_settings(uow):
            assert connection.exec_driver_sql("SHOW jit").scalar_one() == "off"
            # sorts and hashes of a year's visits stay in memory
            assert connection.exec_driver_sql("SHOW work_mem").scalar_one() == REPORT_WORK_MEM
        assert connection.exec_driver_sql("SHOW jit").scalar_one() == "on"
        assert connection.exec_driver_sql("SHOW work_mem").scalar_one() == "5MB"
    else:
        # SQLite: a page cache that holds the period's visits index, for the report only
        connection.exec_driver_sql("PRAGMA cache_size = -3000")
        with report_settings(uow):
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            assert cache == -REPORT_CACHE_KIB
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == -3000
    # and the report reads the same with them
    figures = _figures(fidelity_report(uow, start=START, end=END))
    assert figures["multi_visit_relationships"].detail["employers_visited"] == 3

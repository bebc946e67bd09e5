"""Importing job seekers with their preferences, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ips_jobdev import Database, JobSeeker, Preferences, Specialist, import_seekers
from ips_jobdev._importing import ImportAction, ImportReport
from ips_jobdev._vocab import Disclosure, JobSeekerStatus, Transport

HEADER = "Code,Specialist,Enrolled On,Job Types,Industries,Avoid,Hours Min,Hours Max,Shifts,Home ZIP,Max Miles,Transport,Wage Min,Disclosure,Name"  # noqa: E501
MARIA = "J-1001,ab,2026-01-05,warehouse;stock,retail,night shifts;Example Casino,20,30,day;weekend,53704,10,bus,15.00,not-disclose,Maria Example"  # noqa: E501
JON = "J-1002,AB,1/12/2026,cook,food service,,,,,53713,,car,,yes,"
LEE = "J-1003,,,,,,,,,,,,,,"


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "seekers.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(db: Database, source: Any, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_seekers(uow, source, **options)


def seekers(db: Database) -> dict[str, JobSeeker]:
    with db.unit_of_work() as uow:
        found = {s.code: s for s in uow.seekers.list()}
        uow.session.expunge_all()
        return found


@pytest.fixture
def specialist_id(db: Database) -> int:
    with db.unit_of_work() as uow:
        specialist = uow.specialists.add(Specialist(code="ab", name="Alex Example"))
        uow.commit()
        assert specialist.id is not None
        return specialist.id


def test_import_creates_job_seekers_with_preferences(
    db: Database, tmp_path: Path, specialist_id: int
) -> None:
    report = run(db, write(tmp_path, MARIA, JON, LEE))
    assert report.ok
    assert report.created == 3
    stored = seekers(db)
    maria = stored["J-1001"]
    assert maria.specialist_id == specialist_id
    assert maria.ips_start == dt.date(2026, 1, 5)
    assert maria.name == "Maria Example"
    assert maria.status is JobSeekerStatus.SEARCHING
    assert maria.preferences == Preferences(
        job_types=("warehouse", "stock"),
        industries=("retail",),
        avoid=("night shifts", "example casino"),
        hours_min=20,
        hours_max=30,
        shifts=("day", "weekend"),
        home_zip="53704",
        max_miles=10.0,
        transport=Transport.BUS,
        wage_min=Decimal("15.00"),
        disclosure=Disclosure.NOT_DISCLOSE,
    )
    jon = stored["J-1002"]
    assert jon.specialist_id == specialist_id  # codes match in any case
    assert jon.ips_start == dt.date(2026, 1, 12)
    assert jon.preferences.disclosure is Disclosure.DISCLOSE
    lee = stored["J-1003"]
    assert lee.specialist_id is None
    assert lee.preferences.is_empty


@pytest.mark.usefixtures("specialist_id")
def test_an_unknown_specialist_rejects_the_row_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    report = run(db, write(tmp_path, MARIA, JON.replace(",AB,", ",zz,")))
    assert not report.written
    assert seekers(db) == {}
    [rejection] = report.rejections
    assert (rejection.line, rejection.field, rejection.record) == (3, "specialist", "job seeker")
    assert "no specialist 'zz'" in rejection.reason
    assert "specialists add" in rejection.reason


@pytest.mark.usefixtures("specialist_id")
def test_bad_preferences_are_rejected_with_their_column(db: Database, tmp_path: Path) -> None:
    rows = [
        MARIA.replace(",20,30,", ",30,20,"),
        JON.replace(",car,", ",jetpack,"),
        LEE.replace("J-1003,", "J 1003,"),
        "J-1004,ab,2026-13-01,,,,,,,,,,,,",
        "J-1005,ab,,,,,20.5,,,,far,,,,",
    ]
    report = run(db, write(tmp_path, *rows))
    found = [(r.line, r.field) for r in report.rejections]
    assert found == [
        (2, "hours_max"),
        (3, "transport"),
        (4, "code"),
        (5, "enrolled_on"),
        (6, "hours_min"),
        (6, "max_miles"),
    ]
    assert report.rejections[0].reason == "20 is below hours_min 30"


@pytest.mark.usefixtures("specialist_id")
@pytest.mark.parametrize("policy", ["reject", "skip", "update"])
def test_the_same_code_twice_in_a_file_keeps_the_first(
    db: Database, tmp_path: Path, policy: str
) -> None:
    report = run(db, write(tmp_path, MARIA, JON.replace("J-1002", "j-1001")), on_duplicate=policy)
    second = report.rows[1]
    assert (second.duplicate_of, second.match) == ("line 2", "code")
    expected = ImportAction.REJECTED if policy == "reject" else ImportAction.SKIPPED
    assert second.action is expected
    assert set(seekers(db)) == (set() if policy == "reject" else {"J-1001"})


@pytest.mark.parametrize("policy", ["reject", "skip", "update"])
def test_a_stored_code_with_other_values_follows_the_policy(
    db: Database, tmp_path: Path, specialist_id: int, policy: str
) -> None:
    with db.unit_of_work() as uow:
        uow.seekers.add(
            JobSeeker(
                code="J-1001",
                name="Maria E.",
                preferences=Preferences(job_types=["cashier"], hours_min=25, benefits_hours_cap=29),
            )
        )
        uow.commit()
    change = "j-1001,ab,,warehouse,,,,28,,,,,,,"
    report = run(db, write(tmp_path, change, JON), on_duplicate=policy)
    first = report.rows[0]
    assert first.match == "code"
    maria = seekers(db)["J-1001"]
    if policy == "reject":
        assert first.action is ImportAction.REJECTED
        assert not report.written
        assert "duplicates job seeker" in report.rejections[0].reason
    elif policy == "skip":
        assert first.action is ImportAction.SKIPPED
        assert report.created == 1
        assert maria.preferences.job_types == ("cashier",)
    else:
        assert first.action is ImportAction.UPDATED
        assert report.created == 1
        assert maria.version == 2
        assert maria.code == "J-1001"  # the stored spelling stays
        assert maria.specialist_id == specialist_id
        assert maria.name == "Maria E."  # no name cell: left as it was
        prefs = maria.preferences
        assert (prefs.job_types, prefs.hours_min, prefs.hours_max) == (("warehouse",), 25, 28)
        assert prefs.benefits_hours_cap == 29


@pytest.mark.usefixtures("specialist_id")
def test_an_update_that_breaks_the_hours_range_is_rejected(db: Database, tmp_path: Path) -> None:
    with db.unit_of_work() as uow:
        uow.seekers.add(JobSeeker(code="J-1001", preferences=Preferences(hours_min=25)))
        uow.commit()
    report = run(db, write(tmp_path, "J-1001,,,,,,,20,,,,,,,"), on_duplicate="update")
    assert [(r.field, r.reason) for r in report.rejections] == [
        ("hours_max", "20 is below hours_min 25")
    ]


@pytest.mark.usefixtures("specialist_id")
def test_importing_the_same_file_twice_changes_nothing(db: Database, tmp_path: Path) -> None:
    source = write(tmp_path, MARIA, JON, LEE)
    run(db, source)
    report = run(db, source)
    assert report.ok
    assert not report.written
    assert report.unchanged == 3
    assert {s.version for s in seekers(db).values()} == {1}

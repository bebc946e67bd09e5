"""Importing employer contacts, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ips_jobdev import Database, Employer, JobSeeker, Specialist, Visit, import_visits
from ips_jobdev._importing import ImportAction, ImportReport
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus

HEADER = "Employer,Specialist,At,Mode,Purpose,Seekers,Seeker Present,Outcome,Next Step"
INTRO = "EX-1,ab,2026-03-02T10:00:00-06:00,in-person,introduce,,,Met the owner,Come back"
LEARN = "Example Hardware,AB,2026-03-09T15:30:00Z,In Person,learn_business,J-1001;j-1002,yes,,"
CALL = "#{hardware},ab,2026-03-10T09:00-05:00,phone,Follow Up,J-1002,no,Left a message,"


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "visits.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(db: Database, source: Any, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_visits(uow, source, **options)


def visits(db: Database) -> list[Visit]:
    with db.unit_of_work() as uow:
        found = list(uow.visits.list())
        uow.session.expunge_all()
        return found


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """A specialist, two employers (one twice by name) and two job seekers."""
    with db.unit_of_work() as uow:
        records: dict[str, Any] = {
            "ab": uow.specialists.add(Specialist(code="ab", name="Alex Example")),
            "bakery": uow.employers.add(Employer(name="Example Bakery", external_id="EX-1")),
            "hardware": uow.employers.add(Employer(name="Example Hardware", zip="53704")),
            "cafe1": uow.employers.add(Employer(name="Example Cafe", zip="53703")),
            "cafe2": uow.employers.add(Employer(name="Example Cafe", zip="53711")),
            "J-1001": uow.seekers.add(JobSeeker(code="J-1001")),
            "J-1002": uow.seekers.add(JobSeeker(code="J-1002")),
        }
        uow.commit()
        return {key: record.id for key, record in records.items()}


def test_import_creates_visits_with_their_job_seekers(
    db: Database, tmp_path: Path, ids: dict[str, int]
) -> None:
    report = run(db, write(tmp_path, INTRO, LEARN, CALL.format(**ids)))
    assert report.ok
    assert report.created == 3
    intro, learn, call = sorted(visits(db), key=lambda v: v.at)
    assert intro.employer_id == ids["bakery"]
    assert intro.specialist_id == ids["ab"]
    assert intro.at == dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
    assert (intro.mode, intro.purpose, intro.status) == (
        ContactMode.IN_PERSON, VisitPurpose.INTRODUCE, VisitStatus.DONE
    )  # fmt: skip
    assert (intro.outcome, intro.next_step, intro.seekers) == ("Met the owner", "Come back", [])
    assert learn.employer_id == ids["hardware"]
    assert learn.purpose is VisitPurpose.LEARN_BUSINESS
    assert [s.code for s in learn.seekers] == ["J-1001", "J-1002"]
    assert learn.seeker_present
    assert call.employer_id == ids["hardware"]
    assert (call.mode, call.purpose) == (ContactMode.PHONE, VisitPurpose.FOLLOW_UP)
    assert call.at == dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)


@pytest.mark.usefixtures("ids")
def test_status_and_duration_columns_are_optional(db: Database, tmp_path: Path) -> None:
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()
    header = "employer,specialist,at,status,duration_minutes"
    rows = [f"EX-1,ab,{future},,", "EX-1,ab,2026-03-02T10:00-06:00,cancelled,45"]
    report = run(db, write(tmp_path, *rows, header=header))
    assert report.created == 2
    planned, cancelled = sorted(visits(db), key=lambda v: v.at, reverse=True)
    assert planned.status is VisitStatus.PLANNED
    assert planned.duration_minutes == 30
    assert cancelled.status is VisitStatus.CANCELLED
    assert cancelled.duration_minutes == 45


@pytest.mark.usefixtures("ids")
def test_rows_with_unknown_references_or_naive_times_are_rejected(
    db: Database, tmp_path: Path
) -> None:
    rows = [
        "EX-1,zz,2026-03-02T10:00-06:00,,,,,,",
        "EX-1,ab,2026-03-02T10:00,,,,,,",
        "EX-1,ab,2026-03-03T10:00-06:00,,,J-9999,,,",
        "Example Cafe,ab,2026-03-04T10:00-06:00,,,,,,",
        "No Such Place,ab,2026-03-05T10:00-06:00,,,,,,",
        "EX-1,ab,2026-03-06T10:00-06:00,,,,yes,,",
        "EX-1,ab,2026-03-07T10:00-06:00,skywriting,chat,,,,",
        INTRO,
    ]
    report = run(db, write(tmp_path, *rows))
    assert not report.written
    assert visits(db) == []
    found = [(r.line, r.field) for r in report.rejections]
    assert found == [
        (2, "specialist"),
        (3, "at"),
        (4, "seekers"),
        (5, "employer"),
        (6, "employer"),
        (7, "seeker_present"),
        (8, "mode"),
        (8, "purpose"),
    ]
    reasons = [r.reason for r in report.rejections]
    assert "no specialist 'zz'" in reasons[0]
    assert "no UTC offset" in reasons[1]
    assert "no job seeker 'J-9999'" in reasons[2]
    assert "names 2 employers" in reasons[3]
    assert "external id" in reasons[3]


def test_reimporting_the_same_visits_changes_nothing(
    db: Database, tmp_path: Path, ids: dict[str, int]
) -> None:
    source = write(tmp_path, INTRO, LEARN, CALL.format(**ids))
    run(db, source)
    report = run(db, source)
    assert report.ok
    assert not report.written
    assert report.unchanged == 3
    assert {v.version for v in visits(db)} == {1}


@pytest.mark.usefixtures("ids")
@pytest.mark.parametrize("policy", ["reject", "skip", "update"])
def test_a_stored_visit_with_other_values_follows_the_policy(
    db: Database, tmp_path: Path, policy: str
) -> None:
    run(db, write(tmp_path, INTRO, LEARN))
    changed = LEARN.replace(",,", ",Asked about openings,")  # same employer, specialist, time
    later = "EX-1,ab,2026-03-16T10:00-05:00,,follow-up,,,,"
    report = run(db, write(tmp_path, changed, later), on_duplicate=policy)
    first = report.rows[0]
    assert first.match == "at"
    assert first.duplicate_of is not None
    stored = {v.at: v for v in visits(db)}
    learn = stored[dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.UTC)]
    if policy == "reject":
        assert first.action is ImportAction.REJECTED
        assert len(stored) == 2
    elif policy == "skip":
        assert first.action is ImportAction.SKIPPED
        assert len(stored) == 3
        assert learn.outcome is None
    else:
        assert first.action is ImportAction.UPDATED
        assert len(stored) == 3
        assert learn.outcome == "Asked about openings"
        assert learn.version == 2
        assert [s.code for s in learn.seekers] == ["J-1001", "J-1002"]


@pytest.mark.usefixtures("ids")
def test_an_update_can_change_who_the_visit_was_for(db: Database, tmp_path: Path) -> None:
    run(db, write(tmp_path, LEARN))
    report = run(
        db, write(tmp_path, LEARN.replace("J-1001;j-1002", "J-1002")), on_duplicate="update"
    )
    assert report.updated == 1
    [learn] = visits(db)
    assert [s.code for s in learn.seekers] == ["J-1002"]


@pytest.mark.usefixtures("ids")
def test_the_same_visit_twice_in_a_file_keeps_the_first(db: Database, tmp_path: Path) -> None:
    same_moment = INTRO.replace("2026-03-02T10:00:00-06:00", "2026-03-02T16:00:00+00:00")
    report = run(db, write(tmp_path, INTRO, same_moment), on_duplicate="skip")
    assert [row.action for row in report.rows] == [ImportAction.CREATED, ImportAction.SKIPPED]
    assert report.rows[1].duplicate_of == "line 2"
    assert len(visits(db)) == 1

"""Correcting visits and job seekers through the Python API, on SQLite and PostgreSQL: only
the fields given change, a refused value changes nothing, the history keeps before and
after with the reason, the version read is checked, and plugins hear after the commit.

Reproduction (issue 10, item 11): there was no way to edit a visit already made, or a job
seeker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev._notify import event_publisher
from ips_jobdev._plugins import make_plugin_manager
from ips_jobdev.errors import ConcurrentUpdateError, NotFoundError, ValidationError

MADE = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def county(db_url: str) -> Any:
    heard: list[tuple[str, int]] = []

    class Ear:
        @jobdev.hookimpl
        def record_changed(self, change: Any) -> None:
            heard.append((f"{change.kind} {change.action.value}", change.record_id))

    manager = make_plugin_manager(load_entry_points=False, plugins=[Ear()], environ={})
    db = Database(db_url, publisher=event_publisher(manager))
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example", timezone="America/Chicago")
        bakery = uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
        uow.employers.add(jobdev.Employer(name="Example Hardware", zip="53704"))
        for code in ("J-1001", "J-1002"):
            uow.seekers.add(
                jobdev.JobSeeker(
                    code=code,
                    ips_start=dt.date(2026, 10, 1),
                    preferences=jobdev.Preferences(job_types=["baker"], home_zip="53703"),
                )
            )
        uow.flush()
        pat = jobdev.add_person(uow, bakery, {"name": "Pat Example", "title": "Owner"})
        visit = jobdev.log_visit(uow, bakery, "ae", at=MADE, seekers=["J-1001"], now=NOW)
        uow.commit()
    heard.clear()
    yield type("County", (), {"db": db, "heard": heard, "visit": visit.id, "pat": pat.id})
    db.dispose()


def test_editing_a_visit_changes_only_the_fields_given_and_keeps_the_history(
    county: Any,
) -> None:
    with county.db.unit_of_work(actor="specialist:ae") as uow:
        result = jobdev.edit_visit(
            uow,
            county.visit,
            {
                "at": "2026-11-02T10:30",
                "purpose": "learn-business",
                "seekers": ["J-1002", "J-1001"],
                "seeker_present": "yes",
                "outcome": "Met Pat; come back Tuesday",
                "person_id": f"#{county.pat}",
            },
            reason="logged from memory; fixed from the diary",
            now=NOW,
        )
        assert county.heard == []
        uow.commit()
    assert county.heard == [("visit updated", county.visit)]
    assert [c.field for c in result.changes] == [
        "at",
        "outcome",
        "person_id",
        "purpose",
        "seeker_present",
        "seekers",
    ]
    with county.db.unit_of_work() as uow:
        visit = uow.visits.get(county.visit)
        assert visit.at == dt.datetime(2026, 11, 2, 16, 30, tzinfo=dt.UTC), "read in Chicago time"
        assert [s.code for s in visit.seekers] == ["J-1001", "J-1002"]
        assert visit.mode is jobdev.ContactMode.IN_PERSON, "left alone"
        assert visit.version == 2
        entry = jobdev.record_history(uow, "visit", county.visit).entries[-1]
    assert (entry.actor, entry.operation, entry.reason) == (
        "specialist:ae",
        "edit visit",
        "logged from memory; fixed from the diary",
    )
    assert entry.changes() == [
        ("at", "2026-11-02T15:00:00+00:00", "2026-11-02T16:30:00+00:00"),
        ("outcome", None, "Met Pat; come back Tuesday"),
        ("person_id", None, county.pat),
        ("purpose", "introduce", "learn-business"),
        ("seeker_present", False, True),
        ("seekers", ["J-1001"], ["J-1001", "J-1002"]),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"purpose": "coffee"}, "Visit.purpose: unknown value 'coffee'"),
        ({"seekers": [], "seeker_present": True}, "no job seeker is named"),
        ({"at": "2026-12-24T10:00"}, "is in the future; this visit was made"),
        ({"at": "yesterday"}, "is not an ISO 8601 time"),
        ({"duration_minutes": -5}, "not a whole number of 0 or more"),
        ({"employer_id": 2}, "void the visit and log it at the right employer"),
        ({"status": "done"}, "complete, cancel or void the visit"),
        ({"person_id": "#999"}, "no person 999"),
    ],
)
def test_a_refused_visit_edit_changes_nothing(
    county: Any, changes: dict[str, Any], message: str
) -> None:
    with county.db.unit_of_work() as uow:
        with pytest.raises((ValidationError, NotFoundError), match=message):
            jobdev.edit_visit(uow, county.visit, changes, now=NOW)
        uow.commit()
    with county.db.unit_of_work() as uow:
        visit = uow.visits.get(county.visit)
        assert (visit.version, visit.purpose, [s.code for s in visit.seekers]) == (
            1,
            jobdev.VisitPurpose.INTRODUCE,
            ["J-1001"],
        )
        assert len(jobdev.record_history(uow, "visit", county.visit).entries) == 1
    assert county.heard == []


def test_a_visit_at_another_employers_person_is_refused(county: Any) -> None:
    with county.db.unit_of_work() as uow:
        lee = jobdev.add_person(uow, "Example Hardware", {"name": "Lee Example"})
        uow.commit()
    with county.db.unit_of_work() as uow, pytest.raises(ValidationError, match="another employer"):
        jobdev.edit_visit(uow, county.visit, {"person_id": lee.id})


def test_an_edit_of_a_visit_someone_saved_since_is_refused(county: Any) -> None:
    with county.db.unit_of_work() as uow:
        jobdev.edit_visit(uow, county.visit, {"outcome": "first"}, expected_version=1, now=NOW)
        uow.commit()
    with county.db.unit_of_work() as uow, pytest.raises(ConcurrentUpdateError, match="Reload"):
        jobdev.edit_visit(uow, county.visit, {"outcome": "second"}, expected_version=1, now=NOW)


def test_editing_with_the_stored_values_changes_nothing_and_tells_nobody(county: Any) -> None:
    with county.db.unit_of_work() as uow:
        result = jobdev.edit_visit(
            uow, county.visit, {"purpose": "introduce", "seekers": ["J-1001"]}, now=NOW
        )
        uow.commit()
    assert not result.changed
    assert county.heard == []
    with county.db.unit_of_work() as uow:
        assert uow.visits.get(county.visit).version == 1


def test_a_planned_visit_may_move_to_any_time(county: Any) -> None:
    with county.db.unit_of_work() as uow:
        planned = jobdev.log_visit(
            uow, "Example Bakery", "ae", at="2026-12-01T10:00", planned=True, now=NOW
        )
        result = jobdev.edit_visit(
            uow, planned, {"at": "2026-12-02T14:00", "mode": "phone"}, now=NOW
        )
        uow.commit()
    assert [c.field for c in result.changes] == ["at", "mode"]


# -- job seekers --------------------------------------------------------------------------------


def test_editing_a_job_seeker_changes_the_fields_and_preferences_given(county: Any) -> None:
    with county.db.unit_of_work(actor="specialist:ae") as uow:
        result = jobdev.edit_seeker(
            uow,
            "j-1001",
            {
                "name": "Robin Example",
                "ips_start": "2026-10-05",
                "home-zip": "53704",
                "job_types": "baker; counter",
                "wage_min": "$15.50",
                "disclosure": "not-disclose",
            },
            reason="career profile updated",
        )
        uow.commit()
    assert county.heard == [("job-seeker updated", result.record.id)]
    assert [c.to_dict() for c in result.changes] == [
        {"field": "disclosure", "before": "undecided", "after": "not-disclose"},
        {"field": "home_zip", "before": "53703", "after": "53704"},
        {"field": "ips_start", "before": "2026-10-01", "after": "2026-10-05"},
        {"field": "job_types", "before": ["baker"], "after": ["baker", "counter"]},
        {"field": "name", "before": None, "after": "Robin Example"},
        {"field": "wage_min", "before": None, "after": "15.50"},
    ]
    with county.db.unit_of_work() as uow:
        seeker = uow.seekers.by_code("J-1001")
        assert seeker.preferences.job_types == ("baker", "counter")
        assert seeker.preferences.disclosure is jobdev.Disclosure.NOT_DISCLOSE
        entry = jobdev.record_history(uow, "seeker", "J-1001").entries[-1]
    assert ("preferences.disclosure", "undecided", "not-disclose") in entry.changes()
    assert entry.reason == "career profile updated"


def test_clearing_a_preference_gives_it_back_its_empty_value(county: Any) -> None:
    with county.db.unit_of_work() as uow:
        result = jobdev.edit_seeker(uow, "J-1001", {"job_types": None, "home_zip": ""})
        uow.commit()
        seeker = uow.seekers.by_code("J-1001")
        assert seeker.preferences.job_types == ()
        assert seeker.preferences.home_zip is None
    assert {c.field for c in result.changes} == {"job_types", "home_zip"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "J-1002"}, "'J-1002' is another job seeker's code"),
        ({"code": "bad code!"}, "is not a code"),
        ({"ips_start": "16/02/2026"}, "is not a date"),
        ({"home_zip": "5370"}, "not a 5-digit ZIP"),
        ({"hours_min": 30, "hours_max": 20}, "below hours_min"),
        ({"disclosure": None}, "must not be empty"),
        ({"status": "closed"}, "closing and reopening"),
        ({"specialist": "bx"}, "specialists reassign"),
    ],
)
def test_a_refused_job_seeker_edit_changes_nothing(
    county: Any, changes: dict[str, Any], message: str
) -> None:
    with county.db.unit_of_work() as uow:
        with pytest.raises(ValidationError, match=message):
            jobdev.edit_seeker(uow, "J-1001", changes)
        uow.commit()
    with county.db.unit_of_work() as uow:
        seeker = uow.seekers.by_code("J-1001")
        assert (seeker.version, seeker.preferences.home_zip) == (1, "53703")
    assert county.heard == []


def test_a_job_seekers_code_can_be_corrected_and_the_history_follows(county: Any) -> None:
    with county.db.unit_of_work() as uow:
        jobdev.edit_seeker(uow, "J-1001", {"code": "J-1011"}, reason="typo in the code")
        uow.commit()
    with county.db.unit_of_work() as uow:
        found = jobdev.record_history(uow, "seeker", "J-1011")
        with pytest.raises(NotFoundError):
            jobdev.record_history(uow, "seeker", "J-1001")
    assert found.entries[-1].changes() == [("code", "J-1001", "J-1011")]

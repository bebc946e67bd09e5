"""Do-not-contact is enforced, on SQLite and PostgreSQL: logging or planning a visit to an
employer who asked not to be visited is refused unless overridden with a reason (kept in
the change history); the planner never proposes one, and a plan saved after an employer
asked is refused.

Reproduction (issue 10, item 11): logging and planning visits to an employer who asked
not to be visited were both accepted without a word.
"""

from __future__ import annotations

import datetime as dt

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev.errors import ValidationError

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def county(db: Database) -> Database:
    """One specialist; a job seeker at risk of the 30-day rule who wants bakery work; a
    do-not-contact bakery that fits best, overdue for a follow-up; an open bakery."""
    with db.unit_of_work() as uow:
        ae = jobdev.add_specialist(uow, "ae", "Alex Example", office_zip="53703")
        closed = uow.employers.add(
            jobdev.Employer(
                name="Example Bakery", zip="53703", job_types=["baker"], industry="food service"
            )
        )
        uow.employers.add(
            jobdev.Employer(name="Sample Bread Shop", zip="53704", job_types=["baker"])
        )
        uow.seekers.add(
            jobdev.JobSeeker(
                code="J-1001",
                ips_start=dt.date(2026, 11, 2),
                specialist_id=ae.id,
                preferences=jobdev.Preferences(
                    job_types=["baker"], industries=["food service"], home_zip="53703"
                ),
            )
        )
        uow.flush()
        jobdev.log_visit(uow, closed, "ae", at=dt.datetime(2026, 10, 1, 15, tzinfo=dt.UTC))
        closed.do_not_contact = True
        uow.commit()
    return db


@pytest.mark.parametrize("planned", [False, True])
def test_a_visit_to_a_do_not_contact_employer_is_refused_and_nothing_is_written(
    county: Database, planned: bool
) -> None:
    with county.unit_of_work() as uow:
        before = (uow.visits.count(), uow.history.count())
        at = NOW + dt.timedelta(days=2) if planned else NOW
        with pytest.raises(ValidationError, match="asked not to be contacted") as caught:
            jobdev.log_visit(uow, "Example Bakery", "ae", at=at, planned=planned, now=NOW)
        assert caught.value.field == "employer"
        uow.commit()
        assert (uow.visits.count(), uow.history.count()) == before


def test_an_override_needs_a_reason(county: Database) -> None:
    with county.unit_of_work() as uow, pytest.raises(ValidationError, match="needs a reason"):
        jobdev.log_visit(
            uow, "Example Bakery", "ae", at=NOW, now=NOW, override_do_not_contact=True, reason=" "
        )


def test_an_override_with_a_reason_is_recorded_in_the_history(county: Database) -> None:
    with county.unit_of_work(actor="specialist:ae") as uow:
        visit = jobdev.log_visit(
            uow,
            "Example Bakery",
            "ae",
            at=NOW,
            now=NOW,
            override_do_not_contact=True,
            reason="the owner called and asked us to come in",
        )
        uow.commit()
    with county.unit_of_work() as uow:
        [entry] = jobdev.record_history(uow, "visit", visit.id).entries
    assert (entry.action, entry.operation, entry.reason, entry.actor) == (
        "created",
        "log visit",
        "the owner called and asked us to come in",
        "specialist:ae",
    )
    assert entry.after is not None
    assert entry.after["do_not_contact_override"] is True


def test_an_open_employer_needs_no_override_and_the_reason_is_not_recorded(
    county: Database,
) -> None:
    with county.unit_of_work() as uow:
        visit = jobdev.log_visit(uow, "Sample Bread Shop", "ae", at=NOW, now=NOW, reason="x")
        uow.commit()
        [entry] = uow.history.for_records("visit", [visit.id or 0])
    assert entry.reason is None
    assert entry.after is not None
    assert "do_not_contact_override" not in entry.after


def test_the_planner_never_proposes_a_do_not_contact_employer(county: Database) -> None:
    with county.unit_of_work() as uow:
        closed = uow.employers.lookup("Example Bakery").id
        plan = jobdev.plan_week(uow, "ae", "2026-W49", today=TODAY)
        due = jobdev.list_due(uow, specialist="ae", on=TODAY)
        matches = jobdev.rank_employers(uow, "J-1001", as_of=TODAY)
    assert plan.visits, "the open bakery is proposed"
    assert closed not in {v.employer_id for v in plan.visits}
    assert closed not in {m.employer_id for m in matches.matches}
    assert closed not in {item.id for item in due.items if item.kind == "employer"}
    assert any(item.kind == "job-seeker" for item in due.items), "the list is not empty"


def test_a_plan_saved_after_the_employer_asked_is_refused_unless_overridden(
    county: Database,
) -> None:
    with county.unit_of_work() as uow:
        plan = jobdev.plan_week(uow, "ae", "2026-W49", today=TODAY)
        proposed = plan.visits[0].employer_id
    with county.unit_of_work() as uow:
        uow.employers.get(proposed).do_not_contact = True
        uow.commit()
    with county.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="asked not to be contacted"):
            jobdev.save_plan(uow, plan)
        uow.commit()
        assert uow.visits.count() == 1, "nothing of the plan was saved"
    with county.unit_of_work(actor="specialist:ae") as uow:
        saved = jobdev.save_plan(
            uow, plan, override_do_not_contact=True, reason="manager agreed one last visit"
        )
        uow.commit()
        entries = uow.history.for_records("visit", [v.id or 0 for v in saved])
    assert saved
    overridden = [e for e in entries if e.after and e.after.get("do_not_contact_override")]
    assert {e.record_id for e in overridden} == {v.id for v in saved if v.employer_id == proposed}
    assert {e.reason for e in overridden} == {"manager agreed one last visit"}

"""A county program's own tool on the shared database: the steps of the tutorial
"Use ips-jobdev from your program's own tools", run in order on the fictional demo county.

Run: python county_program.py postgresql+psycopg://ips_jobdev@db.county.example/ips_jobdev
(or a SQLite file: python county_program.py sqlite:///county.sqlite3). Give it a new,
empty database: it builds the demo county there first (the demo refuses a database that
holds real records), and its steps add a specialist, so it runs once per database.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections.abc import Callable
from typing import Any

import ips_jobdev as jobdev
from ips_jobdev.demo import build_demo

TODAY = dt.date(2026, 11, 24)
QUARTER = (dt.date(2026, 8, 26), TODAY)
"""The 13 weeks up to the demo county's "today": the period the figures cover."""


# --8<-- [start:database]
def connect(url: str) -> jobdev.Database:
    """One Database per process: it holds the connection pool.

    An empty database gets the schema on first use; one made by an older ips-jobdev raises
    SchemaOutOfDateError until someone runs ``ips-jobdev db upgrade``.
    """
    return jobdev.Database(url)


# --8<-- [end:database]


def build_demo_county(db: jobdev.Database) -> bool:
    """Fill an empty database with the demo county; True when it was built now."""
    with db.unit_of_work() as uow:
        summary = build_demo(uow, today=TODAY)
        uow.commit()
    return summary.created


# --8<-- [start:retry]
def change_employer(
    db: jobdev.Database,
    employer_id: int,
    change: Callable[[jobdev.Employer], None],
    *,
    attempts: int = 3,
) -> int:
    """Apply ``change`` to the employer and save it; on a conflict reload and apply again.

    Returns the attempt that saved. Each attempt is its own unit of work, so the change is
    applied to what the other writer saved, never on top of a stale copy.
    """
    for attempt in range(1, attempts + 1):
        with db.unit_of_work() as uow:
            employer = uow.employers.get(employer_id)
            change(employer)
            try:
                uow.commit()
            except jobdev.ConcurrentUpdateError:
                if attempt == attempts:
                    raise
                continue
            return attempt
    raise AssertionError("unreachable")


# --8<-- [end:retry]


def add_note_while_a_colleague_saves(db: jobdev.Database) -> dict[str, Any]:
    """Show the retry: between our load and our commit, a colleague saves the employer."""
    with db.unit_of_work() as uow:
        employer_id = uow.employers.search(text="Wrenfield", limit=1)[0].id
    assert employer_id is not None
    colleague_has_saved = False

    # --8<-- [start:conflict]
    def add_note(employer: jobdev.Employer) -> None:
        nonlocal colleague_has_saved
        if not colleague_has_saved:  # a colleague's save lands after our load
            with db.unit_of_work() as other:
                theirs = other.employers.get(employer_id)
                theirs.notes = "Hiring manager back from leave on 1 Dec."
                other.commit()
            colleague_has_saved = True
        employer.notes = f"{employer.notes or ''}\nAsks for candidates for weekend shifts.".strip()

    attempt = change_employer(db, employer_id, add_note)
    # --8<-- [end:conflict]
    with db.unit_of_work() as uow:
        notes = uow.employers.get(employer_id).notes
        return {"employer_id": employer_id, "saved_on_attempt": attempt, "notes": notes}


# --8<-- [start:intake]
INTAKE_SEEKERS = b"""\
code,specialist,enrolled_on,job_types,industries,hours_min,hours_max,home_zip,max_miles,transport,disclosure
J-2001,av,2026-11-20,stock;cashier,retail,20,30,53704,6,bus,undecided
J-2002,av,2026-11-23,cook,food service,15,25,53713,4,bike,not-disclose
J-2003,zz,2026-11-23,groundskeeper,landscaping,30,40,53716,12,car,disclose
"""
"""What the intake system exports: program codes and career-profile preferences only."""

INTAKE_EMPLOYERS = b"""\
name,external_id,industry,job_types,zip,contact_name,contact_email
Example Cooperative Grocery,INTAKE-0001,retail,stock;cashier,53704,Sam Example,sam@example.org
"""


def import_from_intake(db: jobdev.Database) -> dict[str, Any]:
    """Check the intake export with a dry run, then import the rows that pass."""
    with db.unit_of_work() as uow:
        preview = jobdev.import_seekers(uow, io.BytesIO(INTAKE_SEEKERS), dry_run=True)
    for rejection in preview.rejections:  # send these back to intake to fix
        print(f"intake line {rejection.line}, {rejection.field}: {rejection.reason}")
    with db.unit_of_work() as uow:
        seekers = jobdev.import_seekers(uow, io.BytesIO(INTAKE_SEEKERS), partial=True)
    with db.unit_of_work() as uow:
        employers = jobdev.import_employers(uow, io.BytesIO(INTAKE_EMPLOYERS))
    return {
        "preview": preview.to_dict(),
        "seekers": seekers.to_dict(),
        "employers": employers.to_dict(),
    }


# --8<-- [end:intake]


# --8<-- [start:read]
def caseload_dashboard(db: jobdev.Database, specialist_code: str) -> dict[str, Any]:
    """A specialist's caseload by code, and the last contact with each employer on the
    specialist's planned visits: what to read before going."""
    with db.unit_of_work() as uow:
        specialist = uow.specialists.by_code(specialist_code)
        planned = uow.visits.between(
            dt.datetime.combine(TODAY, dt.time(), tzinfo=specialist.zone),
            specialist_id=specialist.id,
            status=jobdev.VisitStatus.PLANNED,
        )
        before_going = []
        for visit in planned:
            employer = uow.employers.get(visit.employer_id)
            last = uow.visits.last_contact(visit.employer_id)
            before_going.append(
                {
                    "planned": visit.at.isoformat(),
                    "employer": employer.name,
                    "last_contact": last.at.date().isoformat() if last else None,
                }
            )
        # read what you need inside the block: records are not usable after it ends
        return {
            "specialist": specialist.code,
            "caseload": [seeker.code for seeker in uow.seekers.on_caseload(specialist.id)],
            "planned_visits": before_going,
        }


# --8<-- [end:read]


# --8<-- [start:figures]
def figures_for_the_state(db: jobdev.Database) -> dict[str, Any]:
    """The quarter's fidelity and outcome figures: the team's, and one specialist's."""
    start, end = QUARTER
    with db.unit_of_work() as uow:
        team = jobdev.fidelity_report(uow, start=start, end=end, team=["av", "mo"])
        avery = jobdev.fidelity_report(uow, start=start, end=end, specialist="av")
        outcomes = jobdev.outcomes_report(uow, start=start, end=end, team="av,mo")
    for figure in team.figures:
        point = f"point {figure.point}" if figure.point is not None else "not rated"
        print(f"{figure.label}: {figure.value} {figure.unit} ({point})")
    rate = outcomes.figure("employment_rate")
    print(f"IPS employment rate: {rate.value}% ({rate.detail})")
    return {
        "fidelity": team.to_dict(),
        "fidelity_av": avery.to_dict(),
        "outcomes": outcomes.to_dict(),
    }


# --8<-- [end:figures]


# --8<-- [start:reassign]
def specialist_leaves(db: jobdev.Database, leaving: str, joining: str) -> dict[str, Any]:
    """Hand the leaving specialist's caseload and planned visits to a new specialist."""
    now = dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.UTC)
    with db.unit_of_work() as uow:
        new = jobdev.add_specialist(uow, joining, "Quinn Example", office_zip="53704")
        assert new.id is not None  # add_specialist flushes, so the new id is known
        moved = jobdev.reassign_caseload(uow, leaving, joining, now=now)
        planned = uow.visits.between(
            now, specialist_id=moved.from_specialist.id, status=jobdev.VisitStatus.PLANNED
        )
        for visit in planned:  # the new specialist keeps these appointments
            visit.specialist_id = new.id
        moved.from_specialist.active = False
        uow.commit()
        return {
            "from": moved.from_specialist.code,
            "to": moved.to_specialist.code,
            "moved": moved.moved_codes,
            "planned_visits_taken_over": len(planned),
            "planned_visits_left": moved.planned_visits_left,
        }


# --8<-- [end:reassign]


def main(url: str) -> dict[str, Any]:
    """Run the tutorial's steps in order on ``url``; returns what each step produced."""
    db = connect(url)
    try:
        created = build_demo_county(db)
        result: dict[str, Any] = {"demo_created": created}
        result["retry"] = add_note_while_a_colleague_saves(db)
        result["import"] = import_from_intake(db)
        result["dashboard"] = caseload_dashboard(db, "av")
        result["figures"] = figures_for_the_state(db)
        result["reassignment"] = specialist_leaves(db, "mo", "qe")
        return result
    finally:
        db.dispose()


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), indent=2, default=str))

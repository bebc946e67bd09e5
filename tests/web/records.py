"""A small hand-made record for the web app's use cases, and the fixed clock they run on.

Monday 7 December 2026, 4 p.m. in Madison: specialist ``ab`` (office 53703) has a visit
planned at 10:00 today and one at 15:00 tomorrow; job seeker J-1 started IPS 25 days ago
with no employer contact yet (at risk of the 30-day rule); J-2 works; an introduction to
Example Bakery was made 20 days ago (its learn-the-business visit is overdue).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import ips_jobdev as jobdev

ZONE = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 12, 7, 16, 0, tzinfo=ZONE)
TODAY = NOW.date()


def at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local time ``day_offset`` days from today."""
    return dt.datetime.combine(TODAY + dt.timedelta(days=day_offset), dt.time(hour, minute), ZONE)


def build_small_record(database: jobdev.Database) -> dict[str, int]:
    """Fill an empty database; returns the ids tests need."""
    with database.unit_of_work() as uow:
        ab = uow.specialists.add(
            jobdev.Specialist(code="ab", name="Alex Example", office_zip="53703")
        )
        uow.specialists.add(jobdev.Specialist(code="cd", name="Casey Demo", office_zip="53704"))
        bakery = uow.employers.add(
            jobdev.Employer(
                name="Example Bakery",
                zip="53703",
                street="1 Example St",
                city="Madison",
                state="WI",
                industry="food service",
                job_types=["baker", "cashier"],
                phone="608-555-0101",
            )
        )
        cafe = uow.employers.add(
            jobdev.Employer(
                name="Example Cafe", zip="53704", industry="food service", job_types=["cook"]
            )
        )
        freight = uow.employers.add(
            jobdev.Employer(name="Example Freight", zip="53713", do_not_contact=True)
        )
        for name, zip_code in (
            ("Example Pastry Shop", "53703"),
            ("Example Bread Co", "53704"),
            ("Example Donut House", "53715"),
        ):
            uow.employers.add(
                jobdev.Employer(
                    name=name, zip=zip_code, industry="food service", job_types=["baker"]
                )
            )
        uow.flush()
        j1 = uow.seekers.add(
            jobdev.JobSeeker(
                code="J-1",
                name="Jordan Sample",
                specialist_id=ab.id,
                ips_start=TODAY - dt.timedelta(days=25),
                preferences=jobdev.Preferences(
                    job_types=["baker"], industries=["food service"], home_zip="53703"
                ),
            )
        )
        j2 = uow.seekers.add(
            jobdev.JobSeeker(
                code="J-2", specialist_id=ab.id, status="working", ips_start=TODAY.replace(day=1)
            )
        )
        uow.flush()
        intro = jobdev.log_visit(
            uow, bakery, "ab", at=at(-20, 10), purpose="introduce", now=NOW, outcome="met the owner"
        )
        planned = jobdev.log_visit(
            uow,
            cafe,
            "ab",
            at=at(0, 10),
            purpose="introduce",
            seekers=["J-1"],
            planned=True,
            now=NOW,
        )
        tomorrow = jobdev.log_visit(
            uow, bakery, "ab", at=at(1, 15), purpose="learn-business", planned=True, now=NOW
        )
        uow.commit()
        return {
            "ab": ab.id,
            "bakery": bakery.id,
            "cafe": cafe.id,
            "freight": freight.id,
            "J-1": j1.id,
            "J-2": j2.id,
            "intro": intro.id,
            "planned": planned.id,
            "tomorrow": tomorrow.id,
        }

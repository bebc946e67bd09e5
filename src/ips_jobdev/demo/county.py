"""Build the fictional county: specialists, job seekers, employers, visits, jobs.

Everything comes from one :class:`random.Random` seeded by the caller, and every date is
counted back from ``today``, so the same seed and day give the same records. Employers,
people and job seekers go through the ORM (a few hundred rows); visits and their job
seekers are bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ips_jobdev._model import (
    Employer,
    EmployerPerson,
    JobFitNote,
    JobOpening,
    JobSeeker,
    JobStart,
    Preferences,
    Program,
    Specialist,
)
from ips_jobdev._store import UnitOfWork, bulk
from ips_jobdev._vocab import (
    ContactMode,
    Disclosure,
    JobEndReason,
    JobSeekerStatus,
    OpeningStatus,
    Transport,
    VisitPurpose,
    VisitStatus,
)
from ips_jobdev.demo import fiction

__all__ = ["DEMO_EXTERNAL_ID_PREFIX", "DEMO_SPECIALISTS", "build_county"]

DEMO_EXTERNAL_ID_PREFIX = "DEMO-"
"""Every demo employer's ``external_id`` starts with this: how the demo recognises itself."""

DEMO_SPECIALISTS = (
    ("av", "Avery Example", "avery.example@example.org", "53704"),
    ("mo", "Morgan Sample", "morgan.sample@example.org", "53713"),
)
ZONE = zoneinfo.ZoneInfo("America/Chicago")
STREETS = fiction.STREET_NAMES
EMPLOYERS = 300
SEEKERS = 40
ENGAGED_PER_SPECIALIST = 58
WINDOW_DAYS = 182
# days since IPS start of the newest job seekers, who have no employer contact yet
WAITING_DAYS = (4, 11, 24, 27, 44)


def build_county(uow: UnitOfWork, rng: random.Random, today: dt.date) -> dict[str, int]:
    """Add the whole fictional county to ``uow`` (not committed); returns what was made."""
    return _CountyBuilder(uow, rng, today).build()


class _CountyBuilder:
    def __init__(self, uow: UnitOfWork, rng: random.Random, today: dt.date) -> None:
        self.uow, self.rng, self.today = uow, rng, today
        self.created = dt.datetime.combine(
            today - dt.timedelta(days=400), dt.time(9), ZONE
        ).astimezone(dt.UTC)
        self.phones = [f"608-555-01{n:02d}" for n in range(100)]
        rng.shuffle(self.phones)
        self.visits: list[dict[str, Any]] = []
        self.visit_seekers: list[list[int]] = []
        self.busy: set[tuple[str, dt.datetime]] = set()
        self.counts: dict[str, int] = {}

    # -- people and places ---------------------------------------------------------------

    def build(self) -> dict[str, int]:
        if self.uow.program_id is None and self.uow.programs.count() == 0:
            # the demo's own program, made at the demo's clock so a seed gives the same rows
            self.uow.programs.add(
                Program(code="demo", name="Demo County IPS", created_at=self.created)
            )
            self.uow.flush()
        self.specialists = [
            self.uow.specialists.add(
                Specialist(code=code, name=name, email=email, office_zip=office_zip)
            )
            for code, name, email, office_zip in DEMO_SPECIALISTS
        ]
        self.uow.flush()
        self.employers = self._employers()
        self.uow.employers.add_all(self.employers)
        self.seekers = self._seekers()
        self.uow.seekers.add_all(self.seekers)
        self.uow.flush()
        self._relationships()
        self._first_contacts()
        starts = self._job_starts()
        self._openings()
        self._planned_week()
        self._write_visits()
        self._fit_notes(starts)
        self.uow.flush()
        return self.counts

    def _employers(self) -> list[Employer]:
        names: set[str] = set()
        employers = []
        zips = self.rng.choices(fiction.ZIPS, [z.weight for z in fiction.ZIPS], k=EMPLOYERS)
        industries = self.rng.choices(
            fiction.INDUSTRIES, [i.weight for i in fiction.INDUSTRIES], k=EMPLOYERS
        )
        do_not_contact = set(self.rng.sample(range(EMPLOYERS), 4))
        for index, (place, industry) in enumerate(zip(zips, industries, strict=True)):
            name = self._business_name(industry, names)
            slug = name.lower().replace("&", "and").replace(" ", "")
            wage_low = self.rng.randint(industry.wage[0], industry.wage[1] - 1)
            known_wage = self.rng.random() < 0.8
            employer = Employer(
                name=name,
                external_id=f"{DEMO_EXTERNAL_ID_PREFIX}E{index + 1:04d}",
                industry=industry.name,
                job_types=self.rng.sample(
                    industry.job_types, self.rng.randint(1, min(3, len(industry.job_types)))
                ),
                street=f"{self.rng.randrange(100, 9900, 2)} {self.rng.choice(STREETS)}",
                city=place.city,
                state="WI",
                zip=place.code,
                latitude=round(place.latitude + self.rng.uniform(-0.012, 0.012), 5),
                longitude=round(place.longitude + self.rng.uniform(-0.015, 0.015), 5),
                phone=self.phones.pop() if self.rng.random() < 0.25 and self.phones else None,
                website=f"https://{slug}.example.org" if self.rng.random() < 0.4 else None,
                size=self.rng.randint(*industry.size),
                shifts=self.rng.sample(industry.shifts, self.rng.randint(1, len(industry.shifts))),
                wage_min=Decimal(wage_low) if known_wage else None,
                wage_max=Decimal(wage_low + self.rng.randint(1, 5)) if known_wage else None,
                bus_access=(self.rng.random() < place.bus_share)
                if self.rng.random() < 0.9
                else None,
                do_not_contact=index in do_not_contact,
                notes="Asked us not to visit again (fictional)."
                if index in do_not_contact
                else None,
                created_at=self.created,
                updated_at=self.created,
            )
            for _ in range(self.rng.choice((0, 1, 1, 1, 2))):
                employer.add_person(self._person(slug))
            employers.append(employer)
        self.counts["employers"] = len(employers)
        self.counts["employer_people"] = sum(len(e.people) for e in employers)
        return employers

    def _business_name(self, industry: fiction.Industry, taken: set[str]) -> str:
        while True:
            name = f"{self.rng.choice(fiction.NAME_WORDS)} {self.rng.choice(industry.kinds)}"
            if name not in taken:
                taken.add(name)
                return name

    def _person(self, slug: str) -> EmployerPerson:
        first = self.rng.choice(fiction.FIRST_NAMES)
        title, decides = self.rng.choice(fiction.PERSON_TITLES)
        return EmployerPerson(
            name=f"{first} {self.rng.choice(fiction.SURNAMES)}",
            title=title,
            phone=self.phones.pop() if self.rng.random() < 0.2 and self.phones else None,
            email=f"{first.lower()}@{slug}.example.org" if self.rng.random() < 0.6 else None,
            makes_hiring_decisions=decides,
        )

    def _seekers(self) -> list[JobSeeker]:
        seekers = []
        waiting = dict(zip(range(SEEKERS - len(WAITING_DAYS), SEEKERS), WAITING_DAYS, strict=True))
        named = set(self.rng.sample(range(SEEKERS), 8))
        closed = {3, 18}
        on_hold = {7, 26}
        for index in range(SEEKERS):
            days = waiting.get(index, self.rng.randint(35, 330))
            start = self.today - dt.timedelta(days=days)
            empty = index in (SEEKERS - 2, 12)  # career profile not written yet
            status = JobSeekerStatus.SEARCHING
            if index in closed:
                status = JobSeekerStatus.CLOSED
            elif index in on_hold:
                status = JobSeekerStatus.ON_HOLD
            seekers.append(
                JobSeeker(
                    code=f"J-{1001 + index}",
                    ips_start=start,
                    specialist_id=self.specialists[index % 2].id,
                    name=f"{fiction.FIRST_NAMES[index % 30]} {'ABCDEFGHJKLMNPRSTW'[index % 18]}."
                    if index in named
                    else None,
                    status=status,
                    preferences=Preferences() if empty else self._preferences(),
                    created_at=_at(start, dt.time(9)),
                    updated_at=_at(start, dt.time(9)),
                )
            )
        self.waiting = [seekers[i] for i in waiting]
        candidates = [
            s
            for s in seekers
            if s.status is JobSeekerStatus.SEARCHING
            and s not in self.waiting
            and (self.today - _start(s)).days > 75
        ]
        # decided now, so no job seeker is updated after it is written: the first four
        # jobs end (their job seekers search again), the others are held today
        self.hired = self.rng.sample(candidates, 13)
        for seeker in self.hired[4:]:
            seeker.status = JobSeekerStatus.WORKING
        self.counts["job_seekers"] = len(seekers)
        return seekers

    def _preferences(self) -> Preferences:
        rng = self.rng
        industry = rng.choices(fiction.INDUSTRIES, [i.weight for i in fiction.INDUSTRIES])[0]
        job_types = rng.sample(industry.job_types, rng.randint(1, 2))
        if rng.random() < 0.3:
            job_types.append(rng.choice(rng.choice(fiction.INDUSTRIES).job_types))
        others = [i.name for i in fiction.INDUSTRIES if i is not industry]
        avoid: list[str] = []
        if rng.random() < 0.4:
            avoid.append(rng.choice(others))
        if rng.random() < 0.1:
            avoid.append(rng.choice(self.employers).name)
        transport = rng.choices(list(Transport), (10, 10, 40, 20, 15, 5))[0]
        miles = {"walk": (1, 2), "bike": (3, 6), "bus": (4, 10), "car": (10, 25)}.get(
            transport.value, (5, 15)
        )
        hours = rng.choice(((None, None), (10, 20), (15, 25), (20, 30), (30, 40), (None, 20)))
        return Preferences(
            job_types=job_types,
            industries=[industry.name] if rng.random() < 0.5 else [],
            avoid=avoid,
            hours_min=hours[0],
            hours_max=hours[1],
            shifts=rng.choice(([], ["day"], ["day", "evening"], ["evening"], ["day", "weekend"])),
            home_zip=rng.choices(fiction.ZIPS, [z.weight for z in fiction.ZIPS])[0].code,
            max_miles=rng.randint(*miles) if rng.random() < 0.85 else None,
            transport=transport,
            wage_min=rng.choice(
                (None, None, *map(Decimal, ("13", "14", "15", "15.50", "16", "17")))
            ),
            work_setting=rng.choice((None, None, "quiet", "outdoors", "with a team", "on my own")),
            disclosure=rng.choices(list(Disclosure), (20, 45, 35))[0],
            benefits_hours_cap=20 if rng.random() < 0.2 else None,
            strengths=rng.sample(fiction.STRENGTHS, rng.randint(1, 3)),
        )

    # -- employer contacts -----------------------------------------------------------------

    def _relationships(self) -> None:
        """The IPS cycle with each engaged employer: introduce, learn the business, follow
        up or present a job seeker, then keep in touch; some relationships stall."""
        open_employers = [e for e in self.employers if not e.do_not_contact]
        window_start = self.today - dt.timedelta(days=WINDOW_DAYS)
        self.engaged: dict[str, list[Employer]] = {}
        for specialist in self.specialists:
            caseload = [s for s in self.seekers if s.specialist_id == specialist.id]
            wanted = {t for s in caseload for t in s.preferences.job_types}
            weights = [1 + 3 * len(wanted.intersection(e.job_types)) for e in open_employers]
            chosen: list[Employer] = []
            while len(chosen) < ENGAGED_PER_SPECIALIST:
                employer = self.rng.choices(open_employers, weights)[0]
                if employer not in chosen:
                    chosen.append(employer)
            self.engaged[specialist.code] = chosen
            for employer in chosen:
                day = window_start + dt.timedelta(days=self.rng.randint(0, WINDOW_DAYS - 3))
                self._cycle(specialist, employer, day, caseload)

    def _cycle(
        self, specialist: Specialist, employer: Employer, day: dt.date, caseload: list[JobSeeker]
    ) -> None:
        rng = self.rng
        steps = [(VisitPurpose.INTRODUCE, 0)]
        if rng.random() < 0.8:
            steps.append((VisitPurpose.LEARN_BUSINESS, rng.randint(5, 14)))
            if rng.random() < 0.7:
                steps.append((VisitPurpose.PRESENT_JOB_SEEKER, rng.randint(7, 16)))
                while rng.random() < 0.6:
                    steps.append((VisitPurpose.FOLLOW_UP, rng.randint(21, 45)))
        for purpose, gap in steps:
            day += dt.timedelta(days=gap)
            if day >= self.today:
                return
            fitting = [s for s in caseload if _fits(s, employer) and _start(s) <= day]
            fitting = [s for s in fitting if s not in self.waiting]
            seekers: list[JobSeeker] = []
            if fitting and (purpose is VisitPurpose.PRESENT_JOB_SEEKER or rng.random() < 0.4):
                seekers = rng.sample(fitting, min(len(fitting), rng.randint(1, 2)))
            elif purpose is VisitPurpose.PRESENT_JOB_SEEKER:
                purpose = VisitPurpose.FOLLOW_UP
            mode = ContactMode.IN_PERSON
            if rng.random() < (0.1 if purpose is VisitPurpose.INTRODUCE else 0.2):
                mode = rng.choice((ContactMode.PHONE, ContactMode.EMAIL, ContactMode.PHONE))
            present = (
                bool(seekers) and purpose is VisitPurpose.LEARN_BUSINESS and rng.random() < 0.4
            )
            self._visit(
                specialist, employer, day, purpose, mode=mode, seekers=seekers, present=present
            )
            if purpose is VisitPurpose.LEARN_BUSINESS and rng.random() < 0.4:
                self._visit(
                    specialist,
                    employer,
                    day + dt.timedelta(days=1),
                    VisitPurpose.FOLLOW_UP,
                    mode=ContactMode.EMAIL,
                    outcome=("Sent a thank-you note.", "judge the relationship"),
                )

    def _visit(
        self,
        specialist: Specialist,
        employer: Employer,
        day: dt.date,
        purpose: VisitPurpose,
        *,
        mode: ContactMode = ContactMode.IN_PERSON,
        seekers: Sequence[JobSeeker] = (),
        present: bool = False,
        planned: bool = False,
        reason: str | None = None,
        outcome: tuple[str, str] | None = None,
    ) -> None:
        day = _workday(day)
        if not planned and day >= self.today:
            return
        at = self._free_slot(specialist, day)
        people = [p for p in employer.people if p.makes_hiring_decisions] or employer.people
        if outcome is None and not planned:
            outcome = self.rng.choice(
                fiction.VISIT_OUTCOMES.get(purpose, fiction.VISIT_OUTCOMES[VisitPurpose.FOLLOW_UP])
            )
        minutes = fiction.VISIT_MINUTES.get(purpose, 20) if mode is ContactMode.IN_PERSON else 10
        created = _at(self.today, dt.time(8)) if planned else at
        self.visits.append(
            {
                "employer_id": employer.id,
                "specialist_id": specialist.id,
                "person_id": people[0].id if people else None,
                "at": at,
                "duration_minutes": minutes,
                "mode": mode,
                "purpose": purpose,
                "status": VisitStatus.PLANNED if planned else VisitStatus.DONE,
                "seeker_present": present,
                "outcome": outcome[0] if outcome else None,
                "next_step": outcome[1] if outcome else None,
                "reason": reason,
                "created_at": created,
                "updated_at": created,
            }
        )
        self.visit_seekers.append([_id(s.id) for s in seekers])

    def _free_slot(self, specialist: Specialist, day: dt.date) -> dt.datetime:
        """A time that day when the specialist has no other visit (or the next workday's)."""
        first = self.rng.randrange(len(fiction.VISIT_SLOTS))
        while True:
            for step in range(len(fiction.VISIT_SLOTS)):
                at = _at(day, fiction.VISIT_SLOTS[(first + step) % len(fiction.VISIT_SLOTS)])
                if (specialist.code, at) not in self.busy:
                    self.busy.add((specialist.code, at))
                    return at
            day = _workday(day + dt.timedelta(days=1))

    def _seeker_visits(self, seeker: JobSeeker) -> list[dict[str, Any]]:
        return [
            v for v, ids in zip(self.visits, self.visit_seekers, strict=True) if seeker.id in ids
        ]

    def _first_contacts(self) -> None:
        """Most job seekers get a first face-to-face employer contact within 30 days."""
        for seeker in self.seekers:
            if seeker in self.waiting:
                continue
            specialist = self._specialist_of(seeker)
            start = _start(seeker)
            first = min(
                (v["at"].date() for v in self._seeker_visits(seeker) if _face_to_face(v)),
                default=None,
            )
            if first is not None and (first - start).days <= 30:
                continue
            days = self.rng.randint(3, 26) if self.rng.random() < 0.9 else self.rng.randint(31, 60)
            employer = self._fitting_employer(seeker, specialist)
            purpose = self.rng.choice((VisitPurpose.INTRODUCE, VisitPurpose.LEARN_BUSINESS))
            self._visit(
                specialist,
                employer,
                start + dt.timedelta(days=days),
                purpose,
                seekers=[seeker],
                present=self.rng.random() < 0.3,
            )

    def _specialist_of(self, seeker: JobSeeker) -> Specialist:
        return next(s for s in self.specialists if s.id == seeker.specialist_id)

    def _fitting_employer(self, seeker: JobSeeker, specialist: Specialist) -> Employer:
        engaged = self.engaged[specialist.code]
        fitting = [e for e in engaged if _fits(seeker, e)]
        if not fitting:
            fitting = [e for e in self.employers if _fits(seeker, e) and not e.do_not_contact]
        return self.rng.choice(fitting or engaged)

    # -- jobs, openings, notes -------------------------------------------------------------

    def _job_starts(self) -> list[JobStart]:
        starts = []
        for index, seeker in enumerate(self.hired):
            specialist = self._specialist_of(seeker)
            employer = self._fitting_employer(seeker, specialist)
            presented = self.today - dt.timedelta(days=self.rng.randint(30, 150))
            presented = max(presented, _start(seeker) + dt.timedelta(days=20))
            self._visit(
                specialist, employer, presented, VisitPurpose.PRESENT_JOB_SEEKER, seekers=[seeker]
            )
            start = min(presented + dt.timedelta(days=self.rng.randint(7, 25)), self.today)
            job = self._job(seeker, employer, start - dt.timedelta(days=3), start)
            ended = index < 4
            if ended:
                reason = (JobEndReason.LAID_OFF, JobEndReason.TEMPORARY_ENDED,
                          JobEndReason.QUIT_WITHOUT_PLANS, JobEndReason.HEALTH)[index]  # fmt: skip
                end = min(start + dt.timedelta(days=self.rng.randint(25, 90)), self.today)
                job.end(end, reason)
            for week in range(1, self.rng.randint(2, 4)):
                self._visit(
                    specialist,
                    employer,
                    start + dt.timedelta(days=7 * week),
                    VisitPurpose.SUPPORT,
                    seekers=[seeker],
                )
            starts.append(job)
        self.counts["job_starts"] = len(starts)
        self.counts["jobs_ended"] = sum(1 for j in starts if j.end_date is not None)
        return starts

    def _job(
        self, seeker: JobSeeker, employer: Employer, learned: dt.date, start: dt.date
    ) -> JobStart:
        prefs = seeker.preferences
        job_type = next(
            (t for t in prefs.job_types if t in employer.job_types), employer.job_types[0]
        )
        wage = max(Decimal(employer.wage_min or 15), prefs.wage_min or Decimal(0)) + Decimal(
            self.rng.choice(("0", "0.50", "1.00", "1.25"))
        )
        hours = self.rng.randint(
            prefs.hours_min or 12, max(prefs.hours_max or 30, prefs.hours_min or 12)
        )
        opening = self.uow.openings.add(
            JobOpening(
                employer_id=_id(employer.id),
                title=job_type.capitalize(),
                job_type=job_type,
                hours_per_week=hours,
                shifts=employer.shifts[:1],
                wage=wage,
                advertised=self.rng.random() < 0.5,
                status=OpeningStatus.FILLED,
                learned_on=learned,
            )
        )
        self.uow.flush()
        return self.uow.job_starts.add(
            JobStart(
                seeker_id=_id(seeker.id),
                employer_id=_id(employer.id),
                opening_id=opening.id,
                title=job_type.capitalize(),
                job_type=job_type,
                start_date=start,
                hours_per_week=hours,
                wage=wage,
                competitive=True,
            )
        )

    def _openings(self) -> None:
        made = 0
        for specialist in self.specialists:
            for employer in self.rng.sample(self.engaged[specialist.code], 9):
                job_type = self.rng.choice(employer.job_types)
                low = employer.wage_min or Decimal(15)
                status = OpeningStatus.OPEN if self.rng.random() < 0.8 else OpeningStatus.CLOSED
                self.uow.openings.add(
                    JobOpening(
                        employer_id=_id(employer.id),
                        title=job_type.capitalize(),
                        job_type=job_type,
                        hours_per_week=self.rng.choice((16, 20, 24, 30, 32, 40)),
                        shifts=self.rng.sample(employer.shifts, 1),
                        wage=low + Decimal(self.rng.choice(("0", "0.50", "1"))),
                        advertised=self.rng.random() < 0.5,
                        status=status,
                        learned_on=self.today - dt.timedelta(days=self.rng.randint(2, 60)),
                        notes=None if self.rng.random() < 0.6 else "Heard of it on a visit.",
                    )
                )
                made += 1
        self.counts["openings"] = made

    def _planned_week(self) -> None:
        """Next week's visits: follow-ups, and first contacts for the newest job seekers."""
        for specialist in self.specialists:
            engaged = self.engaged[specialist.code]
            for offset, employer in enumerate(self.rng.sample(engaged, 4)):
                self._visit(
                    specialist,
                    employer,
                    self.today + dt.timedelta(days=1 + offset),
                    VisitPurpose.FOLLOW_UP,
                    planned=True,
                    reason="keep in touch",
                )
            waiting = [s for s in self.waiting if s.specialist_id == specialist.id]
            waiting.sort(key=lambda s: (_start(s), s.code))
            for seeker in waiting[:2]:
                days = (self.today - _start(seeker)).days + 2
                self._visit(
                    specialist,
                    self._fitting_employer(seeker, specialist),
                    self.today + dt.timedelta(days=2),
                    VisitPurpose.INTRODUCE,
                    seekers=[seeker],
                    planned=True,
                    reason=f"first employer contact for {seeker.code} (day {days} since IPS start)",
                )

    def _introductions(self) -> None:
        """Every relationship starts with an introduction: where a specialist's first visit
        to an employer has another purpose, add an introduction a week or so before."""
        first: dict[tuple[int, int], dict[str, Any]] = {}
        for visit in sorted(self.visits, key=lambda v: v["at"]):
            first.setdefault((visit["specialist_id"], visit["employer_id"]), visit)
        by_id = {e.id: e for e in self.employers}
        for (specialist_id, employer_id), visit in first.items():
            if visit["purpose"] is VisitPurpose.INTRODUCE:
                continue
            specialist = next(s for s in self.specialists if s.id == specialist_id)
            day = visit["at"].astimezone(ZONE).date() - dt.timedelta(days=self.rng.randint(6, 10))
            self._visit(specialist, by_id[employer_id], day, VisitPurpose.INTRODUCE)

    def _write_visits(self) -> None:
        """Bulk insert the visits, then the job seekers each was for."""
        self._introductions()
        order = sorted(range(len(self.visits)), key=lambda i: (self.visits[i]["at"], i))
        visits = [self.visits[i] for i in order]
        seekers = [self.visit_seekers[i] for i in order]
        bulk.insert_visits(self.uow, visits, seekers)
        planned = sum(1 for v in visits if v["status"] is VisitStatus.PLANNED)
        self.counts["visits_done"] = len(visits) - planned
        self.counts["visits_planned"] = planned

    def _fit_notes(self, starts: list[JobStart]) -> None:
        for job, (ratings, overall, text) in zip(starts, fiction.FIT_NOTES, strict=False):
            seeker = next(s for s in self.seekers if s.id == job.seeker_id)
            self.uow.fit_notes.add(
                JobFitNote(
                    seeker_id=job.seeker_id,
                    employer_id=job.employer_id,
                    author_id=_id(seeker.specialist_id),
                    opening_id=job.opening_id,
                    ratings={k: {"rating": r, "comment": c} for k, (r, c) in ratings.items()},
                    overall=overall,
                    text=text,
                    written_at=_at(job.start_date - dt.timedelta(days=5), dt.time(16)),
                )
            )
        self.counts["fit_notes"] = min(len(fiction.FIT_NOTES), len(starts))


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    """A local time in Dane County, as an aware UTC datetime."""
    return dt.datetime.combine(day, time, ZONE).astimezone(dt.UTC)


def _start(seeker: JobSeeker) -> dt.date:
    """Every demo job seeker has an IPS start."""
    assert seeker.ips_start is not None
    return seeker.ips_start


def _id(record_id: int | None) -> int:
    """The id of a record already flushed."""
    assert record_id is not None
    return record_id


def _workday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after a weekend."""
    return day + dt.timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def _fits(seeker: JobSeeker, employer: Employer) -> bool:
    prefs = seeker.preferences
    if employer.industry in prefs.avoid or employer.name.lower() in prefs.avoid:
        return False
    return bool(set(prefs.job_types).intersection(employer.job_types)) or (
        employer.industry in prefs.industries
    )


def _face_to_face(visit: dict[str, Any]) -> bool:
    return visit["mode"] is ContactMode.IN_PERSON and visit["status"] is VisitStatus.DONE

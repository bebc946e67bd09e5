"""``list_due`` over the store (SQLite and PostgreSQL): employers due or overdue in the
contact cycle, and job seekers at risk of the 30-day rule, most urgent first."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import sqlalchemy as sa

import ips_jobdev as jobdev
from ips_jobdev._store.queries.cycles import _listed_ids, employer_list_statement
from ips_jobdev.cycles import DEFAULT_POLICY, summarize
from ips_jobdev.cycles._due import list_due, relationship_states, specialist_employers

ZONE = zoneinfo.ZoneInfo("America/Chicago")
TODAY = dt.date(2026, 11, 25)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


def _build(db: jobdev.Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    with db.unit_of_work() as uow:
        jd = uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe", office_zip="53703"))
        kb = uow.specialists.add(jobdev.Specialist(code="kb", name="Kim Baker"))
        employers = {
            "bakery": jobdev.Employer(name="Example Bakery", zip="53703", job_types=["cook"]),
            "hardware": jobdev.Employer(name="Sample Hardware", zip="53704"),
            "cafe": jobdev.Employer(name="Cold Cafe", zip="53711"),
            "quiet": jobdev.Employer(name="Quiet Shop", zip="53711", do_not_contact=True),
            "kb_only": jobdev.Employer(name="Fictional Freight", zip="53714"),
            "reassigned": jobdev.Employer(name="Demo Dairy", zip="53590"),
        }
        for employer in employers.values():
            uow.employers.add(employer)
        uow.flush()
        seekers = {
            "J-1042": jobdev.JobSeeker(
                code="J-1042",
                ips_start=dt.date(2026, 11, 1),
                specialist_id=jd.id,
                preferences=jobdev.Preferences(job_types=["cook"]),
            ),
            **{
                code: jobdev.JobSeeker(code=code, ips_start=start, specialist_id=jd.id)
                for code, start in (
                    ("J-2000", dt.date(2026, 10, 1)),
                    ("J-3000", dt.date(2026, 11, 20)),
                    ("J-4000", dt.date(2026, 11, 1)),
                )
            },
        }
        for seeker in seekers.values():
            uow.seekers.add(seeker)
        uow.flush()

        def visit(
            who: jobdev.Specialist, where: str, day: dt.date, purpose: str, **kw: object
        ) -> None:
            uow.visits.add(
                jobdev.Visit(employer_id=employers[where].id, specialist_id=who.id,
                             at=_at(day), purpose=purpose, **kw)  # type: ignore[arg-type]
            )  # fmt: skip

        # bakery: introduced 2 Nov, business learned 12 Nov -> follow-up due 26 Nov
        visit(jd, "bakery", dt.date(2026, 11, 2), "introduce")
        visit(jd, "bakery", dt.date(2026, 11, 12), "learn-business")
        visit(jd, "bakery", dt.date(2026, 11, 20), "follow-up", mode="phone")  # counts nothing
        # hardware: introduced 20 Nov -> learn the business due 4 Dec (9 days: not yet due)
        visit(jd, "hardware", dt.date(2026, 11, 20), "introduce")
        # cafe: last face-to-face visit 1 Mar -> cold by 25 Nov
        visit(jd, "cafe", dt.date(2026, 3, 1), "introduce")
        # quiet: overdue, but the employer asked not to be contacted
        visit(jd, "quiet", dt.date(2026, 10, 1), "introduce")
        # kb's own employer: overdue for kb, not on jd's list
        visit(kb, "kb_only", dt.date(2026, 10, 1), "introduce")
        # kb visited Demo Dairy for J-4000, now on jd's caseload: on jd's list too
        visit(kb, "reassigned", dt.date(2026, 11, 3), "introduce", seekers=[seekers["J-4000"]])
        uow.commit()
        ids.update({name: e.id for name, e in employers.items()})  # type: ignore[misc]
        ids.update({code: s.id for code, s in seekers.items()})  # type: ignore[misc]
    return ids


def test_due_lists_the_most_urgent_first_with_reasons(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        result = list_due(uow, specialist="jd", on=TODAY)
    rows = [(i.kind, i.name, i.due, i.status, i.reason) for i in result.items]
    assert rows == [
        ("job-seeker", "J-2000", dt.date(2026, 10, 31), "missed",
         "first employer contact for J-2000, day 55 (the 30-day mark passed on 31 Oct)"),
        ("employer", "Demo Dairy", dt.date(2026, 11, 17), "overdue",
         "follow-up due 17 Nov (8 days overdue), stage 2: learn the business"),
        ("employer", "Example Bakery", dt.date(2026, 11, 26), "due",
         "follow-up due 26 Nov, stage 3: follow up and present"),
        ("job-seeker", "J-1042", dt.date(2026, 12, 1), "at-risk",
         "first employer contact for J-1042, day 24 of 30"),
    ]  # fmt: skip
    assert result.cold == 1
    assert result.to_dict()["items"][0]["days_since_start"] == 55


def test_cold_relationships_are_listed_on_request_after_the_rest(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        result = list_due(uow, specialist="jd", on=TODAY, include_cold=True)
    last = result.items[-1]
    assert (last.name, last.status) == ("Cold Cafe", "cold")
    assert last.reason == "gone cold (no face-to-face visit since 1 Mar 2026), stage 1: introduce"


def test_an_employer_asking_not_to_be_contacted_is_never_due(db: jobdev.Database) -> None:
    _build(db)
    with db.unit_of_work() as uow:
        names = {i.name for i in list_due(uow, on=TODAY).items}
    assert "Quiet Shop" not in names
    assert "Fictional Freight" in names  # everyone's list includes kb's employer


def test_a_job_seeker_interested_in_the_job_type_is_named(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        item = next(
            i for i in list_due(uow, specialist="jd", on=TODAY).items if i.id == ids["bakery"]
        )
        assert item.employer is not None
        assert item.employer.interested_seekers == ("J-1042",)
        assert item.to_dict()["interested_seekers"] == ["J-1042"]


def test_a_first_contact_moves_the_job_seeker_off_the_list(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        seeker = uow.seekers.get(ids["J-1042"])
        uow.visits.add(
            jobdev.Visit(
                employer_id=ids["hardware"],
                specialist_id=uow.specialists.by_code("jd").id,  # type: ignore[arg-type]
                at=_at(dt.date(2026, 11, 24)),
                purpose="learn-business",
                seekers=[seeker],
            )
        )
        uow.commit()
        codes = {i.name for i in list_due(uow, specialist="jd", on=TODAY).items}
    assert "J-1042" not in codes


def test_the_states_read_from_sql_match_the_fold_of_the_visits(db: jobdev.Database) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        employer_ids = [ids[n] for n in ("bakery", "hardware", "cafe", "kb_only", "reassigned")]
        states = relationship_states(
            uow, employer_ids, on=TODAY, zone="America/Chicago", policy=DEFAULT_POLICY
        )
        for employer_id in employer_ids:
            visits = uow.visits.between(employer_id=employer_id)
            summary = summarize(visits, zone=ZONE)
            state = states[employer_id]
            assert (state.stage, state.last_face_to_face, state.counted_visits) == (
                summary.stage,
                summary.last_face_to_face,
                summary.counted_visits,
            )


@pytest.mark.parametrize(
    "on",
    # the cold line (180 days back) before, on and after cafe's visit of 1 Mar; the day of
    # the planned visit and the day after it
    [TODAY, dt.date(2026, 8, 27), dt.date(2026, 8, 28), dt.date(2026, 8, 29), dt.date(2026, 11, 27),
     dt.date(2026, 11, 28)],
)  # fmt: skip
def test_a_shorter_list_read_from_the_list_taken_ever_is_the_one_its_own_statement_reads(
    db: jobdev.Database, on: dt.date
) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        jd = uow.specialists.by_code("jd")
        # planned only: on jd's list while the plan stands
        uow.visits.add(
            jobdev.Visit(employer_id=ids["kb_only"], specialist_id=jd.id, status="planned",
                         at=_at(dt.date(2026, 11, 27)), purpose="introduce")  # type: ignore[arg-type]
        )  # fmt: skip
        uow.commit()
    with db.unit_of_work() as uow:
        jd = uow.specialists.by_code("jd")
        zone, policy = jd.timezone, DEFAULT_POLICY
        recent = specialist_employers(jd.id, on=on, zone=zone, policy=policy)
        ever = specialist_employers(jd.id, on=on, zone=zone, policy=policy, include_cold=True)
        expected = {
            lst: sorted(uow.session.scalars(employer_list_statement(lst))) for lst in (recent, ever)
        }
        sent: list[str] = []
        engine = uow.session.get_bind()
        sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        assert _listed_ids(uow, ever) == expected[ever]
        assert len(sent) == 1
        assert _listed_ids(uow, recent) == expected[recent]
        assert len(sent) == 1, "the shorter list is read from the first, without a statement"
    assert expected[recent] != expected[ever] or on != TODAY  # the cafe has gone cold


@pytest.mark.parametrize(
    "on", [TODAY, dt.date(2026, 8, 28), dt.date(2026, 8, 29), dt.date(2026, 9, 1)]
)
def test_the_count_of_relationships_gone_cold_is_the_number_listed_on_request(
    db: jobdev.Database, on: dt.date
) -> None:
    ids = _build(db)
    with db.unit_of_work() as uow:
        # jd made it recently: only another specialist's visit kept Cold Cafe warm
        kb = uow.specialists.by_code("kb")
        uow.visits.add(
            jobdev.Visit(employer_id=ids["cafe"], specialist_id=kb.id, at=_at(on),
                         purpose="follow-up")  # type: ignore[arg-type]
        )  # fmt: skip
        uow.commit()
    with db.unit_of_work() as uow:
        counted = list_due(uow, specialist="jd", on=on).cold
    with db.unit_of_work() as uow:
        listed = list_due(uow, specialist="jd", on=on, include_cold=True)
    assert counted == listed.cold == len([i for i in listed.items if i.status == "cold"])


def test_an_unknown_specialist_is_a_clear_error(db: jobdev.Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(jobdev.NotFoundError):
        list_due(uow, specialist="zz", on=TODAY)

"""Privacy, checked on what reaches the org: job seekers appear only as they allow.

For generated visits with several job seekers (each disclosing or not, named or not, with
preferences and a benefits cap) and a reason that names them all, no request body may
hold a non-disclosing job seeker's name, first or last name or program code, nor anybody's
preferences, strengths, benefits or the team's free text; a disclosing job seeker is shown.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zoneinfo
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ips_jobdev_salesforce import SalesforceAdapter
from ips_jobdev_salesforce.fake import FakeSalesforce

from ips_jobdev._model import Employer, EmployerPerson, JobSeeker, Preferences, Specialist, Visit
from ips_jobdev._store import Database
from ips_jobdev._sync import export as sync
from ips_jobdev._vocab import Disclosure, VisitPurpose, VisitStatus

FIRST = ("Quorra", "Zephyrine", "Ottoline", "Benedikt", "Ysolde")
LAST = ("Quillfeather", "Brightwater", "Oakhollow", "Stormcrest", "Larkspur")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")

seeker_specs = st.lists(
    st.tuples(st.sampled_from(list(Disclosure)), st.booleans()), min_size=1, max_size=5
)


def load(
    database: Database,
    specs: list[tuple[Disclosure, bool]],
    purpose: VisitPurpose,
    present: bool,
    status: VisitStatus,
) -> list[JobSeeker]:
    with database.unit_of_work() as uow:
        ab = uow.specialists.add(Specialist(code="ab", name="Alex Example"))
        employer = Employer(
            name="Example Bakery",
            street="5 Sample Ave",
            city="Madison",
            state="WI",
            zip="53703",
            notes="TEAM-NOTE about the owner",
        )
        person = employer.add_person(
            EmployerPerson(name="Robin Owner", title="Owner", notes="TEAM-NOTE-PERSON")
        )
        uow.employers.add(employer)
        seekers = [
            uow.seekers.add(
                JobSeeker(
                    code=f"PX-{700 + i}",
                    name=f"{FIRST[i]} {LAST[i]}" if named else None,
                    preferences=Preferences(
                        disclosure=disclosure,
                        benefits_hours_cap=17,
                        strengths=f"STRENGTH-{i}",
                        work_setting=f"SETTING-{i}",
                    ),
                )
            )
            for i, (disclosure, named) in enumerate(specs)
        ]
        uow.flush()
        reason = "Talk about " + ", ".join(s.display_name for s in seekers) + " and benefits"
        assert ab.id is not None
        assert employer.id is not None
        uow.visits.add(
            Visit(
                employer_id=employer.id,
                specialist_id=ab.id,
                person_id=person.id,
                at=dt.datetime(2026, 12, 7, 10, tzinfo=CHICAGO),
                purpose=purpose,
                seekers=seekers,
                seeker_present=present,
                status=status,
                reason=reason,
                outcome="TEAM-OUTCOME" if status is VisitStatus.DONE else None,
            )
        )
        uow.commit()
        return seekers


@settings(max_examples=15, deadline=None)
@given(
    specs=seeker_specs,
    purpose=st.sampled_from(list(VisitPurpose)),
    present=st.booleans(),
    status=st.sampled_from([VisitStatus.PLANNED, VisitStatus.DONE]),
)
def test_job_seekers_reach_salesforce_only_as_their_disclosure_allows(
    specs: list[tuple[Disclosure, bool]],
    purpose: VisitPurpose,
    present: bool,
    status: VisitStatus,
) -> None:
    with tempfile.TemporaryDirectory() as folder, FakeSalesforce() as org:
        database = Database(f"sqlite:///{Path(folder) / 'p.sqlite3'}")
        try:
            seekers = load(database, specs, purpose, present, status)
            with database.unit_of_work() as uow:
                report = sync.export(
                    uow,
                    SalesforceAdapter(sleep=lambda s: None),
                    environ={},
                    options={"instance_url": org.url, "access_token": org.token},
                )
        finally:
            database.dispose()
        assert report.ok
        sent = json.dumps([r.body for r in org.requests], ensure_ascii=False).casefold()
        for i, seeker in enumerate(seekers):
            private = [f"STRENGTH-{i}", f"SETTING-{i}"]
            if seeker.preferences.disclosure is not Disclosure.DISCLOSE:
                private += [seeker.code, FIRST[i], LAST[i]]
            elif seeker.name:
                assert seeker.name.casefold() in sent
            else:
                assert seeker.code.casefold() in sent
            leaked = [text for text in private if text.casefold() in sent]
            assert not leaked, f"{leaked} reached Salesforce"
        for marker in ("team-note", "team-outcome", "benefits", "not-disclose", "undecided"):
            assert marker not in sent

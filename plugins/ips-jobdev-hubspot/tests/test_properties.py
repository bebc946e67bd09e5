"""Records to HubSpot company, contact and meeting properties.

Property names and values follow HubSpot's documentation:

- Meetings: ``hs_timestamp`` (required; Unix milliseconds or UTC), ``hs_meeting_title``,
  ``hs_meeting_body``, ``hs_meeting_location``, ``hs_meeting_start_time``,
  ``hs_meeting_end_time``, ``hs_meeting_outcome`` (``SCHEDULED``, ``COMPLETED``,
  ``RESCHEDULED``, ``NO_SHOW``, ``CANCELED``).
  https://developers.hubspot.com/docs/api/crm/meetings
- Companies (``name``, ``domain``, ``phone``, ``address``, ``city``, ``state``, ``zip``;
  ``industry`` is an enumeration of HubSpot's own values) and contacts (``firstname``,
  ``lastname``, ``jobtitle``, ``phone``, ``email``): the CRM objects' default properties.
  https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/batch/upsert-contacts
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from ips_jobdev_hubspot import properties as props

from ips_jobdev._phones import PhoneNumber
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus
from ips_jobdev.adapters import EmployerRecord, PersonRecord, VisitRecord

UTC = dt.UTC


def visit(**kw: object) -> VisitRecord:
    base: dict[str, object] = {
        "id": 12,
        "employer_id": 3,
        "employer_name": "Café Ünïcødé & Søn",
        "specialist_code": "ab",
        "specialist_name": "Alex Example",
        "timezone": "America/Chicago",
        "start": dt.datetime(2026, 12, 7, 16, 0, tzinfo=UTC),
        "end": dt.datetime(2026, 12, 7, 16, 30, tzinfo=UTC),
        "mode": ContactMode.IN_PERSON,
        "purpose": VisitPurpose.INTRODUCE,
        "status": VisitStatus.PLANNED,
        "title": "Introduction: Café Ünïcødé & Søn",
        "description": "Introduction by Alex Example.\nMeeting with Zoë <Owner>.",
        "employer_address": "3 Ørsted Åvenue, Madison, WI 53704",
    }
    return VisitRecord(**(base | kw))  # type: ignore[arg-type]


def test_employer_becomes_a_company_with_the_industry_in_a_custom_property() -> None:
    record = EmployerRecord(
        id=3,
        name="Fictional Foods Co-op",
        industry="grocery",
        street="12 Example St",
        city="Madison",
        state="WI",
        zip="53703",
        phone="+16085550101",
        website="https://www.foods.example.org/about",
    )
    assert props.company_properties(record, industry_property="ips_jobdev_industry") == {
        "name": "Fictional Foods Co-op",
        "phone": "(608) 555-0101",
        "domain": "foods.example.org",
        "address": "12 Example St",
        "city": "Madison",
        "state": "WI",
        "zip": "53703",
        "ips_jobdev_industry": "grocery",
    }
    bare = props.company_properties(EmployerRecord(id=4, name="Bare"), industry_property=None)
    assert bare == {"name": "Bare"}


def test_person_becomes_a_contact() -> None:
    record = PersonRecord(
        id=5,
        employer_id=3,
        employer_name="x",
        name="Dana Manager",
        title="Hiring manager",
        phone="+16085550111;ext=4",
        email="dana@example.org",
    )
    assert props.contact_properties(record) == {
        "firstname": "Dana",
        "lastname": "Manager",
        "jobtitle": "Hiring manager",
        "phone": "(608) 555-0111 ext. 4",
        "email": "dana@example.org",
    }


def test_visit_becomes_a_meeting() -> None:
    assert props.meeting_properties(visit()) == {
        "hs_timestamp": "2026-12-07T16:00:00.000Z",
        "hs_meeting_title": "Introduction: Café Ünïcødé & Søn",
        "hs_meeting_body": "<p>Introduction by Alex Example.</p>"
        "<p>Meeting with Zoë &lt;Owner&gt;.</p>",
        "hs_meeting_location": "3 Ørsted Åvenue, Madison, WI 53704",
        "hs_meeting_start_time": "2026-12-07T16:00:00.000Z",
        "hs_meeting_end_time": "2026-12-07T16:30:00.000Z",
        "hs_meeting_outcome": "SCHEDULED",
    }


def test_the_meeting_outcome_follows_the_visit() -> None:
    outcomes = {
        status: props.meeting_properties(visit(status=status))["hs_meeting_outcome"]
        for status in VisitStatus
    }
    assert outcomes == {
        VisitStatus.PLANNED: "SCHEDULED",
        VisitStatus.DONE: "COMPLETED",
        VisitStatus.CANCELLED: "CANCELED",
    }


def test_domains_come_from_websites_written_any_way() -> None:
    assert props.website_domain("foods.example.org") == "foods.example.org"
    assert props.website_domain("http://WWW.Example.org:8080/x?y") == "example.org"
    assert props.website_domain("") is None


def test_times_are_utc_with_milliseconds() -> None:
    chicago = dt.timezone(dt.timedelta(hours=-6))
    assert props.hubspot_datetime(dt.datetime(2026, 12, 31, 23, 0, 0, 5000, tzinfo=chicago)) == (
        "2027-01-01T05:00:00.005Z"
    )


_words = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=12)


@given(st.lists(_words, min_size=1, max_size=5))
def test_name_splitting_loses_no_word_and_never_leaves_the_last_name_empty(
    words: list[str],
) -> None:
    name = " ".join(words)
    first, last = props.split_name(name)
    assert last
    assert " ".join(p for p in (first, last) if p) == " ".join(name.split())


@given(
    area=st.sampled_from(["608", "414", "212", "416", "876"]),
    line=st.integers(min_value=100, max_value=199),
    extension=st.none() | st.integers(min_value=1, max_value=99999),
)
def test_the_fast_phone_format_matches_phonenumbers(
    area: str, line: int, extension: int | None
) -> None:
    stored = f"+1{area}5550{line % 100:02d}" + (f";ext={extension}" if extension else "")
    assert props.hubspot_phone(stored) == PhoneNumber.from_storage(stored).national

"""Records to Account, Contact and Event fields, and to Bulk API 2.0 CSV rows.

Field names and formats follow the Salesforce documentation:

- Account, Contact and Event fields (Name, Phone, Website, BillingStreet...; FirstName,
  LastName; Subject, StartDateTime, EndDateTime, Location, Description, WhatId, WhoId):
  Object Reference for the Salesforce Platform.
  https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm
- Parents referenced by external id (``"Merchandise__r": {"MerchandiseExtID__c": 123}``):
  Upserting Records and Associating with an External ID.
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
- CSV relationship headers ``RelationshipName.IndexedFieldName`` and, for polymorphic
  fields such as Who and What, ``ObjectType:RelationshipName.IndexedFieldName``:
  Relationship Fields in a Header Row.
  https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_rel_field_header_row.htm
- dateTime as ``yyyy-MM-ddTHH:mm:ss.SSSZ``: Valid Date Format in Records.
  https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_date_format.htm
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st
from ips_jobdev_salesforce import fields

from ips_jobdev._phones import PhoneNumber
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus
from ips_jobdev.adapters import EmployerRecord, PersonRecord, VisitRecord

EXT = "IPS_Jobdev_Id__c"
UTC = dt.UTC


def employer(**kw: object) -> EmployerRecord:
    base: dict[str, object] = {
        "id": 3,
        "name": "Fictional Foods Co-op",
        "industry": "food service",
        "street": "12 Example St",
        "city": "Madison",
        "state": "WI",
        "zip": "53703",
        "phone": "+16085550101",
        "website": "https://foods.example.org",
    }
    return EmployerRecord(**(base | kw))  # type: ignore[arg-type]


def visit(**kw: object) -> VisitRecord:
    base: dict[str, object] = {
        "id": 12,
        "employer_id": 3,
        "employer_name": "Fictional Foods Co-op",
        "specialist_code": "ab",
        "specialist_name": "Alex Example",
        "timezone": "America/Chicago",
        "start": dt.datetime(2026, 12, 7, 16, 0, tzinfo=UTC),
        "end": dt.datetime(2026, 12, 7, 16, 30, tzinfo=UTC),
        "mode": ContactMode.IN_PERSON,
        "purpose": VisitPurpose.LEARN_BUSINESS,
        "status": VisitStatus.PLANNED,
        "title": "Learning about the business: Fictional Foods Co-op",
        "description": "Learning about the business by Alex Example.",
        "employer_address": "12 Example St, Madison, WI 53703",
        "person_id": 5,
    }
    return VisitRecord(**(base | kw))  # type: ignore[arg-type]


def test_employer_becomes_an_account() -> None:
    assert fields.account_fields(
        employer(), external_id_field=EXT, key="employer-3", industry_field="Industry"
    ) == {
        EXT: "employer-3",
        "Name": "Fictional Foods Co-op",
        "Phone": "(608) 555-0101",
        "Website": "https://foods.example.org",
        "BillingStreet": "12 Example St",
        "BillingCity": "Madison",
        "BillingState": "WI",
        "BillingPostalCode": "53703",
        "Industry": "Food Service",
    }


def test_empty_values_are_left_out_and_industry_can_go_elsewhere_or_nowhere() -> None:
    bare = employer(phone=None, website=None, street=None, industry="bakery")
    out = fields.account_fields(bare, external_id_field=EXT, key="k", industry_field="Sector__c")
    assert "Phone" not in out
    assert "Website" not in out
    assert "BillingStreet" not in out
    assert out["Sector__c"] == "Bakery"
    assert "Industry" not in fields.account_fields(
        bare, external_id_field=EXT, key="k", industry_field=None
    )


def test_long_names_are_clipped_to_the_field_length() -> None:
    out = fields.account_fields(
        employer(name="B" * 300), external_id_field=EXT, key="k", industry_field=None
    )
    assert len(out["Name"]) == 255
    assert out["Name"].endswith("…")


def test_person_becomes_a_contact_of_the_employers_account() -> None:
    person = PersonRecord(
        id=5,
        employer_id=3,
        employer_name="Fictional Foods Co-op",
        name="Dana Manager",
        title="Hiring manager",
        phone="+16085550111;ext=4",
        email="dana@example.org",
    )
    assert fields.contact_fields(
        person, external_id_field=EXT, key="person-5", account_key="employer-3"
    ) == {
        EXT: "person-5",
        "FirstName": "Dana",
        "LastName": "Manager",
        "Title": "Hiring manager",
        "Phone": "(608) 555-0111 ext. 4",
        "Email": "dana@example.org",
        "Account": {EXT: "employer-3"},
    }


def test_visit_becomes_an_event_on_the_account_with_the_person_met() -> None:
    out = fields.event_fields(
        visit(),
        external_id_field=EXT,
        key="visit-12",
        account_key="employer-3",
        contact_key="person-5",
    )
    assert out == {
        EXT: "visit-12",
        "Subject": "Learning about the business: Fictional Foods Co-op",
        "StartDateTime": "2026-12-07T16:00:00.000Z",
        "EndDateTime": "2026-12-07T16:30:00.000Z",
        "Location": "12 Example St, Madison, WI 53703",
        "Description": "Learning about the business by Alex Example.",
        "What": {"attributes": {"type": "Account"}, EXT: "employer-3"},
        "Who": {"attributes": {"type": "Contact"}, EXT: "person-5"},
    }


def test_visit_without_a_person_clears_who() -> None:
    out = fields.event_fields(
        visit(person_id=None),
        external_id_field=EXT,
        key="visit-12",
        account_key="employer-3",
        contact_key=None,
    )
    assert "Who" not in out
    assert out["WhoId"] is None


def test_event_fields_keep_their_order_and_leave_out_empty_text() -> None:
    out = fields.event_fields(
        visit(person_id=None, title="", description=None),
        external_id_field=EXT,
        key="visit-12",
        account_key="employer-3",
        contact_key=None,
    )
    # the order the request body lists them in, the reference last
    assert list(out) == [EXT, "StartDateTime", "EndDateTime", "Location", "What", "WhoId"]
    with_person = fields.event_fields(
        visit(), external_id_field=EXT, key="visit-12", account_key="employer-3", contact_key="p"
    )
    assert list(with_person) == [
        EXT, "Subject", "StartDateTime", "EndDateTime", "Location", "Description", "What", "Who"
    ]  # fmt: skip


def test_datetimes_are_utc_with_milliseconds() -> None:
    chicago = dt.timezone(dt.timedelta(hours=-6))
    moment = dt.datetime(2026, 12, 31, 23, 15, 0, 987654, tzinfo=chicago)
    assert fields.salesforce_datetime(moment) == "2027-01-01T05:15:00.987Z"


def test_the_repeated_hour_gives_two_instants() -> None:
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=chicago)
    second = first.replace(fold=1)
    assert first == second  # one zone: compared as wall times, so remembered apart
    assert fields.salesforce_datetime(first) == "2026-11-01T06:30:00.000Z"
    assert fields.salesforce_datetime(second) == "2026-11-01T07:30:00.000Z"
    assert fields.salesforce_datetime(first) == "2026-11-01T06:30:00.000Z"


def test_phones_outside_north_america_stay_international() -> None:
    assert fields.salesforce_phone("+442079460000") == "+442079460000"
    assert fields.salesforce_phone(None) is None


def test_name_splitting_handles_particles_suffixes_and_commas() -> None:
    assert fields.split_name("Zoë Ångström-Nguyễn") == ("Zoë", "Ångström-Nguyễn")
    assert fields.split_name("Mary Ann Smith") == ("Mary Ann", "Smith")
    assert fields.split_name("Anna de la Cruz") == ("Anna", "de la Cruz")
    assert fields.split_name("Sam Example Jr.") == ("Sam", "Example Jr.")
    assert fields.split_name("Lopez, Maria") == ("Maria", "Lopez")
    assert fields.split_name("  Cher  ") == (None, "Cher")


_words = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=12).filter(
    lambda w: "," not in w
)


@given(st.lists(_words, min_size=1, max_size=5))
def test_name_splitting_loses_no_word_and_never_leaves_the_last_name_empty(
    words: list[str],
) -> None:
    name = " ".join(words)
    first, last = fields.split_name(name)
    assert last
    assert " ".join(p for p in (first, last) if p) == " ".join(name.split())


def test_csv_header_uses_api_names_and_relationship_columns() -> None:
    assert fields.csv_header("Account", EXT, "Industry") == [
        EXT,
        "Name",
        "Phone",
        "Website",
        "BillingStreet",
        "BillingCity",
        "BillingState",
        "BillingPostalCode",
        "Industry",
    ]
    assert fields.csv_header("Contact", EXT, None) == [
        EXT,
        "FirstName",
        "LastName",
        "Title",
        "Phone",
        "Email",
        f"Account.{EXT}",
    ]
    assert fields.csv_header("Event", EXT, None) == [
        EXT,
        "Subject",
        "StartDateTime",
        "EndDateTime",
        "Location",
        "Description",
        f"Account:What.{EXT}",
        f"Contact:Who.{EXT}",
    ]


def test_csv_row_flattens_references_under_their_columns() -> None:
    header = fields.csv_header("Event", EXT, None)
    out = fields.event_fields(
        visit(person_id=None),
        external_id_field=EXT,
        key="visit-12",
        account_key="employer-3",
        contact_key=None,
    )
    row = dict(zip(header, fields.csv_row(out, header), strict=True))
    assert row[f"Account:What.{EXT}"] == "employer-3"
    assert row[f"Contact:Who.{EXT}"] == ""
    assert row["StartDateTime"] == "2026-12-07T16:00:00.000Z"


@given(
    area=st.sampled_from(["608", "414", "212", "416", "876"]),
    line=st.integers(min_value=100, max_value=199),
    extension=st.none() | st.integers(min_value=1, max_value=99999),
)
def test_the_fast_phone_format_matches_phonenumbers(
    area: str, line: int, extension: int | None
) -> None:
    stored = f"+1{area}5550{line % 100:02d}" + (f";ext={extension}" if extension else "")
    slow = PhoneNumber.from_storage(stored).national
    assert fields.salesforce_phone(stored) == slow

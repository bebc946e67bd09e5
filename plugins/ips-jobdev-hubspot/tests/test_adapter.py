"""The adapter end to end through ips_jobdev._sync.export.export, checked on what reaches HubSpot.

Request bodies are compared field by field with HubSpot's API reference for batch upsert,
batch read, batch archive and v4 associations (see test_client.py for the pages) and the
meetings guide (https://developers.hubspot.com/docs/api/crm/meetings).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from ips_jobdev_hubspot import HubSpotAdapter
from ips_jobdev_hubspot.fake import FakeHubSpot

from ips_jobdev._model import EmployerPerson
from ips_jobdev._store import Database, tables
from ips_jobdev._sync import export as sync
from ips_jobdev.adapters import ChangeKind, Outcome
from ips_jobdev.errors import AdapterError
from ips_jobdev.testing import records as std

ID = "ips_jobdev_id"
Run = Callable[..., sync.ExportReport]


def inputs(hub: FakeHubSpot, object_type: str) -> dict[str, dict[str, Any]]:
    """Every upsert, create or update input sent for ``object_type``, by its trace id (the
    last one wins)."""
    found: dict[str, dict[str, Any]] = {}
    for request in hub.writes():
        for action in ("upsert", "create", "update"):
            if request.path == f"/crm/v3/objects/{object_type}/batch/{action}":
                for item in request.body["inputs"]:
                    found[item["objectWriteTraceId"]] = item
    return found


def test_first_export_sends_companies_contacts_meetings_and_their_associations(
    run: Run, hub: FakeHubSpot, standard_records: std.StandardRecords
) -> None:
    report = run()
    assert report.ok, report.failures
    assert [r.path for r in hub.requests] == [
        "/crm/v3/objects/companies/batch/upsert",
        "/crm/v3/objects/contacts/batch/upsert",
        "/crm/v4/associations/contacts/companies/batch/associate/default",
        "/crm/v3/objects/meetings/batch/create",
        "/crm/v4/associations/meetings/companies/batch/associate/default",
        "/crm/v4/associations/meetings/contacts/batch/associate/default",
    ]
    plain = f"employer-{standard_records.employer_ids['plain']}"
    manager = f"person-{standard_records.person_ids['manager']}"
    planned = f"visit-{standard_records.visit_ids['planned']}"
    assert inputs(hub, "companies")[plain] == {
        "idProperty": ID,
        "id": plain,
        "objectWriteTraceId": plain,
        "properties": {
            "name": "Fictional Foods Co-op",
            "phone": "(608) 555-0101",
            "domain": "foods.example.org",
            "address": "12 Example St",
            "city": "Madison",
            "state": "WI",
            "zip": "53703",
            "ips_jobdev_industry": "grocery",
        },
    }
    assert inputs(hub, "contacts")[manager] == {
        "idProperty": ID,
        "id": manager,
        "objectWriteTraceId": manager,
        "properties": {
            "firstname": "Dana",
            "lastname": "Manager",
            "jobtitle": "Hiring manager",
            "phone": "(608) 555-0111",
            "email": "dana@example.org",
        },
    }
    company, contact = hub.find("companies", plain)["id"], hub.find("contacts", manager)["id"]
    assert inputs(hub, "meetings")[planned] == {
        "objectWriteTraceId": planned,
        "properties": {
            ID: planned,
            "ips_jobdev_links": f"companies:{company};contacts:{contact}",
            "hs_timestamp": "2026-12-07T16:00:00.000Z",
            "hs_meeting_title": "Learning about the business: Fictional Foods Co-op "
            "(Maria Example)",
            "hs_meeting_body": "<p>Learning about the business by Alex Example.</p>"
            "<p>Meeting with Dana Manager, Hiring manager.</p><p>Candidates: Maria Example.</p>",
            "hs_meeting_location": "12 Example St, Madison, WI 53703",
            "hs_meeting_start_time": "2026-12-07T16:00:00.000Z",
            "hs_meeting_end_time": "2026-12-07T16:30:00.000Z",
            "hs_meeting_outcome": "SCHEDULED",
        },
    }
    meeting = hub.find("meetings", planned)["id"]
    assert hub.associated("contacts", contact, "companies") == {company}
    assert hub.associated("meetings", meeting, "companies") == {company}
    assert hub.associated("meetings", meeting, "contacts") == {contact}
    done = hub.find("meetings", f"visit-{standard_records.visit_ids['done']}")
    assert done["properties"]["hs_meeting_outcome"] == "COMPLETED"
    assert {i.key: i.remote_id for i in report.items}[planned] == meeting


def test_a_re_export_sends_no_request(run: Run, hub: FakeHubSpot) -> None:
    assert run().ok
    count = len(hub.requests)
    assert run().sent == 0
    assert len(hub.requests) == count


def test_an_edited_visit_is_one_update_of_one_meeting(
    run: Run, hub: FakeHubSpot, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run()
    count, meetings = len(hub.requests), len(hub.records["meetings"])
    std.edit_visit(jobdev_database, standard_records)
    report = run()
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    upserts = [r for r in hub.requests[count:] if r.path.startswith("/crm/v3/objects/meetings")]
    assert [r.path for r in upserts] == [
        "/crm/v3/objects/meetings/batch/read",
        "/crm/v3/objects/meetings/batch/update",
    ]
    assert upserts[0].body["properties"] == ["ips_jobdev_links"]
    upserts = upserts[1:]
    meeting = hub.find("meetings", key)["id"]
    assert [[(i["id"], i["objectWriteTraceId"]) for i in r.body["inputs"]] for r in upserts] == [
        [(meeting, key)]
    ]
    assert upserts[0].body["inputs"][0]["properties"]["hs_meeting_start_time"] == (
        "2026-12-08T16:30:00.000Z"
    )
    assert [(i.key, i.change, i.outcome) for i in report.items] == [
        (key, ChangeKind.UPDATE, Outcome.UPDATED)
    ]
    assert len(hub.records["meetings"]) == meetings


def test_a_cancelled_visit_becomes_a_canceled_meeting(
    run: Run, hub: FakeHubSpot, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run()
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    std.cancel_visit(jobdev_database, standard_records)
    [item] = run().items
    assert (item.key, item.change, item.outcome) == (key, ChangeKind.CANCEL, Outcome.UPDATED)
    properties = hub.find("meetings", key)["properties"]
    assert properties["hs_meeting_outcome"] == "CANCELED"
    assert properties["hs_meeting_title"] == "Cancelled: Follow-up visit: Fictional Foods Co-op"


def test_a_visit_no_longer_with_a_person_loses_its_contact_association(
    run: Run, hub: FakeHubSpot, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run()
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    meeting = hub.find("meetings", key)["id"]
    [contact] = hub.associated("meetings", meeting, "contacts")
    with jobdev_database.unit_of_work() as uow:
        uow.visits.get(standard_records.visit_ids["to_cancel"]).person_id = None
        uow.commit()
    assert run().ok
    assert hub.associated("meetings", meeting, "contacts") == set()
    assert hub.associated("meetings", meeting, "companies")
    assert hub.requests[-1].path == "/crm/v4/associations/meetings/contacts/batch/archive"
    assert hub.requests[-1].body == {"inputs": [{"from": {"id": meeting}, "to": [{"id": contact}]}]}


def test_a_new_contact_of_a_company_sent_earlier_is_associated_with_it(
    run: Run, hub: FakeHubSpot, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run()
    count = len(hub.requests)
    with jobdev_database.unit_of_work() as uow:
        employer = uow.employers.get(standard_records.employer_ids["plain"])
        person = employer.add_person(EmployerPerson(name="Sam Supervisor", title="Supervisor"))
        uow.commit()
        key = f"person-{person.id}"
    report = run()
    assert report.ok
    assert [r.path for r in hub.requests[count:]] == [
        "/crm/v3/objects/contacts/batch/upsert",
        "/crm/v3/objects/companies/batch/read",
        "/crm/v4/associations/contacts/companies/batch/associate/default",
    ]
    company = hub.find("companies", f"employer-{standard_records.employer_ids['plain']}")["id"]
    assert hub.associated("contacts", hub.find("contacts", key)["id"], "companies") == {company}


def test_a_contact_refused_by_hubspot_fails_alone_with_hubspots_message(
    run: Run, hub: FakeHubSpot, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    with jobdev_database.unit_of_work() as uow:
        employer = uow.employers.get(standard_records.employer_ids["formula"])
        twin = employer.add_person(EmployerPerson(name="Dee Twin", email="dana@example.org"))
        uow.commit()
        key = f"person-{twin.id}"
    report = run()
    failed = {i.key: i.reason for i in report.items if i.outcome is Outcome.FAILED}
    assert list(failed) == [key]
    assert failed[key] is not None
    assert failed[key].startswith("HubSpot: CONFLICT: Contact already exists. Existing ID: ")
    assert hub.requests[1].status == 207


def test_rate_limits_slow_the_export_down_but_do_not_stop_it(
    run: Run, hub: FakeHubSpot, delays: list[float]
) -> None:
    hub.throttle_every, hub.retry_after = 3, 2
    assert run().ok
    assert delays
    assert set(delays) == {2.0}
    assert [r.status for r in hub.requests].count(429) == len(delays)


def test_exhausted_limits_stop_the_export_and_the_next_one_sends_everything(
    run: Run, hub: FakeHubSpot
) -> None:
    hub.throttle_next = 100
    report = run(options={"max_tries": 3})
    assert len(hub.requests) == 3
    assert report.items
    assert all(i.outcome is Outcome.FAILED for i in report.items)
    assert all("ten_secondly_rolling" in (i.reason or "") for i in report.items)
    hub.throttle_next = 0
    again = run()
    assert again.ok
    assert {i.change for i in again.items} == {ChangeKind.CREATE}


def test_the_token_is_never_in_the_report_the_log_or_the_adapter(
    run: Run, hub: FakeHubSpot, hs_adapter: HubSpotAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = run(options={"access_token": "pat-na1-another-secret-token"})
    assert not wrong.ok
    assert len(hub.requests) == 1
    assert "HubSpot: HTTP 401: INVALID_AUTHENTICATION" in str(wrong.items[0].reason)
    hub.throttle_next = 1
    report = run()
    assert report.ok
    shown = json.dumps([wrong.to_dict(), report.to_dict()]) + caplog.text + repr(hs_adapter)
    assert hub.token not in shown
    assert "another-secret-token" not in shown
    assert "answered 429" in caplog.text
    assert report.options["access_token"] == "********"


def test_dry_run_shows_the_requests_with_the_token_hidden_and_sends_nothing(
    run: Run, hub: FakeHubSpot, standard_records: std.StandardRecords
) -> None:
    report = run(dry_run=True)
    assert hub.requests == []
    assert hub.token not in json.dumps(report.to_dict())
    first = report.preview[0]
    assert (first["method"], first["path"]) == ("POST", "/crm/v3/objects/companies/batch/upsert")
    assert first["authorization"] == "Bearer ********"
    manager = f"person-{standard_records.person_ids['manager']}"
    plain = f"employer-{standard_records.employer_ids['plain']}"
    links = [p for p in report.preview if p["path"].startswith("/crm/v4/associations/contacts")]
    assert [manager, plain] in links[0]["pairs_by_key"]


def test_the_token_can_come_from_the_environment_and_the_account_names_the_target(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    hub: FakeHubSpot,
    hs_adapter: HubSpotAdapter,
) -> None:
    with jobdev_database.unit_of_work() as uow:
        report = sync.export(
            uow,
            hs_adapter,
            environ={"HUBSPOT_TOKEN": hub.token},
            options={"base_url": hub.url, "account_id": "4455667"},
        )
    assert report.ok
    assert report.target == f"{hub.url}/accounts/4455667"


def test_without_a_token_nothing_is_sent_and_the_error_says_what_to_set(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    hub: FakeHubSpot,
    hs_adapter: HubSpotAdapter,
) -> None:
    with jobdev_database.unit_of_work() as uow, pytest.raises(AdapterError) as caught:
        sync.export(uow, hs_adapter, environ={}, options={"base_url": hub.url})
    assert "access_token: give it or set $HUBSPOT_TOKEN" in str(caught.value)
    assert hub.requests == []


def test_a_token_is_never_sent_over_plain_http_to_another_host(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    hs_adapter: HubSpotAdapter,
) -> None:
    options = {"base_url": "http://api.hubapi.com", "access_token": "pat-na1-x"}
    with jobdev_database.unit_of_work() as uow, pytest.raises(Exception, match="not an https"):
        sync.export(uow, hs_adapter, environ={}, options=options)


def test_another_id_property_and_a_prefix(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    hs_adapter: HubSpotAdapter,
) -> None:
    with FakeHubSpot(unique_properties=("county_key",)) as fake:
        options = {
            "base_url": fake.url,
            "access_token": fake.token,
            "id_property": "county_key",
            "id_prefix": "dane-",
            "industry_property": "",
        }
        with jobdev_database.unit_of_work() as uow:
            assert sync.export(uow, hs_adapter, environ={}, options=options).ok
        first = fake.requests[0].body["inputs"][0]
        assert first["idProperty"] == "county_key"
        assert first["id"].startswith("dane-employer-")
        assert all(
            "ips_jobdev_industry" not in c["properties"] for c in fake.records["companies"].values()
        )


def test_records_of_a_refused_company_wait_for_it_and_go_with_it_next_time(
    run: Run, hub: FakeHubSpot, standard_records: std.StandardRecords
) -> None:
    plain = f"employer-{standard_records.employer_ids['plain']}"
    hub.fail_next(plain, "Companies need an owner")
    first = run()
    failed = {i.key: i.reason for i in first.items if i.outcome is Outcome.FAILED}
    manager = f"person-{standard_records.person_ids['manager']}"
    planned = f"visit-{standard_records.visit_ids['planned']}"
    assert failed[plain] == "HubSpot: VALIDATION_ERROR: Companies need an owner"
    assert failed[manager] == f"not sent: {plain} failed"
    assert failed[planned] == f"not sent: {plain} failed"
    sent = {i["id"] for r in hub.requests for i in (r.body or {}).get("inputs", []) if "id" in i}
    assert manager not in sent
    assert planned not in sent
    second = run()
    assert second.ok
    assert {i.key for i in second.items} == set(failed)
    company = hub.find("companies", plain)["id"]
    assert hub.associated("meetings", hub.find("meetings", planned)["id"], "companies") == {company}


def test_a_link_added_by_hand_in_hubspot_survives_an_edit_of_the_meeting(
    run: Run, hub: FakeHubSpot, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run()
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    meeting = hub.find("meetings", key)["id"]
    [ours] = hub.associated("meetings", meeting, "contacts")
    colleague = hub.find("contacts", f"person-{standard_records.person_ids['manager']}")["id"]
    if colleague == ours:
        colleague = next(c for c in hub.records["contacts"] if c != ours)
    hub._link("meetings", meeting, "contacts", colleague, keep=True)  # a user, in HubSpot
    with jobdev_database.unit_of_work() as uow:
        uow.visits.get(standard_records.visit_ids["to_cancel"]).person_id = None
        uow.commit()
    assert run().ok
    assert hub.associated("meetings", meeting, "contacts") == {colleague}
    assert hub.find("meetings", key)["properties"]["ips_jobdev_links"].startswith("companies:")


def test_one_bad_company_in_a_refused_batch_fails_alone(
    run: Run, hub: FakeHubSpot, standard_records: std.StandardRecords
) -> None:
    bad = f"employer-{standard_records.employer_ids['formula']}"
    hub.refuse_batches_with.add(bad)
    report = run()
    failed = {i.key for i in report.items if i.outcome is Outcome.FAILED}
    assert bad in failed
    assert all(k == bad or k.startswith(("person-", "visit-")) for k in failed)
    assert len([k for k in failed if k.startswith("employer-")]) == 1
    assert any(r.status == 400 for r in hub.requests)


def test_find_meetings_takes_over_meetings_made_before_a_lost_sync_state(
    run: Run, hub: FakeHubSpot, jobdev_database: Database
) -> None:
    first = run()
    meetings = dict(hub.records["meetings"])
    with jobdev_database.unit_of_work() as uow:
        uow.session.execute(sa.delete(tables.sync_state))
        uow.commit()
    again = run(options={"find_meetings": "yes"})
    assert again.ok, again.failures
    assert set(hub.records["meetings"]) == set(meetings)
    ids = {i.key: i.remote_id for i in first.items if i.key.startswith("visit-")}
    assert {i.key: i.remote_id for i in again.items if i.key.startswith("visit-")} == ids
    assert any(r.path == "/crm/v3/objects/meetings/search" for r in hub.requests)

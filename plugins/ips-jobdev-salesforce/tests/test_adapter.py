"""The adapter end to end through ips_jobdev._sync.export.export, checked on what reaches the org.

Request bodies are compared field by field with what the REST API Developer Guide
documents for sObject Collections upsert and delete (see test_client.py for the pages) and
with the Event, Account and Contact field references:
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from ips_jobdev_salesforce import SalesforceAdapter, fields
from ips_jobdev_salesforce.client import SalesforceClient
from ips_jobdev_salesforce.fake import FakeSalesforce

from ips_jobdev._store import Database
from ips_jobdev._sync import export as sync
from ips_jobdev.adapters import ChangeKind, Outcome, RecordKind
from ips_jobdev.adapters.http import Secret
from ips_jobdev.errors import AdapterError
from ips_jobdev.testing import records as std

EXT = "IPS_Jobdev_Id__c"
Run = Callable[..., sync.ExportReport]


def sent_records(org: FakeSalesforce, sobject: str) -> dict[str, dict[str, Any]]:
    """Every record body upserted into ``sobject``, by external id (the last one wins)."""
    found: dict[str, dict[str, Any]] = {}
    for request in org.writes():
        if request.method == "PATCH" and request.path.endswith(f"/{sobject}/{EXT}"):
            for record in request.body["records"]:
                found[record[EXT]] = record
    return found


def test_first_export_sends_accounts_contacts_then_events_field_by_field(
    run: Run, org: FakeSalesforce, standard_records: std.StandardRecords
) -> None:
    report = run()
    assert report.ok, report.failures
    assert [r.path.rsplit("/", 2)[-2] for r in org.writes()] == ["Account", "Contact", "Event"]
    assert all(r.body["allOrNone"] is False for r in org.writes())
    plain = standard_records.employer_ids["plain"]
    manager = standard_records.person_ids["manager"]
    assert sent_records(org, "Account")[f"employer-{plain}"] == {
        "attributes": {"type": "Account"},
        EXT: f"employer-{plain}",
        "Name": "Fictional Foods Co-op",
        "Phone": "(608) 555-0101",
        "Website": "https://foods.example.org",
        "BillingStreet": "12 Example St",
        "BillingCity": "Madison",
        "BillingState": "WI",
        "BillingPostalCode": "53703",
        "IPS_Jobdev_Industry__c": "Grocery",
    }
    assert sent_records(org, "Contact")[f"person-{manager}"] == {
        "attributes": {"type": "Contact"},
        EXT: f"person-{manager}",
        "FirstName": "Dana",
        "LastName": "Manager",
        "Title": "Hiring manager",
        "Phone": "(608) 555-0111",
        "Email": "dana@example.org",
        "Account": {EXT: f"employer-{plain}"},
    }
    planned = standard_records.visit_ids["planned"]
    assert sent_records(org, "Event")[f"visit-{planned}"] == {
        "attributes": {"type": "Event"},
        EXT: f"visit-{planned}",
        "Subject": "Learning about the business: Fictional Foods Co-op (Maria Example)",
        "StartDateTime": "2026-12-07T16:00:00.000Z",
        "EndDateTime": "2026-12-07T16:30:00.000Z",
        "Location": "12 Example St, Madison, WI 53703",
        "Description": "Learning about the business by Alex Example.\n"
        "Meeting with Dana Manager, Hiring manager.\n"
        "Candidates: Maria Example.",
        "What": {"attributes": {"type": "Account"}, EXT: f"employer-{plain}"},
        "Who": {"attributes": {"type": "Contact"}, EXT: f"person-{manager}"},
    }
    event = org.find("Event", f"visit-{planned}")
    assert event["WhatId"] == org.find("Account", f"employer-{plain}")["Id"]
    assert event["WhoId"] == org.find("Contact", f"person-{manager}")["Id"]
    remote_ids = {i.key: i.remote_id for i in report.items}
    assert remote_ids[f"visit-{planned}"] == event["Id"]


def test_a_re_export_sends_no_request(run: Run, org: FakeSalesforce) -> None:
    assert run().ok
    count = len(org.requests)
    again = run()
    assert again.sent == 0
    assert len(org.requests) == count


def test_an_edited_visit_is_one_update_of_one_event(
    run: Run,
    org: FakeSalesforce,
    jobdev_database: Database,
    standard_records: std.StandardRecords,
) -> None:
    run()
    count, events = len(org.requests), len(org.records["Event"])
    std.edit_visit(jobdev_database, standard_records)
    report = run()
    [request] = org.requests[count:]
    key = f"visit-{standard_records.visit_ids['to_edit']}"
    assert [r[EXT] for r in request.body["records"]] == [key]
    assert request.body["records"][0]["StartDateTime"] == "2026-12-08T16:30:00.000Z"
    [item] = [i for i in report.items if i.change is not ChangeKind.UNCHANGED]
    assert (item.key, item.outcome) == (key, Outcome.UPDATED)
    assert len(org.records["Event"]) == events == 7


def test_a_cancelled_visit_deletes_its_event(
    run: Run,
    org: FakeSalesforce,
    jobdev_database: Database,
    standard_records: std.StandardRecords,
) -> None:
    run()
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    event_id = org.find("Event", key)["Id"]
    count = len(org.requests)
    std.cancel_visit(jobdev_database, standard_records)
    report = run()
    [request] = org.requests[count:]
    assert request.method == "DELETE"
    assert request.query == {"ids": [event_id], "allOrNone": ["false"]}
    assert [(i.key, i.change, i.outcome) for i in report.items] == [
        (key, ChangeKind.CANCEL, Outcome.DELETED)
    ]
    assert event_id not in org.records["Event"]


def test_an_event_already_deleted_in_salesforce_counts_as_deleted(
    run: Run,
    org: FakeSalesforce,
    jobdev_database: Database,
    standard_records: std.StandardRecords,
) -> None:
    run()
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    event_id = org.find("Event", key)["Id"]
    del org.records["Event"][event_id]
    org.deleted.add(event_id)
    std.cancel_visit(jobdev_database, standard_records)
    [item] = run().items
    assert item.outcome is Outcome.DELETED


def test_one_account_with_a_duplicate_external_id_fails_with_its_dependants_only(
    run: Run, org: FakeSalesforce, standard_records: std.StandardRecords
) -> None:
    plain = standard_records.employer_ids["plain"]
    org.add_duplicate("Account", f"employer-{plain}")
    report = run()
    failed = {i.key: i.reason for i in report.items if i.outcome is Outcome.FAILED}
    assert failed[f"employer-{plain}"].startswith(
        f"Salesforce: DUPLICATE_EXTERNAL_ID: {EXT}: more than one record found"
    )
    manager = f"person-{standard_records.person_ids['manager']}"
    assert "matches several Account" in failed[manager]
    planned = f"visit-{standard_records.visit_ids['planned']}"
    assert planned in failed
    created = [i for i in report.items if i.outcome is Outcome.CREATED]
    assert len(created) + len(failed) == len(report.items)
    assert f"employer-{standard_records.employer_ids['unicode']}" not in failed


def test_request_limits_slow_the_export_down_but_do_not_stop_it(
    run: Run, org: FakeSalesforce, delays: list[float]
) -> None:
    org.throttle_every = 2
    report = run()
    assert report.ok
    assert delays
    assert all(d <= 60 for d in delays)
    assert [r.status for r in org.requests].count(403) == len(delays)


def test_exhausted_limits_stop_the_export_and_the_next_one_sends_everything(
    run: Run, org: FakeSalesforce
) -> None:
    org.throttle_next = 100
    report = run(options={"max_tries": 2})
    assert len(org.requests) == 2
    assert report.items
    assert all(i.outcome is Outcome.FAILED for i in report.items)
    assert all("REQUEST_LIMIT_EXCEEDED" in (i.reason or "") for i in report.items)
    org.throttle_next = 0
    again = run()
    assert again.ok
    assert {i.change for i in again.items} == {ChangeKind.CREATE}


def test_the_token_is_never_in_the_report_the_log_or_the_adapter(
    run: Run,
    org: FakeSalesforce,
    sf_adapter: SalesforceAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = run(options={"access_token": "00DWRONG!another-secret-token"})
    assert not wrong.ok
    org.throttle_next = 1
    report = run()
    assert report.ok
    shown = json.dumps([wrong.to_dict(), report.to_dict()]) + caplog.text + repr(sf_adapter)
    assert org.token not in shown
    assert "another-secret-token" not in shown
    assert "answered 403" in caplog.text
    assert report.to_dict()["options"]["access_token"] == "********"


def test_a_wrong_token_fails_every_record_after_one_request(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    org: FakeSalesforce,
    sf_adapter: SalesforceAdapter,
) -> None:
    with jobdev_database.unit_of_work() as uow:
        report = sync.export(
            uow,
            sf_adapter,
            environ={},
            options={"instance_url": org.url, "access_token": "00DWRONG!not-the-token"},
        )
    assert len(org.requests) == 1
    reasons = {i.reason for i in report.items}
    assert len(reasons) == 2
    assert "Salesforce: HTTP 401: INVALID_SESSION_ID: Session expired or invalid" in reasons
    assert all("not-the-token" not in (r or "") for r in reasons)


def test_dry_run_shows_the_requests_with_the_token_hidden_and_sends_nothing(
    run: Run, org: FakeSalesforce, standard_records: std.StandardRecords
) -> None:
    report = run(dry_run=True)
    assert org.requests == []
    document = json.dumps(report.to_dict())
    assert org.token not in document
    first = report.preview[0]
    assert first["method"] == "PATCH"
    assert first["path"] == f"/services/data/v62.0/composite/sobjects/Account/{EXT}"
    assert first["authorization"] == "Bearer ********"
    assert first["instance_url"] == org.url
    names = [r["Name"] for r in first["body"]["records"]]
    assert "Fictional Foods Co-op" in names


def test_the_instance_and_token_can_come_from_the_environment(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    org: FakeSalesforce,
    sf_adapter: SalesforceAdapter,
) -> None:
    environ = {"SALESFORCE_INSTANCE_URL": org.url, "SALESFORCE_ACCESS_TOKEN": org.token}
    with jobdev_database.unit_of_work() as uow:
        report = sync.export(uow, sf_adapter, environ=environ)
    assert report.ok
    assert report.target == org.url
    assert report.options["access_token"] == "********"
    assert org.records["Account"]


def test_without_a_token_nothing_is_sent_and_the_error_says_what_to_set(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    org: FakeSalesforce,
    sf_adapter: SalesforceAdapter,
) -> None:
    with jobdev_database.unit_of_work() as uow, pytest.raises(AdapterError) as caught:
        sync.export(uow, sf_adapter, environ={}, options={"instance_url": org.url})
    assert "access_token: give it or set $SALESFORCE_ACCESS_TOKEN" in str(caught.value)
    assert org.requests == []


def test_a_token_is_never_sent_over_plain_http_to_another_host(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
) -> None:
    options = {"instance_url": "http://example.my.salesforce.com", "access_token": "00DX!t"}
    with jobdev_database.unit_of_work() as uow, pytest.raises(Exception, match="not an https URL"):
        sync.export(uow, sf_adapter, environ={}, options=options)


def test_an_id_prefix_goes_before_every_key_and_reference(
    run: Run, org: FakeSalesforce, standard_records: std.StandardRecords
) -> None:
    assert run(options={"id_prefix": "dane-"}).ok
    plain = standard_records.employer_ids["plain"]
    contact = sent_records(org, "Contact")[f"dane-person-{standard_records.person_ids['manager']}"]
    assert contact["Account"] == {EXT: f"dane-employer-{plain}"}
    assert all(r[EXT].startswith("dane-") for r in org.records["Event"].values())


def test_another_external_id_field_and_no_industry(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
) -> None:
    with FakeSalesforce(external_id_fields=("County_Key__c",)) as fake:
        options = {
            "instance_url": fake.url,
            "access_token": fake.token,
            "external_id_field": "County_Key__c",
            "industry_field": "",
        }
        with jobdev_database.unit_of_work() as uow:
            report = sync.export(uow, sf_adapter, environ={}, options=options)
        assert report.ok
        paths = {r.path for r in fake.writes()}
        assert "/services/data/v62.0/composite/sobjects/Account/County_Key__c" in paths
        assert all("Industry" not in r for r in fake.records["Account"].values())


def test_the_standard_industry_picklist_gets_only_values_on_its_list(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
) -> None:
    with FakeSalesforce(industry_picklist=fields.STANDARD_INDUSTRIES) as fake:
        options = {"instance_url": fake.url, "access_token": fake.token}
        with jobdev_database.unit_of_work() as uow:
            report = sync.export(
                uow, sf_adapter, environ={}, options={**options, "industry_field": "Industry"}
            )
        assert report.ok, report.failures
        sent = [r for req in fake.writes() for r in req.body.get("records", ())]
        industries = {r["Industry"] for r in sent if "Industry" in r}
        assert industries <= set(fields.STANDARD_INDUSTRIES)
        plain = f"employer-{standard_records.employer_ids['plain']}"
        assert "Industry" not in fake.find("Account", plain)  # "grocery" is not on the list
        assert all(not k.startswith("IPS_Jobdev_Industry") for r in sent for k in r)


def test_an_orgs_own_picklist_values_can_be_given(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
) -> None:
    with FakeSalesforce(industry_picklist=("Grocery", "Retail")) as fake:
        options = {
            "instance_url": fake.url,
            "access_token": fake.token,
            "industry_field": "Industry",
            "industry_values": "Grocery, Retail",
        }
        with jobdev_database.unit_of_work() as uow:
            report = sync.export(uow, sf_adapter, environ={}, options=options)
        assert report.ok, report.failures
        plain = f"employer-{standard_records.employer_ids['plain']}"
        assert fake.find("Account", plain)["Industry"] == "Grocery"


def test_free_text_in_a_restricted_picklist_would_fail_the_record(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
) -> None:
    # what the fake answers (and a restricted org) when the list is not respected
    with FakeSalesforce(industry_picklist=fields.STANDARD_INDUSTRIES) as fake:
        client = SalesforceClient(fake.url, Secret(fake.token))
        [result] = client.upsert(
            "Account", EXT, [{EXT: "e-1", "Name": "Shop", "Industry": "Food Service"}]
        )
        client.close()
    assert not result.success
    assert result.message.startswith("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")


def test_the_daily_api_limit_stops_the_export_at_once(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
    delays: list[float],
) -> None:
    with FakeSalesforce(daily_limit_after=1) as fake:
        options = {"instance_url": fake.url, "access_token": fake.token}
        with jobdev_database.unit_of_work() as uow:
            report = sync.export(uow, sf_adapter, environ={}, options=options)
        assert not report.ok
        assert len(fake.requests) == 2  # one accepted, one refused: no retries, no more
    assert delays == []
    assert all("TotalRequests" in (i.reason or "") for i in report.items if i.reason)


def test_the_adapter_declares_itself_employer_facing() -> None:
    assert SalesforceAdapter.audience.value == "employer-facing"
    assert SalesforceAdapter.record_kinds == {
        RecordKind.EMPLOYER,
        RecordKind.PERSON,
        RecordKind.VISIT,
    }
    secret = [o.name for o in SalesforceAdapter.options if o.secret]
    assert secret == ["access_token"]


def test_an_unknown_transport_is_refused_with_the_ones_there_are(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
) -> None:
    with jobdev_database.unit_of_work() as uow, pytest.raises(AdapterError) as caught:
        sync.export(uow, sf_adapter, environ={}, options={"transport": "soap", "out": "x"})
    assert "transport: 'soap' is not one of: rest, bulk-csv" in str(caught.value)

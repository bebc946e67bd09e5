"""The REST client against the fake org: request shapes, results, limits, and the token.

What the client sends and how it reads answers follows the REST API Developer Guide:

- Upsert Records Using sObject Collections: ``PATCH
  /services/data/vXX.X/composite/sobjects/SobjectName/ExternalIdFieldName`` with
  ``allOrNone`` and ``records`` (at most 200, each with ``attributes.type``, no ``Id``); a
  ``200`` with one UpsertResult per record, in order.
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
- UpsertResult: ``created``, ``errors``, ``id``, ``success``.
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/object_ref/sforce_api_calls_upsert_upsertresult.htm
- Delete Records Using sObject Collections: ``DELETE
  /services/data/vXX.X/composite/sobjects?ids=...&allOrNone=false``, at most 200 ids.
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm
- Status Codes and Error Responses: ``300`` when an external ID exists in more than one
  record, ``401`` for an expired or invalid session, ``403`` with ``REQUEST_LIMIT_EXCEEDED``
  when the org is over its API limits; error bodies are ``[{"message", "errorCode"}]``.
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
"""

from __future__ import annotations

import logging
import pickle

import pytest
from ips_jobdev_salesforce.client import SalesforceClient, SalesforceRequestError
from ips_jobdev_salesforce.fake import FakeSalesforce

from ips_jobdev.adapters.http import HttpError, JsonHttpClient, RetryPolicy, Secret

EXT = "IPS_Jobdev_Id__c"


def client_for(org: FakeSalesforce, delays: list[float], **kwargs: object) -> SalesforceClient:
    return SalesforceClient(org.url, Secret(org.token), sleep=delays.append, **kwargs)  # type: ignore[arg-type]


def accounts(n: int, start: int = 0) -> list[dict[str, str]]:
    return [{EXT: f"employer-{i}", "Name": f"Example Shop {i}"} for i in range(start, start + n)]


def test_upsert_sends_the_documented_request(org: FakeSalesforce, delays: list[float]) -> None:
    client = client_for(org, delays, api_version="v61.0")
    results = client.upsert("Account", EXT, accounts(2))
    [request] = org.requests
    assert request.method == "PATCH"
    assert request.path == f"/services/data/v61.0/composite/sobjects/Account/{EXT}"
    assert request.headers["authorization"] == f"Bearer {org.token}"
    assert request.headers["content-type"].startswith("application/json")
    assert request.body == {
        "allOrNone": False,
        "records": [
            {"attributes": {"type": "Account"}, EXT: "employer-0", "Name": "Example Shop 0"},
            {"attributes": {"type": "Account"}, EXT: "employer-1", "Name": "Example Shop 1"},
        ],
    }
    assert [(r.success, r.created) for r in results] == [(True, True), (True, True)]
    assert all(r.id and r.id.startswith("001") for r in results)


def test_upsert_splits_into_requests_of_at_most_200(
    org: FakeSalesforce, delays: list[float]
) -> None:
    client = client_for(org, delays)
    results = client.upsert("Account", EXT, accounts(450))
    assert sorted(len(r.body["records"]) for r in org.requests) == [50, 200, 200]
    assert [r.id for r in results] == [
        org.find("Account", f"employer-{n}")["Id"] for n in range(450)
    ]
    assert len(results) == 450
    assert client.requests == 3


def test_second_upsert_of_the_same_key_updates_the_same_record(
    org: FakeSalesforce, delays: list[float]
) -> None:
    client = client_for(org, delays)
    [first] = client.upsert("Account", EXT, accounts(1))
    [second] = client.upsert("Account", EXT, [{EXT: "employer-0", "Name": "Renamed Shop"}])
    assert (second.id, second.created) == (first.id, False)
    assert org.find("Account", "employer-0")["Name"] == "Renamed Shop"


def test_a_field_error_fails_that_record_only_with_salesforces_message(
    org: FakeSalesforce, delays: list[float]
) -> None:
    client = client_for(org, delays)
    records = [
        {EXT: "person-1", "LastName": "Example", "Email": "not an address"},
        {EXT: "person-2", "LastName": "Sample", "Email": "sam@example.org"},
    ]
    bad, good = client.upsert("Contact", EXT, records)
    assert not bad.success
    assert bad.id is None
    assert (
        bad.message == "INVALID_EMAIL_ADDRESS: Email: invalid email address: not an address (Email)"
    )
    assert good.success


def test_an_external_id_matching_several_records_fails_that_record(
    org: FakeSalesforce, delays: list[float]
) -> None:
    org.add_duplicate("Account", "employer-0")
    client = client_for(org, delays)
    dup, fine = client.upsert("Account", EXT, accounts(2))
    assert not dup.success
    assert dup.errors[0].status_code == "DUPLICATE_EXTERNAL_ID"
    assert "more than one record found for external id field" in dup.message
    assert fine.success


def test_request_limit_exceeded_is_retried_after_growing_waits(
    org: FakeSalesforce, delays: list[float]
) -> None:
    org.throttle_next = 3
    client = client_for(org, delays, retry=RetryPolicy(max_attempts=5, base_delay=0.5))
    [result] = client.upsert("Account", EXT, accounts(1))
    assert result.success
    assert [r.status for r in org.requests] == [403, 403, 403, 200]
    assert delays == [0.5, 1.0, 2.0]


def test_429_waits_as_long_as_retry_after_says(org: FakeSalesforce, delays: list[float]) -> None:
    org.throttle_status, org.retry_after, org.throttle_next = 429, 7, 1
    client = client_for(org, delays)
    assert client.upsert("Account", EXT, accounts(1))[0].success
    assert delays == [7.0]


def test_retries_are_bounded_and_then_the_request_fails(
    org: FakeSalesforce, delays: list[float]
) -> None:
    org.throttle_next = 10
    client = client_for(org, delays, retry=RetryPolicy(max_attempts=3, max_delay=1.5))
    with pytest.raises(SalesforceRequestError) as caught:
        client.upsert("Account", EXT, accounts(1))
    assert caught.value.status == 403
    assert caught.value.fatal
    assert "REQUEST_LIMIT_EXCEEDED" in str(caught.value)
    assert len(org.requests) == 3
    assert delays == [1.0, 1.5]


def test_a_wrong_token_fails_without_showing_any_token(
    org: FakeSalesforce, delays: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "00DWRONG!also-secret-value"
    client = SalesforceClient(org.url, Secret(wrong), sleep=delays.append)
    with pytest.raises(SalesforceRequestError) as caught:
        client.upsert("Account", EXT, accounts(1))
    assert caught.value.status == 401
    assert str(caught.value) == "HTTP 401: INVALID_SESSION_ID: Session expired or invalid"
    shown = " ".join([str(caught.value), repr(caught.value), repr(client), caplog.text])
    assert wrong not in shown
    assert org.token not in shown


def test_throttling_is_logged_without_the_token(
    org: FakeSalesforce, delays: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org.throttle_next = 1
    client_for(org, delays).upsert("Account", EXT, accounts(1))
    assert "answered 403; try 2 of 5" in caplog.text
    assert org.token not in caplog.text


def test_delete_sends_ids_in_the_query_and_reads_each_result(
    org: FakeSalesforce, delays: list[float]
) -> None:
    client = client_for(org, delays)
    first, second = client.upsert("Account", EXT, accounts(2))
    results = client.delete([str(first.id), str(second.id)])
    request = org.requests[-1]
    assert request.method == "DELETE"
    assert request.path == "/services/data/v62.0/composite/sobjects"
    assert request.query == {"ids": [f"{first.id},{second.id}"], "allOrNone": ["false"]}
    assert [r.success for r in results] == [True, True]
    again = client.delete([str(first.id)])
    assert again[0].errors[0].status_code == "ENTITY_IS_DELETED"


def test_a_malformed_request_raises_a_request_error_that_is_not_fatal(
    org: FakeSalesforce, delays: list[float]
) -> None:
    client = client_for(org, delays)
    bad = [{EXT: "visit-1", "Subject": "x", "StartDateTime": "tomorrow at ten"}]
    with pytest.raises(SalesforceRequestError) as caught:
        client.upsert("Event", EXT, bad)
    assert caught.value.status == 400
    assert not caught.value.fatal
    assert "JSON_PARSER_ERROR" in str(caught.value)


def test_unreachable_org_is_a_clear_error() -> None:
    client = SalesforceClient("http://127.0.0.1:9", Secret("00DX!t"), sleep=lambda s: None)
    with pytest.raises(HttpError) as caught:
        client.upsert("Account", EXT, accounts(1))
    assert caught.value.status == 0
    assert "cannot reach http://127.0.0.1:9" in str(caught.value)


def test_the_api_version_and_url_are_checked() -> None:
    with pytest.raises(ValueError, match="not an API version"):
        SalesforceClient("https://example.my.salesforce.com", Secret("t"), api_version="62")
    with pytest.raises(ValueError, match="not an http"):
        JsonHttpClient(
            "ftp://example.org",
            Secret("t"),
            throttled=bool,
            retry=RetryPolicy(),
            sleep=lambda s: None,
        )


def test_a_secret_never_shows_itself() -> None:
    token = Secret("00DFAKE!never-show-me")
    assert "never-show-me" not in f"{token} {token!r} {token!s} {[token]}"
    with pytest.raises(TypeError):
        pickle.dumps(token)
    assert token.reveal() == "00DFAKE!never-show-me"


def test_records_refused_for_a_locked_row_are_sent_again_afterwards(
    org: FakeSalesforce, delays: list[float]
) -> None:
    client = client_for(org, delays)
    org.locked = {"employer-3", "employer-250"}
    results = client.upsert("Account", EXT, accounts(300))
    assert all(r.success for r in results)
    assert len(org.requests) == 3
    assert [r["IPS_Jobdev_Id__c"] for r in org.requests[-1].body["records"]] == [
        "employer-3",
        "employer-250",
    ]

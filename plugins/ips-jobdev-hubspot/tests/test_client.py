"""The HubSpot client against the fake account: request shapes, results, limits, the token.

What the client sends and how it reads answers follows HubSpot's API reference:

- Batch upsert (``POST /crm/v3/objects/{objectType}/batch/upsert``): ``inputs`` of
  ``id``, ``idProperty``, ``properties`` and ``objectWriteTraceId``; results with ``id``,
  ``new``, ``properties``, ``objectWriteTraceId``; ``errors`` and ``numErrors`` on a 207.
  https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/batch/upsert-contacts
- Error handling: ``207 Multi-Status`` for partial failures when every input has a unique
  ``objectWriteTraceId`` (named again in the error's ``context``); ``401``; ``423`` (a lock:
  wait at least 2 seconds); ``429`` over the rate limits; ``502``/``504`` and ``503``:
  pause, then retry; ``Retry-After``.
  https://developers.hubspot.com/docs/api-reference/error-handling
- Batch create and read of CRM objects (``POST /crm/v3/objects/{objectType}/batch/...``),
  the family the batch read by ``idProperty`` and batch archive (``204``) belong to.
  https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/objects/batch/create-objects
- Associations v4: ``POST /crm/v4/associations/{from}/{to}/batch/associate/default`` with
  ``inputs`` of ``from``/``to`` ids, and ``.../batch/read`` answering ``toObjectId`` s.
  https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/create-associations
  https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations
"""

from __future__ import annotations

import logging

import pytest
from ips_jobdev_hubspot.client import HubSpotClient, HubSpotRequestError
from ips_jobdev_hubspot.fake import FakeHubSpot

from ips_jobdev.adapters.http import RetryPolicy, Secret

ID = "ips_jobdev_id"


def client_for(hub: FakeHubSpot, delays: list[float], **kwargs: object) -> HubSpotClient:
    return HubSpotClient(Secret(hub.token), base_url=hub.url, sleep=delays.append, **kwargs)  # type: ignore[arg-type]


def companies(n: int) -> list[tuple[str, dict[str, str | None]]]:
    return [(f"employer-{i}", {"name": f"Example Shop {i}"}) for i in range(n)]


def test_upsert_sends_the_documented_request(hub: FakeHubSpot, delays: list[float]) -> None:
    results = client_for(hub, delays).upsert("companies", ID, companies(2))
    [request] = hub.requests
    assert (request.method, request.path) == ("POST", "/crm/v3/objects/companies/batch/upsert")
    assert request.headers["authorization"] == f"Bearer {hub.token}"
    assert request.headers["content-type"].startswith("application/json")
    assert request.body == {
        "inputs": [
            {
                "idProperty": ID,
                "id": "employer-0",
                "objectWriteTraceId": "employer-0",
                "properties": {"name": "Example Shop 0"},
            },
            {
                "idProperty": ID,
                "id": "employer-1",
                "objectWriteTraceId": "employer-1",
                "properties": {"name": "Example Shop 1"},
            },
        ]
    }
    assert [(r.key, r.created, r.success) for r in results] == [
        ("employer-0", True, True),
        ("employer-1", True, True),
    ]
    assert hub.find("companies", "employer-1")["properties"] == {
        "name": "Example Shop 1",
        ID: "employer-1",
    }


def test_upsert_splits_into_requests_of_at_most_100(hub: FakeHubSpot, delays: list[float]) -> None:
    client = client_for(hub, delays)
    assert len(client.upsert("companies", ID, companies(250))) == 250
    assert sorted(len(r.body["inputs"]) for r in hub.requests) == [50, 100, 100]


def test_a_second_upsert_updates_the_same_record(hub: FakeHubSpot, delays: list[float]) -> None:
    client = client_for(hub, delays)
    [first] = client.upsert("companies", ID, companies(1))
    [second] = client.upsert("companies", ID, [("employer-0", {"name": "Renamed"})])
    assert (second.id, second.created) == (first.id, False)


def test_a_batch_refused_as_a_whole_is_split_until_the_bad_input_stands_alone(
    hub: FakeHubSpot, delays: list[float]
) -> None:
    client = client_for(hub, delays, concurrency=1)
    client.upsert("contacts", ID, [("person-1", {"lastname": "Example", "email": "a@example.org"})])
    sent = len(hub.requests)
    many = [
        (f"person-{n}", {"lastname": "Sample", "email": f"p{n}@example.org"}) for n in range(2, 102)
    ]
    many[40] = ("person-42", {"lastname": "Sample", "email": "a@example.org"})
    results = client.upsert("contacts", ID, many)
    assert [r.key for r in results if not r.success] == ["person-42"]
    [bad] = [r for r in results if not r.success]
    assert bad.error is not None
    assert bad.error.startswith("CONFLICT: Contact already exists")
    assert sum(1 for r in results if r.success) == 99
    answers = [r.status for r in hub.requests[sent:]]
    assert answers[0] == 400
    assert 2 <= answers.count(400) <= 8  # halving 100 inputs: the bad one alone in 7 steps
    assert len(hub.records["contacts"]) == 100


def test_meetings_are_created_and_updated_by_id_since_they_take_no_unique_property(
    hub: FakeHubSpot, delays: list[float]
) -> None:
    client = client_for(hub, delays)
    meeting = {"hs_timestamp": "2026-12-07T16:00:00.000Z", ID: "visit-1"}
    [refused] = client.upsert("meetings", ID, [("visit-1", meeting)])
    assert refused.error is not None
    assert "is not a property with unique values on meetings" in refused.error
    made, bad = client.create("meetings", [("visit-1", meeting), ("visit-2", {ID: "visit-2"})])
    assert hub.requests[-1].status == 207
    assert (made.key, made.success, made.created) == ("visit-1", True, True)
    assert bad.error is not None
    assert "hs_timestamp is required" in bad.error
    assert made.id is not None
    [updated] = client.update(
        "meetings", [("visit-1", made.id, {"hs_meeting_outcome": "COMPLETED"})]
    )
    assert (updated.id, updated.created, updated.success) == (made.id, False, True)
    assert hub.find("meetings", "visit-1")["properties"]["hs_meeting_outcome"] == "COMPLETED"
    assert client.read_properties("meetings", [made.id, "999"], [ID]) == {made.id: {ID: "visit-1"}}


def test_the_daily_limit_ends_at_once_without_retrying(delays: list[float]) -> None:
    with FakeHubSpot(daily_limit_after=1) as hub:
        client = client_for(hub, delays)
        client.upsert("companies", ID, companies(1))
        with pytest.raises(HubSpotRequestError) as caught:
            client.upsert("companies", ID, companies(1))
    assert caught.value.status == 429
    assert caught.value.fatal
    assert "daily limit" in str(caught.value)
    assert delays == []
    assert len(hub.requests) == 2


def test_the_rate_limit_headers_slow_the_client_before_the_limit(delays: list[float]) -> None:
    with FakeHubSpot(rate_limit=5) as hub:
        client = client_for(hub, delays, concurrency=1)
        for n in range(6):
            client.upsert("companies", ID, [(f"employer-{n}", {"name": f"Example Shop {n}"})])
    assert [r.status for r in hub.requests] == [200] * 6
    assert delays  # paused before reaching the limit instead of hitting 429
    assert all(0 < d <= 10.0 for d in delays)
    assert client.http.paused > 0


def test_an_invalid_property_value_is_reported_with_hubspots_message(
    hub: FakeHubSpot, delays: list[float]
) -> None:
    [bad] = client_for(hub, delays).upsert(
        "companies", ID, [("employer-9", {"industry": "bakery"})]
    )
    assert bad.error is not None
    assert bad.error.startswith("VALIDATION_ERROR: Property values were not valid")
    assert "INVALID_OPTION" in bad.error


def test_429_waits_as_long_as_retry_after_says(hub: FakeHubSpot, delays: list[float]) -> None:
    hub.throttle_next, hub.retry_after = 2, 3
    [result] = client_for(hub, delays).upsert("companies", ID, companies(1))
    assert result.success
    assert [r.status for r in hub.requests] == [429, 429, 200]
    assert delays == [3.0, 3.0]


def test_retries_are_bounded_and_then_the_request_fails(
    hub: FakeHubSpot, delays: list[float]
) -> None:
    hub.throttle_next = 10
    client = client_for(hub, delays, retry=RetryPolicy(max_attempts=4))
    with pytest.raises(HubSpotRequestError) as caught:
        client.upsert("companies", ID, companies(1))
    assert caught.value.status == 429
    assert caught.value.fatal
    assert "ten_secondly_rolling limit" in str(caught.value)
    assert len(hub.requests) == 4
    assert len(delays) == 3


def test_a_wrong_token_fails_without_showing_any_token(
    hub: FakeHubSpot, delays: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = HubSpotClient(Secret("pat-na1-wrong-secret"), base_url=hub.url, sleep=delays.append)
    with pytest.raises(HubSpotRequestError) as caught:
        client.upsert("companies", ID, companies(1))
    assert str(caught.value) == (
        "HTTP 401: INVALID_AUTHENTICATION: Authentication credentials not found."
    )
    shown = " ".join([str(caught.value), repr(caught.value), repr(client), caplog.text])
    assert "wrong-secret" not in shown
    assert hub.token not in shown


def test_read_ids_finds_records_by_the_unique_property(
    hub: FakeHubSpot, delays: list[float]
) -> None:
    client = client_for(hub, delays)
    [made] = client.upsert("companies", ID, companies(1))
    found = client.read_ids("companies", ID, ["employer-0", "employer-404"])
    assert found == {"employer-0": made.id}
    request = hub.requests[-1]
    assert request.path == "/crm/v3/objects/companies/batch/read"
    assert request.body == {
        "idProperty": ID,
        "properties": [ID],
        "inputs": [{"id": "employer-0"}, {"id": "employer-404"}],
    }
    assert request.status == 207


def test_associations_are_made_read_and_removed(hub: FakeHubSpot, delays: list[float]) -> None:
    client = client_for(hub, delays)
    [company] = client.upsert("companies", ID, companies(1))
    [contact] = client.upsert("contacts", ID, [("person-1", {"lastname": "Example"})])
    assert company.id
    assert contact.id
    failed = client.associate("contacts", "companies", [(contact.id, company.id), ("7", "8")])
    request = hub.requests[-1]
    assert request.path == "/crm/v4/associations/contacts/companies/batch/associate/default"
    assert request.body["inputs"][0] == {"from": {"id": contact.id}, "to": {"id": company.id}}
    assert list(failed) == [("7", "8")]
    assert client.read_associations("contacts", "companies", [contact.id]) == {
        contact.id: {company.id}
    }
    client.unassociate("contacts", "companies", {contact.id: [company.id]})
    assert hub.requests[-1].path == "/crm/v4/associations/contacts/companies/batch/archive"
    assert hub.associated("contacts", contact.id, "companies") == set()


def test_archive_sends_ids_and_hubspot_answers_no_content(
    hub: FakeHubSpot, delays: list[float]
) -> None:
    client = client_for(hub, delays)
    [made] = client.upsert("companies", ID, companies(1))
    client.archive("companies", [str(made.id)])
    assert hub.requests[-1].body == {"inputs": [{"id": made.id}]}
    assert hub.requests[-1].status == 204
    assert made.id in hub.archived["companies"]


def test_a_lock_is_waited_out(hub: FakeHubSpot, delays: list[float]) -> None:
    hub.throttle_status, hub.throttle_next = 423, 1
    client = client_for(hub, delays, retry=RetryPolicy(base_delay=2.0))
    assert client.upsert("companies", ID, companies(1))[0].success
    assert [r.status for r in hub.requests] == [423, 200]
    assert delays == [2.0]

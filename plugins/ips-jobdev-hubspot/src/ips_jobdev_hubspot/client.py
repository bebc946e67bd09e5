"""A small HubSpot CRM client: batch upsert, create, update, read, associate, archive.

Only what the adapter needs, over :mod:`ips_jobdev.adapters.http` (httpx):

- ``POST /crm/v3/objects/{type}/batch/upsert``: at most 100 inputs, each
  ``{"idProperty", "id", "properties", "objectWriteTraceId"}``. Because every input carries
  an ``objectWriteTraceId``, HubSpot answers ``207 Multi-Status`` when some inputs fail,
  with ``results`` and ``errors`` (``context.objectWriteTraceId`` names the failed input).
- ``POST /crm/v3/objects/{type}/batch/read`` with ``idProperty``: HubSpot ids of records
  exported earlier (for associations).
- ``POST /crm/v4/associations/{from}/{to}/batch/associate/default``: the default
  (unlabelled) association between pairs of records; ``.../batch/read`` and
  ``.../batch/archive`` to find and remove associations that no longer hold.
- ``POST /crm/v3/objects/{type}/batch/archive``: archive records by HubSpot id.
- ``POST /crm/v3/objects/meetings/batch/create`` and ``.../batch/update`` (by HubSpot id):
  HubSpot documents properties with unique values for contacts, companies, deals, tickets
  and custom objects only, not for activities such as meetings
  (https://developers.hubspot.com/changelog/unique-properties-for-contacts), so meetings
  cannot be upserted by a unique property: they are created once and updated by id.

A request refused as a whole (``400``: one bad input spoils the batch) is split in halves
until the bad inputs stand alone, so one record does not fail the 99 others.

Limits (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines):
``429`` (honouring ``Retry-After``), ``423`` (a short lock) and ``502``/``503``/``504`` are
retried with a bounded back-off; the ``X-HubSpot-RateLimit-Remaining`` and
``X-HubSpot-RateLimit-Secondly-Remaining`` headers slow the client down before the limit
(``X-HubSpot-RateLimit-Interval-Milliseconds`` and ``-Max`` give the pace); a ``429`` whose
``policyName`` is ``DAILY`` (or ``X-HubSpot-RateLimit-Daily-Remaining: 0``) ends the export
at once: no retry helps before midnight in the account's time zone. Any other
request-level failure raises :class:`HubSpotRequestError`.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from ips_jobdev.adapters.http import (
    HttpError,
    JsonHttpClient,
    Response,
    RetryPolicy,
    Secret,
    Sleep,
)

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_BASE_URL",
    "HubSpotClient",
    "HubSpotRequestError",
    "UpsertResult",
]

BATCH_SIZE = 100
DEFAULT_BASE_URL = "https://api.hubapi.com"
CONCURRENCY = 3
"""Batches of one kind sent at once (HubSpot's limit is per 10 seconds, not per connection)."""
_RETRIED = frozenset({423, 429, 502, 503, 504})
_RESERVE = CONCURRENCY + 1


@attrs.frozen
class UpsertResult:
    """HubSpot's answer for one input: the record's HubSpot id, or why it failed."""

    key: str
    id: str | None = None
    created: bool | None = None
    error: str | None = None

    @property
    def success(self) -> bool:
        """True when HubSpot stored the record."""
        return self.error is None and self.id is not None


class HubSpotRequestError(HttpError):
    """A whole request failed (authentication, limits after retries, a malformed batch).

    ``fatal`` is true when later requests would fail the same way.
    """

    @property
    def fatal(self) -> bool:
        """True when there is no point in sending the next request of the export."""
        return self.status in (0, 401, 403, 423, 429)


def is_throttled(response: Response) -> bool:
    """True for the answers HubSpot asks clients to retry after a pause."""
    return response.status in _RETRIED


def is_daily_limit(response: Response) -> bool:
    """True when the account's daily limit is spent (no use retrying today)."""
    if response.status != 429:
        return False
    body = response.json()
    if isinstance(body, dict) and str(body.get("policyName", "")).upper() == "DAILY":
        return True
    return response.headers.get("x-hubspot-ratelimit-daily-remaining") == "0"


def _number(response: Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def pace(response: Response) -> float | None:
    """Seconds to hold back the next request when HubSpot's headers say the limit is near.

    With ``R`` requests left of ``M`` in the rolling interval of ``I`` ms, and fewer left
    than the requests that may be in flight, wait for that many requests' share of the
    interval; with none left this second, wait a second.
    """
    remaining = _number(response, "x-hubspot-ratelimit-remaining")
    interval = _number(response, "x-hubspot-ratelimit-interval-milliseconds")
    most = _number(response, "x-hubspot-ratelimit-max")
    wait = 0.0
    if remaining is not None and interval and most and remaining < _RESERVE:
        wait = interval / 1000 * (_RESERVE - remaining) / most
    if _number(response, "x-hubspot-ratelimit-secondly-remaining") == 0:
        wait = max(wait, 1.0)
    return wait or None


def _message(error: Mapping[str, Any]) -> str:
    text = str(error.get("message") or error.get("category") or "failed without a message")
    category = error.get("category")
    return f"{category}: {text}" if category and not text.startswith(str(category)) else text


def _request_error(response: Response) -> HubSpotRequestError:
    body = response.json()
    if isinstance(body, dict):
        return HubSpotRequestError(response.status, _message(body))
    return HubSpotRequestError(
        response.status, response.body[:200].decode("utf-8", "replace") or "no body"
    )


def chunked(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class HubSpotClient:
    """Write CRM records into one HubSpot account with a private-app token.

    Args:
        token: the private app's access token.
        base_url: the API host (``https://api.hubapi.com``).
        retry: how many tries and how long to wait when HubSpot says "too many requests".
        sleep: the waiting function (tests pass one that records the delays).
    """

    def __init__(
        self,
        token: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.http = JsonHttpClient(
            base_url,
            token,
            throttled=is_throttled,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            user_agent="ips-jobdev-hubspot",
            logger=logging.getLogger("ips_jobdev_hubspot"),
            give_up=is_daily_limit,
            pace=pace,
            concurrency=concurrency,
        )

    def __repr__(self) -> str:
        return f"HubSpotClient({self.http.base_url!r}, token=***)"

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (retries included)."""
        return self.http.requests

    def upsert(
        self,
        object_type: str,
        id_property: str,
        inputs: Sequence[tuple[str, Mapping[str, str | None]]],
    ) -> list[UpsertResult]:
        """Upsert ``(key, properties)`` pairs, 100 a request; one result per input, in order.

        ``key`` is the value of ``id_property``, the unique property that identifies the
        record; it doubles as the input's ``objectWriteTraceId``. Batches go out
        ``concurrency`` at a time.

        Raises:
            HubSpotRequestError: a request failed as a whole (not because of one input).
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/upsert"

        def body(chunk: Sequence[tuple[str, Mapping[str, str | None]]]) -> dict[str, Any]:
            return {
                "inputs": [
                    {
                        "idProperty": id_property,
                        "id": key,
                        "objectWriteTraceId": key,
                        "properties": dict(properties),
                    }
                    for key, properties in chunk
                ]
            }

        return self._batches(path, inputs, body, id_property)

    def create(
        self, object_type: str, inputs: Sequence[tuple[str, Mapping[str, str | None]]]
    ) -> list[UpsertResult]:
        """Create records from ``(key, properties)`` pairs, 100 a request; results in order.

        ``key`` is only the input's ``objectWriteTraceId`` (HubSpot's ``207`` names failed
        inputs by it). Not retried after a timeout: HubSpot may have created them.

        Raises:
            HubSpotRequestError: a request failed as a whole (not because of one input).
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/create"

        def body(chunk: Sequence[tuple[str, Mapping[str, str | None]]]) -> dict[str, Any]:
            return {
                "inputs": [
                    {"objectWriteTraceId": key, "properties": dict(properties)}
                    for key, properties in chunk
                ]
            }

        return self._batches(path, inputs, body, None, idempotent=False)

    def update(
        self, object_type: str, inputs: Sequence[tuple[str, str, Mapping[str, str | None]]]
    ) -> list[UpsertResult]:
        """Update records by HubSpot id from ``(key, id, properties)``; results in order.

        Raises:
            HubSpotRequestError: a request failed as a whole (not because of one input).
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/update"
        ids = {key: hs_id for key, hs_id, _ in inputs}
        pairs = [(key, properties) for key, _, properties in inputs]

        def body(chunk: Sequence[tuple[str, Mapping[str, str | None]]]) -> dict[str, Any]:
            return {
                "inputs": [
                    {"id": ids[key], "objectWriteTraceId": key, "properties": dict(properties)}
                    for key, properties in chunk
                ]
            }

        results = self._batches(path, pairs, body, None)
        return [
            attrs.evolve(r, id=r.id or ids[r.key], created=False) if r.error is None else r
            for r in results
        ]

    def _batches(
        self,
        path: str,
        inputs: Sequence[tuple[str, Mapping[str, str | None]]],
        body: Any,
        id_property: str | None,
        *,
        idempotent: bool = True,
    ) -> list[UpsertResult]:
        def one(chunk: Sequence[tuple[str, Mapping[str, str | None]]]) -> list[UpsertResult]:
            response = self.http.send("POST", path, body(chunk), idempotent=idempotent)
            if response.status == 400 and len(chunk) > 1:
                # one bad input refuses the whole batch: halve until it stands alone
                half = len(chunk) // 2
                return one(chunk[:half]) + one(chunk[half:])
            keys = [key for key, _ in chunk]
            if response.status == 400:
                return [UpsertResult(keys[0], error=_message(response.json() or {}))]
            if response.status not in (200, 201, 207):
                raise _request_error(response)
            return _upsert_results(response.json(), keys, id_property)

        answers = self.http.map(one, chunked(inputs, BATCH_SIZE))
        return [result for answer in answers for result in answer]

    def read_properties(
        self, object_type: str, ids: Sequence[str], names: Sequence[str]
    ) -> dict[str, dict[str, str]]:
        """The named properties of records by HubSpot id (found ones), 100 a request.

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/read"
        found: dict[str, dict[str, str]] = {}
        for chunk in chunked(ids, BATCH_SIZE):
            body = {"properties": list(names), "inputs": [{"id": i} for i in chunk]}
            response = self.http.send("POST", path, body, idempotent=True)
            if response.status not in (200, 207):
                raise _request_error(response)
            for item in (response.json() or {}).get("results") or ():
                values = item.get("properties") or {}
                found[str(item["id"])] = {str(k): str(v) for k, v in values.items() if v}
        return found

    def search_ids(self, object_type: str, name: str, values: Sequence[str]) -> dict[str, str]:
        """HubSpot ids of the records whose property ``name`` is one of ``values``.

        Uses the CRM search (``POST /crm/v3/objects/{type}/search``, a filter with the
        ``IN`` operator, 100 values and 100 results a page); for properties without unique
        values, so the first record found for a value wins.

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/search"
        found: dict[str, str] = {}
        for chunk in chunked(values, BATCH_SIZE):
            after: str | None = None
            while True:
                flt = {"propertyName": name, "operator": "IN", "values": list(chunk)}
                body: dict[str, Any] = {
                    "filterGroups": [{"filters": [flt]}],
                    "properties": [name],
                    "limit": BATCH_SIZE,
                }
                if after:
                    body["after"] = after
                response = self.http.send("POST", path, body, idempotent=True)
                if response.status != 200:
                    raise _request_error(response)
                answer = response.json() or {}
                for item in answer.get("results") or ():
                    value = (item.get("properties") or {}).get(name)
                    if value is not None:
                        found.setdefault(str(value), str(item["id"]))
                after = ((answer.get("paging") or {}).get("next") or {}).get("after")
                if not after:
                    break
        return found

    def read_ids(self, object_type: str, id_property: str, keys: Sequence[str]) -> dict[str, str]:
        """HubSpot ids of the records whose ``id_property`` is one of ``keys`` (found ones).

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/read"
        found: dict[str, str] = {}
        for chunk in chunked(keys, BATCH_SIZE):
            body = {
                "idProperty": id_property,
                "properties": [id_property],
                "inputs": [{"id": key} for key in chunk],
            }
            response = self.http.send("POST", path, body, idempotent=True)
            if response.status not in (200, 207):
                raise _request_error(response)
            for item in (response.json() or {}).get("results") or ():
                key = (item.get("properties") or {}).get(id_property)
                if key is not None and item.get("id") is not None:
                    found[str(key)] = str(item["id"])
        return found

    def associate(
        self, from_type: str, to_type: str, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """Give each ``(from id, to id)`` pair the default association, 100 a request.

        Returns the pairs that failed, each with HubSpot's message (empty when all worked).

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = (
            f"/crm/v4/associations/{urllib.parse.quote(from_type)}/"
            f"{urllib.parse.quote(to_type)}/batch/associate/default"
        )

        def one(chunk: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
            body = {"inputs": [{"from": {"id": a}, "to": {"id": b}} for a, b in chunk]}
            response = self.http.send("POST", path, body, idempotent=True)
            if response.status not in (200, 201, 207):
                raise _request_error(response)
            answer = response.json() or {}
            done = {
                (str(item["from"]["id"]), str(item["to"]["id"]))
                for item in answer.get("results") or ()
                if isinstance(item, dict) and "from" in item and "to" in item
            }
            reason = "; ".join(_message(e) for e in answer.get("errors") or ()) or "not associated"
            return {pair: reason for pair in chunk if pair not in done}

        failed: dict[tuple[str, str], str] = {}
        for part in self.http.map(one, chunked(pairs, BATCH_SIZE)):
            failed.update(part)
        return failed

    def read_associations(
        self, from_type: str, to_type: str, ids: Sequence[str]
    ) -> dict[str, set[str]]:
        """The ``to_type`` records associated with each of ``ids``, 100 a request.

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = (
            f"/crm/v4/associations/{urllib.parse.quote(from_type)}/"
            f"{urllib.parse.quote(to_type)}/batch/read"
        )
        found: dict[str, set[str]] = {str(i): set() for i in ids}
        for chunk in chunked(ids, BATCH_SIZE):
            body = {"inputs": [{"id": i} for i in chunk]}
            response = self.http.send("POST", path, body, idempotent=True)
            if response.status not in (200, 207):
                raise _request_error(response)
            for item in (response.json() or {}).get("results") or ():
                targets = {str(t["toObjectId"]) for t in item.get("to") or () if "toObjectId" in t}
                found.setdefault(str(item["from"]["id"]), set()).update(targets)
        return found

    def unassociate(self, from_type: str, to_type: str, pairs: Mapping[str, Sequence[str]]) -> None:
        """Remove the associations from each id to the listed ids, 100 a request (``204``).

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = (
            f"/crm/v4/associations/{urllib.parse.quote(from_type)}/"
            f"{urllib.parse.quote(to_type)}/batch/archive"
        )
        items = [(a, list(b)) for a, b in pairs.items() if b]
        for chunk in chunked(items, BATCH_SIZE):
            body = {
                "inputs": [{"from": {"id": a}, "to": [{"id": b} for b in bs]} for a, bs in chunk]
            }
            response = self.http.send("POST", path, body, idempotent=True)
            if response.status not in (200, 204):
                raise _request_error(response)

    def archive(self, object_type: str, ids: Sequence[str]) -> None:
        """Archive records by HubSpot id, 100 a request (HubSpot answers ``204``).

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/archive"
        for chunk in chunked(ids, BATCH_SIZE):
            body = {"inputs": [{"id": i} for i in chunk]}
            response = self.http.send("POST", path, body, idempotent=True)
            if response.status not in (200, 204):
                raise _request_error(response)


def _upsert_results(body: Any, keys: list[str], id_property: str | None) -> list[UpsertResult]:
    if not isinstance(body, dict):
        raise HubSpotRequestError(200, "the batch answer is not a JSON object")
    by_key: dict[str, UpsertResult] = {}
    for item in body.get("results") or ():
        key = item.get("objectWriteTraceId") or (
            (item.get("properties") or {}).get(id_property) if id_property else None
        )
        if key is not None:
            by_key[str(key)] = UpsertResult(str(key), str(item.get("id")), bool(item.get("new")))
    for error in body.get("errors") or ():
        for key in (error.get("context") or {}).get("objectWriteTraceId") or ():
            by_key[str(key)] = UpsertResult(str(key), error=_message(error))
    return [
        by_key.get(key, UpsertResult(key, error="HubSpot returned no result for this input"))
        for key in keys
    ]

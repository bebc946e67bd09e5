"""A small HubSpot CRM client: batch upsert by a unique property, read, associate, archive.

Only what the adapter needs, with the standard library:

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

``429`` (honouring ``Retry-After``), ``423`` (a short lock) and ``502``/``503``/``504`` are
retried with a bounded back-off; any other request-level failure raises
:class:`HubSpotRequestError`.
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
_RETRIED = frozenset({423, 429, 502, 503, 504})


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
    ) -> None:
        self.http = JsonHttpClient(
            base_url,
            token,
            throttled=is_throttled,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            user_agent="ips-jobdev-hubspot",
            logger=logging.getLogger("ips_jobdev_hubspot"),
        )

    def __repr__(self) -> str:
        return f"HubSpotClient({self.http.base_url!r}, token=***)"

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
        record; it doubles as the input's ``objectWriteTraceId``.

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/upsert"
        results: list[UpsertResult] = []
        for chunk in chunked(inputs, BATCH_SIZE):
            body = {
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
            response = self.http.send("POST", path, body)
            if response.status not in (200, 201, 207):
                raise _request_error(response)
            results.extend(_upsert_results(response.json(), [key for key, _ in chunk], id_property))
        return results

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
            response = self.http.send("POST", path, body)
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
        failed: dict[tuple[str, str], str] = {}
        for chunk in chunked(pairs, BATCH_SIZE):
            body = {"inputs": [{"from": {"id": a}, "to": {"id": b}} for a, b in chunk]}
            response = self.http.send("POST", path, body)
            if response.status not in (200, 201, 207):
                raise _request_error(response)
            answer = response.json() or {}
            done = {
                (str(item["from"]["id"]), str(item["to"]["id"]))
                for item in answer.get("results") or ()
                if isinstance(item, dict) and "from" in item and "to" in item
            }
            reason = "; ".join(_message(e) for e in answer.get("errors") or ()) or "not associated"
            failed.update({pair: reason for pair in chunk if pair not in done})
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
            response = self.http.send("POST", path, {"inputs": [{"id": i} for i in chunk]})
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
            response = self.http.send("POST", path, body)
            if response.status not in (200, 204):
                raise _request_error(response)

    def archive(self, object_type: str, ids: Sequence[str]) -> None:
        """Archive records by HubSpot id, 100 a request (HubSpot answers ``204``).

        Raises:
            HubSpotRequestError: a request failed as a whole.
        """
        path = f"/crm/v3/objects/{urllib.parse.quote(object_type)}/batch/archive"
        for chunk in chunked(ids, BATCH_SIZE):
            response = self.http.send("POST", path, {"inputs": [{"id": i} for i in chunk]})
            if response.status not in (200, 204):
                raise _request_error(response)


def _upsert_results(body: Any, keys: list[str], id_property: str) -> list[UpsertResult]:
    if not isinstance(body, dict):
        raise HubSpotRequestError(200, "the batch answer is not a JSON object")
    by_key: dict[str, UpsertResult] = {}
    for item in body.get("results") or ():
        key = item.get("objectWriteTraceId") or (item.get("properties") or {}).get(id_property)
        if key is not None:
            by_key[str(key)] = UpsertResult(str(key), str(item.get("id")), bool(item.get("new")))
    for error in body.get("errors") or ():
        for key in (error.get("context") or {}).get("objectWriteTraceId") or ():
            by_key[str(key)] = UpsertResult(str(key), error=_message(error))
    return [
        by_key.get(key, UpsertResult(key, error="HubSpot returned no result for this input"))
        for key in keys
    ]

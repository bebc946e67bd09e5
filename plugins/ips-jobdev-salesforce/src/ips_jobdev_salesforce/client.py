"""A small Salesforce REST client: sObject Collections upsert by external ID, and delete.

Only what the adapter needs, over :mod:`ips_jobdev.adapters.http` (httpx, one connection
pool per client):

- ``PATCH /services/data/vXX.X/composite/sobjects/{SObject}/{ExternalIdField}`` with up to
  200 records and ``allOrNone: false``; Salesforce answers ``200`` with one UpsertResult
  (``id``, ``success``, ``created``, ``errors``) per record, in the order sent.
- ``DELETE /services/data/vXX.X/composite/sobjects?ids=...&allOrNone=false`` with up to 200
  record ids; one DeleteResult per id.

``429`` and ``403 REQUEST_LIMIT_EXCEEDED`` (and ``503``) are retried with a bounded back-off;
``REQUEST_LIMIT_EXCEEDED`` with "TotalRequests Limit exceeded" is the org's 24-hour API
request limit: no retry helps, so the export stops at once. An upsert by external id is
idempotent, so it is retried after a timeout too. Any other request-level failure raises
:class:`SalesforceRequestError`.

Collections of one object go out ``concurrency`` at a time (Salesforce allows concurrent
API requests; the limit is on long-running ones). Records refused with
``UNABLE_TO_LOCK_ROW`` (two requests touching the same parent Account at once) are sent
again afterwards, one request at a time.
"""

from __future__ import annotations

import logging
import re
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
    "DEFAULT_API_VERSION",
    "SalesforceClient",
    "SalesforceError",
    "SalesforceRequestError",
    "SaveResult",
]

BATCH_SIZE = 200
DEFAULT_API_VERSION = "v62.0"
CONCURRENCY = 3
"""Collections sent at once."""
_VERSION_RE = re.compile(r"^v\d{2}\.\d$")


@attrs.frozen
class SalesforceError:
    """One entry of a result's ``errors``: ``statusCode``, ``message`` and ``fields``."""

    status_code: str
    message: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.status_code}: {self.message}{where}"


@attrs.frozen
class SaveResult:
    """Salesforce's answer for one record of a collection request."""

    id: str | None
    success: bool
    created: bool | None = None
    errors: tuple[SalesforceError, ...] = ()

    @property
    def message(self) -> str:
        """The errors as one line, as Salesforce worded them."""
        return "; ".join(str(error) for error in self.errors) or "failed without a message"

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> SaveResult:
        """Read one UpsertResult or DeleteResult object."""
        errors = tuple(
            SalesforceError(
                str(error.get("statusCode") or error.get("errorCode") or "UNKNOWN"),
                str(error.get("message") or ""),
                tuple(str(field) for field in error.get("fields") or ()),
            )
            for error in item.get("errors") or ()
        )
        created = item.get("created")
        return cls(
            id=item.get("id"),
            success=bool(item.get("success")),
            created=None if created is None else bool(created),
            errors=errors,
        )


class SalesforceRequestError(HttpError):
    """A whole request failed (authentication, limits after retries, a malformed request).

    ``fatal`` is true when later requests would fail the same way (no or a wrong token,
    an exhausted API limit, an unreachable instance).
    """

    @property
    def fatal(self) -> bool:
        """True when there is no point in sending the next request of the export."""
        return self.status in (0, 401, 403, 429)


def is_throttled(response: Response) -> bool:
    """True for ``429``, ``503`` and ``403`` with errorCode ``REQUEST_LIMIT_EXCEEDED``."""
    if response.status in (429, 503):
        return True
    if response.status == 403:
        return "REQUEST_LIMIT_EXCEEDED" in _error_codes(response.json())
    return False


def is_daily_limit(response: Response) -> bool:
    """True when the org's 24-hour API request limit is spent."""
    if response.status != 403:
        return False
    body = response.json()
    items = body if isinstance(body, list) else [body]
    return any(
        isinstance(item, dict)
        and item.get("errorCode") == "REQUEST_LIMIT_EXCEEDED"
        and "TotalRequests" in str(item.get("message", ""))
        for item in items
    )


def _error_codes(body: Any) -> list[str]:
    items = body if isinstance(body, list) else [body]
    return [str(item.get("errorCode")) for item in items if isinstance(item, dict)]


def _request_error(response: Response) -> SalesforceRequestError:
    body = response.json()
    items = body if isinstance(body, list) else [body]
    parts = [
        f"{item.get('errorCode', 'ERROR')}: {item.get('message', '')}".strip()
        for item in items
        if isinstance(item, dict)
    ]
    message = "; ".join(parts) or response.body[:200].decode("utf-8", "replace") or "no body"
    return SalesforceRequestError(response.status, message)


def chunked(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SalesforceClient:
    """Upsert and delete records in one Salesforce org over the REST API.

    Args:
        instance_url: the org's URL (``https://example.my.salesforce.com``).
        token: an OAuth access token (session id) for that org.
        api_version: the REST API version, ``vXX.X`` (46.0 or later has collection upsert).
        retry: how many tries and how long to wait when the org says "too many requests".
        sleep: the waiting function (tests pass one that records the delays).
    """

    def __init__(
        self,
        instance_url: str,
        token: Secret,
        *,
        api_version: str = DEFAULT_API_VERSION,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        concurrency: int = CONCURRENCY,
    ) -> None:
        if not _VERSION_RE.match(api_version):
            raise ValueError(f"{api_version!r} is not an API version such as 'v62.0'")
        self.api_version = api_version
        self.http = JsonHttpClient(
            instance_url,
            token,
            throttled=is_throttled,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            user_agent="ips-jobdev-salesforce",
            logger=logging.getLogger("ips_jobdev_salesforce"),
            give_up=is_daily_limit,
            concurrency=concurrency,
        )

    def __repr__(self) -> str:
        return f"SalesforceClient({self.http.base_url!r}, {self.api_version!r}, token=***)"

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (retries included)."""
        return self.http.requests

    def upsert(
        self, sobject: str, external_id_field: str, records: Sequence[Mapping[str, Any]]
    ) -> list[SaveResult]:
        """Upsert ``records`` (field name to value, without ``attributes``), 200 a request.

        Returns one :class:`SaveResult` per record, in order.

        Raises:
            SalesforceRequestError: a request failed as a whole.
        """
        path = (
            f"/services/data/{self.api_version}/composite/sobjects/"
            f"{urllib.parse.quote(sobject)}/{urllib.parse.quote(external_id_field)}"
        )

        def send(chunk: Sequence[Mapping[str, Any]]) -> list[SaveResult]:
            body = {
                "allOrNone": False,
                "records": [{"attributes": {"type": sobject}, **record} for record in chunk],
            }
            return self._results(self.http.send("PATCH", path, body, idempotent=True), len(chunk))

        answers = self.http.map(send, chunked(records, BATCH_SIZE))
        results = [result for answer in answers for result in answer]
        locked = [n for n, r in enumerate(results) if _locked(r)]
        for chunk in chunked(locked, BATCH_SIZE):
            for n, result in zip(chunk, send([records[n] for n in chunk]), strict=True):
                results[n] = result
        return results

    def delete(self, ids: Sequence[str]) -> list[SaveResult]:
        """Delete records by Salesforce id, 200 a request; one result per id, in order.

        Raises:
            SalesforceRequestError: a request failed as a whole.
        """
        results: list[SaveResult] = []
        for chunk in chunked(ids, BATCH_SIZE):
            query = urllib.parse.urlencode({"ids": ",".join(chunk), "allOrNone": "false"})
            path = f"/services/data/{self.api_version}/composite/sobjects?{query}"
            results.extend(self._results(self.http.send("DELETE", path), len(chunk)))
        return results

    def _results(self, response: Response, expected: int) -> list[SaveResult]:
        if response.status != 200:
            raise _request_error(response)
        body = response.json()
        if not isinstance(body, list) or len(body) != expected:
            raise SalesforceRequestError(
                response.status, f"expected {expected} results, got {_describe(body)}"
            )
        return [SaveResult.from_json(item) for item in body]


def _locked(result: SaveResult) -> bool:
    return any(error.status_code == "UNABLE_TO_LOCK_ROW" for error in result.errors)


def _describe(body: Any) -> str:
    if isinstance(body, list):
        return f"{len(body)}"
    return "no result list"

"""A local stand-in for a HubSpot account's CRM API, for tests, demos and benchmarks.

:class:`FakeHubSpot` is an :class:`ips_jobdev.testing.fake_server.FakeServer` (an HTTP
server on ``127.0.0.1``, a free port, in a thread) that answers the calls the adapter makes
the way HubSpot's API reference documents them:

- ``POST /crm/v3/objects/{companies|contacts}/batch/upsert``: at most 100 inputs,
  ``idProperty`` naming a property with unique values; ``200`` with ``results`` (``id``,
  ``new``, ``properties``, ``objectWriteTraceId``). Per-input errors with ``207`` are
  documented for batch *create* only; an upsert with one bad input is refused as a whole
  with ``400`` here (nothing written), the case the client must survive.
- Meetings have no properties with unique values: HubSpot documents unique values for
  contacts, companies, deals, tickets and custom objects
  (https://developers.hubspot.com/changelog/unique-properties-for-contacts), so an upsert
  of meetings is refused; ``.../meetings/batch/create`` answers ``201``, or ``207`` with
  ``errors`` naming each failed input by ``objectWriteTraceId``; ``.../batch/update`` by
  HubSpot id the same way. ``ips_jobdev_id`` and ``ips_jobdev_links`` are plain text
  properties on meetings.
- ``POST /crm/v3/objects/{type}/batch/read`` by ``idProperty`` or by HubSpot id;
  ``.../batch/archive`` (``204``).
- ``POST /crm/v4/associations/{from}/{to}/batch/associate/default``, ``.../batch/read``,
  ``.../batch/archive``.
- Rate-limit headers on every answer (``X-HubSpot-RateLimit-Max``, ``-Remaining``,
  ``-Interval-Milliseconds``), counted over the fake's ``rate_limit`` requests per
  interval when one is set; ``daily_limit_after`` answers the daily-limit ``429``
  (``policyName: DAILY``) after that many requests.

It checks the bearer token (``401``), property names and enumeration values, date-times,
e-mail addresses, that contacts' e-mails are unique (``CONFLICT``), and can be told to
answer ``429`` with ``Retry-After`` now and then. Every request is kept in
:attr:`FakeHubSpot.requests` so tests can check bodies field by field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import time
from collections.abc import Iterator
from typing import Any

from ips_jobdev.testing.fake_server import FakeServer, RecordedRequest, Reply, Request

__all__ = ["FakeHubSpot", "RecordedRequest"]

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$")
_OUTCOMES = ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")
_STANDARD: dict[str, set[str]] = {
    "companies": {"name", "phone", "domain", "address", "city", "state", "zip", "industry"},
    "contacts": {"firstname", "lastname", "jobtitle", "phone", "email", "company"},
    "meetings": {
        "hs_timestamp",
        "hs_meeting_title",
        "hs_meeting_body",
        "hs_meeting_location",
        "hs_meeting_start_time",
        "hs_meeting_end_time",
        "hs_meeting_outcome",
        "hs_internal_meeting_notes",
    },
}
_DATETIMES = {"hs_timestamp", "hs_meeting_start_time", "hs_meeting_end_time"}
_UNIQUE_TYPES = frozenset({"companies", "contacts"})
_MEETING_PROPERTIES = ("ips_jobdev_id", "ips_jobdev_links")
_ASSOCIABLE = {
    ("contacts", "companies"),
    ("companies", "contacts"),
    ("meetings", "companies"),
    ("meetings", "contacts"),
}


class _InputError(Exception):
    def __init__(self, category: str, message: str, **context: list[str]) -> None:
        super().__init__(message)
        self.category = category
        self.message = message
        self.context = context


def _invalid(name: str, error: str, message: str) -> _InputError:
    detail = json.dumps([{"isValid": False, "message": message, "error": error, "name": name}])
    return _InputError("VALIDATION_ERROR", f"Property values were not valid: {detail}")


class FakeHubSpot(FakeServer):
    """A fake account: ``with FakeHubSpot(token="t") as hub: hub.url ...``.

    Args:
        token: the private-app token it accepts.
        unique_properties: custom properties created with "unique values" (on every type).
        custom_properties: other custom properties created on companies.
        throttle_every: answer every n-th request with ``429`` (0: never).
        throttle_status: ``429`` (rate limit, with ``Retry-After``) or ``423`` (a lock).
        retry_after: seconds sent in ``Retry-After`` with a ``429``.
    """

    content_type = "application/json;charset=utf-8"

    def __init__(
        self,
        token: str = "pat-na1-fake-private-app-token",
        *,
        unique_properties: tuple[str, ...] = ("ips_jobdev_id",),
        custom_properties: tuple[str, ...] = ("ips_jobdev_industry",),
        throttle_every: int = 0,
        throttle_status: int = 429,
        retry_after: int = 1,
        rate_limit: int = 0,
        daily_limit_after: int = 0,
    ) -> None:
        super().__init__(throttle_every=throttle_every)
        self.token = token
        self.throttle_status = throttle_status
        self.unique_properties = unique_properties
        self.custom_properties = custom_properties
        self.retry_after = retry_after
        self.rate_limit = rate_limit
        self.daily_limit_after = daily_limit_after
        self.refuse_batches_with: set[str] = set()
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _STANDARD}
        self.archived: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _STANDARD}
        self.links: dict[tuple[str, str, str], set[str]] = {}
        self._index: dict[tuple[str, str, str], str] = {}
        self.failures: dict[str, str] = {}
        self._serial = itertools.count(1001)
        self._recent: list[float] = []

    # -- what tests look at ------------------------------------------------------------

    def find(self, object_type: str, key: str, id_property: str | None = None) -> dict[str, Any]:
        """The stored (not archived) record whose unique property is ``key`` (for meetings,
        the one whose ``ips_jobdev_id`` is ``key``)."""
        prop = id_property or self.unique_properties[0]
        if object_type not in _UNIQUE_TYPES:
            found = [
                r for r in self.records[object_type].values() if r["properties"].get(prop) == key
            ]
            if len(found) != 1:
                raise AssertionError(f"{len(found)} {object_type} with {prop}={key!r}")
            return found[0]
        record = self._lookup(object_type, prop, key)
        if record is None:
            raise AssertionError(f"no {object_type} with {prop}={key!r}")
        return record

    def fail_next(self, key: str, message: str = "Meetings need an approved company") -> None:
        """Refuse the next upsert of the record whose unique property is ``key``."""
        self.failures[key] = message

    def associated(self, from_type: str, from_id: str, to_type: str) -> set[str]:
        """The ids of ``to_type`` records associated with one record."""
        return set(self.links.get((from_type, from_id, to_type), ()))

    def _lookup(self, object_type: str, prop: str, value: Any) -> dict[str, Any] | None:
        """The stored record whose property ``prop`` (unique, or a contact's email) is value."""
        record_id = self._index.get((object_type, prop, value))
        record = self.records[object_type].get(record_id) if record_id else None
        if record is None or record["properties"].get(prop) != value:
            return None
        return record

    def _link(self, a_type: str, a: str, b_type: str, b: str, keep: bool) -> None:
        for key, other in (((a_type, a, b_type), b), ((b_type, b, a_type), a)):
            if keep:
                self.links.setdefault(key, set()).add(other)
            else:
                self.links.get(key, set()).discard(other)

    def writes(self) -> Iterator[RecordedRequest]:
        """The requests that were answered with success (not throttled, not refused)."""
        return (r for r in self.requests if r.status in (200, 201, 204, 207))

    # -- the API -----------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request as HubSpot would."""
        status, extra, answer = self._dispatch(request)
        if self.rate_limit:
            now = time.monotonic()
            self._recent = [t for t in self._recent if now - t < 10.0] + [now]
            extra = {
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": str(self.rate_limit),
                "X-HubSpot-RateLimit-Remaining": str(max(0, self.rate_limit - len(self._recent))),
                **extra,
            }
        return Reply(status, answer, extra)

    def _dispatch(self, request: Request) -> tuple[int, dict[str, str], Any]:
        method, path, body = request.method, request.path, request.body
        if request.bearer != self.token:
            message = "Authentication credentials not found."
            return 401, {}, _error("INVALID_AUTHENTICATION", message)
        if self.daily_limit_after and len(self.requests) >= self.daily_limit_after:
            answer = _error("RATE_LIMITS", "You have reached your daily limit.")
            answer.update(errorType="RATE_LIMIT", policyName="DAILY")
            return 429, {"X-HubSpot-RateLimit-Daily-Remaining": "0"}, answer
        if self.throttled():
            if self.throttle_status == 423:
                message = "Another request is writing these records; retry in 2 seconds."
                return 423, {}, _error("LOCKED", message)
            answer = _error("RATE_LIMITS", "You have reached your ten_secondly_rolling limit.")
            answer.update(errorType="RATE_LIMIT", policyName="TEN_SECONDLY_ROLLING")
            return 429, {"Retry-After": str(self.retry_after)}, answer
        if method != "POST":
            return 405, {}, _error("VALIDATION_ERROR", f"{method} is not allowed here")
        objects = re.fullmatch(
            r"/crm/v3/objects/(\w+)/batch/(upsert|read|archive|create|update)", path
        )
        if objects and objects.group(1) in _STANDARD:
            inputs = body.get("inputs") if isinstance(body, dict) else None
            if not isinstance(inputs, list):
                return 400, {}, _error("VALIDATION_ERROR", "inputs is required")
            if len(inputs) > 100:
                message = f"Batch input cannot contain more than 100 inputs (got {len(inputs)})"
                return 400, {}, _error("VALIDATION_ERROR", message)
            action = getattr(self, f"_{objects.group(2)}")
            result: tuple[int, dict[str, str], Any] = action(objects.group(1), body, inputs)
            return result
        search = re.fullmatch(r"/crm/v3/objects/(\w+)/search", path)
        if search and search.group(1) in _STANDARD:
            return self._search(search.group(1), body)
        links = re.fullmatch(
            r"/crm/v4/associations/(\w+)/(\w+)/batch/(associate/default|read|archive)", path
        )
        if links and (links.group(1), links.group(2)) in _ASSOCIABLE:
            if links.group(3) == "read":
                return self._read_links(links.group(1), links.group(2), body)
            if links.group(3) == "archive":
                return self._unlink(links.group(1), links.group(2), body)
            return self._associate(links.group(1), links.group(2), body)
        return 404, {}, _error("OBJECT_NOT_FOUND", f"No route for {path}")

    def _upsert(
        self, object_type: str, body: dict[str, Any], inputs: list[Any]
    ) -> tuple[int, dict[str, str], Any]:
        keys = [item.get("id") for item in inputs if isinstance(item, dict)]
        if len(set(keys)) != len(keys):
            return 400, {}, _error("VALIDATION_ERROR", "Duplicate IDs found in batch input")
        refused = sorted(self.refuse_batches_with.intersection(str(k) for k in keys))
        if refused:
            message = f"Property values were not valid for input {refused[0]}"
            return 400, {}, _error("VALIDATION_ERROR", message)
        for item in inputs:
            try:
                self._upsert_one(object_type, item, write=False)
            except _InputError as exc:
                if len(inputs) == 1:  # the bad input alone: fail_next is spent
                    self.failures.pop(str(item.get("id")), None)
                return 400, {}, _error(exc.category, exc.message)
        return self._each(inputs, lambda item: self._upsert_one(object_type, item), 200)

    def _create(
        self, object_type: str, body: dict[str, Any], inputs: list[Any]
    ) -> tuple[int, dict[str, str], Any]:
        return self._each(inputs, lambda item: self._write(object_type, item, None), 201)

    def _update(
        self, object_type: str, body: dict[str, Any], inputs: list[Any]
    ) -> tuple[int, dict[str, str], Any]:
        def one(item: dict[str, Any]) -> dict[str, Any]:
            record = self.records[object_type].get(str(item.get("id")))
            if record is None:
                message = f"Object {item.get('id')} of type {object_type} was not found"
                raise _InputError("OBJECT_NOT_FOUND", message)
            return self._write(object_type, item, record)

        return self._each(inputs, one, 200)

    def _each(self, inputs: list[Any], write: Any, status: int) -> tuple[int, dict[str, str], Any]:
        """Write each input; ``207`` naming failed inputs by ``objectWriteTraceId``."""
        started = _now()
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            trace = item.get("objectWriteTraceId")
            try:
                results.append(write(item) | {"objectWriteTraceId": trace})
            except _InputError as exc:
                context = {"objectWriteTraceId": [str(trace)]} if trace is not None else {}
                errors.append(
                    {
                        "status": "error",
                        "category": exc.category,
                        "message": exc.message,
                        "context": context | exc.context,
                    }
                )
        answer: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": _now(),
        }
        if not errors:
            return status, {}, answer
        if all(item.get("objectWriteTraceId") is not None for item in inputs):
            return 207, {}, answer | {"numErrors": len(errors), "errors": errors}
        first = errors[0]
        return 400, {}, _error(first["category"], first["message"])

    def _write(
        self, object_type: str, item: dict[str, Any], existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Create (``existing`` None) or update one meeting by HubSpot id."""
        key = item.get("objectWriteTraceId")
        if key in self.failures:
            raise _InputError("VALIDATION_ERROR", self.failures.pop(key))
        properties = dict(item.get("properties") or {})
        self._check(object_type, properties)
        if existing is None and object_type == "meetings" and not properties.get("hs_timestamp"):
            raise _invalid("hs_timestamp", "REQUIRED", "hs_timestamp is required")
        now = _now()
        new = existing is None
        if existing is None:
            existing = {"id": str(next(self._serial)), "properties": {}, "createdAt": now}
            self.records[object_type][existing["id"]] = existing
        existing["properties"].update(properties)
        existing["updatedAt"] = now
        return {
            "id": existing["id"],
            "new": new,
            "archived": False,
            "properties": dict(existing["properties"]),
            "createdAt": existing["createdAt"],
            "updatedAt": now,
        }

    def _upsert_one(
        self, object_type: str, item: dict[str, Any], *, write: bool = True
    ) -> dict[str, Any]:
        id_property, key = item.get("idProperty"), item.get("id")
        if object_type not in _UNIQUE_TYPES or id_property not in self.unique_properties:
            message = f"{id_property!r} is not a property with unique values on {object_type}"
            raise _InputError("VALIDATION_ERROR", message)
        if not key:
            raise _InputError("VALIDATION_ERROR", "id is required")
        if key in self.failures:
            if write:
                raise _InputError("VALIDATION_ERROR", self.failures.pop(key))
            raise _InputError("VALIDATION_ERROR", self.failures[key])
        properties = dict(item.get("properties") or {})
        self._check(object_type, properties)
        existing = self._lookup(object_type, id_property, key)
        if object_type == "contacts" and properties.get("email"):
            holder = self._lookup("contacts", "email", properties["email"])
            if holder is not None and holder is not existing:
                raise _InputError(
                    "CONFLICT",
                    f"Contact already exists. Existing ID: {holder['id']}",
                    existingId=[holder["id"]],
                )
        if not write:
            return {}
        now = _now()
        if existing is None:
            existing = {"id": str(next(self._serial)), "properties": {}, "createdAt": now}
            self.records[object_type][existing["id"]] = existing
            new = True
        else:
            new = False
        existing["properties"].update(properties | {id_property: key})
        existing["updatedAt"] = now
        for prop in (*self.unique_properties, "email"):
            value = existing["properties"].get(prop)
            if value:
                self._index[(object_type, prop, value)] = existing["id"]
        return {
            "id": existing["id"],
            "new": new,
            "archived": False,
            "properties": dict(existing["properties"]),
            "createdAt": existing["createdAt"],
            "updatedAt": now,
        }

    def _check(self, object_type: str, properties: dict[str, Any]) -> None:
        known = _STANDARD[object_type] | set(self.unique_properties)
        if object_type == "companies":
            known |= set(self.custom_properties)
        if object_type == "meetings":
            known |= set(_MEETING_PROPERTIES)
        for name, value in properties.items():
            if name not in known:
                raise _invalid(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                raise _invalid(name, "INVALID_TYPE", f"{name}: values are sent as strings")
            if name in _DATETIMES and not _DATETIME_RE.match(value):
                message = f"{value} was not a valid ISO 8601 UTC date-time"
                raise _invalid(name, "INVALID_DATE", message)
            if name == "hs_meeting_outcome" and value not in _OUTCOMES:
                message = f"{value} was not one of the allowed options: {list(_OUTCOMES)}"
                raise _invalid(name, "INVALID_OPTION", message)
            if name == "industry":
                message = f"{value} was not one of the allowed options of industry"
                raise _invalid(name, "INVALID_OPTION", message)
            if name == "email" and not _EMAIL_RE.match(value):
                raise _invalid(name, "INVALID_EMAIL", f"Email address {value} is invalid")

    def _read(
        self, object_type: str, body: dict[str, Any], inputs: list[Any]
    ) -> tuple[int, dict[str, str], Any]:
        prop = body.get("idProperty")
        if prop is not None and (
            object_type not in _UNIQUE_TYPES or prop not in self.unique_properties
        ):
            return 400, {}, _error("VALIDATION_ERROR", f"{prop!r} is not a unique property")
        results, missing = [], []
        for item in inputs:
            try:
                record = (
                    self.find(object_type, str(item.get("id")), prop)
                    if prop is not None
                    else self.records[object_type][str(item.get("id"))]
                )
            except (AssertionError, KeyError):
                missing.append(str(item.get("id")))
                continue
            wanted = body.get("properties") or []
            properties = {k: v for k, v in record["properties"].items() if k in wanted}
            results.append({"id": record["id"], "properties": properties, "archived": False})
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if not missing:
            return 200, {}, answer
        message = f"Could not get some {object_type} objects, they may be deleted or not exist."
        error = {"status": "error", "category": "OBJECT_NOT_FOUND", "message": message}
        return 207, {}, answer | {"numErrors": 1, "errors": [error | {"context": {"ids": missing}}]}

    def _search(self, object_type: str, body: Any) -> tuple[int, dict[str, str], Any]:
        """The CRM search, with one filter group of ``EQ``/``IN`` filters, paged by ``after``."""
        groups = (body or {}).get("filterGroups") or []
        if len(groups) != 1:
            return 400, {}, _error("VALIDATION_ERROR", "give one filter group")
        filters = groups[0].get("filters") or []
        limit = min(int((body or {}).get("limit") or 10), 200)
        start = int((body or {}).get("after") or 0)
        hits = []
        for record in sorted(self.records[object_type].values(), key=lambda r: int(r["id"])):
            values = record["properties"]
            if all(
                str(values.get(f["propertyName"]))
                in ([f.get("value")] if f.get("operator") == "EQ" else f.get("values") or [])
                for f in filters
            ):
                hits.append(record)
        page = hits[start : start + limit]
        wanted = (body or {}).get("properties") or []
        answer: dict[str, Any] = {
            "total": len(hits),
            "results": [
                {"id": r["id"], "properties": {k: r["properties"].get(k) for k in wanted}}
                for r in page
            ],
        }
        if start + limit < len(hits):
            answer["paging"] = {"next": {"after": str(start + limit)}}
        return 200, {}, answer

    def _archive(
        self, object_type: str, body: dict[str, Any], inputs: list[Any]
    ) -> tuple[int, dict[str, str], Any]:
        for item in inputs:
            record = self.records[object_type].pop(str(item.get("id")), None)
            if record is not None:
                self.archived[object_type][record["id"]] = record
        return 204, {}, None

    def _associate(
        self, from_type: str, to_type: str, body: Any
    ) -> tuple[int, dict[str, str], Any]:
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list) or len(inputs) > 1000:
            return 400, {}, _error("VALIDATION_ERROR", "give 1 to 1000 inputs")
        results, errors = [], []
        for item in inputs:
            a, b = str(item["from"]["id"]), str(item["to"]["id"])
            if a not in self.records[from_type] or b not in self.records[to_type]:
                message = f"No {from_type} {a} or no {to_type} {b} to associate"
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": message,
                        "context": {"fromObjectId": [a]},
                    }
                )
                continue
            self._link(from_type, a, to_type, b, keep=True)
            spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 0}
            results.append({"from": {"id": a}, "to": {"id": b}, "associationSpec": spec})
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            return 207, {}, answer | {"numErrors": len(errors), "errors": errors}
        return 200, {}, answer

    def _read_links(
        self, from_type: str, to_type: str, body: Any
    ) -> tuple[int, dict[str, str], Any]:
        results = []
        for item in (body or {}).get("inputs") or ():
            a = str(item["id"])
            targets = sorted(self.associated(from_type, a, to_type))
            if targets:
                spec = [{"category": "HUBSPOT_DEFINED", "typeId": 0, "label": None}]
                results.append(
                    {
                        "from": {"id": a},
                        "to": [{"toObjectId": int(t), "associationTypes": spec} for t in targets],
                    }
                )
        return 200, {}, {"status": "COMPLETE", "results": results}

    def _unlink(self, from_type: str, to_type: str, body: Any) -> tuple[int, dict[str, str], Any]:
        for item in (body or {}).get("inputs") or ():
            a = str(item["from"]["id"])
            for target in item.get("to") or ():
                b = str(target["id"])
                self._link(from_type, a, to_type, b, keep=False)
        return 204, {}, None


def _error(category: str, message: str) -> dict[str, Any]:
    return {
        "status": "error",
        "message": message,
        "correlationId": "00000000-0000-4000-8000-000000000000",
        "category": category,
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

"""A local stand-in for a HubSpot account's CRM API, for tests, demos and benchmarks.

:class:`FakeHubSpot` is an :class:`ips_jobdev.testing.fake_server.FakeServer` (an HTTP
server on ``127.0.0.1``, a free port, in a thread) that answers the calls the adapter makes
the way HubSpot's API reference documents them:

- ``POST /crm/v3/objects/{companies|contacts|meetings}/batch/upsert``: at most 100 inputs,
  ``idProperty`` naming a property with unique values; ``200`` with ``results`` (``id``,
  ``new``, ``properties``, ``objectWriteTraceId``), or ``207 Multi-Status`` with ``results``,
  ``numErrors`` and ``errors`` when some inputs fail and every input has an
  ``objectWriteTraceId`` (else the batch fails as a whole with ``400``).
- ``POST /crm/v3/objects/{type}/batch/read`` by ``idProperty``; ``.../batch/archive``
  (``204``).
- ``POST /crm/v4/associations/{from}/{to}/batch/associate/default``.

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
    ) -> None:
        super().__init__(throttle_every=throttle_every)
        self.token = token
        self.throttle_status = throttle_status
        self.unique_properties = unique_properties
        self.custom_properties = custom_properties
        self.retry_after = retry_after
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _STANDARD}
        self.archived: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _STANDARD}
        self.links: dict[tuple[str, str, str], set[str]] = {}
        self._index: dict[tuple[str, str, str], str] = {}
        self.failures: dict[str, str] = {}
        self._serial = itertools.count(1001)

    # -- what tests look at ------------------------------------------------------------

    def find(self, object_type: str, key: str, id_property: str | None = None) -> dict[str, Any]:
        """The stored (not archived) record whose unique property is ``key``."""
        prop = id_property or self.unique_properties[0]
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
        return Reply(status, answer, extra)

    def _dispatch(self, request: Request) -> tuple[int, dict[str, str], Any]:
        method, path, body = request.method, request.path, request.body
        if request.bearer != self.token:
            message = "Authentication credentials not found."
            return 401, {}, _error("INVALID_AUTHENTICATION", message)
        if self.throttled():
            if self.throttle_status == 423:
                message = "Another request is writing these records; retry in 2 seconds."
                return 423, {}, _error("LOCKED", message)
            answer = _error("RATE_LIMITS", "You have reached your ten_secondly_rolling limit.")
            answer.update(errorType="RATE_LIMIT", policyName="TEN_SECONDLY_ROLLING")
            return 429, {"Retry-After": str(self.retry_after)}, answer
        if method != "POST":
            return 405, {}, _error("VALIDATION_ERROR", f"{method} is not allowed here")
        objects = re.fullmatch(r"/crm/v3/objects/(\w+)/batch/(upsert|read|archive)", path)
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
        started = _now()
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        keys = [item.get("id") for item in inputs if isinstance(item, dict)]
        if len(set(keys)) != len(keys):
            return 400, {}, _error("VALIDATION_ERROR", "Duplicate IDs found in batch input")
        for item in inputs:
            trace = item.get("objectWriteTraceId")
            try:
                results.append(self._upsert_one(object_type, item) | {"objectWriteTraceId": trace})
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
            return 200, {}, answer
        if all(item.get("objectWriteTraceId") is not None for item in inputs):
            return 207, {}, answer | {"numErrors": len(errors), "errors": errors}
        first = errors[0]
        return 400, {}, _error(first["category"], first["message"])

    def _upsert_one(self, object_type: str, item: dict[str, Any]) -> dict[str, Any]:
        id_property, key = item.get("idProperty"), item.get("id")
        if id_property not in self.unique_properties:
            message = f"{id_property!r} is not a property with unique values on {object_type}"
            raise _InputError("VALIDATION_ERROR", message)
        if not key:
            raise _InputError("VALIDATION_ERROR", "id is required")
        if key in self.failures:
            raise _InputError("VALIDATION_ERROR", self.failures.pop(key))
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
        if object_type == "meetings" and existing is None and not properties.get("hs_timestamp"):
            raise _invalid("hs_timestamp", "REQUIRED", "hs_timestamp is required")
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
        if prop not in self.unique_properties:
            return 400, {}, _error("VALIDATION_ERROR", f"{prop!r} is not a unique property")
        results, missing = [], []
        for item in inputs:
            try:
                record = self.find(object_type, str(item.get("id")), prop)
            except AssertionError:
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

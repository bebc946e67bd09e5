"""A local stand-in for a Salesforce org's REST API, for tests, demos and benchmarks.

:class:`FakeSalesforce` is an :class:`ips_jobdev.testing.fake_server.FakeServer` (an HTTP
server on ``127.0.0.1``, a free port, in a thread) that answers the two calls the adapter
makes the way the REST API Developer Guide documents them:

- ``PATCH /services/data/vXX.X/composite/sobjects/{SObject}/{ExternalIdField}``: at most
  200 records, each with ``attributes.type``; ``200`` with one UpsertResult per record
  (``id``, ``success``, ``created``, ``errors`` of ``statusCode``/``message``/``fields``);
  parents referenced by external id (``"Account": {"Ext__c": "..."}``, and for a
  polymorphic field ``"What": {"attributes": {"type": "Account"}, "Ext__c": "..."}``);
  an external id matching several records fails that record only (the per-record form of
  the single-record ``300 Multiple Choices``).
- ``DELETE /services/data/vXX.X/composite/sobjects?ids=...&allOrNone=false``.

It checks the bearer token (``401 INVALID_SESSION_ID``), field names, required fields,
lengths, e-mail addresses and date-times, and can be told to answer
``403 REQUEST_LIMIT_EXCEEDED`` or ``429`` now and then. Every request is kept in
:attr:`FakeSalesforce.requests` so tests can check bodies field by field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from typing import Any

from ips_jobdev.testing.fake_server import FakeServer, RecordedRequest, Reply, Request

__all__ = ["FakeSalesforce", "RecordedRequest"]

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$")
_PREFIX = {"Account": "001", "Contact": "003", "Event": "00U"}

# Writable fields the adapter may send, with their lengths (0: a date-time, -1: a reference).
_FIELDS: dict[str, dict[str, int]] = {
    "Account": {
        "Name": 255,
        "Phone": 40,
        "Website": 255,
        "BillingStreet": 255,
        "BillingCity": 40,
        "BillingState": 80,
        "BillingPostalCode": 20,
        "Industry": 255,
        "Description": 32000,
    },
    "Contact": {
        "FirstName": 40,
        "LastName": 80,
        "Title": 128,
        "Phone": 40,
        "Email": 80,
        "Account": -1,
    },
    "Event": {
        "Subject": 255,
        "StartDateTime": 0,
        "EndDateTime": 0,
        "Location": 255,
        "Description": 32000,
        "ShowAs": 40,
        "What": -1,
        "Who": -1,
    },
}
_REQUIRED = {"Account": ("Name",), "Contact": ("LastName",), "Event": ("StartDateTime",)}
_POLYMORPHIC = {"What": ("Account",), "Who": ("Contact",)}
_PARENT = {"Account": "Account"}
_ID_FIELD = {"Account": "AccountId", "What": "WhatId", "Who": "WhoId"}


class _Error(Exception):
    def __init__(self, status_code: str, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.item = {"statusCode": status_code, "message": message, "fields": list(fields)}


class FakeSalesforce(FakeServer):
    """A fake org: ``with FakeSalesforce(token="t") as org: org.url ...``.

    Args:
        token: the access token it accepts.
        external_id_fields: the fields marked "External ID" on each object.
        throttle_every: answer every n-th request with a rate-limit error (0: never).
        throttle_status: ``403`` (``REQUEST_LIMIT_EXCEEDED``, as Salesforce does) or ``429``.
        retry_after: seconds sent in ``Retry-After`` with a ``429``.
    """

    content_type = "application/json;charset=UTF-8"

    def __init__(
        self,
        token: str = "00DFAKE!fake-access-token",
        *,
        external_id_fields: tuple[str, ...] = ("IPS_Jobdev_Id__c",),
        throttle_every: int = 0,
        throttle_status: int = 403,
        retry_after: int = 1,
    ) -> None:
        super().__init__(throttle_every=throttle_every)
        self.token = token
        self.external_id_fields = external_id_fields
        self.throttle_status = throttle_status
        self.retry_after = retry_after
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _FIELDS}
        self.deleted: set[str] = set()
        self.failures: dict[str, str] = {}
        self._index: dict[tuple[str, str, Any], set[str]] = {}
        self._serial = itertools.count(1)

    # -- what tests look at ------------------------------------------------------------

    def find(self, sobject: str, external_id: str, field: str | None = None) -> dict[str, Any]:
        """The one stored record with this external id (fails when none or several)."""
        matches = self._matches(sobject, field or self.external_id_fields[0], external_id)
        assert len(matches) == 1, f"{len(matches)} {sobject} records with id {external_id!r}"
        return matches[0]

    def writes(self) -> Iterator[RecordedRequest]:
        """The upsert and delete requests that were answered (not throttled, not refused)."""
        return (r for r in self.requests if r.status == 200)

    def fail_next(
        self, external_id: str, message: str = "Visits need an approved employer"
    ) -> None:
        """Refuse the next upsert of this record as a validation rule would."""
        self.failures[external_id] = message

    def add_duplicate(self, sobject: str, external_id: str, field: str | None = None) -> None:
        """Store two records with the same external id (a non-unique external id field)."""
        for _ in range(2):
            self._insert(sobject, {field or self.external_id_fields[0]: external_id})

    # -- the API -----------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request as Salesforce would."""
        status, extra, answer = self._dispatch(request)
        return Reply(status, answer, extra)

    def _dispatch(self, request: Request) -> tuple[int, dict[str, str], Any]:
        method, path, query, body = request.method, request.path, request.query, request.body
        if request.bearer != self.token:
            return 401, {}, [_request_error("INVALID_SESSION_ID", "Session expired or invalid")]
        if self.throttled():
            if self.throttle_status == 429:
                message = "Too many requests"
                return (
                    429,
                    {"Retry-After": str(self.retry_after)},
                    [_request_error("REQUEST_LIMIT_EXCEEDED", message)],
                )
            return (
                403,
                {},
                [_request_error("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")],
            )
        match = re.fullmatch(r"/services/data/v\d{2}\.\d/composite/sobjects(?:/(\w+)/(\w+))?", path)
        if match is None:
            return 404, {}, [_request_error("NOT_FOUND", "The requested resource does not exist")]
        if method == "DELETE" and match.group(1) is None:
            return self._delete(query)
        if method == "PATCH" and match.group(1) is not None:
            return self._upsert(match.group(1), match.group(2), body)
        return (
            405,
            {},
            [_request_error("METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed")],
        )

    def _upsert(self, sobject: str, field: str, body: Any) -> tuple[int, dict[str, str], Any]:
        if sobject not in _FIELDS or field not in self.external_id_fields:
            return 404, {}, [_request_error("NOT_FOUND", "The requested resource does not exist")]
        records = body.get("records") if isinstance(body, dict) else None
        if not isinstance(records, list):
            return 400, {}, [_request_error("JSON_PARSER_ERROR", "records is required")]
        if len(records) > 200:
            message = "record limit reached. cannot submit more than 200 records into this call"
            return 400, {}, [_request_error("EXCEEDED_ID_LIMIT", message)]
        for record in records:
            kind = (
                (record.get("attributes") or {}).get("type") if isinstance(record, dict) else None
            )
            if kind != sobject:
                message = f"Each record must have attributes.type {sobject!r}, got {kind!r}"
                return 400, {}, [_request_error("INVALID_TYPE", message)]
            for name in ("StartDateTime", "EndDateTime"):
                value = record.get(name)
                if value is not None and not (isinstance(value, str) and _DATETIME_RE.match(value)):
                    message = f"Cannot deserialize instance of datetime from {value!r}"
                    return 400, {}, [_request_error("JSON_PARSER_ERROR", message)]
        return 200, {}, [self._upsert_one(sobject, field, record) for record in records]

    def _upsert_one(self, sobject: str, field: str, record: dict[str, Any]) -> dict[str, Any]:
        try:
            if record.get(field) in self.failures:
                message = self.failures.pop(record[field])
                raise _Error("FIELD_CUSTOM_VALIDATION_EXCEPTION", message)
            values = self._validate(sobject, field, record)
            matches = self._matches(sobject, field, record[field])
            if len(matches) > 1:
                ids = ", ".join(m["Id"] for m in matches)
                message = f"{field}: more than one record found for external id field: [{ids}]"
                raise _Error("DUPLICATE_EXTERNAL_ID", message, (field,))
        except _Error as error:
            return {"id": None, "success": False, "errors": [error.item]}
        if matches:
            matches[0].update(values)
            self._index_record(sobject, matches[0])
            return {"id": matches[0]["Id"], "success": True, "errors": [], "created": False}
        stored = self._insert(sobject, values)
        return {"id": stored["Id"], "success": True, "errors": [], "created": True}

    def _validate(self, sobject: str, field: str, record: dict[str, Any]) -> dict[str, Any]:
        known = _FIELDS[sobject]
        values: dict[str, Any] = {}
        for name, value in record.items():
            if name == "attributes":
                continue
            if name == "Id":
                raise _Error("INVALID_FIELD", "Id not allowed: use the external id field", (name,))
            if name in self.external_id_fields:
                values[name] = value
                continue
            if name == "WhoId" and sobject == "Event":
                if value is not None and value not in self.records["Contact"]:
                    raise _Error(
                        "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", (name,)
                    )
                values[name] = value
                continue
            if name not in known:
                message = f"No such column '{name}' on sobject of type {sobject}"
                raise _Error("INVALID_FIELD", message, (name,))
            size = known[name]
            if size == -1:
                values[_ID_FIELD[name]] = self._reference(name, value)
            elif size > 0 and value is not None:
                values[name] = _checked_text(name, value, size)
            else:
                values[name] = value
        if not record.get(field):
            raise _Error("MISSING_ARGUMENT", f"{field} not specified", (field,))
        missing = [name for name in _REQUIRED[sobject] if not record.get(name)]
        if sobject == "Event" and not record.get("EndDateTime"):
            missing.append("EndDateTime")
        if missing:
            message = f"Required fields are missing: [{', '.join(missing)}]"
            raise _Error("REQUIRED_FIELD_MISSING", message, tuple(missing))
        if sobject == "Event" and _parse(record["EndDateTime"]) < _parse(record["StartDateTime"]):
            message = "End Date Time: End time can't be before start time"
            raise _Error("FIELD_INTEGRITY_EXCEPTION", message, ("EndDateTime",))
        return values

    def _reference(self, name: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _Error("INVALID_FIELD", f"{name}: expected a reference object", (name,))
        kind = (value.get("attributes") or {}).get("type")
        if name in _POLYMORPHIC:
            if kind not in _POLYMORPHIC[name]:
                message = f"{name} is polymorphic: give attributes.type ({kind!r} is not allowed)"
                raise _Error("INVALID_FIELD", message, (name,))
            target = str(kind)
        else:
            target = _PARENT[name]
        keys = [key for key in value if key != "attributes"]
        if len(keys) != 1 or keys[0] not in self.external_id_fields:
            raise _Error("INVALID_FIELD", f"{name}: reference by one external id field", (name,))
        matches = self._matches(target, keys[0], value[keys[0]])
        if len(matches) != 1:
            message = (
                f"Foreign key external ID: {value[keys[0]]} not found for field {keys[0]} "
                f"in entity {target}"
                if not matches
                else f"Foreign key external ID: {value[keys[0]]} matches several {target}"
            )
            raise _Error("INVALID_FIELD", message, (name,))
        return str(matches[0]["Id"])

    def _delete(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        if (query.get("allOrNone") or ["false"])[0] != "false":
            return 400, {}, [_request_error("INVALID_OPERATION", "expected allOrNone=false")]
        ids = [i for i in ",".join(query.get("ids") or []).split(",") if i]
        if not ids or len(ids) > 200:
            message = "ids: give between 1 and 200 record ids"
            return 400, {}, [_request_error("EXCEEDED_ID_LIMIT", message)]
        results = []
        for record_id in ids:
            sobject = next((o for o, p in _PREFIX.items() if record_id.startswith(p)), None)
            table = self.records[sobject] if sobject else None
            if table is not None and record_id not in table:
                table = None
            if table is not None:
                del table[record_id]
                self.deleted.add(record_id)
                results.append({"id": record_id, "success": True, "errors": []})
            elif record_id in self.deleted:
                error = {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}
                results.append({"id": record_id, "success": False, "errors": [error]})
            else:
                error = {"statusCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid id"}
                results.append({"id": None, "success": False, "errors": [error]})
        return 200, {}, results

    def _matches(self, sobject: str, field: str, value: Any) -> list[dict[str, Any]]:
        table = self.records[sobject]
        ids = self._index.get((sobject, field, value), ())
        found = [table[i] for i in ids if i in table and table[i].get(field) == value]
        return sorted(found, key=lambda r: str(r["Id"]))

    def _index_record(self, sobject: str, record: dict[str, Any]) -> None:
        for field in self.external_id_fields:
            if record.get(field) is not None:
                self._index.setdefault((sobject, field, record[field]), set()).add(record["Id"])

    def _insert(self, sobject: str, values: dict[str, Any]) -> dict[str, Any]:
        record_id = f"{_PREFIX[sobject]}FAKE{next(self._serial):011d}"
        stored = {"Id": record_id, **values}
        self.records[sobject][record_id] = stored
        self._index_record(sobject, stored)
        return stored


def _request_error(code: str, message: str) -> dict[str, Any]:
    return {"message": message, "errorCode": code}


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _checked_text(name: str, value: object, size: int) -> str:
    """A text field's value as Salesforce checks it: a string, not too long, an email shaped."""
    if not isinstance(value, str):
        raise _Error("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name}: not a string", (name,))
    if len(value) > size:
        message = f"{name}: data value too large: {value[:40]}... (max length={size})"
        raise _Error("STRING_TOO_LONG", message, (name,))
    if name == "Email" and not _EMAIL_RE.match(value):
        message = f"Email: invalid email address: {value}"
        raise _Error("INVALID_EMAIL_ADDRESS", message, (name,))
    return value

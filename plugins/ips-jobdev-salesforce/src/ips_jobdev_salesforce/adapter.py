"""The ``salesforce`` adapter: employers, their people and visits as Account, Contact, Event.

Two transports, chosen with the ``transport`` option:

- ``rest`` (the default) upserts through the REST API's sObject Collections, 200 records a
  request, by an External ID field; parents are referenced by their external id, so the
  adapter needs no Salesforce ids to link a Contact to its Account or an Event to both. A
  cancelled visit's Event is deleted (Event has no status field), and so is a record
  removed from ips-jobdev.
- ``bulk-csv`` writes Bulk API 2.0 CSV files (``Account.csv``, ``Contact.csv``,
  ``Event.csv``) to the ``out`` folder for the Data Loader. The folder holds what is
  waiting to be loaded: a later export merges into the files by external id. The Events
  of cancelled visits, and records removed from ips-jobdev, are taken out of those files
  and listed by external id in ``<Object>-removed.csv``, for deletion in Salesforce.
"""

from __future__ import annotations

import csv
import logging
import re
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from ips_jobdev.adapters import (
    Adapter,
    AdapterOption,
    Audience,
    CancelStyle,
    Capabilities,
    Change,
    ChangeKind,
    EmployerRecord,
    ExportBatch,
    ExportResult,
    Outcome,
    PersonRecord,
    RecordKind,
    VisitRecord,
)
from ips_jobdev.adapters.http import RetryPolicy, Secret, Sleep, check_base_url
from ips_jobdev.errors import ValidationError
from ips_jobdev_salesforce import fields
from ips_jobdev_salesforce.client import (
    BATCH_SIZE,
    DEFAULT_API_VERSION,
    SalesforceClient,
    SalesforceRequestError,
    chunked,
)

__all__ = ["SalesforceAdapter", "Settings"]

log = logging.getLogger("ips_jobdev_salesforce")

_OBJECTS = {RecordKind.EMPLOYER: "Account", RecordKind.PERSON: "Contact", RecordKind.VISIT: "Event"}
_API_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9_.:-]{0,20}$")
_GONE = {"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"}
TRANSPORTS = ("rest", "bulk-csv")


@attrs.frozen
class Settings:
    """The adapter's options, checked. The token is a :class:`Secret`."""

    transport: str = "rest"
    instance_url: str | None = None
    token: Secret | None = None
    out: Path | None = None
    external_id_field: str = "IPS_Jobdev_Id__c"
    industry_field: str | None = "IPS_Jobdev_Industry__c"
    industry_picklist: tuple[str, ...] | None = None
    api_version: str = DEFAULT_API_VERSION
    id_prefix: str = ""
    max_tries: int = 5

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        """Check the options of one export.

        Raises:
            ValidationError: names the option and what is wrong (never a token's value).
        """
        transport = str(options.get("transport") or "rest")
        if transport not in TRANSPORTS:
            raise ValidationError(
                "option", "transport", f"{transport!r} is not one of: {', '.join(TRANSPORTS)}"
            )
        ext = str(options.get("external_id_field") or "IPS_Jobdev_Id__c")
        if not _API_NAME_RE.match(ext):
            raise ValidationError("option", "external_id_field", f"{ext!r} is not an API name")
        industry = options.get("industry_field", "IPS_Jobdev_Industry__c")
        industry = None if industry in (None, "", "none") else str(industry)
        if industry is not None and not _API_NAME_RE.match(industry):
            raise ValidationError("option", "industry_field", f"{industry!r} is not an API name")
        listed = options.get("industry_values")
        picklist: tuple[str, ...] | None = None
        if listed:
            picklist = tuple(v.strip() for v in str(listed).split(",") if v.strip())
        elif industry == "Industry":
            picklist = fields.STANDARD_INDUSTRIES
        prefix = str(options.get("id_prefix") or "")
        if not _PREFIX_RE.match(prefix):
            raise ValidationError(
                "option", "id_prefix", f"{prefix!r}: use up to 20 letters, digits, . _ : -"
            )
        tries = int(options.get("max_tries") or 5)
        if tries < 1:
            raise ValidationError("option", "max_tries", f"{tries} is below 1")
        token = options.get("access_token")
        out = options.get("out")
        url = options.get("instance_url")
        settings = cls(
            transport=transport,
            instance_url=_check_url(str(url)) if url else None,
            token=Secret(str(token)) if token else None,
            out=Path(out).expanduser() if out else None,
            external_id_field=ext,
            industry_field=industry,
            industry_picklist=picklist,
            api_version=str(options.get("api_version") or DEFAULT_API_VERSION),
            id_prefix=prefix,
            max_tries=tries,
        )
        if transport == "bulk-csv" and settings.out is None:
            raise ValidationError("option", "out", "the bulk-csv transport needs a folder")
        if transport == "rest" and settings.instance_url is None:
            raise ValidationError(
                "option", "instance_url", "give it or set $SALESFORCE_INSTANCE_URL"
            )
        return settings

    def key(self, local_key: str) -> str:
        """The external id of a record (``id_prefix`` + ``"employer-3"``)."""
        return f"{self.id_prefix}{local_key}"


def _check_url(url: str) -> str:
    try:
        return check_base_url(url)
    except ValueError as exc:
        raise ValidationError("option", "instance_url", str(exc)) from None


class _Upsert(NamedTuple):  # one for every record sent: a tuple is the cheapest to make
    change: Change
    sobject: str
    fields: dict[str, Any]


@attrs.frozen
class _Removal:
    change: Change
    sobject: str


@attrs.define
class _Plan:
    upserts: dict[str, list[_Upsert]] = attrs.field(
        factory=lambda: {name: [] for name in ("Account", "Contact", "Event")}
    )
    removals: list[_Removal] = attrs.field(factory=list)
    done: list[ExportResult] = attrs.field(factory=list)


def _plan(batch: ExportBatch, settings: Settings) -> _Plan:
    plan = _Plan()
    ext = settings.external_id_field
    prefix = settings.id_prefix  # settings.key's, without its call for every key
    upserts = plan.upserts
    for change in batch.changes:
        sobject = _OBJECTS.get(change.record_kind)
        if sobject is None:
            plan.done.append(change.failed(f"Salesforce takes no {change.record_kind.value}"))
            continue
        record = change.record
        if change.kind is ChangeKind.UNCHANGED:
            plan.done.append(change.unchanged())
        elif change.kind in (ChangeKind.DELETE, ChangeKind.CANCEL) or record is None:
            plan.removals.append(_Removal(change, sobject))
        else:
            key = f"{prefix}{change.key}"
            if isinstance(record, VisitRecord):  # the most common first
                person = record.person_key
                values = fields.event_fields(
                    record,
                    external_id_field=ext,
                    key=key,
                    account_key=f"{prefix}{record.employer_key}",
                    contact_key=f"{prefix}{person}" if person else None,
                )
            elif isinstance(record, EmployerRecord):
                values = fields.account_fields(
                    record,
                    external_id_field=ext,
                    key=key,
                    industry_field=settings.industry_field,
                    industry_picklist=settings.industry_picklist,
                )
            elif isinstance(record, PersonRecord):
                values = fields.contact_fields(
                    record,
                    external_id_field=ext,
                    key=key,
                    account_key=settings.key(record.employer_key),
                )
            else:
                plan.done.append(change.failed("Salesforce takes no job-fit notes"))
                continue
            upserts[sobject].append(_Upsert(change, sobject, values))
    return plan


class SalesforceAdapter(Adapter):
    """Employers, their people and visits into Salesforce (REST API or Bulk API 2.0 CSV)."""

    name = "salesforce"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT})
    description = "Employers, people and visits to Salesforce Account, Contact and Event"
    capabilities = Capabilities(updates=True, deletes=True, cancel_style=CancelStyle.DELETE)
    batch_size = 2000
    options = (
        AdapterOption(
            "instance_url",
            "the org's URL, https://MyDomain.my.salesforce.com (rest transport)",
            env="SALESFORCE_INSTANCE_URL",
        ),
        AdapterOption(
            "access_token",
            "an OAuth access token for the org (rest transport)",
            secret=True,
            env="SALESFORCE_ACCESS_TOKEN",
        ),
        AdapterOption(
            "transport",
            "rest (the REST API) or bulk-csv (Bulk API 2.0 CSV files for the Data Loader)",
            default="rest",
        ),
        AdapterOption("out", "the folder for the bulk-csv files", type=Path),
        AdapterOption(
            "external_id_field",
            "API name of the External ID text field on Account, Contact and Activity",
            default="IPS_Jobdev_Id__c",
        ),
        AdapterOption(
            "industry_field",
            "Account text field for the employer's industry ('' to send none; Industry: "
            "the standard picklist, only values on its list)",
            default="IPS_Jobdev_Industry__c",
        ),
        AdapterOption(
            "industry_values",
            "the picklist values the industry field takes, comma-separated (default for "
            "Industry: Salesforce's standard list); other industries are left out",
        ),
        AdapterOption("api_version", "REST API version", default=DEFAULT_API_VERSION),
        AdapterOption(
            "id_prefix",
            "text before every external id, when several programs share one org",
            default="",
        ),
        AdapterOption(
            "max_tries", "tries of one request when the org limits requests", type=int, default=5
        ),
    )

    def __init__(self, *, sleep: Sleep = time.sleep) -> None:
        self._sleep = sleep
        self.settings: Settings | None = None
        self.client: SalesforceClient | None = None

    def __repr__(self) -> str:
        return f"SalesforceAdapter(client={self.client!r})"

    def target_for(self, options: Mapping[str, Any]) -> str:
        """The org's URL, or for bulk-csv the absolute path of the folder."""
        if options.get("transport") == "bulk-csv" and options.get("out"):
            return str(Path(options["out"]).expanduser().resolve())
        url = options.get("instance_url")
        return _check_url(str(url)) if url else self.name

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Check the options; for REST make the client (nothing is sent yet)."""
        settings = Settings.from_options(options)
        if settings.transport == "rest":
            if not settings.token:
                raise ValidationError(
                    "option", "access_token", "give it or set $SALESFORCE_ACCESS_TOKEN"
                )
            assert settings.instance_url is not None
            self.client = SalesforceClient(
                settings.instance_url,
                settings.token,
                api_version=settings.api_version,
                retry=RetryPolicy(max_attempts=settings.max_tries),
                sleep=self._sleep,
            )
        else:
            assert settings.out is not None
            settings.out.mkdir(parents=True, exist_ok=True)
        self.settings = settings

    def close(self) -> None:
        """Close the connection pool; forget the client (and with it the token)."""
        if self.client is not None:
            self.client.close()
        self.client = None

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """Upsert, delete or write the batch; one result per change."""
        assert self.settings is not None, "open() first"
        plan = _plan(batch, self.settings)
        if self.settings.transport == "bulk-csv":
            return plan.done + _write_files(plan, self.settings)
        assert self.client is not None
        return plan.done + _send(plan, self.client, self.settings)

    def preview(self, batch: ExportBatch, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The requests (or CSV rows) an export would send; the token shows as asterisks."""
        settings = Settings.from_options(options)
        plan = _plan(batch, settings)
        out: list[dict[str, Any]] = []
        if settings.transport == "bulk-csv":
            assert settings.out is not None
            for sobject, items in plan.upserts.items():
                if items:
                    header = fields.csv_header(
                        sobject, settings.external_id_field, settings.industry_field
                    )
                    rows = [
                        dict(zip(header, fields.csv_row(i.fields, header), strict=True))
                        for i in items
                    ]
                    out.append({"file": str(settings.out / f"{sobject}.csv"), "rows": rows})
            for sobject, keys in _removed_keys(plan, settings).items():
                out.append({"file": str(settings.out / f"{sobject}-removed.csv"), "rows": keys})
            return out
        base = f"/services/data/{settings.api_version}/composite/sobjects"
        auth = {"instance_url": settings.instance_url, "authorization": "Bearer ********"}
        for sobject, items in plan.upserts.items():
            for chunk in chunked(items, BATCH_SIZE):
                body = {
                    "allOrNone": False,
                    "records": [{"attributes": {"type": sobject}, **i.fields} for i in chunk],
                }
                path = f"{base}/{sobject}/{settings.external_id_field}"
                out.append({**auth, "method": "PATCH", "path": path, "body": body})
        ids = [r.change.remote_id for r in plan.removals if r.change.remote_id]
        for chunk in chunked(ids, BATCH_SIZE):
            query = urllib.parse.urlencode({"ids": ",".join(chunk), "allOrNone": "false"})
            out.append({**auth, "method": "DELETE", "path": f"{base}?{query}"})
        return out


def _send(plan: _Plan, client: SalesforceClient, settings: Settings) -> list[ExportResult]:
    results: list[ExportResult] = []
    stopped: str | None = None
    for sobject, items in plan.upserts.items():
        chunks = list(chunked(items, BATCH_SIZE))
        if stopped:
            results.extend(i.change.failed(f"not sent: {stopped}") for i in items)
            continue

        def attempt(chunk: Sequence[_Upsert], sobject: str = sobject) -> Any:
            try:
                return client.upsert(sobject, settings.external_id_field, [i.fields for i in chunk])
            except SalesforceRequestError as exc:
                return exc

        for chunk, answers in zip(chunks, client.http.map(attempt, chunks), strict=True):
            if isinstance(answers, SalesforceRequestError):
                log.warning("upsert of %d %s records failed: %s", len(chunk), sobject, answers)
                results.extend(i.change.failed(f"Salesforce: {answers}") for i in chunk)
                stopped = stopped or (str(answers) if answers.fatal else None)
                continue
            for item, answer in zip(chunk, answers, strict=True):
                change = item.change
                if not answer.success or answer.id is None:
                    results.append(change.failed(f"Salesforce: {answer.message}"))
                else:
                    # change.created(id) or change.updated(id), made at once
                    results.append(
                        ExportResult(
                            record_kind=change.record_kind,
                            local_id=change.local_id,
                            outcome=Outcome.CREATED if answer.created else Outcome.UPDATED,
                            remote_id=answer.id,
                        )
                    )
    nothing = [r for r in plan.removals if not r.change.remote_id]
    results.extend(r.change.deleted() for r in nothing)
    removals = [r for r in plan.removals if r.change.remote_id]
    for chunk in chunked(removals, BATCH_SIZE):
        if stopped:
            results.extend(r.change.failed(f"not sent: {stopped}") for r in chunk)
            continue
        try:
            answers = client.delete([str(r.change.remote_id) for r in chunk])
        except SalesforceRequestError as exc:
            results.extend(r.change.failed(f"Salesforce: {exc}") for r in chunk)
            stopped = str(exc) if exc.fatal else None
            continue
        for removal, answer in zip(chunk, answers, strict=True):
            gone = answer.success or any(e.status_code in _GONE for e in answer.errors)
            results.append(
                removal.change.deleted()
                if gone
                else removal.change.failed(f"Salesforce: {answer.message}")
            )
    return results


def _removed_keys(plan: _Plan, settings: Settings) -> dict[str, list[str]]:
    removed: dict[str, list[str]] = {}
    for removal in plan.removals:
        removed.setdefault(removal.sobject, []).append(settings.key(removal.change.key))
    return removed


def _write_files(plan: _Plan, settings: Settings) -> list[ExportResult]:
    assert settings.out is not None
    removed = _removed_keys(plan, settings)
    results: list[ExportResult] = []
    for sobject, items in plan.upserts.items():
        header = fields.csv_header(sobject, settings.external_id_field, settings.industry_field)
        rows = {settings.key(i.change.key): fields.csv_row(i.fields, header) for i in items}
        path = settings.out / f"{sobject}.csv"
        if items or (path.exists() and removed.get(sobject)):
            _merge_csv(path, header, rows, drop=set(removed.get(sobject, ())))
        for item in items:
            key = settings.key(item.change.key)
            if item.change.kind is ChangeKind.CREATE:
                results.append(item.change.created(key))
            else:
                results.append(item.change.updated(key))
    for sobject, keys in removed.items():
        path = settings.out / f"{sobject}-removed.csv"
        _merge_csv(path, [settings.external_id_field], {k: [k] for k in keys}, drop=set())
    results.extend(r.change.deleted(settings.key(r.change.key)) for r in plan.removals)
    return results


def _merge_csv(
    path: Path, header: Sequence[str], rows: Mapping[str, list[str]], *, drop: set[str]
) -> None:
    """Write ``rows`` into the CSV at ``path``, replacing rows with the same first cell."""
    merged: dict[str, list[str]] = {}
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            old_header = next(reader, None)
            if old_header is not None and list(old_header) != list(header):
                raise ValidationError(
                    "file", str(path), "has other columns; load or move it, then export again"
                )
            for row in reader:
                if row:
                    merged[row[0]] = row
    for key in drop:
        merged.pop(key, None)
    merged.update(rows)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(merged.values())
    partial.replace(path)

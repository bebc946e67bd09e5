"""The ``hubspot`` adapter: employers, their people and visits as companies, contacts, meetings.

Each batch is sent in order: companies, then contacts (each associated with its company),
then meetings (associated with the company and the person met), 100 records a request.
Companies and contacts are upserted by a custom property with unique values
(``ips_jobdev_id`` unless chosen otherwise). HubSpot documents unique values for
contacts, companies, deals, tickets and custom objects, not for meetings, so a meeting is
created once (its HubSpot id is kept in the sync state) and then updated by that id; it
carries ``ips_jobdev_id`` as a plain text property.

On editing a meeting, only the associations ips-jobdev made are removed when they no
longer hold (another person met): the meeting's ``ips_jobdev_links`` property records
them; links a HubSpot user added by hand stay. A cancelled visit stays in HubSpot as a
meeting whose outcome is ``CANCELED``; a record removed from ips-jobdev is archived.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

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
    PersonRecord,
    RecordKind,
    VisitRecord,
)
from ips_jobdev.adapters.http import RetryPolicy, Secret, Sleep, check_base_url
from ips_jobdev.errors import ValidationError
from ips_jobdev_hubspot import properties as props
from ips_jobdev_hubspot.client import (
    BATCH_SIZE,
    DEFAULT_BASE_URL,
    HubSpotClient,
    HubSpotRequestError,
    chunked,
)

__all__ = ["HubSpotAdapter", "Settings"]


def _preview_parts(
    object_type: str, items: Sequence[_Upsert]
) -> list[tuple[str, Sequence[_Upsert]]]:
    if object_type != "meetings":
        return [("upsert", items)]
    known = [i for i in items if i.change.remote_id]
    new = [i for i in items if not i.change.remote_id]
    return [(action, part) for action, part in (("update", known), ("create", new)) if part]


def _preview_input(action: str, item: _Upsert, settings: Settings) -> dict[str, Any]:
    if action == "upsert":
        return {
            "idProperty": settings.id_property,
            "id": item.key,
            "objectWriteTraceId": item.key,
            "properties": item.properties,
        }
    found: dict[str, Any] = {"objectWriteTraceId": item.key, "properties": item.properties}
    if action == "update":
        found["id"] = item.change.remote_id
    return found


def _encode_links(links: Mapping[str, str]) -> str:
    """``companies:1001;contacts:1002``: the associations ips-jobdev made for a meeting."""
    return ";".join(f"{t}:{i}" for t, i in sorted(links.items()))


def _decode_links(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for part in text.split(";"):
        kind, _, hs_id = part.partition(":")
        if kind and hs_id:
            found.setdefault(kind, set()).add(hs_id)
    return found


log = logging.getLogger("ips_jobdev_hubspot")

_TYPES = {
    RecordKind.EMPLOYER: "companies",
    RecordKind.PERSON: "contacts",
    RecordKind.VISIT: "meetings",
}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9_.:-]{0,20}$")


def _check_url(url: str) -> str:
    try:
        return check_base_url(url)
    except ValueError as exc:
        raise ValidationError("option", "base_url", str(exc)) from None


@attrs.frozen
class Settings:
    """The adapter's options, checked. The token is a :class:`Secret`."""

    token: Secret | None = None
    base_url: str = DEFAULT_BASE_URL
    id_property: str = "ips_jobdev_id"
    industry_property: str | None = "ips_jobdev_industry"
    links_property: str | None = "ips_jobdev_links"
    find_meetings: bool = False
    id_prefix: str = ""
    account_id: str | None = None
    max_tries: int = 5

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        """Check the options of one export.

        Raises:
            ValidationError: names the option and what is wrong (never a token's value).
        """
        id_property = str(options.get("id_property") or "ips_jobdev_id")
        if not _NAME_RE.match(id_property):
            raise ValidationError(
                "option", "id_property", f"{id_property!r} is not a property's internal name"
            )
        industry = options.get("industry_property")
        industry = None if industry in (None, "", "none") else str(industry)
        if industry is not None and not _NAME_RE.match(industry):
            raise ValidationError(
                "option", "industry_property", f"{industry!r} is not a property's internal name"
            )
        links = options.get("links_property", "ips_jobdev_links")
        links = None if links in (None, "", "none") else str(links)
        if links is not None and not _NAME_RE.match(links):
            raise ValidationError(
                "option", "links_property", f"{links!r} is not a property's internal name"
            )
        prefix = str(options.get("id_prefix") or "")
        if not _PREFIX_RE.match(prefix):
            raise ValidationError(
                "option", "id_prefix", f"{prefix!r}: use up to 20 letters, digits, . _ : -"
            )
        account = options.get("account_id")
        if account and not str(account).isdigit():
            raise ValidationError("option", "account_id", f"{account!r} is not a Hub ID")
        tries = int(options.get("max_tries") or 5)
        if tries < 1:
            raise ValidationError("option", "max_tries", f"{tries} is below 1")
        token = options.get("access_token")
        return cls(
            token=Secret(str(token)) if token else None,
            base_url=_check_url(str(options.get("base_url") or DEFAULT_BASE_URL)),
            id_property=id_property,
            industry_property=industry,
            links_property=links,
            find_meetings=str(options.get("find_meetings") or "").lower()
            in ("1", "true", "yes", "on"),
            id_prefix=prefix,
            account_id=str(account) if account else None,
            max_tries=tries,
        )

    def key(self, local_key: str) -> str:
        """The unique property's value for a record (``id_prefix`` + ``"employer-3"``)."""
        return f"{self.id_prefix}{local_key}"


@attrs.frozen
class _Upsert:
    change: Change
    key: str
    properties: dict[str, str]
    parents: dict[str, str] = attrs.field(factory=dict)
    """The keys of the records it is associated with, by object type (:func:`_parents`)."""


@attrs.define
class _Plan:
    upserts: dict[str, list[_Upsert]] = attrs.field(
        factory=lambda: {name: [] for name in ("companies", "contacts", "meetings")}
    )
    archives: list[Change] = attrs.field(factory=list)
    done: list[ExportResult] = attrs.field(factory=list)


def _plan(batch: ExportBatch, settings: Settings) -> _Plan:
    plan = _Plan()
    for change in batch.changes:
        object_type = _TYPES.get(change.record_kind)
        record = change.record
        if object_type is None:
            plan.done.append(change.failed(f"HubSpot takes no {change.record_kind.value}"))
        elif change.kind is ChangeKind.UNCHANGED:
            plan.done.append(change.unchanged())
        elif change.kind is ChangeKind.DELETE or record is None:
            plan.archives.append(change)
        else:
            if isinstance(record, EmployerRecord):
                values = props.company_properties(
                    record, industry_property=settings.industry_property
                )
            elif isinstance(record, PersonRecord):
                values = props.contact_properties(record)
            elif isinstance(record, VisitRecord):
                values = props.meeting_properties(record) | {
                    settings.id_property: settings.key(change.key)
                }
            else:
                plan.done.append(change.failed("HubSpot takes no job-fit notes"))
                continue
            plan.upserts[object_type].append(
                _Upsert(change, settings.key(change.key), values, _parents(change, settings))
            )
    return plan


def _parents(change: Change, settings: Settings) -> dict[str, str]:
    """The keys of the records a contact or meeting is associated with, by object type."""
    record = change.record
    if isinstance(record, PersonRecord):
        return {"companies": settings.key(record.employer_key)}
    if isinstance(record, VisitRecord):
        parents = {"companies": settings.key(record.employer_key)}
        if record.person_key is not None:
            parents["contacts"] = settings.key(record.person_key)
        return parents
    return {}


@attrs.define
class _Memory:
    """What one export learns across its batches: HubSpot ids by key, and failed keys."""

    ids: dict[str, dict[str, str]] = attrs.field(factory=lambda: {"companies": {}, "contacts": {}})
    failed: set[str] = attrs.field(factory=set)


class _Sender:
    """One batch's conversation with HubSpot: upserts, associations, archives."""

    def __init__(self, client: HubSpotClient, settings: Settings, memory: _Memory) -> None:
        self.client = client
        self.settings = settings
        self.results: list[ExportResult] = []
        self.stopped: str | None = None
        self.ids = memory.ids
        self.failed = memory.failed
        self._adopted: set[str] = set()

    def fail(self, changes: Sequence[Change], exc: HubSpotRequestError) -> None:
        self.failed.update(self.settings.key(c.key) for c in changes)
        self.results.extend(c.failed(f"HubSpot: {exc}") for c in changes)
        if exc.fatal:
            self.stopped = str(exc)

    def upsert(self, object_type: str, items: Sequence[_Upsert]) -> None:
        ready = []
        for item in items:
            gone = [p for p in item.parents.values() if p in self.failed]
            if gone and not self.stopped:
                self.failed.add(item.key)
                self.results.append(item.change.failed(f"not sent: {gone[0]} failed"))
            else:
                ready.append(item)
        chunks = list(chunked(ready, BATCH_SIZE))
        if self.stopped:
            self.results.extend(i.change.failed(f"not sent: {self.stopped}") for i in ready)
            return

        def attempt(chunk: Sequence[_Upsert]) -> Any:
            pairs = [(i.key, i.properties) for i in chunk]
            try:
                return self.client.upsert(object_type, self.settings.id_property, pairs)
            except HubSpotRequestError as exc:
                return exc

        stored = []
        for chunk, answers in zip(chunks, self.client.http.map(attempt, chunks), strict=True):
            if isinstance(answers, HubSpotRequestError):
                log.warning("upsert of %d %s failed: %s", len(chunk), object_type, answers)
                self.fail([i.change for i in chunk], answers)
                continue
            for item, answer in zip(chunk, answers, strict=True):
                if not answer.success or answer.id is None:
                    self.failed.add(item.key)
                    self.results.append(item.change.failed(f"HubSpot: {answer.error}"))
                    continue
                if object_type in self.ids:
                    self.ids[object_type][item.key] = answer.id
                stored.append((item, answer.id, bool(answer.created)))
        if stored:
            self.link(object_type, stored)

    def link(self, object_type: str, stored: Sequence[tuple[_Upsert, str, bool]]) -> None:
        """Associate freshly upserted records with their parents, then report them."""
        problems: dict[str, str] = {}
        wanted = {item.key: item.parents for item, _, _ in stored}
        try:
            self.resolve({p for parents in wanted.values() for p in parents.items()})
            for to_type in ("companies", "contacts"):
                pairs: list[tuple[str, str]] = []
                owners: dict[tuple[str, str], str] = {}
                for item, hs_id, _ in stored:
                    parent = wanted[item.key].get(to_type)
                    if parent is None:
                        continue
                    target = self.ids[to_type].get(parent)
                    if target is None:
                        problems[item.key] = f"its {to_type[:-1]} {parent} is not in HubSpot"
                        continue
                    pairs.append((hs_id, target))
                    owners[(hs_id, target)] = item.key
                for pair, reason in self.client.associate(object_type, to_type, pairs).items():
                    problems[owners[pair]] = f"not associated with its {to_type[:-1]}: {reason}"
        except HubSpotRequestError as exc:
            self.fail([item.change for item, _, _ in stored], exc)
            return
        for item, hs_id, created in stored:
            if item.key in problems:
                self.failed.add(item.key)
                self.results.append(item.change.failed(f"HubSpot: {problems[item.key]}"))
            elif created:
                self.results.append(item.change.created(hs_id))
            else:
                self.results.append(item.change.updated(hs_id))

    def resolve(self, parents: set[tuple[str, str]]) -> None:
        """Look up the HubSpot ids of parents exported before this batch."""
        for to_type in ("companies", "contacts"):
            missing = sorted(k for t, k in parents if t == to_type and k not in self.ids[to_type])
            if missing:
                found = self.client.read_ids(to_type, self.settings.id_property, missing)
                self.ids[to_type].update(found)

    def meetings(self, items: Sequence[_Upsert]) -> None:
        """Create new meetings, update known ones by id, then fix their associations."""
        ready = [i for i in items if not self._held_back(i)]
        if not ready:
            return
        if self.stopped:
            self.results.extend(i.change.failed(f"not sent: {self.stopped}") for i in ready)
            return
        wanted = {i.key: i.parents for i in ready}
        try:
            self.resolve({p for parents in wanted.values() for p in parents.items()})
        except HubSpotRequestError as exc:
            self.fail([i.change for i in ready], exc)
            return
        links: dict[str, dict[str, str]] = {}
        sendable: list[_Upsert] = []
        for item in ready:
            found = {t: self.ids[t].get(k) for t, k in wanted[item.key].items()}
            missing = [f"its {t[:-1]} {wanted[item.key][t]}" for t, v in found.items() if not v]
            if missing:
                self.failed.add(item.key)
                self.results.append(item.change.failed(f"HubSpot: {missing[0]} is not in HubSpot"))
                continue
            links[item.key] = {t: v for t, v in found.items() if v}
            sendable.append(item)
        try:
            self._send_meetings(sendable, links)
        except HubSpotRequestError as exc:
            log.warning("meetings: %s", exc)
            self.fail([i.change for i in sendable], exc)

    def _held_back(self, item: _Upsert) -> bool:
        gone = [p for p in item.parents.values() if p in self.failed]
        if gone and not self.stopped:
            self.failed.add(item.key)
            self.results.append(item.change.failed(f"not sent: {gone[0]} failed"))
            return True
        return False

    def _send_meetings(self, items: Sequence[_Upsert], links: dict[str, dict[str, str]]) -> None:
        links_property = self.settings.links_property

        def properties(item: _Upsert) -> dict[str, str]:
            if links_property is None:
                return item.properties
            return item.properties | {links_property: _encode_links(links[item.key])}

        known = [i for i in items if i.change.remote_id]
        new = [i for i in items if not i.change.remote_id]
        if self.settings.find_meetings and new:
            # meetings made by an export whose answer was lost, or before the sync state was
            found = self.client.search_ids(
                "meetings", self.settings.id_property, [i.key for i in new]
            )
            adopted = [
                attrs.evolve(i, change=attrs.evolve(i.change, remote_id=found[i.key]))
                for i in new
                if i.key in found
            ]
            known += adopted
            new = [i for i in new if i.key not in found]
            self._adopted.update(i.key for i in adopted)
        before: dict[str, dict[str, set[str]]] = {}
        if links_property and known:
            read = self.client.read_properties(
                "meetings", [str(i.change.remote_id) for i in known], [links_property]
            )
            before = {hs_id: _decode_links(v.get(links_property, "")) for hs_id, v in read.items()}
        answers = self.client.update(
            "meetings", [(i.key, str(i.change.remote_id), properties(i)) for i in known]
        ) + self.client.create("meetings", [(i.key, properties(i)) for i in new])
        stored: list[tuple[_Upsert, str, bool]] = []
        for item, answer in zip([*known, *new], answers, strict=True):
            if not answer.success or answer.id is None:
                self.failed.add(item.key)
                self.results.append(item.change.failed(f"HubSpot: {answer.error}"))
            else:
                created = not item.change.remote_id or item.key in self._adopted
                stored.append((item, answer.id, created))
        problems: dict[str, str] = {}
        for to_type in ("companies", "contacts"):
            pairs = [(h, links[i.key][to_type]) for i, h, _ in stored if to_type in links[i.key]]
            owners = {(h, links[i.key].get(to_type, "")): i.key for i, h, _ in stored}
            for pair, reason in self.client.associate("meetings", to_type, pairs).items():
                problems[owners[pair]] = f"not associated with its {to_type[:-1]}: {reason}"
            if not before:
                continue  # nothing was associated before: nothing to take back
            stale = {
                h: sorted(before.get(h, {}).get(to_type, set()) - {links[i.key].get(to_type, "")})
                for i, h, _ in stored
            }
            if any(stale.values()):
                self.client.unassociate("meetings", to_type, stale)
        for item, hs_id, created in stored:
            if item.key in problems:
                self.failed.add(item.key)
                self.results.append(item.change.failed(f"HubSpot: {problems[item.key]}"))
            elif created:
                self.results.append(item.change.created(hs_id))
            else:
                self.results.append(item.change.updated(hs_id))

    def archive(self, changes: Sequence[Change]) -> None:
        for object_type in ("meetings", "contacts", "companies"):
            mine = [c for c in changes if _TYPES[c.record_kind] == object_type]
            self.results.extend(c.deleted() for c in mine if not c.remote_id)
            for chunk in chunked([c for c in mine if c.remote_id], BATCH_SIZE):
                if self.stopped:
                    self.results.extend(c.failed(f"not sent: {self.stopped}") for c in chunk)
                    continue
                try:
                    self.client.archive(object_type, [str(c.remote_id) for c in chunk])
                except HubSpotRequestError as exc:
                    self.fail(chunk, exc)
                    continue
                self.results.extend(c.deleted() for c in chunk)


class HubSpotAdapter(Adapter):
    """Employers, their people and visits into HubSpot as companies, contacts and meetings."""

    name = "hubspot"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT})
    description = "Employers, people and visits to HubSpot companies, contacts and meetings"
    capabilities = Capabilities(updates=True, deletes=True, cancel_style=CancelStyle.MARK)
    batch_size = 2000
    options = (
        AdapterOption(
            "access_token", "a private app's access token", secret=True, env="HUBSPOT_TOKEN"
        ),
        AdapterOption(
            "id_property",
            "internal name of the unique-value property on companies and contacts (a plain "
            "text property of that name on meetings)",
            default="ips_jobdev_id",
        ),
        AdapterOption(
            "industry_property",
            "company text property for the employer's industry ('' to send none)",
            default="ips_jobdev_industry",
        ),
        AdapterOption(
            "links_property",
            "meeting text property recording the associations ips-jobdev made, so only "
            "those are ever removed ('' to never remove any)",
            default="ips_jobdev_links",
        ),
        AdapterOption(
            "find_meetings",
            "before creating meetings, look for ones made earlier (by ips_jobdev_id), "
            "after a lost sync state or an export cut off",
            type=bool,
            default=False,
        ),
        AdapterOption(
            "account_id",
            "the HubSpot account's Hub ID, to keep several accounts' sync state apart",
        ),
        AdapterOption(
            "id_prefix",
            "text before every id, when several programs share one HubSpot account",
            default="",
        ),
        AdapterOption("base_url", "the API's address", default=DEFAULT_BASE_URL),
        AdapterOption(
            "max_tries", "tries of one request when HubSpot limits requests", type=int, default=5
        ),
    )

    def __init__(self, *, sleep: Sleep = time.sleep) -> None:
        self._sleep = sleep
        self.settings: Settings | None = None
        self.client: HubSpotClient | None = None
        self._memory = _Memory()

    def __repr__(self) -> str:
        return f"HubSpotAdapter(client={self.client!r})"

    def target_for(self, options: Mapping[str, Any]) -> str:
        """The API address, with the account when one is named."""
        base = _check_url(str(options.get("base_url") or DEFAULT_BASE_URL))
        account = options.get("account_id")
        return f"{base}/accounts/{account}" if account else base

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Check the options and make the client (nothing is sent yet)."""
        settings = Settings.from_options(options)
        if not settings.token:
            raise ValidationError("option", "access_token", "give it or set $HUBSPOT_TOKEN")
        self.client = HubSpotClient(
            settings.token,
            base_url=settings.base_url,
            retry=RetryPolicy(max_attempts=settings.max_tries),
            sleep=self._sleep,
        )
        self.settings = settings
        self._memory = _Memory()

    def close(self) -> None:
        """Close the connection pool; forget the client, the token and the ids learned."""
        if self.client is not None:
            self.client.close()
        self.client = None
        self._memory = _Memory()

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """Upsert, associate and archive the batch; one result per change."""
        assert self.settings is not None, "open() first"
        assert self.client is not None, "open() first"
        plan = _plan(batch, self.settings)
        sender = _Sender(self.client, self.settings, self._memory)
        for object_type, items in plan.upserts.items():
            if object_type == "meetings":
                sender.meetings(items)
            else:
                sender.upsert(object_type, items)
        sender.archive(plan.archives)
        return plan.done + sender.results

    def preview(self, batch: ExportBatch, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The requests an export would send (associations by ips-jobdev key, since the
        HubSpot ids are known only once sent); the token shows as asterisks."""
        settings = Settings.from_options(options)
        plan = _plan(batch, settings)
        auth = {"base_url": settings.base_url, "authorization": "Bearer ********"}
        out: list[dict[str, Any]] = []
        for object_type, items in plan.upserts.items():
            for action, part in _preview_parts(object_type, items):
                for chunk in chunked(part, BATCH_SIZE):
                    body = {"inputs": [_preview_input(action, i, settings) for i in chunk]}
                    path = f"/crm/v3/objects/{object_type}/batch/{action}"
                    out.append({**auth, "method": "POST", "path": path, "body": body})
            for to_type in ("companies", "contacts"):
                pairs = [
                    [i.key, parent]
                    for i in items
                    if (parent := _parents(i.change, settings).get(to_type)) is not None
                ]
                if pairs:
                    path = f"/crm/v4/associations/{object_type}/{to_type}/batch/associate/default"
                    out.append({**auth, "method": "POST", "path": path, "pairs_by_key": pairs})
        for object_type in ("meetings", "contacts", "companies"):
            ids = [
                c.remote_id
                for c in plan.archives
                if c.remote_id and _TYPES[c.record_kind] == object_type
            ]
            if ids:
                path = f"/crm/v3/objects/{object_type}/batch/archive"
                body = {"inputs": [{"id": i} for i in ids]}
                out.append({**auth, "method": "POST", "path": path, "body": body})
        return out

"""Repeatable exports: send each adapter only what changed, and remember what arrived.

The store keeps, per adapter and target, each record's remote id, the fingerprint and
sequence last sent, and whether it was deleted there (table ``sync_state``). An export:

1. gathers the records the adapter takes, redacted for its audience
   (:mod:`ips_jobdev._sync.gather`, :mod:`ips_jobdev.privacy`);
2. compares them with the sync state: never sent (``create``), content changed
   (``update``), visit cancelled since (``cancel``), gone from the store (``delete``), or
   the same (``unchanged``: sent again only to adapters that rewrite a whole file);
3. calls the adapter's ``export(batch)`` inside ``try``/``except``: an adapter that raises
   fails its batch, never the export;
4. advances the sync state only for records that succeeded, and commits after each batch.
   Failed records are reported with their reason and sent again next time.

A second export of unchanged records therefore sends nothing; an edited visit goes as an
update with a higher sequence; a cancelled visit goes once as a cancellation.

>>> import ips_jobdev as jobdev                                     # doctest: +SKIP
>>> with jobdev.open_store("sqlite:///county.sqlite3") as uow:           # doctest: +SKIP
...     report = export(uow, "ics", specialist="ab", options={"out": "ab.ics"})
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ips_jobdev import _model as model
from ips_jobdev import privacy
from ips_jobdev._records import Audience, ExportRecord, RecordKind, record_to_dict
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.sync_state import SyncRow
from ips_jobdev._sync import gather as outgoing
from ips_jobdev.adapters._base import (
    Adapter,
    Change,
    ChangeKind,
    ExportBatch,
    ExportResult,
    Outcome,
    mask_options,
    resolve_options,
)
from ips_jobdev.errors import AdapterError

__all__ = ["ExportItem", "ExportReport", "SyncRow", "export", "plan_changes", "sync_rows"]

log = logging.getLogger(__name__)

_KIND_ORDER = [RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT, RecordKind.FIT_NOTE]


@attrs.frozen(slots=True)
class ExportItem:
    """One record of an export: the change, and (unless a dry run) what happened.

    ``record`` holds the redacted record as plain values in a dry run (what would be
    sent); it is ``None`` otherwise and for records deleted from the store.
    """

    record_kind: RecordKind
    local_id: int
    key: str
    change: ChangeKind
    summary: str
    outcome: Outcome | None = None
    remote_id: str | None = None
    reason: str | None = None
    record: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (the ``items`` of the export JSON document)."""
        return {
            "kind": self.record_kind.value,
            "id": self.local_id,
            "key": self.key,
            "change": self.change.value,
            "summary": self.summary,
            "outcome": self.outcome.value if self.outcome is not None else None,
            "remote_id": self.remote_id,
            "reason": self.reason,
            "record": self.record,
        }


@attrs.frozen(slots=True)
class ExportReport:
    """What an export did (or, in a dry run, would do). Secret options are masked."""

    adapter: str
    target: str
    audience: Audience
    dry_run: bool
    options: dict[str, Any]
    items: tuple[ExportItem, ...]
    started_at: dt.datetime
    finished_at: dt.datetime
    preview: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def sent(self) -> int:
        """How many records went (or would go) to the adapter as a change."""
        return sum(1 for i in self.items if i.change is not ChangeKind.UNCHANGED)

    @property
    def counts(self) -> dict[str, int]:
        """Records by outcome (a dry run counts the planned changes instead)."""
        if self.dry_run:
            return dict(Counter(i.change.value for i in self.items))
        return dict(Counter(i.outcome.value for i in self.items if i.outcome is not None))

    @property
    def failures(self) -> tuple[ExportItem, ...]:
        """The records that failed, each with its reason."""
        return tuple(i for i in self.items if i.outcome is Outcome.FAILED)

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """The export JSON document (``ips-jobdev export --json``)."""
        return {
            "adapter": self.adapter,
            "target": self.target,
            "audience": self.audience.value,
            "dry_run": self.dry_run,
            "options": self.options,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "sent": self.sent,
            "counts": self.counts,
            "items": [i.to_dict() for i in self.items],
            "preview": list(self.preview),
            "notes": list(self.notes),
        }


# -- the sync state ----------------------------------------------------------------------------


def sync_rows(uow: UnitOfWork, adapter: str, target: str) -> dict[tuple[RecordKind, int], SyncRow]:
    """The sync state of one adapter and target, by (record kind, local id)."""
    return uow.sync_state.rows(adapter, target)


def _save_rows(
    uow: UnitOfWork,
    target: tuple[str, str],
    updates: Sequence[tuple[Change, ExportResult]],
    known: Mapping[tuple[RecordKind, int], SyncRow],
    now: dt.datetime,
) -> None:
    """Write the sync state of the records that arrived at (adapter, target)."""
    new: list[SyncRow] = []
    changed: list[SyncRow] = []
    for change, result in updates:
        row = SyncRow(
            record_kind=change.record_kind,
            local_id=change.local_id,
            remote_id=result.remote_id,
            fingerprint=change.record.fingerprint if change.record is not None else "",
            sequence=change.sequence,
            deleted=result.outcome is Outcome.DELETED,
            sent_at=now,
        )
        (changed if row.key in known else new).append(row)
    adapter, target_name = target
    uow.sync_state.save(adapter, target_name, new=new, changed=changed)


# -- planning changes ------------------------------------------------------------------------


def _is_cancelled(record: ExportRecord) -> bool:
    return record.kind is RecordKind.VISIT and record.cancelled  # type: ignore[union-attr]


def plan_changes(
    records: Mapping[RecordKind, Mapping[int, ExportRecord]],
    rows: Mapping[tuple[RecordKind, int], SyncRow],
    *,
    gone: Mapping[RecordKind, set[int]] | None = None,
    snapshot: bool = False,
) -> list[Change]:
    """The changes that bring the remote end from ``rows`` to ``records``.

    ``gone`` names, per kind, the local ids in ``rows`` that are no longer in the store
    (they become ``delete`` changes). With ``snapshot``, unchanged records are listed too.
    """
    gone = gone or {}
    changes: list[Change] = []
    for kind in _KIND_ORDER:
        for local_id in sorted(records.get(kind, {})):
            record = records[kind][local_id]
            row = rows.get((kind, local_id))
            cancelled = _is_cancelled(record)
            if row is None:
                if not cancelled:
                    changes.append(Change(ChangeKind.CREATE, record))
                continue
            common: dict[str, Any] = {"remote_id": row.remote_id, "last_sent_at": row.sent_at}
            if row.deleted:
                if not cancelled:
                    changes.append(
                        Change(ChangeKind.CREATE, record, sequence=row.sequence + 1, **common)
                    )
                continue
            if record.fingerprint == row.fingerprint:
                if snapshot:
                    changes.append(
                        Change(ChangeKind.UNCHANGED, record, sequence=row.sequence, **common)
                    )
                continue
            kind_of_change = ChangeKind.CANCEL if cancelled else ChangeKind.UPDATE
            changes.append(Change(kind_of_change, record, sequence=row.sequence + 1, **common))
    for kind in reversed(_KIND_ORDER):
        for local_id in sorted(gone.get(kind, set())):
            row = rows[(kind, local_id)]
            if not row.deleted:
                changes.append(
                    Change(
                        ChangeKind.DELETE,
                        None,
                        record_kind=kind,
                        local_id=local_id,
                        remote_id=row.remote_id,
                        sequence=row.sequence + 1,
                        last_sent_at=row.sent_at,
                    )
                )
    return changes


# -- running an export --------------------------------------------------------------------------


def _summary(change: Change) -> str:
    record = change.record
    if record is None:
        return f"{change.key} (removed from the store)"
    if record.kind is RecordKind.VISIT:
        return f"{record.title} at {record.start.isoformat()}"  # type: ignore[union-attr]
    if record.kind is RecordKind.FIT_NOTE:
        return f"job-fit note about {record.employer_name}"  # type: ignore[union-attr]
    return record.name  # type: ignore[union-attr]


def _hide(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return text


def _instance(adapter: str | Adapter | type[Adapter], manager: Any) -> Adapter:
    if isinstance(adapter, Adapter):
        return adapter
    if isinstance(adapter, type) and issubclass(adapter, Adapter):
        return adapter()
    from ips_jobdev import _plugins as plugins

    return plugins.get_adapter(str(adapter), manager=manager).adapter_class()


def _batches(adapter: Adapter, batch: ExportBatch) -> list[ExportBatch]:
    size = adapter.batch_size
    if adapter.capabilities.snapshot or size is None or len(batch.changes) <= size:
        return [batch]
    return [
        attrs.evolve(batch, changes=batch.changes[i : i + size])
        for i in range(0, len(batch.changes), size)
    ]


def _run_batch(
    adapter: Adapter, batch: ExportBatch, secrets: Sequence[str]
) -> tuple[list[tuple[Change, ExportResult]], list[str]]:
    notes: list[str] = []
    try:
        returned: Any = adapter.export(batch)
    except Exception as exc:
        reason = _hide(f"the adapter raised {type(exc).__name__}: {exc}", secrets)
        log.warning("%s: export of %d records failed: %s", batch.adapter, len(batch), reason)
        return [(c, c.failed(reason)) for c in batch.changes], [reason]
    found: dict[tuple[RecordKind, int], ExportResult] = {}
    for result in returned or []:
        if not isinstance(result, ExportResult):
            notes.append(f"ignored a result that is not an ExportResult: {result!r}"[:200])
            continue
        key = (result.record_kind, result.local_id)
        if key in found:
            notes.append(
                f"ignored a second result for {result.record_kind.value} {result.local_id}"
            )
            continue
        if result.reason:
            result = attrs.evolve(result, reason=_hide(result.reason, secrets))
        found[key] = result
    pairs = []
    for change in batch.changes:
        result = found.pop((change.record_kind, change.local_id), None)
        if result is None:
            result = change.failed("the adapter returned no result for this record")
        pairs.append((change, result))
    for kind, local_id in found:
        notes.append(f"ignored a result for {kind.value} {local_id}, which was not in the batch")
    return pairs, notes


def export(
    uow: UnitOfWork,
    adapter: str | Adapter | type[Adapter],
    *,
    target: str | None = None,
    specialist: str | model.Specialist | None = None,
    since: dt.date | dt.datetime | None = None,
    dry_run: bool = False,
    options: Mapping[str, Any] | None = None,
    privacy_settings: privacy.PrivacySettings | None = None,
    manager: Any = None,
    environ: Mapping[str, str] | None = None,
) -> ExportReport:
    """Export what changed to one adapter and target; commit the sync state of what arrived.

    Args:
        uow: the unit of work to read from; it is committed after each batch (the sync
            state must be saved once the remote end has the records).
        adapter: an adapter name (looked up among the installed plugins), class or instance.
        target: where to (default: what the adapter derives from its options, such as the
            absolute path of ``out``).
        specialist: only this specialist's visits and notes (a code or a Specialist).
        since: only visits at or after this date or time (a date starts in the
            specialist's time zone, or UTC without a specialist).
        dry_run: compute and show the changes; send nothing, save nothing.
        options: the adapter's options (text values are converted); options not given come
            from the environment variables the adapter declares, then defaults.
        privacy_settings: loosen the defaults a personal calendar gets (initials, names).
        manager: the plugin manager to look the adapter up in (default: the shared one).
        environ: environment variables for options (default: ``os.environ``).

    Raises:
        ValidationError: a bad option or an unknown specialist.
        AdapterError: an unknown adapter, or the adapter could not open the target.
    """
    run = _prepare(adapter, manager, options, environ, target)
    batch, rows = _plan(uow, run, specialist, since, privacy_settings)
    if dry_run:
        return _dry_run(run, batch)
    if not batch.changes and not run.adapter.capabilities.snapshot:
        # nothing to send: do not even connect (a snapshot adapter still writes its file)
        return run.report((), ())
    return _send(uow, run, batch, rows)


@attrs.frozen
class _Run:
    """One export's adapter instance, checked options and target."""

    adapter: Adapter
    values: dict[str, Any]
    masked: dict[str, Any]
    secrets: list[str]
    target: str
    started: dt.datetime

    def hide(self, text: str) -> str:
        return _hide(text, self.secrets)

    def report(
        self,
        items: tuple[ExportItem, ...],
        notes: tuple[str, ...],
        *,
        dry_run: bool = False,
        preview: tuple[dict[str, Any], ...] = (),
    ) -> ExportReport:
        return ExportReport(
            self.adapter.name,
            self.target,
            self.adapter.audience,
            dry_run,
            self.masked,
            items,
            self.started,
            dt.datetime.now(dt.UTC),
            preview,
            notes,
        )


def _prepare(
    adapter: str | Adapter | type[Adapter],
    manager: Any,
    options: Mapping[str, Any] | None,
    environ: Mapping[str, str] | None,
    target: str | None,
) -> _Run:
    instance = _instance(adapter, manager)
    values = resolve_options(
        instance.options,
        dict(options or {}),
        environ=environ if environ is not None else os.environ,
        adapter=instance.name,
    )
    masked = {
        key: str(value) if isinstance(value, Path) else value
        for key, value in mask_options(instance.options, values).items()
    }
    secrets = [str(values[o.name]) for o in instance.options if o.secret and values.get(o.name)]
    return _Run(
        instance,
        values,
        masked,
        secrets,
        target or instance.target_for(values),
        dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def _plan(
    uow: UnitOfWork,
    run: _Run,
    specialist: str | model.Specialist | None,
    since: dt.date | dt.datetime | None,
    privacy_settings: privacy.PrivacySettings | None,
) -> tuple[ExportBatch, dict[tuple[RecordKind, int], SyncRow]]:
    chosen = uow.specialists.by_code(specialist) if isinstance(specialist, str) else specialist
    since_at = None
    if since is not None:
        since_at = outgoing.start_of(since, chosen.timezone if chosen is not None else None)
    adapter = run.adapter
    records = outgoing.gather(
        uow,
        adapter.record_kinds,
        adapter.audience,
        selection=outgoing.Selection(specialist=chosen, since=since_at),
        settings=privacy_settings,
    )
    rows = sync_rows(uow, adapter.name, run.target)
    gone: dict[RecordKind, set[int]] = {}
    for kind in adapter.record_kinds:
        missing = {i for (k, i) in rows if k is kind and i not in records[kind]}
        gone[kind] = missing - outgoing.existing_ids(uow, kind, missing)
    changes = plan_changes(records, rows, gone=gone, snapshot=adapter.capabilities.snapshot)
    batch = ExportBatch(adapter.name, run.target, adapter.audience, tuple(changes), run.started)
    return batch, rows


def _dry_run(run: _Run, batch: ExportBatch) -> ExportReport:
    items = tuple(
        ExportItem(
            c.record_kind,
            c.local_id,
            c.key,
            c.kind,
            _summary(c),
            remote_id=c.remote_id,
            record=record_to_dict(c.record) if c.record is not None else None,
        )
        for c in batch.changes
    )
    notes: tuple[str, ...] = ()
    try:
        preview = tuple(run.adapter.preview(batch, run.values))
    except Exception as exc:
        preview = ()
        notes = (run.hide(f"the adapter's preview failed: {type(exc).__name__}: {exc}"),)
    return run.report(items, notes, dry_run=True, preview=preview)


def _send(
    uow: UnitOfWork,
    run: _Run,
    batch: ExportBatch,
    rows: Mapping[tuple[RecordKind, int], SyncRow],
) -> ExportReport:
    adapter = run.adapter
    try:
        adapter.open(run.values, run.target)
    except Exception as exc:
        raise AdapterError(
            run.hide(f"{adapter.name}: could not open {run.target}: {type(exc).__name__}: {exc}")
        ) from None
    all_pairs: list[tuple[Change, ExportResult]] = []
    notes: list[str] = []
    try:
        for part in _batches(adapter, batch):
            pairs, batch_notes = _run_batch(adapter, part, run.secrets)
            notes.extend(batch_notes)
            succeeded = [
                (c, r)
                for c, r in pairs
                if r.ok and not (c.kind is ChangeKind.UNCHANGED and r.outcome is Outcome.UNCHANGED)
            ]
            _save_rows(uow, (adapter.name, run.target), succeeded, rows, batch.generated_at)
            uow.commit()
            all_pairs.extend(pairs)
    finally:
        try:
            adapter.close()
        except Exception as exc:
            notes.append(run.hide(f"the adapter failed to close: {type(exc).__name__}: {exc}"))
    items = tuple(
        ExportItem(
            c.record_kind, c.local_id, c.key, c.kind, _summary(c), r.outcome, r.remote_id, r.reason
        )
        for c, r in all_pairs
    )
    for item in items:
        if item.outcome is Outcome.FAILED:
            log.warning("%s: %s failed: %s", adapter.name, item.key, item.reason)
    return run.report(items, tuple(notes))

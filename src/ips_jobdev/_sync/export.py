"""Repeatable exports: send each adapter only what changed, and remember what arrived.

The store keeps, per adapter and target, each record's remote id, the fingerprint and
sequence last sent, and whether it was deleted there (:mod:`ips_jobdev._sync.state`).
An export:

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

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev import _plugins as plugins
from ips_jobdev import privacy
from ips_jobdev._casework.audit import AuditAction, record_access
from ips_jobdev._records import Audience, RecordKind, record_to_dict
from ips_jobdev._store import UnitOfWork
from ips_jobdev._sync.gather import Selection, gather, start_of
from ips_jobdev._sync.state import (
    SyncKey,
    SyncRow,
    gone_ids,
    plan_changes,
    save_arrivals,
    sync_rows,
)
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
    found: dict[SyncKey, ExportResult] = {}
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
    batch, rows = _plan(uow, run, _selection(uow, specialist, since), privacy_settings)
    if dry_run:
        return _dry_run(run, batch)
    if not batch.changes and not run.adapter.capabilities.snapshot:
        # nothing to send: do not even connect (a snapshot adapter still writes its file)
        report = run.report((), ())
    else:
        report = _send(uow, run, batch, rows)
    _audited(uow, report)
    return report


def _audited(uow: UnitOfWork, report: ExportReport) -> None:
    """Every export goes to the audit trail: who sent what to which adapter and target."""
    record_access(
        uow,
        action=AuditAction.EXPORT,
        kind="export",
        origin=f"adapter {report.adapter}",
        detail={
            "adapter": report.adapter,
            "target": report.target,
            "audience": str(report.audience.value),
            "sent": report.sent,
        },
    )
    uow.commit()


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
            adapter=self.adapter.name,
            target=self.target,
            audience=self.adapter.audience,
            dry_run=dry_run,
            options=self.masked,
            items=items,
            started_at=self.started,
            finished_at=dt.datetime.now(dt.UTC),
            preview=preview,
            notes=notes,
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
        adapter=instance,
        values=values,
        masked=masked,
        secrets=secrets,
        target=target or instance.target_for(values),
        started=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def _selection(
    uow: UnitOfWork,
    specialist: str | model.Specialist | None,
    since: dt.date | dt.datetime | None,
) -> Selection:
    chosen = lookup.specialist(uow, specialist) if specialist is not None else None
    since_at = None
    if since is not None:
        since_at = start_of(since, chosen.timezone if chosen is not None else None)
    return Selection(specialist=chosen, since=since_at)


def _plan(
    uow: UnitOfWork,
    run: _Run,
    selection: Selection,
    privacy_settings: privacy.PrivacySettings | None,
) -> tuple[ExportBatch, dict[SyncKey, SyncRow]]:
    adapter = run.adapter
    records = gather(
        uow,
        adapter.record_kinds,
        adapter.audience,
        selection=selection,
        settings=privacy_settings,
    )
    rows = sync_rows(uow, adapter.name, run.target)
    gone = gone_ids(uow, adapter.record_kinds, rows, records)
    changes = plan_changes(records, rows, gone=gone, snapshot=adapter.capabilities.snapshot)
    batch = ExportBatch(adapter.name, run.target, adapter.audience, tuple(changes), run.started)
    return batch, rows


def _dry_run(run: _Run, batch: ExportBatch) -> ExportReport:
    items = tuple(
        ExportItem(
            record_kind=c.record_kind,
            local_id=c.local_id,
            key=c.key,
            change=c.kind,
            summary=_summary(c),
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


def _arrived(pairs: Sequence[tuple[Change, ExportResult]]) -> list[tuple[Change, ExportResult]]:
    """The records whose sync state advances: those that succeeded, except an unchanged
    record the adapter reported unchanged (its row already says so)."""
    return [
        (c, r)
        for c, r in pairs
        if r.ok and not (c.kind is ChangeKind.UNCHANGED and r.outcome is Outcome.UNCHANGED)
    ]


def _item(change: Change, result: ExportResult) -> ExportItem:
    return ExportItem(
        record_kind=change.record_kind,
        local_id=change.local_id,
        key=change.key,
        change=change.kind,
        summary=_summary(change),
        outcome=result.outcome,
        remote_id=result.remote_id,
        reason=result.reason,
    )


def _send(
    uow: UnitOfWork,
    run: _Run,
    batch: ExportBatch,
    rows: Mapping[SyncKey, SyncRow],
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
            save_arrivals(
                uow,
                (adapter.name, run.target),
                _arrived(pairs),
                known=rows,
                sent_at=batch.generated_at,
            )
            # the remote end has these records: their sync state must survive what follows
            uow.commit()
            all_pairs.extend(pairs)
    finally:
        try:
            adapter.close()
        except Exception as exc:
            notes.append(run.hide(f"the adapter failed to close: {type(exc).__name__}: {exc}"))
    items = tuple(_item(c, r) for c, r in all_pairs)
    for item in items:
        if item.outcome is Outcome.FAILED:
            log.warning("%s: %s failed: %s", adapter.name, item.key, item.reason)
    return run.report(items, tuple(notes))

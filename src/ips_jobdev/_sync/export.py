"""Repeatable exports: send each adapter only what changed, and remember what arrived.

The store keeps, per adapter and target, each record's remote id, the fingerprint and
sequence last sent, whether it was deleted there, and what the record was made from when
it was last looked at (its *basis*: :mod:`ips_jobdev._store.queries.sync`). An export:

1. checks the adapter's options (:meth:`~ips_jobdev.adapters.Adapter.check`) before
   reading anything;
2. asks the store for the records whose basis moved since the target last looked at them,
   and gathers and redacts only those, a chunk at a time
   (:mod:`ips_jobdev._sync.plan`, :mod:`ips_jobdev._sync.gather`, :mod:`ips_jobdev.privacy`);
3. compares them with the sync state: never sent (``create``), content changed
   (``update``), visit cancelled since (``cancel``), gone from the store (``delete``), or
   the same (``unchanged``: sent again only to adapters that rewrite a whole file, as the
   text they rendered last time when they keep ``payloads``);
4. calls the adapter's ``export(batch)`` inside ``try``/``except``: an adapter that raises
   fails its batch, never the export;
5. advances the sync state only for records that succeeded, and commits after each batch
   (an adapter that ``streams`` a file: once the file is written). Failed records are
   reported with their reason and sent again next time.

A second export of unchanged records therefore reads no record and sends nothing; an
edited visit goes as an update with a higher sequence; a cancelled visit goes once as a
cancellation. Memory stays bounded: records are read, sent and reported in chunks.

>>> import ips_jobdev as jobdev                                     # doctest: +SKIP
>>> with jobdev.open_store("sqlite:///county.sqlite3") as uow:           # doctest: +SKIP
...     report = export(uow, "ics", specialist="ab", options={"out": "ab.ics"})
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev import _plugins as plugins
from ips_jobdev import privacy
from ips_jobdev._casework.audit import AuditAction, record_access
from ips_jobdev._collector import fewer_collections
from ips_jobdev._records import RecordKind, record_to_dict, utc_isoformat
from ips_jobdev._store import UnitOfWork, reads_unaudited
from ips_jobdev._store.queries.sync import Scope
from ips_jobdev._store.sync_state import NewRow, Refresh, SyncRow
from ips_jobdev._sync.gather import start_of
from ips_jobdev._sync.plan import Pending, Planner, Step, context_of
from ips_jobdev._sync.report import ExportItem, ExportReport, ItemLog, ItemValues
from ips_jobdev._sync.state import SyncKey, arrival_row, plan_changes, sync_rows
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
from ips_jobdev.errors import AdapterError, IpsJobdevError

__all__ = ["ExportItem", "ExportReport", "SyncRow", "export", "plan_changes", "sync_rows"]

log = logging.getLogger(__name__)

STREAM_BATCH = 1000
"""Changes per batch for an adapter that streams and names no ``batch_size``."""


def _summary(change: Change) -> str:
    record = change.record
    if record is None:
        if change.kind is ChangeKind.UNCHANGED:
            return f"{change.key} (unchanged)"
        return f"{change.key} (removed from the store)"
    if record.kind is RecordKind.VISIT:
        return f"{record.title} at {utc_isoformat(record.start)}"  # type: ignore[union-attr]
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

    def batch(self, changes: Sequence[Change], *, final: bool = True) -> ExportBatch:
        adapter = self.adapter
        return ExportBatch(
            adapter=adapter.name,
            target=self.target,
            audience=adapter.audience,
            changes=tuple(changes),
            generated_at=self.started,
            final=final,
        )

    def report(
        self,
        items: ItemLog,
        notes: Sequence[str],
        *,
        dry_run: bool = False,
        preview: Sequence[dict[str, Any]] = (),
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
            preview=tuple(preview),
            notes=tuple(notes),
        )


@reads_unaudited
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
        ValidationError: a bad option or an unknown specialist (before anything is read).
        AdapterError: an unknown adapter, a target the adapter refuses, or the adapter
            could not open the target.
    """
    run = _prepare(adapter, manager, options, environ, target)
    settings = privacy_settings or privacy.PrivacySettings()
    scope = _scope(uow, run, specialist, since, settings)
    planner = Planner(uow, run.adapter, scope, settings, reuse_payloads=not dry_run)
    capabilities = run.adapter.capabilities
    # records, changes and payloads are made and dropped a batch at a time, none in a
    # cycle: the collector need not go through the batches still out again and again
    with fewer_collections():
        if dry_run:
            return _dry_run(run, planner)
        if capabilities.snapshot and capabilities.streams:
            report = _send_stream(uow, run, planner)
        elif capabilities.snapshot:
            report = _send_whole(uow, run, planner)
        else:
            report = _send_changes(uow, run, planner)
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
    run = _Run(
        adapter=instance,
        values=values,
        masked=masked,
        secrets=secrets,
        target=target or instance.target_for(values),
        started=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
    try:
        instance.check(values, run.target)
    except AdapterError:
        raise
    except IpsJobdevError as exc:
        # as when open() refuses them: the adapter's name, then what is wrong
        raise AdapterError(run.hide(f"{instance.name}: {exc}")) from None
    except Exception as exc:
        raise AdapterError(
            run.hide(f"{instance.name}: checking the options failed: {type(exc).__name__}: {exc}")
        ) from None
    return run


def _scope(
    uow: UnitOfWork,
    run: _Run,
    specialist: str | model.Specialist | None,
    since: dt.date | dt.datetime | None,
    settings: privacy.PrivacySettings,
) -> Scope:
    chosen = lookup.specialist(uow, specialist) if specialist is not None else None
    since_at = None
    if since is not None:
        since_at = start_of(since, chosen.timezone if chosen is not None else None)
    return Scope(
        adapter=run.adapter.name,
        target=run.target,
        context=context_of(run.adapter, run.values, settings),
        specialist_id=chosen.id if chosen is not None else None,
        since=since_at,
    )


# -- batches --------------------------------------------------------------------------------


@attrs.define
class _Batch:
    changes: list[Change] = attrs.field(factory=list)
    pending: dict[SyncKey, Pending] = attrs.field(factory=dict)


def _batches(
    uow: UnitOfWork | None, run: _Run, steps: Iterator[Step], size: int | None
) -> Iterator[_Batch]:
    """The planned changes in batches of at most ``size`` (all in one when ``None``).

    The rows a step updates without sending anything are written as the steps pass
    (unless ``uow`` is ``None``: a dry run).
    """
    current = _Batch()
    for step in steps:
        if uow is not None and (step.refresh or step.placeholders):
            state = uow.sync_state
            state.refresh(run.adapter.name, run.target, step.refresh)
            state.save(run.adapter.name, run.target, new=step.placeholders, changed=())
        changes = step.changes
        start = 0
        while start < len(changes):
            room = len(changes) - start if size is None else max(1, size - len(current.changes))
            taken = changes[start : start + room]
            start += len(taken)
            current.changes.extend(taken)
            # a step's pending entries are those of its changes (all but unchanged
            # records given as their payloads): a whole step's go at once
            if len(taken) == len(changes):
                current.pending.update(step.pending)
            else:
                for change in taken:
                    key = (change.record_kind, change.local_id)
                    if key in step.pending:
                        current.pending[key] = step.pending[key]
            if size is not None and len(current.changes) >= size:
                yield current
                current = _Batch()
    if current.changes:
        yield current


def _with_final(batches: Iterator[_Batch]) -> Iterator[tuple[_Batch, bool]]:
    """Each batch and whether it is the last; an empty one when there is none at all."""
    held: _Batch | None = None
    for batch in batches:
        if held is not None:
            yield held, False
        held = batch
    yield (held if held is not None else _Batch()), True


@attrs.frozen
class _Outcome:
    pairs: list[tuple[Change, ExportResult]]
    notes: list[str]
    raised: str | None = None


def _run_batch(adapter: Adapter, batch: ExportBatch, secrets: Sequence[str]) -> _Outcome:
    try:
        returned: Any = adapter.export(batch)
    except Exception as exc:
        reason = _hide(f"the adapter raised {type(exc).__name__}: {exc}", secrets)
        log.info("%s: export of %d records failed: %s", batch.adapter, len(batch), reason)
        return _Outcome([(c, c.failed(reason)) for c in batch.changes], [], reason)
    notes: list[str] = []
    pairs = _in_order(batch.changes, returned, secrets)
    if pairs is not None:
        return _Outcome(pairs, notes)
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
    return _Outcome(pairs, notes)


def _in_order(
    changes: Sequence[Change], returned: Any, secrets: Sequence[str]
) -> list[tuple[Change, ExportResult]] | None:
    """The changes paired with their results when the adapter returned one result for
    each, in the batch's order (as most do); ``None`` otherwise (then they are matched by
    record)."""
    if type(returned) is not list or len(returned) != len(changes):
        return None
    pairs = []
    for change, result in zip(changes, returned, strict=True):
        if (
            type(result) is not ExportResult
            or result.local_id != change.local_id
            or result.record_kind is not change.record_kind
        ):
            return None
        if result.reason:
            result = attrs.evolve(result, reason=_hide(result.reason, secrets))
        pairs.append((change, result))
    return pairs


_KNOWN = Pending(None, known=True)
"""What is known of a change without a pending entry: a row is stored for it."""


def _save(
    uow: UnitOfWork,
    run: _Run,
    pairs: Sequence[tuple[Change, ExportResult]],
    pending: Mapping[SyncKey, Pending],
) -> None:
    """Write the sync state of the records that arrived (not yet committed)."""
    new: list[NewRow] = []
    changed: list[SyncRow] = []
    refresh: list[Refresh] = []
    sent_at = run.started
    for change, result in pairs:
        outcome = result.outcome
        if outcome is Outcome.FAILED:
            continue
        kind, local_id = key = (change.record_kind, change.local_id)
        known = pending.get(key, _KNOWN)
        if change.kind is ChangeKind.UNCHANGED and outcome is Outcome.UNCHANGED:
            # its row stands; a record read again keeps its new basis (and what was rendered)
            if change.record is not None and known.basis is not None:
                keep = result.payload is None
                refresh.append(Refresh(*key, known.basis, result.payload, keep_payload=keep))
            continue
        if known.known:
            changed.append(
                arrival_row(
                    change,
                    result,
                    basis=known.basis,
                    sent_at=sent_at,
                    fingerprint=known.fingerprint,
                )
            )
            continue
        # most rows of an export are new: written as tuples, as arrival_row would make them
        fingerprint = known.fingerprint
        if fingerprint is None:
            fingerprint = change.record.fingerprint if change.record is not None else ""
        deleted = outcome is Outcome.DELETED
        new.append(
            (
                kind,
                local_id,
                result.remote_id,
                fingerprint,
                change.sequence,
                deleted,
                sent_at,
                known.basis,
                result.payload,
            )
        )
    state = uow.sync_state
    state.insert(run.adapter.name, run.target, new)
    state.save(run.adapter.name, run.target, new=(), changed=changed)
    state.refresh(run.adapter.name, run.target, refresh)


def _item(change: Change, result: ExportResult) -> ItemValues:
    """The report's item of one change and its result (:meth:`ItemLog.add_all`)."""
    return (
        change.record_kind,
        change.local_id,
        change.key,
        change.kind,
        _summary(change),
        result.outcome,
        result.remote_id,
        result.reason,
    )


def _open(run: _Run) -> None:
    adapter = run.adapter
    try:
        adapter.open(run.values, run.target)
    except AdapterError:
        raise
    except Exception as exc:
        raise AdapterError(
            run.hide(f"{adapter.name}: could not open {run.target}: {type(exc).__name__}: {exc}")
        ) from None


def _close(run: _Run, notes: list[str]) -> None:
    try:
        run.adapter.close()
    except Exception as exc:
        notes.append(run.hide(f"the adapter failed to close: {type(exc).__name__}: {exc}"))


def _logged(run: _Run, items: ItemLog) -> None:
    if items.failed:
        first = items.first_failures[0]
        # the report carries every failure: a log line, not a warning on the terminal
        log.info(
            "%s: %d of %d records failed (first: %s: %s)",
            run.adapter.name,
            items.failed,
            len(items),
            first.key,
            first.reason,
        )


# -- the three ways of sending ---------------------------------------------------------------


def _send_changes(uow: UnitOfWork, run: _Run, planner: Planner) -> ExportReport:
    """Adapters that take changes only: batches of ``batch_size``, committed one by one;
    the adapter is not even opened when nothing changed.

    The adapter works in a thread of its own (open, every batch, close) while this one
    plans the next batch: a remote end's round trips no longer wait for the planning, nor
    the planning for them. One batch is out at a time, and its sync state is saved and
    committed before the next one's."""
    items = ItemLog()
    notes: list[str] = []
    # the adapter's thread runs in this export's context: a unit of work the adapter opens
    # reads unaudited, as the export does (it is audited as one export)
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ips-jobdev-export") as worker:
        out: tuple[_Batch, Future[_Outcome]] | None = None
        opened = False
        try:
            for batch in _batches(uow, run, planner.steps(), run.adapter.batch_size):
                if not opened:
                    worker.submit(context.run, _open, run).result()
                    opened = True
                sending = worker.submit(
                    context.run, _run_batch, run.adapter, run.batch(batch.changes), run.secrets
                )
                previous, out = out, (batch, sending)
                if previous is not None:
                    _arrived(uow, run, previous, items, notes)
            last, out = out, None
            if last is not None:
                _arrived(uow, run, last, items, notes)
            uow.commit()
        except BaseException:
            if out is not None:
                # something failed while a batch was out: what arrived must be remembered
                _save_after_failure(uow, run, out, items, notes)
            raise
        finally:
            if opened:
                worker.submit(context.run, _close, run, notes).result()
    _logged(run, items)
    return run.report(items, notes)


def _save_after_failure(
    uow: UnitOfWork,
    run: _Run,
    out: tuple[_Batch, Future[_Outcome]],
    items: ItemLog,
    notes: list[str],
) -> None:
    try:
        _arrived(uow, run, out, items, notes)
    except Exception:
        # the first failure is the one to report
        log.exception("%s: could not save the sync state of the last batch", run.adapter.name)


def _arrived(
    uow: UnitOfWork,
    run: _Run,
    out: tuple[_Batch, Future[_Outcome]],
    items: ItemLog,
    notes: list[str],
) -> None:
    """Wait for a batch that is out, then save and commit its sync state."""
    batch, sending = out
    outcome = sending.result()
    notes.extend(outcome.notes)
    _save(uow, run, outcome.pairs, batch.pending)
    # the remote end has these records: their sync state must survive what follows
    uow.commit()
    items.add_all(_item(change, result) for change, result in outcome.pairs)


def _send_whole(uow: UnitOfWork, run: _Run, planner: Planner) -> ExportReport:
    """Snapshot adapters that take every record in one batch (the original contract)."""
    changes: list[Change] = []
    pending: dict[SyncKey, Pending] = {}
    for batch in _batches(uow, run, planner.steps(), None):
        changes.extend(batch.changes)
        pending.update(batch.pending)
    items = ItemLog()
    notes: list[str] = []
    _open(run)
    try:
        outcome = _run_batch(run.adapter, run.batch(changes), run.secrets)
        notes.extend(outcome.notes)
        _save(uow, run, outcome.pairs, pending)
        uow.commit()
        items.add_all(_item(change, result) for change, result in outcome.pairs)
    finally:
        _close(run, notes)
    _logged(run, items)
    return run.report(items, notes)


def _send_stream(uow: UnitOfWork, run: _Run, planner: Planner) -> ExportReport:
    """Snapshot adapters that stream: batches in order, the last one ``final``; the sync
    state is committed once the adapter wrote its target, and if any batch raises, every
    record fails and the sync state stays as it was."""
    size = run.adapter.batch_size or STREAM_BATCH
    items = ItemLog()
    notes: list[str] = []
    raised: str | None = None
    _open(run)
    try:
        for batch, final in _with_final(_batches(uow, run, planner.steps(), size)):
            if raised is not None:
                items.add_all(_item(c, c.failed(raised)) for c in batch.changes)
                continue
            outcome = _run_batch(run.adapter, run.batch(batch.changes, final=final), run.secrets)
            notes.extend(outcome.notes)
            raised = outcome.raised
            if raised is None:
                _save(uow, run, outcome.pairs, batch.pending)
            items.add_all(_item(change, result) for change, result in outcome.pairs)
    finally:
        _close(run, notes)
    if raised is None:
        uow.commit()
    else:
        uow.rollback()
        items = _all_failed(items, raised)
    _logged(run, items)
    return run.report(items, notes)


def _all_failed(items: ItemLog, reason: str) -> ItemLog:
    """The items with every success turned into a failure for ``reason`` (the file that
    would have held them was never written)."""
    out = ItemLog()
    for item in items:
        if item.outcome is not Outcome.FAILED:
            item = attrs.evolve(item, outcome=Outcome.FAILED, reason=reason)
        out.append(item)
    return out


def _dry_run(run: _Run, planner: Planner) -> ExportReport:
    """Every change with its record, and the adapter's preview; nothing sent or saved."""
    capabilities = run.adapter.capabilities
    size: int | None = run.adapter.batch_size
    if capabilities.snapshot:
        size = (run.adapter.batch_size or STREAM_BATCH) if capabilities.streams else None
    items = ItemLog()
    preview: list[dict[str, Any]] = []
    notes: list[str] = []
    for batch, final in _with_final(_batches(None, run, planner.steps(), size)):
        for c in batch.changes:
            items.append(
                ExportItem(
                    record_kind=c.record_kind,
                    local_id=c.local_id,
                    key=c.key,
                    change=c.kind,
                    summary=_summary(c),
                    remote_id=c.remote_id,
                    record=record_to_dict(c.record) if c.record is not None else None,
                )
            )
        if notes or (not batch.changes and not final):
            continue
        whole = final or not capabilities.streams
        try:
            preview.extend(run.adapter.preview(run.batch(batch.changes, final=whole), run.values))
        except Exception as exc:
            notes.append(run.hide(f"the adapter's preview failed: {type(exc).__name__}: {exc}"))
    return run.report(items, notes, dry_run=True, preview=preview)

"""The audit trail in the store: append a row, read rows back. Nothing here (or anywhere
in the library) updates or deletes one, and the database refuses both (a trigger)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev import _model as model
from ips_jobdev._store import tables

__all__ = ["AuditRepository", "AuditRow"]

_a = tables.audit_events.c
_h = tables.change_history.c


@attrs.frozen(slots=True)
class AuditRow:
    """One event of the audit trail (a view, an export, a grant, or a change)."""

    at: dt.datetime
    actor: str
    action: str
    kind: str
    record_id: int | None
    program_id: int | None
    origin: str | None
    detail: Mapping[str, Any] | None


class AuditRepository:
    """``uow.audit``: append audit events and read the trail (views, exports, grants, and
    the change history's changes)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        actor: str,
        action: str,
        kind: str,
        record_id: int | None,
        program_id: int | None,
        origin: str | None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Add one event (written with the unit of work's transaction)."""
        self.session.connection().execute(
            sa.insert(tables.audit_events).values(
                at=model.utc_now(),
                actor=" ".join(actor.split())[:200] or "unknown",
                action=action,
                record_kind=kind,
                record_id=record_id,
                program_id=program_id,
                origin=(origin or None) and origin[:200],
                detail=dict(detail) if detail else None,
            )
        )

    def events(
        self,
        *,
        program_id: int | None,
        since: dt.datetime,
        until: dt.datetime,
        records: Collection[tuple[str, int]] | None = None,
    ) -> Sequence[AuditRow]:
        """Audit events and changes between ``since`` and ``until`` (of program
        ``program_id`` when given; of these (kind, id) records when given), oldest first."""
        events = sa.select(
            _a.at,
            _a.actor,
            _a.action,
            _a.record_kind,
            _a.record_id,
            _a.program_id,
            _a.origin,
            _a.detail,
        ).where(_a.at >= since, _a.at < until)
        changes = sa.select(
            _h.changed_at,
            _h.actor,
            _h.action,
            _h.record_kind,
            _h.record_id,
            _h.program_id,
            _h.operation,
            _h.reason,
        ).where(_h.changed_at >= since, _h.changed_at < until)
        if program_id is not None:
            events = events.where(_a.program_id == program_id)
            changes = changes.where(_h.program_id == program_id)
        if records is not None:
            wanted = sorted(records)
            if not wanted:
                return []
            events = events.where(sa.tuple_(_a.record_kind, _a.record_id).in_(wanted))
            changes = changes.where(sa.tuple_(_h.record_kind, _h.record_id).in_(wanted))
        found = [AuditRow(*row) for row in self.session.execute(events)]
        for row in self.session.execute(changes):
            found.append(
                AuditRow(
                    at=row.changed_at,
                    actor=row.actor,
                    action=f"change:{row.action}",
                    kind=row.record_kind,
                    record_id=row.record_id,
                    program_id=row.program_id,
                    origin=None,
                    detail={"operation": row.operation, "reason": row.reason},
                )
            )
        return sorted(found, key=lambda r: (r.at, r.kind, r.record_id or 0))

"""One row of the change history, as the store reads it and the use cases show it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

__all__ = ["HistoryEntry"]


@attrs.frozen(slots=True)
class HistoryEntry:
    """One row of the change history.

    ``before`` and ``after`` map field names to plain JSON values: for ``created`` only
    ``after`` (every field), for ``deleted`` only ``before`` (every field), for
    ``updated`` the fields that changed. ``after`` may carry notes a use case added
    (``merged_into``, ``do_not_contact_override``).
    """

    id: int
    changed_at: dt.datetime
    actor: str
    kind: str
    record_id: int
    action: str
    record_version: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    operation: str | None
    reason: str | None
    batch: str

    def changes(self) -> list[tuple[str, Any, Any]]:
        """``(field, before, after)`` for every field the row names, by field name."""
        before = self.before or {}
        after = self.after or {}
        return [(f, before.get(f), after.get(f)) for f in sorted(before.keys() | after.keys())]

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain JSON values (the ``entries`` of ``history --json``)."""
        return {
            "id": self.id,
            "at": self.changed_at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "record_id": self.record_id,
            "action": self.action,
            "version": self.record_version,
            "operation": self.operation,
            "reason": self.reason,
            "batch": self.batch,
            "changes": [
                {"field": field, "before": old, "after": new} for field, old, new in self.changes()
            ],
        }

"""Correct the record from a script: fix a visit, void a duplicate, merge two records of one
business, and read back who changed what.

Run: python correct_the_record.py sqlite:///county.sqlite3 VISIT_ID DUPLICATE_VISIT_ID
"""

from __future__ import annotations

import sys

import ips_jobdev as jobdev


def correct(database_url: str, visit_id: int, never_made_id: int) -> jobdev.RecordHistory:
    """Make the corrections as the intake script, in one transaction; return the history
    of the visit corrected."""
    database = jobdev.Database(database_url)
    with database.unit_of_work(actor="county-intake-script") as uow:
        fixed = jobdev.edit_visit(
            uow,
            visit_id,
            {"purpose": "learn-business", "seeker_present": True},
            reason="the paper diary says it was the informational interview",
        )
        jobdev.void_visit(uow, never_made_id, reason="the manager was out: no contact was made")
        twin = jobdev.add_employer(uow, "Example Hardware Store", {"zip": "53590"})
        jobdev.merge_employers(uow, "DC-0002", twin, reason="same store, entered twice")
        uow.commit()
        for change in fixed.changes:
            print(f"visit #{visit_id} {change.field}: {change.before} -> {change.after}")
        history = jobdev.record_history(uow, "visit", visit_id)
    database.dispose()
    return history


if __name__ == "__main__":
    for entry in correct(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])).entries:
        print(entry.changed_at.date(), entry.actor, entry.action, entry.operation)

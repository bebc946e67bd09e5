"""What the local Salesforce and HubSpot fakes receive from exports, as one JSON file, to
compare two versions of the code (an optimisation must send the same thing).

For each store given (copied first, never written) and each CRM plugin: a first export,
then edits (five employers renamed, four visits cancelled, four moved, one deleted) and a
second export. Written: every request (method, path, query, parsed body in the order of
its keys, status), sorted; every report item; the sync state (fingerprints, sequences,
deletions, bases without the target's context, payloads). Requests go one at a time, so
the ids the fakes give follow the order sent and the file is the same run after run.

    PYTHONPATH=src:plugins/ips-jobdev-salesforce/src:plugins/ips-jobdev-hubspot/src \\
        python benchmarks/crm_payloads.py before.json demo.sqlite3 statewide-x0.01.sqlite3
    (the same with the other tree) ... after.json ...; cmp before.json after.json
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ips_jobdev import Database
from ips_jobdev._model import Employer, Visit
from ips_jobdev._sync import export as sync
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.adapters import http

_make_client = http.JsonHttpClient.__init__


def _one_at_a_time(self: http.JsonHttpClient, *args: Any, **kwargs: Any) -> None:
    kwargs["concurrency"] = 1
    _make_client(self, *args, **kwargs)


def _crms() -> Iterator[tuple[str, Any, Any, Any]]:
    from ips_jobdev_hubspot import HubSpotAdapter
    from ips_jobdev_hubspot.fake import FakeHubSpot
    from ips_jobdev_salesforce import SalesforceAdapter
    from ips_jobdev_salesforce.fake import FakeSalesforce

    yield "salesforce", FakeSalesforce, SalesforceAdapter, "instance_url"
    yield "hubspot", FakeHubSpot, HubSpotAdapter, "base_url"


def _edit(database: Database) -> None:
    with database.unit_of_work() as uow:
        session = uow.session
        employers = session.scalars(sa.select(Employer).order_by(Employer.id).limit(5)).all()
        for employer in employers:
            employer.name = f"{employer.name} Co"
        visits = session.scalars(sa.select(Visit).order_by(Visit.id).limit(12)).all()
        for visit in visits[:4]:
            visit.status = VisitStatus.CANCELLED
        for visit in visits[4:8]:
            visit.at = visit.at + dt.timedelta(hours=1)
        session.delete(visits[10])
        uow.commit()


def _state(database: Database) -> list[list[Any]]:
    statement = sa.text(
        "SELECT adapter, record_kind, local_id, fingerprint, sequence, deleted, basis, payload "
        "FROM sync_state ORDER BY adapter, record_kind, local_id"
    )
    with database.unit_of_work() as uow:
        rows = uow.session.execute(statement).all()
    # the basis starts with the context, which holds the fake's port: left out
    return [[*row[:6], row[6].partition("|")[2] if row[6] else row[6], row[7]] for row in rows]


def _exports(store: Path, folder: Path, crm: tuple[str, Any, Any, Any]) -> list[dict[str, Any]]:
    name, fake_class, adapter_class, url_option = crm
    copy = folder / f"{store.stem}-{name}.sqlite3"
    shutil.copyfile(store, copy)
    database = Database(f"sqlite:///{copy}")
    runs: list[dict[str, Any]] = []
    with fake_class() as fake:
        options = {url_option: fake.url, "access_token": fake.token}
        for second in (False, True):
            if second:
                _edit(database)
            before = len(fake.requests)
            with database.unit_of_work() as uow:
                adapter = adapter_class(sleep=lambda seconds: None)
                report = sync.export(uow, adapter, options=options, environ={})
            requests = sorted(
                json.dumps([r.method, r.path, r.query, r.body, r.status], ensure_ascii=False)
                for r in fake.requests[before:]
            )
            items = [
                [str(i.record_kind), i.local_id, i.key, str(i.change), i.summary, str(i.outcome)]
                for i in report.items
            ]
            reasons = [i.reason for i in report.items]
            runs.append(
                {"requests": requests, "items": items, "reasons": reasons, "notes": report.notes}
            )
    runs.append({"state": _state(database)})
    database.dispose()
    return runs


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    http.JsonHttpClient.__init__ = _one_at_a_time  # type: ignore[method-assign]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for store in map(Path, argv[1:]):
            for crm in _crms():
                out[f"{store.name} {crm[0]}"] = _exports(store, Path(tmp), crm)
                first = out[f"{store.name} {crm[0]}"][0]
                print(f"{store.name} {crm[0]}: {len(first['requests'])} requests first")
    Path(argv[0]).write_text(json.dumps(out, indent=0, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

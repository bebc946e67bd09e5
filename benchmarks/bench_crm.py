"""Benchmark: upsert 10,000 employers and 50,000 visits into each CRM's local fake server.

For each CRM plugin installed (``ips-jobdev-salesforce``, ``ips-jobdev-hubspot``) it times,
in the same process, against a fresh fake server each:

- the *export*: ``ips_jobdev._sync.export.export`` of a fresh store copy (gather, redact, plan,
  send, read each record's result, save the sync state), and the request count;
- the *re-export*: the same export again, which must send nothing;
- the *baseline*: the plugin's bare client upserting the same payloads, built beforehand
  (only HTTP, JSON and the fake server's work: the floor any exporter pays).

(with ``--core``, also the CPU of an export to an adapter that sends nothing: the core's
part, against each floor) and reports the times, the request counts and the
export/baseline ratio, then the rows of
issue 14's table (project, floor, ratio, goal, met: within 2x of the floor; a repeat
export under 1 s). With
``--throttle-every N`` the fake answers every N-th request with its rate-limit error
(``403 REQUEST_LIMIT_EXCEEDED`` or ``429``) and the waits are recorded, not slept.

The data are fictional and deterministic: made-up businesses at numbered example
streets in real Dane County ZIP codes, phones in the reserved 555-01xx range.

Run (both plugins installed in the environment)::

    python benchmarks/bench_crm.py
    python benchmarks/bench_crm.py --employers 1000 --visits 5000 --throttle-every 50

Figures are printed and written to ``benchmarks/results/crm.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import importlib.util
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ips_jobdev import Database
from ips_jobdev._model import Employer, Specialist, Visit
from ips_jobdev._sync import export as sync
from ips_jobdev._sync.gather import gather
from ips_jobdev._version import __version__
from ips_jobdev._vocab import VisitPurpose, VisitStatus
from ips_jobdev.adapters import (
    Adapter,
    Audience,
    CancelStyle,
    Capabilities,
    ExportBatch,
    ExportResult,
    RecordKind,
)

RESULTS = Path(__file__).resolve().parent / "results" / "crm.json"
SEED = 20261207
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
ZIPS = ["53703", "53704", "53705", "53711", "53713", "53714", "53590", "53562", "53593"]
WORDS = ["Maple", "Cedar", "Prairie", "Lakeside", "Badger", "Harbor", "Willow", "Granite"]
KINDS = ["Bakery", "Grocery", "Hardware", "Diner", "Warehouse", "Garden Center", "Laundry"]
INDUSTRIES = ["food service", "retail", "warehouse and logistics", "hospitality", None]


def build(url: str, employers: int, visits: int) -> None:
    """A store with ``employers`` employers and ``visits`` visits (8 specialists)."""
    rng = random.Random(SEED)
    database = Database(url)
    with database.unit_of_work() as uow:
        specialists = [
            uow.specialists.add(Specialist(code=f"s{i}", name=f"Specialist {i} Example"))
            for i in range(8)
        ]
        uow.flush()
        made: list[Employer] = []
        for i in range(employers):
            zip_code = rng.choice(ZIPS)
            made.append(
                Employer(
                    name=f"{rng.choice(WORDS)} {rng.choice(KINDS)} {i}",
                    industry=rng.choice(INDUSTRIES),
                    street=f"{100 + i} Example St",
                    city="Madison" if zip_code.startswith("537") else "Sun Prairie",
                    state="WI",
                    zip=zip_code,
                    phone=f"608-555-01{i % 100:02d} x{i}",
                    website=f"https://shop{i}.example.org",
                )
            )
        uow.employers.add_all(made)
        uow.flush()
        start = dt.datetime(2026, 1, 5, 8, 30, tzinfo=CHICAGO)
        for j in range(visits):
            employer = made[rng.randrange(employers)]
            assert employer.id is not None
            specialist = specialists[j % len(specialists)]
            assert specialist.id is not None
            at = start + dt.timedelta(days=j // 40, minutes=30 * (j % 16))
            uow.session.add(
                Visit(
                    employer_id=employer.id,
                    specialist_id=specialist.id,
                    at=at,
                    purpose=rng.choice(list(VisitPurpose)),
                    status=VisitStatus.DONE if at.year == 2026 else VisitStatus.PLANNED,
                )
            )
            if j % 10_000 == 9_999:
                uow.flush()
        uow.commit()
    database.dispose()


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def timed_cpu(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``function`` (CPU: this process, fake server included)."""
    began, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - began, time.process_time() - cpu, result


def gathered(url: str) -> dict[RecordKind, dict[int, Any]]:
    database = Database(url)
    with database.unit_of_work() as uow:
        kinds = {RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT}
        records = gather(uow, kinds, Audience.EMPLOYER_FACING)
    database.dispose()
    return records


def salesforce_case(records: dict[RecordKind, dict[int, Any]], throttle: int) -> dict[str, Any]:
    from ips_jobdev_salesforce import SalesforceAdapter, fields
    from ips_jobdev_salesforce.client import SalesforceClient
    from ips_jobdev_salesforce.fake import FakeSalesforce

    from ips_jobdev.adapters.http import Secret

    ext = "IPS_Jobdev_Id__c"
    accounts = [
        fields.account_fields(
            r, external_id_field=ext, key=r.key, industry_field="IPS_Jobdev_Industry__c"
        )
        for r in records[RecordKind.EMPLOYER].values()
    ]
    events = [
        fields.event_fields(
            r, external_id_field=ext, key=r.key, account_key=r.employer_key, contact_key=None
        )
        for r in records[RecordKind.VISIT].values()
    ]

    def baseline(fake: Any, waits: list[float]) -> int:
        client = SalesforceClient(fake.url, Secret(fake.token), sleep=waits.append)
        client.upsert("Account", ext, accounts)
        client.upsert("Event", ext, events)
        client.close()
        return client.requests

    def make_fake() -> Any:
        return FakeSalesforce(throttle_every=throttle)

    def options(fake: Any) -> dict[str, Any]:
        return {"instance_url": fake.url, "access_token": fake.token}

    return {
        "baseline": baseline,
        "fake": make_fake,
        "adapter": SalesforceAdapter,
        "options": options,
    }


def hubspot_case(records: dict[RecordKind, dict[int, Any]], throttle: int) -> dict[str, Any]:
    from ips_jobdev_hubspot import HubSpotAdapter
    from ips_jobdev_hubspot import properties as props
    from ips_jobdev_hubspot.client import HubSpotClient
    from ips_jobdev_hubspot.fake import FakeHubSpot

    from ips_jobdev.adapters.http import Secret

    companies = [
        (r.key, props.company_properties(r, industry_property="ips_jobdev_industry"))
        for r in records[RecordKind.EMPLOYER].values()
    ]
    meetings = [
        (r.key, props.meeting_properties(r) | {"ips_jobdev_id": r.key})
        for r in records[RecordKind.VISIT].values()
    ]
    parents = [r.employer_key for r in records[RecordKind.VISIT].values()]

    def baseline(fake: Any, waits: list[float]) -> int:
        client = HubSpotClient(Secret(fake.token), base_url=fake.url, sleep=waits.append)
        made = {r.key: r.id for r in client.upsert("companies", "ips_jobdev_id", companies)}
        linked = [
            (key, values | {"ips_jobdev_links": f"companies:{made[parent]}"})
            for (key, values), parent in zip(meetings, parents, strict=True)
        ]
        done = client.create("meetings", linked)
        pairs = [(str(m.id), str(made[p])) for m, p in zip(done, parents, strict=True)]
        client.associate("meetings", "companies", pairs)
        client.close()
        return client.requests

    def make_fake() -> Any:
        return FakeHubSpot(throttle_every=throttle)

    def options(fake: Any) -> dict[str, Any]:
        return {"base_url": fake.url, "access_token": fake.token}

    return {"baseline": baseline, "fake": make_fake, "adapter": HubSpotAdapter, "options": options}


def _time_adapter(adapter: Any) -> list[float]:
    """Count the seconds spent inside the adapter (open, export, close): the plugin's part
    of an export. The adapter works in a thread of its own while the core (gather, redact,
    plan, sync state) prepares the next batch, so the two overlap: the export takes less
    than their sum."""
    spent = [0.0]
    for name in ("open", "export", "close"):
        method = getattr(adapter, name)

        def wrapped(*args: Any, _method: Any = method) -> Any:
            began = time.perf_counter()
            try:
                return _method(*args)
            finally:
                spent[0] += time.perf_counter() - began

        setattr(adapter, name, wrapped)
    return spent


class _SendsNothing(Adapter):
    """The CRM adapters' shape (audience, kinds, batches) with nothing sent: an export to
    it costs what the core does (gather, redact, plan, fingerprints, sync state)."""

    name = "sends-nothing"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT})
    capabilities = Capabilities(updates=True, deletes=True, cancel_style=CancelStyle.DELETE)
    batch_size = 2000

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        return [change.created(f"remote-{change.local_id}") for change in batch.changes]


def core_cpu(template: Path, folder: Path) -> float:
    """CPU seconds of a first export to an adapter that sends nothing: the core's part."""
    copy = folder / "core.sqlite3"
    shutil.copyfile(template, copy)
    database = Database(f"sqlite:///{copy}")
    try:
        with database.unit_of_work() as uow:
            _, cpu, report = timed_cpu(
                lambda: sync.export(uow, _SendsNothing(), options={}, environ={})
            )
    finally:
        database.dispose()
    assert report.ok
    return cpu


def run_case(name: str, case: dict[str, Any], template: Path, folder: Path) -> dict[str, Any]:
    """One plugin's figures; ``case`` gives up its baseline (and with it the payloads built
    for it), so that they are not alive while the export is timed: the collector of a real
    export's process has no such objects to go through."""
    waits: list[float] = []
    gc.collect()
    with case["fake"]() as fake:
        baseline = functools.partial(case.pop("baseline"), fake, waits)
        base_time, base_cpu, base_requests = timed_cpu(baseline)
        del baseline
    gc.collect()
    copy = folder / f"{name}.sqlite3"
    shutil.copyfile(template, copy)
    database = Database(f"sqlite:///{copy}")
    adapter = case["adapter"](sleep=waits.append)
    inside = _time_adapter(adapter)
    try:
        with case["fake"]() as fake:

            def export() -> sync.ExportReport:
                with database.unit_of_work() as uow:
                    return sync.export(uow, adapter, options=case["options"](fake), environ={})

            first_time, first_cpu, first = timed_cpu(export)
            adapter_time = inside[0]
            first_requests = len(fake.requests)
            again_time, again = timed(export)
            again_requests = len(fake.requests) - first_requests
    finally:
        database.dispose()
    assert first.ok, first.failures[:3]
    assert again.sent == 0
    return {
        "records": len(first.items),
        "export_seconds": round(first_time, 3),
        "export_cpu_seconds": round(first_cpu, 3),
        "export_requests": first_requests,
        "adapter_seconds": round(adapter_time, 3),
        "adapter_ratio_to_baseline": round(adapter_time / base_time, 2),
        "records_per_second": round(len(first.items) / first_time),
        "reexport_seconds": round(again_time, 3),
        "reexport_requests": again_requests,
        "baseline_seconds": round(base_time, 3),
        "baseline_cpu_seconds": round(base_cpu, 3),
        "baseline_requests": base_requests,
        "ratio_to_baseline": round(first_time / base_time, 2),
        "cpu_ratio_to_baseline": round(first_cpu / base_cpu, 2),
        "throttled_waits_recorded": len(waits),
    }


GOAL_RATIO = 2.0
GOAL_REEXPORT_SECONDS = 1.0


def print_table(results: dict[str, Any]) -> None:
    """The rows of the issue's table: project, floor, ratio, goal, met."""
    print(f"{'what':<34} {'project':>9} {'floor':>9} {'ratio':>6} {'goal':>8}  met")
    for name, figures in results.items():
        ratio = figures["ratio_to_baseline"]
        print(
            f"{name + ' export':<34} {figures['export_seconds']:>8.2f}s "
            f"{figures['baseline_seconds']:>8.2f}s {ratio:>6.2f} {'<= 2':>8}  "
            f"{'yes' if ratio <= GOAL_RATIO else 'no'}"
        )
        part = figures["adapter_ratio_to_baseline"]
        print(
            f"{'  of which in the adapter':<34} {figures['adapter_seconds']:>8.2f}s "
            f"{figures['baseline_seconds']:>8.2f}s {part:>6.2f} {'<= 2':>8}  "
            f"{'yes' if part <= GOAL_RATIO else 'no'}"
        )
        again = figures["reexport_seconds"]
        print(
            f"{name + ' repeat, nothing to send':<34} {again:>8.2f}s {'-':>9} {'-':>6} "
            f"{'< 1 s':>8}  {'yes' if again < GOAL_REEXPORT_SECONDS else 'no'}"
        )


def _installed() -> dict[str, str]:
    return {
        name: module
        for name, module in (
            ("salesforce", "ips_jobdev_salesforce"),
            ("hubspot", "ips_jobdev_hubspot"),
        )
        if importlib.util.find_spec(module) is not None
    }


def _case(name: str, template: Path, throttle_every: int) -> dict[str, Any]:
    """One plugin's case, its baseline's payloads built from the records gathered for it
    alone (the records are not kept: nothing of one case is alive during the next)."""
    maker = salesforce_case if name == "salesforce" else hubspot_case
    return maker(gathered(f"sqlite:///{template}"), throttle_every)


def measure(employers: int, visits: int, throttle_every: int = 0) -> dict[str, Any]:
    """Each installed CRM plugin's figures (:func:`run_case`) on a store of ``employers``
    employers and ``visits`` visits."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.sqlite3"
        build(f"sqlite:///{template}", employers, visits)
        results: dict[str, Any] = {}
        for name in _installed():
            results[name] = run_case(name, _case(name, template, throttle_every), template, folder)
    return results


def table_rows(settings: Any) -> Iterator[Any]:
    """The CRM rows of the issue's table, for ``benchmarks/run``: each plugin's first export
    of 10,000 employers and 50,000 visits against its bare client sending the same payloads
    (wall clock and CPU), and the repeat export that sends nothing (SQLite store)."""
    from table import Row

    employers, visits = (40, 200) if settings.small else (10_000, 50_000)
    for name, figures in measure(employers, visits).items():
        label = {"salesforce": "Salesforce", "hubspot": "HubSpot"}[name]
        size = f"{employers:,} employers + {visits:,} visits"
        yield Row(
            what=f"{label} export, {size}",
            database="SQLite",
            project=figures["export_seconds"],
            unit="s",
            floor=figures["baseline_seconds"],
            floor_what="the plugin's bare client sending the same payloads",
            max_ratio=GOAL_RATIO,
            source="bench_crm",
            notes={"requests": figures["export_requests"]},
        )
        yield Row(
            what=f"{label} export, {size}, CPU seconds",
            database="SQLite",
            project=figures["export_cpu_seconds"],
            unit="s",
            floor=figures["baseline_cpu_seconds"],
            floor_what="the bare client (CPU)",
            max_ratio=GOAL_RATIO,
            source="bench_crm",
        )
        yield Row(
            what=f"{label} repeat export, nothing to send",
            database="SQLite",
            project=figures["reexport_seconds"],
            unit="s",
            goal=GOAL_REEXPORT_SECONDS,
            source="bench_crm",
            notes={"requests": figures["reexport_requests"]},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--throttle-every", type=int, default=0)
    parser.add_argument(
        "--core",
        action="store_true",
        help="also time the core alone: an export to an adapter that sends nothing (CPU)",
    )
    args = parser.parse_args(argv)
    cases = {
        name: module
        for name, module in (
            ("salesforce", "ips_jobdev_salesforce"),
            ("hubspot", "ips_jobdev_hubspot"),
        )
        if importlib.util.find_spec(module) is not None
    }
    if not cases:
        print("Install ips-jobdev-salesforce and/or ips-jobdev-hubspot first.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.sqlite3"
        build_time, _ = timed(lambda: build(f"sqlite:///{template}", args.employers, args.visits))
        print(f"store: {args.employers} employers, {args.visits} visits in {build_time:.1f} s")
        results: dict[str, Any] = {}
        for name in cases:
            case = _case(name, template, args.throttle_every)
            results[name] = run_case(name, case, template, folder)
            figures = results[name]
            print(
                f"{name}: {figures['records']} records in {figures['export_seconds']} s "
                f"({figures['export_requests']} requests); re-export "
                f"{figures['reexport_seconds']} s ({figures['reexport_requests']} requests); "
                f"baseline {figures['baseline_seconds']} s ({figures['baseline_requests']} "
                f"requests); ratio {figures['ratio_to_baseline']}; CPU "
                f"{figures['export_cpu_seconds']} s against {figures['baseline_cpu_seconds']} s "
                f"(ratio {figures['cpu_ratio_to_baseline']})"
            )
        core: float | None = None
        if args.core:
            core = core_cpu(template, folder)
            floors = ", ".join(
                f"{n} {core / f['baseline_cpu_seconds']:.2f}x its floor" for n, f in results.items()
            )
            print(f"core alone (an adapter that sends nothing): CPU {core:.3f} s ({floors})")
        print_table(results)
    document = {
        "benchmark": "crm",
        "ips_jobdev": __version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu",
        "employers": args.employers,
        "visits": args.visits,
        "throttle_every": args.throttle_every,
        "results": results,
        "core_cpu_seconds": None if core is None else round(core, 3),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The parts of an export that need no database: the item log, safe files, fingerprints,
and the contract's new capabilities."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev import _files
from ips_jobdev._records import (
    EmployerRecord,
    ExportRecord,
    FitNoteRecord,
    FitRatingRecord,
    PersonRecord,
    RecordKind,
    SeekerRef,
    VisitRecord,
    _plain,
)
from ips_jobdev._sync.export import _run_batch
from ips_jobdev._sync.report import FIRST_FAILURES, ExportItem, ExportReport, ItemLog
from ips_jobdev._vocab import ContactMode, Disclosure, FitRating, VisitStatus
from ips_jobdev.adapters import (
    Adapter,
    Audience,
    Capabilities,
    Change,
    ChangeKind,
    ExportBatch,
    ExportResult,
    Outcome,
    validate_adapter_class,
)
from ips_jobdev.errors import AdapterError


def _item(n: int, outcome: Outcome = Outcome.CREATED, reason: str | None = None) -> ExportItem:
    return ExportItem(
        record_kind=RecordKind.VISIT,
        local_id=n,
        key=f"visit-{n}",
        change=ChangeKind.CREATE,
        summary=f"visit {n}",
        outcome=outcome,
        remote_id=f"R{n}",
        reason=reason,
        record={"id": n, "seekers": [{"label": "JS-1"}], "start": "2026-12-07T16:00:00+00:00"},
    )


def test_the_item_log_keeps_the_first_items_in_memory_and_the_rest_on_disk() -> None:
    items = [_item(n) for n in range(25)] + [_item(25 + n, Outcome.FAILED, "no") for n in range(7)]
    log = ItemLog(memory=10)
    for item in items:
        log.append(item)
    assert len(log) == 32
    assert list(log) == items
    assert list(log) == items, "it can be read again"
    assert log[3] == items[3]
    assert log[30] == items[30]
    assert log[-1] == items[-1]
    assert log == tuple(items)
    assert log != tuple(items[:-1])
    report = ExportReport(
        adapter="x",
        target="t",
        audience=Audience.TEAM,
        dry_run=False,
        options={},
        items=log,
        started_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
    )
    assert report.counts == {"created": 25, "failed": 7}
    assert (report.sent, report.failed, report.ok) == (32, 7, False)
    assert report.first_failures == tuple(items[25 : 25 + FIRST_FAILURES])
    assert report.failures == tuple(items[25:])
    assert report.failure_reasons == [("no", 7)]
    assert [i["id"] for i in report.to_dict()["items"]] == list(range(32))


def test_items_added_as_values_read_back_as_the_items_appended() -> None:
    items = [
        attrs.evolve(_item(n, *((Outcome.FAILED, "no") if n % 4 == 3 else ())), record=None)
        for n in range(25)
    ]
    items[5] = attrs.evolve(items[5], change=ChangeKind.UNCHANGED, outcome=Outcome.UNCHANGED)
    appended, added, together = ItemLog(memory=10), ItemLog(memory=10), ItemLog(memory=10)
    for item in items:
        appended.append(item)
        added.add_all([attrs.astuple(item, recurse=False)[:-1]])
    together.add_all(attrs.astuple(item, recurse=False)[:-1] for item in items[:13])
    together.append(items[13])
    together.add_all(attrs.astuple(item, recurse=False)[:-1] for item in items[14:])
    assert list(added) == list(appended) == list(together) == items
    assert (together.changes, together.outcomes) == (added.changes, added.outcomes)
    assert (together.first_failures, together.reasons) == (added.first_failures, added.reasons)
    assert added.changes == appended.changes == {"create": 24, "unchanged": 1}
    assert list(added.outcomes.items()) == [("created", 18), ("failed", 6), ("unchanged", 1)]
    assert added.first_failures == appended.first_failures == items[3:20:4]
    assert (added.failed, added.reasons) == (6, {"no": 6})


def test_a_report_made_from_a_tuple_counts_the_same() -> None:
    report = ExportReport(
        adapter="x",
        target="t",
        audience=Audience.TEAM,
        dry_run=True,
        options={},
        items=(_item(1), _item(2)),
        started_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
    )
    assert report.counts == {"create": 2}
    assert report.items == (_item(1), _item(2))


def test_a_file_is_written_whole_private_and_never_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "new" / "out.txt"
    _files.write_file(target, b"one")
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(_files.FileWriteError, match="already exists; use --force"):
        _files.write_file(target, b"two")
    _files.write_file(target, b"two", ours=lambda p: p.read_bytes() == b"one")
    assert target.read_bytes() == b"two"
    _files.write_file(target, b"three", replace=True)
    assert target.read_bytes() == b"three"
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"keep")
    link = tmp_path / "link.txt"
    link.symlink_to(elsewhere)
    with pytest.raises(_files.FileWriteError, match="is a symbolic link"):
        _files.write_file(link, b"x", replace=True)
    assert elsewhere.read_bytes() == b"keep"
    with pytest.raises(_files.FileWriteError, match="is a folder"):
        _files.write_file(tmp_path / "new", b"x", replace=True)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def interrupted() -> None:
        with _files.atomic_writer(target, replace=True) as stream:
            stream.write(b"half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(_files.FileWriteError, match="Not a directory"):
        _files.check_target(tmp_path / "a-file" / "out.txt")
    with pytest.raises(_files.FileWriteError, match="a-file is not a folder"):
        _files.probe_folder(tmp_path / "a-file" / "out.txt")


def _plain_fingerprint(record: ExportRecord) -> str:
    text = json.dumps(_plain(record), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{record.kind.value}:{text}".encode()).hexdigest()


_text = st.text(max_size=40)
_seeker = st.builds(
    SeekerRef, label=_text.filter(bool), code=st.none() | _text, name=st.none() | _text
)


@given(
    title=_text,
    reason=st.none() | _text,
    seekers=st.lists(_seeker, max_size=3),
    minutes=st.integers(0, 600),
    present=st.booleans(),
    zone=st.sampled_from([dt.UTC, ZoneInfo("UTC"), ZoneInfo("America/Chicago")]),
)
def test_fingerprints_are_the_hash_of_the_records_plain_json(
    title: str,
    reason: str | None,
    seekers: list[SeekerRef],
    minutes: int,
    present: bool,
    zone: dt.tzinfo,
) -> None:
    start = dt.datetime(2026, 12, 7, 16, tzinfo=zone)
    visit = VisitRecord(
        id=1,
        employer_id=2,
        employer_name="Example Bakery",
        specialist_code="ab",
        specialist_name="Alex Example",
        timezone="America/Chicago",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        mode="in-person",  # type: ignore[arg-type]
        purpose="introduce",  # type: ignore[arg-type]
        status="planned",  # type: ignore[arg-type]
        title=title,
        description="d",
        seekers=tuple(seekers),
        seeker_present=present,
        reason=reason,
    )
    assert visit.fingerprint == _plain_fingerprint(visit)
    employer = EmployerRecord(id=3, name=title or "x", latitude=43.07, job_types=(title,))
    assert employer.fingerprint == _plain_fingerprint(employer)
    note = FitNoteRecord(
        id=4,
        seeker=seekers[0] if seekers else SeekerRef(label="JS-1"),
        employer_id=2,
        employer_name="Example Bakery",
        author_code="ab",
        overall="good",
        written_at=start,
        ratings=(FitRatingRecord("pace", "partial", reason),),
        text=reason,
    )
    assert note.fingerprint == _plain_fingerprint(note)


def test_fingerprints_keep_their_bytes_from_one_version_to_the_next() -> None:
    # the sync state stores these: a fingerprint that changed its bytes would make the
    # next export send every record again (pinned as version 0.x wrote them)
    start = dt.datetime(2026, 12, 7, 10, 30, tzinfo=ZoneInfo("America/Chicago"))
    seekers = (
        SeekerRef(label="Maria Lopez", code="JS-7", name="Maria Lopez", disclosure="disclose"),  # type: ignore[arg-type]
        SeekerRef(label="JS-8", code="JS-8"),
    )
    visit = VisitRecord(
        id=42,
        employer_id=3,
        employer_name="Example Bakery \u00e9",
        specialist_code="ab",
        specialist_name="Alex Example",
        timezone="America/Chicago",
        start=start.astimezone(dt.UTC),
        end=start + dt.timedelta(minutes=45),
        mode="in-person",  # type: ignore[arg-type]
        purpose="introduce",  # type: ignore[arg-type]
        status="planned",  # type: ignore[arg-type]
        title="Introduce: Example Bakery",
        description="Purpose: Introduce\nContact: in-person",
        employer_address="100 Example St, Madison, WI 53703",
        employer_phone="+16085550101;ext=12",
        person_id=7,
        person_name="Pat Example",
        seekers=seekers,
        seeker_present=True,
        reason='Ask about "hours"',
    )
    employer = EmployerRecord(
        id=3,
        name="Example Bakery",
        industry="food service",
        job_types=("baker", "cashier"),
        latitude=43.07,
        longitude=-89.4,
        phone="+16085550101",
        wage_min="15.50",
        size=12,
        bus_access=True,
        shifts=("morning",),
    )
    person = PersonRecord(
        id=7,
        employer_id=3,
        employer_name="Example Bakery",
        name="Pat Example",
        phone="+16085550102",
        email="pat@example.org",
        makes_hiring_decisions=True,
    )
    note = FitNoteRecord(
        id=4,
        seeker=seekers[0],
        employer_id=3,
        employer_name="Example Bakery",
        author_code="ab",
        overall="good",  # type: ignore[arg-type]
        written_at=start,
        ratings=(FitRatingRecord("pace", "good", "steady"),),  # type: ignore[arg-type]
        text="Fits",
    )
    assert visit.fingerprint == "19c8a74b8e30aeb868b3a94139dbd98b47f3753a1a3371465c699324ae715e07"
    assert (
        employer.fingerprint == "977ec36e73a5dc23f818d83317cc55600ca8849116237520dc147966b6928554"
    )
    assert person.fingerprint == "e6fbf04bd138fa1483effddcffc6b1d7cb47e58c56d3936382beefec3ef033cc"
    assert note.fingerprint == "7dbad4347f08c9720dbfada90dc08e0643ccc68e7c447033bb5d6fcb4349cb15"


_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities too: written as the encoder writes them
    _text,
    st.sampled_from([*VisitStatus, *ContactMode, *FitRating, *Disclosure]),
    st.sampled_from([dt.UTC, ZoneInfo("America/Chicago")]).map(
        lambda zone: dt.datetime(2026, 11, 1, 1, 30, tzinfo=zone)
    ),
    st.tuples(_text, st.none()),
    st.builds(lambda label: (SeekerRef(label=label),), _text.filter(bool)),
)


@pytest.mark.parametrize("cls", [EmployerRecord, PersonRecord, VisitRecord, FitNoteRecord])
@given(data=st.data())
def test_fingerprints_write_any_value_in_any_field_as_the_encoder_does(
    cls: type[ExportRecord], data: st.DataObject
) -> None:
    # the fingerprint's writer guesses each field's type from its declaration; a value
    # of another type (records are not checked) must still hash as its plain JSON
    record = cls.__new__(cls)
    for field in attrs.fields(cls):
        object.__setattr__(record, field.name, data.draw(_ODD_VALUES, label=field.name))
    assert record.fingerprint == _plain_fingerprint(record)


class _Returns(Adapter):
    name = "returns"
    audience = Audience.TEAM
    record_kinds = frozenset({RecordKind.VISIT, RecordKind.EMPLOYER})

    def __init__(self, results: list[ExportResult]) -> None:
        self.results = results

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        return self.results


def test_results_pair_with_their_changes_in_order_or_not() -> None:
    changes = [
        Change(ChangeKind.CREATE, None, record_kind=RecordKind.EMPLOYER, local_id=1),
        Change(ChangeKind.CREATE, None, record_kind=RecordKind.VISIT, local_id=1),
        Change(ChangeKind.UPDATE, None, record_kind=RecordKind.VISIT, local_id=2),
    ]
    batch = ExportBatch(adapter="returns", target="t", audience=Audience.TEAM, changes=changes)
    results = [
        changes[0].created("E1"),
        changes[1].failed("refused with tok-123"),
        changes[2].updated("V2"),
    ]
    hidden = [results[0], changes[1].failed("refused with ********"), results[2]]
    in_order = _run_batch(_Returns(results), batch, ["tok-123"])
    shuffled = _run_batch(_Returns(results[::-1]), batch, ["tok-123"])
    assert in_order.pairs == shuffled.pairs == list(zip(changes, hidden, strict=True))
    assert in_order.notes == shuffled.notes == []
    # a result twice, one missing: matched by record, with notes
    odd = _run_batch(_Returns([results[0], results[0], results[2]]), batch, [])
    assert [r.outcome for _, r in odd.pairs] == [Outcome.CREATED, Outcome.FAILED, Outcome.UPDATED]
    assert odd.notes == ["ignored a second result for employer 1"]
    # the same keys in another kind: not the batch's records
    other = [attrs.evolve(r, record_kind=RecordKind.PERSON) for r in results]
    assert {r.outcome for _, r in _run_batch(_Returns(other), batch, []).pairs} == {Outcome.FAILED}


def test_streams_and_payloads_are_for_snapshot_adapters_only() -> None:
    class Odd(Adapter):
        name = "odd"
        audience = Audience.TEAM
        record_kinds = frozenset({RecordKind.EMPLOYER})
        capabilities = Capabilities(streams=True)

        def export(self, batch: ExportBatch) -> list[ExportResult]:
            return []

    with pytest.raises(AdapterError, match="streams and payloads are for snapshot adapters"):
        validate_adapter_class(Odd)

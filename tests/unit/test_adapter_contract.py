"""The adapter contract's parts: options, results, changes, and planning changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev._records import VisitRecord
from ips_jobdev._sync.export import SyncRow, plan_changes
from ips_jobdev.adapters import (
    SECRET_MASK,
    AdapterOption,
    Change,
    ChangeKind,
    EmployerRecord,
    ExportResult,
    Outcome,
    RecordKind,
    mask_options,
    resolve_options,
)
from ips_jobdev.errors import ValidationError

OPTIONS = (
    AdapterOption("url", "Server.", required=True, env="X_URL"),
    AdapterOption("token", "Token.", secret=True, env="X_TOKEN"),
    AdapterOption("retries", "Retries.", type=int, default=3),
    AdapterOption("dry", "Dry.", type=bool, default=False),
    AdapterOption("out", "File.", type=Path),
    AdapterOption("mode", "Mode.", choices=("rest", "bulk"), default="rest"),
)


def test_options_come_from_given_values_then_the_environment_then_defaults() -> None:
    values = resolve_options(
        OPTIONS,
        {"url": "https://crm.example.org", "retries": "5", "dry": "yes", "out": "~/x.csv"},
        environ={"X_TOKEN": "from-env", "X_URL": "ignored"},
    )
    assert values == {
        "url": "https://crm.example.org",
        "token": "from-env",
        "retries": 5,
        "dry": True,
        "out": Path("~/x.csv").expanduser(),
        "mode": "rest",
    }
    assert mask_options(OPTIONS, values)["token"] == SECRET_MASK


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "url: x needs it; give --option url=VALUE or set $X_URL"),
        ({"url": "u", "retries": "many"}, "retries: 'many' is not a whole number"),
        ({"url": "u", "mode": "soap"}, "mode: 'soap' is not one of: rest, bulk"),
        ({"url": "u", "colour": "red"}, "colour: x has no such option"),
        ({"url": "u", "dry": "perhaps"}, "dry: 'perhaps' is not yes or no"),
    ],
)
def test_bad_options_are_refused_with_the_option_named(given: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("$", r"\$")):
        resolve_options(OPTIONS, given, environ={}, adapter="x")


@given(st.text(min_size=1).map(lambda s: f"s3cr3t-{s}"))
def test_a_bad_secret_is_never_quoted_in_the_error(secret: str) -> None:
    option = AdapterOption("pin", "PIN.", type=int, secret=True, choices=("1", "2"))
    with pytest.raises(ValidationError) as caught:
        option.parse(secret)
    assert secret not in str(caught.value)
    assert SECRET_MASK in str(caught.value)


def test_choices_may_be_any_iterable_of_words_and_are_kept_as_a_tuple() -> None:
    option = AdapterOption("mode", "Mode.", choices=["rest", "bulk"])
    assert option.choices == ("rest", "bulk")
    assert option.parse("bulk") == "bulk"
    with pytest.raises(ValidationError, match="'soap' is not one of: rest, bulk"):
        option.parse("soap")


def test_a_failed_result_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="a failed record needs a reason"):
        ExportResult(RecordKind.VISIT, 3, Outcome.FAILED)


def test_change_helpers_make_results_keeping_the_remote_id() -> None:
    change = Change(
        ChangeKind.UPDATE, EmployerRecord(id=7, name="Example Bakery"), remote_id="001A"
    )
    assert change.key == "employer-7"
    assert change.updated() == ExportResult(RecordKind.EMPLOYER, 7, Outcome.UPDATED, "001A")
    assert change.failed("429").reason == "429"
    assert change.failed("429").remote_id == "001A"
    assert not change.failed("x").ok
    gone = Change(ChangeKind.DELETE, None, record_kind=RecordKind.VISIT, local_id=4)
    assert gone.key == "visit-4"
    with pytest.raises(ValidationError, match="needed when there is no record"):
        Change(ChangeKind.DELETE, None)


def _visit(status: str = "planned", hour: int = 16) -> VisitRecord:
    start = dt.datetime(2026, 12, 7, hour, tzinfo=dt.UTC)
    return VisitRecord(
        id=5,
        employer_id=1,
        employer_name="Example Bakery",
        specialist_code="ab",
        specialist_name="Alex Example",
        timezone="America/Chicago",
        start=start,
        end=start + dt.timedelta(minutes=30),
        mode="in-person",
        purpose="introduce",  # type: ignore[arg-type]
        status=status,
        title="t",
        description="d",  # type: ignore[arg-type]
    )


def _row(record: VisitRecord | None, *, deleted: bool = False, sequence: int = 0) -> SyncRow:
    return SyncRow(
        RecordKind.VISIT,
        5,
        "R5",
        record.fingerprint if record else "x",
        sequence,
        deleted,
        dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )


def kinds(changes: list[Change]) -> list[tuple[ChangeKind, int]]:
    return [(c.kind, c.sequence) for c in changes]


def test_planning_changes_covers_every_case_of_the_sync_state() -> None:
    planned, moved, cancelled = _visit(), _visit(hour=17), _visit("cancelled")
    key = (RecordKind.VISIT, 5)
    records = {RecordKind.VISIT: {5: planned}}
    assert kinds(plan_changes(records, {})) == [(ChangeKind.CREATE, 0)]
    assert kinds(plan_changes(records, {key: _row(planned)})) == []
    assert kinds(plan_changes(records, {key: _row(planned)}, snapshot=True)) == [
        (ChangeKind.UNCHANGED, 0)
    ]
    assert kinds(
        plan_changes({RecordKind.VISIT: {5: moved}}, {key: _row(planned, sequence=2)})
    ) == [(ChangeKind.UPDATE, 3)]
    assert kinds(plan_changes({RecordKind.VISIT: {5: cancelled}}, {key: _row(planned)})) == [
        (ChangeKind.CANCEL, 1)
    ]
    assert kinds(plan_changes({RecordKind.VISIT: {5: cancelled}}, {})) == []
    deleted = {key: _row(cancelled, deleted=True, sequence=1)}
    assert kinds(plan_changes({RecordKind.VISIT: {5: cancelled}}, deleted)) == []
    assert kinds(plan_changes({RecordKind.VISIT: {5: planned}}, deleted)) == [
        (ChangeKind.CREATE, 2)
    ]
    gone = plan_changes({}, {key: _row(planned)}, gone={RecordKind.VISIT: {5}})
    assert kinds(gone) == [(ChangeKind.DELETE, 1)]
    assert (gone[0].record, gone[0].remote_id) == (None, "R5")


def test_a_fingerprint_changes_with_any_field_and_only_then() -> None:
    assert _visit().fingerprint == _visit().fingerprint
    assert _visit().fingerprint != _visit(hour=17).fingerprint
    assert _visit().fingerprint != _visit("done").fingerprint

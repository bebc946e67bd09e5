"""The adapter conformance suite: one base class a vendor inherits to check an adapter.

Usage, in the vendor's ``tests/test_conformance.py``::

    import pytest
    from ips_jobdev.testing.conformance import AdapterConformance, RemoteItem

    pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]

    class TestMyCrm(AdapterConformance):
        @pytest.fixture
        def adapter(self, crm_server):
            return MyCrmAdapter()

        @pytest.fixture
        def adapter_options(self, crm_server):
            return {"url": crm_server.url, "token": "test-token"}

        @pytest.fixture
        def remote(self, crm_server):
            return MyCrmRemote(crm_server)   # .items() reads back what arrived

The suite exports the standard records (:mod:`ips_jobdev.testing.records`) through
:func:`ips_jobdev._sync.export.export`, exactly as ``ips-jobdev export`` does, and checks the
contract: every record arrives once; a second export sends nothing and changes nothing; an
edited visit or employer is one update at the same remote id; a cancelled visit is
cancelled or deleted remotely, once; a record gone from the store is deleted (when the
adapter ``deletes``); one failing record is reported with its reason and retried next
time; an adapter that raises fails only its batch; and nothing reaches the remote end that
the adapter's audience may not see, in the standard records nor in generated visits about
several job seekers, each disclosing or not, named or not (a property check with
hypothesis). Checks an adapter's declared capabilities or record kinds rule out are
skipped, with the reason. A vendor who overrides a test says why in a comment.

The vendor's ``remote`` fixture returns an object with ``items()`` (a list of
:class:`RemoteItem`: what is at the remote end now) and, to take part in the per-record
failure check, ``fail_next(key)`` (make the next write of the record with this key, such as
``"visit-3"``, fail). A remote that also has ``received_text()`` (everything that reached
it, such as every request body a fake web service received:
:meth:`ips_jobdev.testing.fake_server.FakeServer.received_text`) has that searched too by
the privacy checks.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ips_jobdev._records import Audience, RecordKind, SeekerRef
from ips_jobdev._store import Database
from ips_jobdev._sync import export as sync
from ips_jobdev._sync import gather as outgoing
from ips_jobdev._vocab import Disclosure, VisitPurpose, VisitStatus
from ips_jobdev.adapters._base import (
    Adapter,
    CancelStyle,
    ChangeKind,
    ExportBatch,
    ExportResult,
    Outcome,
    validate_adapter_class,
)
from ips_jobdev.privacy import PrivacySettings, SeekerLabel, seeker_label
from ips_jobdev.testing import records as std

__all__ = ["AdapterConformance", "FailingRemote", "RecordingRemote", "Remote", "RemoteItem"]


@attrs.frozen
class RemoteItem:
    """One record as it is at the remote end.

    Attributes:
        kind: the kind of record.
        remote_id: its id there (what the adapter returned as ``remote_id``).
        text: every value that arrived, decoded (no line folding, escaping or encoding),
            joined by newlines; the privacy and unicode checks search it.
        key: the local key (``"visit-3"``) when the remote end keeps it, else ``None``.
        cancelled: True when the remote end shows the visit as cancelled.
        start: a visit's start time, when the remote end has one (timezone-aware).
    """

    kind: RecordKind
    remote_id: str
    text: str
    key: str | None = None
    cancelled: bool = False
    start: dt.datetime | None = None


@runtime_checkable
class Remote(Protocol):
    """Reads back what arrived at the remote end."""

    def items(self) -> list[RemoteItem]:
        """Every record there now."""
        ...


@runtime_checkable
class FailingRemote(Remote, Protocol):
    """A remote end that can be told to refuse the next write of one record."""

    def fail_next(self, key: str) -> None:
        """Make the next write of the record with this key (``"visit-3"``) fail."""
        ...


@runtime_checkable
class RecordingRemote(Remote, Protocol):
    """A remote end that keeps everything it received (a fake web service's request log)."""

    def received_text(self) -> str:
        """Everything that reached the remote end so far, as one text."""
        ...


def _first_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.split()[0] for name in names)


_case_numbers = itertools.count()

_case_seekers = st.lists(
    st.tuples(st.sampled_from(list(Disclosure)), st.booleans()), min_size=1, max_size=5
)


def _shown_as(seeker: std.CaseSeeker, audience: Audience, settings: PrivacySettings) -> str | None:
    """How ``audience`` must see the job seeker (``None``: not at all)."""
    label = seeker.name or seeker.code
    if audience is Audience.EMPLOYER_FACING:
        return label if seeker.disclosure is Disclosure.DISCLOSE else None
    if audience is Audience.PERSONAL_CALENDAR:
        ref = SeekerRef(label=label, code=seeker.code, name=seeker.name)
        return seeker_label(ref, settings.seeker_label)
    return label


def _never_shown(case: std.PrivacyCase, audience: Audience, settings: PrivacySettings) -> list[str]:
    """The texts of ``case`` that must not reach ``audience``."""
    forbidden = [text for seeker in case.seekers for text in seeker.preference_texts]
    if audience is Audience.TEAM:
        return forbidden
    forbidden += [*case.team_texts, "not-disclose", "undecided"]
    if audience is Audience.EMPLOYER_FACING:
        forbidden.append(case.reason_text)
        hidden = [s for s in case.seekers if s.disclosure is not Disclosure.DISCLOSE]
        forbidden += [text for s in hidden for text in (s.code, s.first, s.last)]
    elif settings.seeker_label is not SeekerLabel.NAME:
        forbidden += [text for s in case.seekers for text in (s.first, s.last)]
    return forbidden


class AdapterConformance:
    """Inherit this class and provide the fixtures ``adapter`` and ``remote``.

    Optional fixtures: ``adapter_options`` (a dict, default empty), ``export_target``
    (default: what the adapter derives from its options) and ``privacy_settings``.
    The adapter instance is opened and closed once per export and must open again.

    Attributes:
        privacy_examples: how many generated cases the privacy property check exports
            (each one export; raise it for a longer search, as a nightly run might).
    """

    privacy_examples: int = 15

    @pytest.fixture
    def _standard(self, tmp_path: Path) -> Iterator[tuple[Database, std.StandardRecords]]:
        database, records = std.standard_database(tmp_path / "jobdev")
        yield database, records
        database.dispose()

    @pytest.fixture
    def jobdev_database(self, _standard: tuple[Database, std.StandardRecords]) -> Database:
        """A database on a new SQLite file holding the standard records."""
        return _standard[0]

    @pytest.fixture
    def standard_records(
        self, _standard: tuple[Database, std.StandardRecords]
    ) -> std.StandardRecords:
        """The ids and marker texts of the standard records in ``jobdev_database``."""
        return _standard[1]

    @pytest.fixture
    def adapter_options(self) -> dict[str, Any]:
        """The options every export passes (override to point at a file or server)."""
        return {}

    @pytest.fixture
    def export_target(self) -> str | None:
        """The target every export passes (``None``: derived from the options)."""
        return None

    @pytest.fixture
    def privacy_settings(self) -> PrivacySettings:
        """The privacy settings every export passes (defaults: job seekers by code)."""
        return PrivacySettings()

    @pytest.fixture
    def run_export(
        self,
        jobdev_database: Database,
        adapter: Adapter,
        adapter_options: dict[str, Any],
        export_target: str | None,
        privacy_settings: PrivacySettings,
        standard_records: std.StandardRecords,
    ) -> Callable[..., sync.ExportReport]:
        """A function that exports the standard records to the adapter; returns the report."""

        def run(**kwargs: Any) -> sync.ExportReport:
            with jobdev_database.unit_of_work() as uow:
                return sync.export(
                    uow,
                    adapter,
                    target=export_target,
                    options=adapter_options,
                    privacy_settings=privacy_settings,
                    environ={},
                    **kwargs,
                )

        return run

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def require_kind(adapter: Adapter, kind: RecordKind) -> None:
        """Skip the calling test when the adapter does not take ``kind`` records."""
        if kind not in adapter.record_kinds:
            pytest.skip(f"{adapter.name} does not take {kind.value} records")

    @staticmethod
    def expected(database: Database, adapter: Adapter) -> dict[RecordKind, set[str]]:
        """The keys of the records that should be at the remote end now, by kind."""
        with database.unit_of_work() as uow:
            found = outgoing.gather(uow, adapter.record_kinds, adapter.audience)
        return {
            kind: {
                r.key
                for r in records.values()
                if not (kind is RecordKind.VISIT and r.cancelled)  # type: ignore[union-attr]
            }
            for kind, records in found.items()
            if kind in adapter.record_kinds
        }

    @staticmethod
    def find(remote: Remote, report: sync.ExportReport, key: str) -> RemoteItem | None:
        """The remote item of the record with ``key`` (by its key, else its remote id)."""
        remote_ids = {i.remote_id for i in report.items if i.key == key and i.remote_id}
        for item in remote.items():
            if item.key == key or (item.key is None and item.remote_id in remote_ids):
                return item
        return None

    @staticmethod
    def remote_text(remote: Remote) -> str:
        """Everything at the remote end, as one text."""
        return "\n".join(item.text for item in remote.items())

    @classmethod
    def received_text(cls, remote: Remote) -> str:
        """Everything at the remote end, and everything it received if it keeps that."""
        text = cls.remote_text(remote)
        if isinstance(remote, RecordingRemote):
            text += "\n" + remote.received_text()
        return text

    # -- the contract ------------------------------------------------------------------------

    def test_adapter_declares_a_valid_contract(self, adapter: Adapter) -> None:
        validate_adapter_class(type(adapter))
        assert isinstance(adapter.audience, Audience)
        for option in adapter.options:
            assert option.help, f"option {option.name} needs help text"

    def test_first_export_creates_every_record_once(
        self, run_export: Any, remote: Remote, adapter: Adapter, jobdev_database: Database
    ) -> None:
        report = run_export()
        assert report.ok, [(i.key, i.reason) for i in report.failures]
        assert {i.outcome for i in report.items} <= {Outcome.CREATED}
        assert all(i.remote_id for i in report.items), "every created record needs a remote id"
        expected = self.expected(jobdev_database, adapter)
        for kind, keys in expected.items():
            assert {i.key for i in report.items if i.record_kind is kind} == keys
            arrived = [item for item in remote.items() if item.kind is kind]
            assert len(arrived) == len(keys), f"{kind.value}: {len(arrived)} != {len(keys)}"
        remote_ids = [i.remote_id for i in remote.items()]
        assert len(remote_ids) == len(set(remote_ids)), "remote ids must be unique"

    def test_second_export_sends_nothing_and_changes_nothing(
        self, run_export: Any, remote: Remote
    ) -> None:
        first = run_export()
        assert first.ok
        before = sorted((i.kind, i.remote_id, i.text) for i in remote.items())
        second = run_export()
        assert second.sent == 0
        assert second.ok
        assert {i.outcome for i in second.items} <= {Outcome.UNCHANGED}
        after = sorted((i.kind, i.remote_id, i.text) for i in remote.items())
        assert after == before

    def test_edited_visit_is_sent_as_one_update(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        jobdev_database: Database,
        standard_records: std.StandardRecords,
    ) -> None:
        self.require_kind(adapter, RecordKind.VISIT)
        if not adapter.capabilities.updates:
            pytest.skip(f"{adapter.name} does not update records in place")
        first = run_export()
        key = f"visit-{standard_records.visit_ids['to_edit']}"
        old = self.find(remote, first, key)
        assert old is not None
        count = len(remote.items())
        std.edit_visit(jobdev_database, standard_records)
        second = run_export()
        sent = [i for i in second.items if i.change is not ChangeKind.UNCHANGED]
        assert [(i.key, i.change, i.outcome) for i in sent] == [
            (key, ChangeKind.UPDATE, Outcome.UPDATED)
        ]
        new = self.find(remote, second, key)
        assert new is not None
        assert new.remote_id == old.remote_id
        assert len(remote.items()) == count
        if old.start is not None and new.start is not None:
            assert new.start - old.start == dt.timedelta(hours=1)
        else:
            assert new.text != old.text

    def test_renamed_employer_is_sent_as_an_update(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        jobdev_database: Database,
        standard_records: std.StandardRecords,
    ) -> None:
        self.require_kind(adapter, RecordKind.EMPLOYER)
        if not adapter.capabilities.updates:
            pytest.skip(f"{adapter.name} does not update records in place")
        run_export()
        count = len(remote.items())
        std.rename_employer(jobdev_database, standard_records)
        report = run_export()
        key = f"employer-{standard_records.employer_ids['plain']}"
        changed = {i.key: i for i in report.items if i.change is not ChangeKind.UNCHANGED}
        assert changed[key].change is ChangeKind.UPDATE
        assert all(i.outcome is Outcome.UPDATED for i in changed.values())
        assert len(remote.items()) == count
        item = self.find(remote, report, key)
        assert item is not None
        assert "Fictional Foods Cooperative" in item.text

    def test_cancelled_visit_is_cancelled_remotely_once(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        jobdev_database: Database,
        standard_records: std.StandardRecords,
    ) -> None:
        self.require_kind(adapter, RecordKind.VISIT)
        run_export()
        count = len(remote.items())
        std.cancel_visit(jobdev_database, standard_records)
        report = run_export()
        key = f"visit-{standard_records.visit_ids['to_cancel']}"
        sent = [i for i in report.items if i.change is not ChangeKind.UNCHANGED]
        assert [(i.key, i.change) for i in sent] == [(key, ChangeKind.CANCEL)]
        item = self.find(remote, report, key)
        if adapter.capabilities.cancel_style is CancelStyle.DELETE:
            assert sent[0].outcome is Outcome.DELETED
            assert item is None
            assert len(remote.items()) == count - 1
        else:
            assert sent[0].outcome in (Outcome.UPDATED, Outcome.DELETED)
            assert item is not None
            assert item.cancelled
            assert len(remote.items()) == count
        again = run_export()
        assert again.sent == 0

    def test_visit_cancelled_before_any_export_is_never_sent(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        standard_records: std.StandardRecords,
    ) -> None:
        self.require_kind(adapter, RecordKind.VISIT)
        report = run_export()
        key = f"visit-{standard_records.visit_ids['cancelled_early']}"
        assert key not in {i.key for i in report.items}
        assert all(item.key != key for item in remote.items())

    def test_record_deleted_from_the_store_is_deleted_remotely(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        jobdev_database: Database,
        standard_records: std.StandardRecords,
    ) -> None:
        self.require_kind(adapter, RecordKind.VISIT)
        if not adapter.capabilities.deletes:
            pytest.skip(f"{adapter.name} does not delete records")
        run_export()
        count = len(remote.items())
        key = f"visit-{standard_records.visit_ids['long_reason']}"
        std.delete_visit(jobdev_database, standard_records)
        report = run_export()
        sent = [i for i in report.items if i.change is not ChangeKind.UNCHANGED]
        assert [(i.key, i.change, i.outcome) for i in sent] == [
            (key, ChangeKind.DELETE, Outcome.DELETED)
        ]
        assert all(item.key != key for item in remote.items())
        assert len(remote.items()) == count - 1
        assert run_export().sent == 0

    def test_one_failing_record_is_reported_and_retried(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        standard_records: std.StandardRecords,
    ) -> None:
        if not isinstance(remote, FailingRemote):
            pytest.skip("the remote fixture has no fail_next(key)")
        if RecordKind.VISIT in adapter.record_kinds:
            key = f"visit-{standard_records.visit_ids['planned']}"
        else:
            kind = sorted(adapter.record_kinds)[0]
            key = {
                RecordKind.EMPLOYER: f"employer-{standard_records.employer_ids['plain']}",
                RecordKind.PERSON: f"person-{standard_records.person_ids['manager']}",
                RecordKind.FIT_NOTE: f"fit-note-{standard_records.fit_note_id}",
            }[kind]
        remote.fail_next(key)
        first = run_export()
        failed = [i for i in first.items if i.outcome is Outcome.FAILED]
        assert [i.key for i in failed] == [key]
        assert failed[0].reason
        assert all(i.outcome is Outcome.CREATED for i in first.items if i.key != key)
        assert all(item.key != key for item in remote.items())
        second = run_export()
        sent = [i for i in second.items if i.change is not ChangeKind.UNCHANGED]
        assert [(i.key, i.change, i.outcome) for i in sent] == [
            (key, ChangeKind.CREATE, Outcome.CREATED)
        ]
        assert self.find(remote, second, key) is not None

    def test_adapter_that_raises_fails_its_batch_and_everything_is_retried(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def explode(batch: ExportBatch) -> list[ExportResult]:
            raise RuntimeError("the remote end hung up")

        monkeypatch.setattr(adapter, "export", explode)
        broken = run_export()
        assert broken.items
        assert all(i.outcome is Outcome.FAILED for i in broken.items)
        assert all("hung up" in (i.reason or "") for i in broken.items)
        monkeypatch.undo()
        retried = run_export()
        assert retried.ok
        assert {i.key for i in retried.items} == {i.key for i in broken.items}
        assert {i.outcome for i in retried.items} == {Outcome.CREATED}

    def test_nothing_arrives_that_the_audience_may_not_see(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        jobdev_database: Database,
        standard_records: std.StandardRecords,
        privacy_settings: PrivacySettings,
    ) -> None:
        std.edit_visit(jobdev_database, standard_records)
        assert run_export().ok
        text = self.received_text(remote)
        forbidden = list(standard_records.never_texts)
        if adapter.audience is not Audience.TEAM:
            forbidden += standard_records.team_only_texts
        if adapter.audience is Audience.EMPLOYER_FACING:
            forbidden += standard_records.private_texts
        if adapter.audience is Audience.PERSONAL_CALENDAR and (
            privacy_settings.seeker_label.value == "code"
        ):
            forbidden += standard_records.seeker_names
            forbidden += _first_names(standard_records.seeker_names)
        leaked = [marker for marker in forbidden if marker.casefold() in text.casefold()]
        assert not leaked, f"{adapter.name} ({adapter.audience.value}) received {leaked}"

    def test_job_seekers_arrive_only_as_the_audience_may_see_them(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        jobdev_database: Database,
        privacy_settings: PrivacySettings,
    ) -> None:
        """For generated visits about several job seekers (each disclosing or not, named or
        not, with preferences and a benefits cap) and a reason naming them all, nothing the
        audience may not see arrives, and each job seeker it may see is shown as it must.

        Each case is added to the same store and exported; its texts carry a tag of their
        own (:func:`~ips_jobdev.testing.records.add_privacy_case`), so earlier cases still
        at the remote end cannot be mistaken for it.
        """
        self.require_kind(adapter, RecordKind.VISIT)
        audience = adapter.audience

        @settings(max_examples=self.privacy_examples, deadline=None)
        @given(
            seekers=_case_seekers,
            purpose=st.sampled_from(list(VisitPurpose)),
            present=st.booleans(),
            status=st.sampled_from([VisitStatus.PLANNED, VisitStatus.DONE]),
        )
        def check(
            seekers: list[tuple[Disclosure, bool]],
            purpose: VisitPurpose,
            present: bool,
            status: VisitStatus,
        ) -> None:
            case = std.add_privacy_case(
                jobdev_database,
                tag=std.case_tag(next(_case_numbers)),
                seekers=seekers,
                purpose=purpose,
                present=present,
                status=status,
            )
            report = run_export()
            assert report.ok, [(i.key, i.reason) for i in report.failures]
            item = self.find(remote, report, f"visit-{case.visit_id}")
            assert item is not None, "the visit did not arrive"
            for seeker in case.seekers:
                shown = _shown_as(seeker, audience, privacy_settings)
                if shown is not None:
                    assert shown.casefold() in item.text.casefold(), (seeker, item.text)
            text = self.received_text(remote).casefold()
            forbidden = _never_shown(case, audience, privacy_settings)
            leaked = [marker for marker in forbidden if marker.casefold() in text]
            assert not leaked, f"{adapter.name} ({audience.value}) received {leaked}"

        check()

    def test_unicode_and_long_text_arrive_intact(
        self,
        run_export: Any,
        remote: Remote,
        adapter: Adapter,
        standard_records: std.StandardRecords,
    ) -> None:
        if not adapter.record_kinds & {RecordKind.EMPLOYER, RecordKind.VISIT}:
            pytest.skip(f"{adapter.name} takes neither employers nor visits")
        assert run_export().ok
        text = self.remote_text(remote)
        assert standard_records.unicode_text in text
        if adapter.audience is not Audience.EMPLOYER_FACING:
            assert std.LONG_TEXT in text

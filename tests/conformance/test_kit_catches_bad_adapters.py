"""The conformance kit fails adapters that break the contract (it is not a kit that can't fail)."""

from __future__ import annotations

import re

import pytest

pytest_plugins = ["pytester"]

VENDOR_TESTS = """
import pytest
from ips_jobdev.adapters import (
    Adapter, Audience, CancelStyle, Capabilities, ChangeKind, RecordKind, record_to_dict,
)
from ips_jobdev.testing.conformance import AdapterConformance, RemoteItem

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]


class MemoryCrm(Adapter):
    name = "memory"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.VISIT})
    capabilities = Capabilities(cancel_style=CancelStyle.DELETE)
    flaw = None

    def __init__(self):
        self.rows = {}
        self.serial = 0

    def export(self, batch):
        results = []
        for change in batch.changes:
            if change.kind is ChangeKind.CANCEL and self.flaw != "ignores cancellations":
                self.rows.pop(change.remote_id, None)
                results.append(change.deleted())
                continue
            remote_id = change.remote_id
            if remote_id is None or self.flaw == "duplicates on update":
                self.serial += 1
                remote_id = f"R{self.serial}"
            text = str(record_to_dict(change.record))
            if self.flaw == "leaks":
                text += " Quinn Private"
            if self.flaw == "reads the store":  # around the redaction, to the team's record
                with self.database.unit_of_work() as uow:
                    visit = uow.visits.find(change.local_id)
                    text += " ".join(s.display_name for s in visit.seekers) if visit else ""
            if self.flaw != "drops a record" or change.local_id != 1:
                self.rows[remote_id] = (change.key, text)
            results.append(change.created(remote_id) if change.kind is ChangeKind.CREATE
                           else change.updated(remote_id))
        return results


class Remote:
    def __init__(self, adapter):
        self.adapter = adapter

    def items(self):
        return [RemoteItem(RecordKind.VISIT, rid, text, key=key)
                for rid, (key, text) in self.adapter.rows.items()]


class MemoryConformance(AdapterConformance):
    flaw = None
    privacy_examples = 5

    @pytest.fixture
    def adapter(self, jobdev_database):
        adapter = MemoryCrm()
        adapter.flaw = self.flaw
        adapter.database = jobdev_database
        return adapter

    @pytest.fixture
    def remote(self, adapter):
        return Remote(adapter)
"""

FLAWS = {
    "Sound": (None, set()),
    "Duplicates": ("duplicates on update", {"test_edited_visit_is_sent_as_one_update"}),
    "IgnoresCancellations": (
        "ignores cancellations",
        {"test_cancelled_visit_is_cancelled_remotely_once"},
    ),
    "Leaks": ("leaks", {"test_nothing_arrives_that_the_audience_may_not_see"}),
    "Drops": ("drops a record", {"test_first_export_creates_every_record_once"}),
    "ReadsTheStore": (
        "reads the store",
        {
            "test_nothing_arrives_that_the_audience_may_not_see",
            "test_job_seekers_arrive_only_as_the_audience_may_see_them",
        },
    ),
}


def test_the_kit_fails_exactly_the_checks_a_flawed_adapter_breaks(
    pytester: pytest.Pytester,
) -> None:
    classes = "".join(
        f"\n\nclass Test{name}(MemoryConformance):\n    flaw = {flaw!r}\n"
        for name, (flaw, _) in FLAWS.items()
    )
    pytester.makepyfile(test_vendor=VENDOR_TESTS + classes)
    # only which checks fail matters here: the same examples each run, a failure not shrunk
    pytester.makeconftest(
        "from hypothesis import Phase, settings\n"
        "settings.register_profile(\n"
        "    'kit', derandomize=True, phases=[Phase.explicit, Phase.generate]\n"
        ")\n"
        "settings.load_profile('kit')\n"
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-rf")
    output = result.stdout.str()
    failed = re.findall(r"^FAILED \S+::Test(\w+)::(test_\w+)", output, re.MULTILINE)
    for name, (_, caught_by) in FLAWS.items():
        assert {test for cls, test in failed if cls == name} == caught_by, (name, output)

"""ips_jobdev_visits_crm: an example adapter that sends visits to the Visits CRM web service.

The how-to "Test an adapter against a fake web service" tests it against
``fake_visits_crm.FakeVisitsCrm``; the test suite runs that test
(tests/conformance/test_docs_fake_web_service.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ips_jobdev import hookimpl
from ips_jobdev.adapters import (
    Adapter,
    AdapterOption,
    Audience,
    CancelStyle,
    Capabilities,
    ChangeKind,
    ExportBatch,
    ExportResult,
    RecordKind,
    VisitRecord,
)
from ips_jobdev.adapters.http import JsonHttpClient, Response, RetryPolicy, Secret, Sleep


class VisitsCrmAdapter(Adapter):
    """Visits into the Visits CRM, one ``PUT`` per visit, by its key."""

    name = "visits-crm"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.VISIT})
    capabilities = Capabilities(updates=True, deletes=True, cancel_style=CancelStyle.DELETE)
    batch_size = 100
    options = (
        AdapterOption("url", "The service's address.", required=True, env="VISITS_CRM_URL"),
        AdapterOption("token", "The API token.", secret=True, env="VISITS_CRM_TOKEN"),
    )

    def __init__(self, *, sleep: Sleep = time.sleep) -> None:
        self.sleep = sleep

    def target_for(self, options: Mapping[str, Any]) -> str:
        return str(options["url"]).rstrip("/")

    def open(self, options: Mapping[str, Any], target: str) -> None:
        self.client = JsonHttpClient(
            target,
            Secret(str(options.get("token") or "")),
            throttled=lambda response: response.status == 429,
            retry=RetryPolicy(max_attempts=5),
            sleep=self.sleep,
            user_agent="ips-jobdev-visits-crm",
        )

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        results = []
        for change in batch.changes:
            path = f"/v1/visits/{change.key}"
            if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                response = self.client.send("DELETE", path)
                if response.status in (204, 404):  # 404: already gone, which is the aim
                    results.append(change.deleted(change.key))
                else:
                    results.append(change.failed(_why(response)))
                continue
            assert isinstance(change.record, VisitRecord)
            response = self.client.send("PUT", path, _visit(change.record))
            if response.status == 201:
                results.append(change.created(change.key))
            elif response.status == 200:
                results.append(change.updated(change.key))
            else:
                results.append(change.failed(_why(response)))
        return results


def _visit(record: VisitRecord) -> dict[str, str]:
    return {
        "title": record.title,
        "description": record.description,
        "start": record.start.isoformat(),
        "end": record.end.isoformat(),
    }


def _why(response: Response) -> str:
    answer = response.json()
    message = answer.get("error") if isinstance(answer, dict) else None
    return f"HTTP {response.status}: {message or 'no reason given'}"


@hookimpl
def register_adapters(register: Any) -> None:
    register(VisitsCrmAdapter)

"""One example implementation of every ips-jobdev hook (docs/reference/hooks.md shows them).

tests/unit/test_hooks_documented.py registers this module as a plugin and runs each hook.
"""

from __future__ import annotations

import json
import tomllib
import urllib.request
from typing import Any

from ips_jobdev import TravelMatrix, hookimpl
from ips_jobdev.adapters import (
    Adapter,
    AdapterOption,
    Audience,
    ExportBatch,
    ExportResult,
    RecordKind,
    record_to_dict,
)
from ips_jobdev.cycles import CyclePolicy
from ips_jobdev.matching import FactorScore
from ips_jobdev.privacy import redact

SENT: list[dict[str, Any]] = []
"""What the event hooks below would post (the tests read it instead of a web server)."""


class PrintAdapter(Adapter):
    """Prints each changed employer: the smallest adapter there is."""

    name = "print"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER})
    options = (AdapterOption("prefix", "Text before each line.", default="employer:"),)

    def open(self, options: Any, target: str) -> None:
        self.prefix = options["prefix"]

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        for change in batch.changes:
            print(self.prefix, change.kind.value, change.key)
        return [change.created(change.key) for change in batch.changes]


@hookimpl
def register_adapters(register):
    register(PrintAdapter)


class NearTheOffice:
    """Prefer employers in the office's own ZIP code (a program's house rule)."""

    name = "near_office"
    weight = 0.5

    def score(self, context):
        same = (context.employer.zip or "")[:5] == "53703"
        reason = "in 53703, the office's ZIP" if same else "outside the office's ZIP"
        return FactorScore(self.name, self.weight, 1.0 if same else 0.5, reason)


@hookimpl
def register_match_factors(register):
    register(NearTheOffice())


# cycle-policy-example-start
RURAL = CyclePolicy.from_dict(
    tomllib.loads(
        """
name = "rural"
description = "Fewer, longer drives: three weeks between the first visits, then every 45 days."
cold_after_days = 240

[[stages]]
title = "introduce"
purpose = "introduce"
also_completed_by = ["other"]
next_visit_within_days = 21

[[stages]]
title = "learn the business"
purpose = "learn-business"
next_visit_within_days = 21

[[stages]]
title = "follow up and present"
purpose = "follow-up"
also_completed_by = ["present-job-seeker", "job-analysis", "support"]

[keep_in_touch]
interested_days = 45
other_days = 120
"""
    )
)


@hookimpl
def register_cycle_policies(register):
    register("rural", RURAL)


# cycle-policy-example-end


class CountyAddresses:
    """Places employers with the county's own address points (a licensed batch service in
    real life; a lookup table here)."""

    name = "county-addresses"

    def __init__(self, points):
        self.points = points

    def locate(self, addresses):
        # one call for the whole batch; None for an address the county does not know
        return [self.points.get(address.one_line) for address in addresses]


@hookimpl
def register_geocoders(register):
    register(CountyAddresses({"100 Example St, Madison, WI 53703": (43.0752, -89.3839)}))


class OsrmTravel:
    """Road miles and minutes from an OSRM server's table service."""

    name = "osrm"

    def __init__(self, url="http://127.0.0.1:5000", fetch=None):
        self.url = url
        self.fetch = fetch or self._get

    def _get(self, url):
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    def matrix(self, points):
        places = ";".join(f"{lon},{lat}" for lat, lon in points)
        answer = self.fetch(
            f"{self.url}/table/v1/driving/{places}?annotations=duration,distance"
        )
        return TravelMatrix(
            miles=tuple(tuple(m / 1609.344 for m in row) for row in answer["distances"]),
            minutes=tuple(tuple(s / 60 for s in row) for row in answer["durations"]),
        )


@hookimpl
def register_travel_times(register):
    register(OsrmTravel())


def post(url: str, document: dict[str, Any], *, send: bool = False) -> None:
    """Post JSON to a webhook (only when ``send``; the examples just collect it)."""
    SENT.append(document)
    if send:
        request = urllib.request.Request(
            url, json.dumps(document).encode(), {"Content-Type": "application/json"}
        )
        urllib.request.urlopen(request, timeout=5)


@hookimpl
def visit_planned(visit):
    # the team's own chat: the team may see everything, but keep it short
    post("https://chat.example.org/hooks/visits", {"text": f"Planned: {visit.title}"})


@hookimpl
def visit_completed(visit):
    # a business-development board outside the team: narrow the visit first
    shared = redact(visit, Audience.EMPLOYER_FACING)
    post("https://board.example.org/api/visits", record_to_dict(shared))


@hookimpl
def visit_cancelled(visit):
    post("https://chat.example.org/hooks/visits", {"text": f"Called off: {visit.title}"})


CHANGED: list[tuple[str, int, str]] = []


@hookimpl
def record_changed(change):
    # remember what to send at the next export; the change holds ids only, no content
    CHANGED.append((change.kind, change.record_id, change.action.value))

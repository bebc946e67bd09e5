"""The ips-jobdev conformance kit, run against a fake HubSpot account.

The fake (``ips_jobdev_hubspot.fake.FakeHubSpot``) answers as HubSpot's CRM API reference
documents batch upsert, read, archive and associations; see test_client.py for the pages
it follows.
"""

from __future__ import annotations

from typing import Any

import pytest
from ips_jobdev_hubspot import HubSpotAdapter

from ips_jobdev.testing.conformance import AdapterConformance


class TestHubSpotConformance(AdapterConformance):
    @pytest.fixture
    def adapter(self, hs_adapter: HubSpotAdapter) -> HubSpotAdapter:
        return hs_adapter

    @pytest.fixture
    def adapter_options(self, hub_options: dict[str, Any]) -> dict[str, Any]:
        return hub_options

    @pytest.fixture
    def remote(self, hub_remote: Any) -> Any:
        return hub_remote

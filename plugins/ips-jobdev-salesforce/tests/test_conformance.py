"""The ips-jobdev conformance kit, run against the REST transport and a fake org.

The fake (``ips_jobdev_salesforce.fake.FakeSalesforce``) answers as the REST API
Developer Guide documents sObject Collections upsert and delete; see test_client.py for
the pages it follows.
"""

from __future__ import annotations

from typing import Any

import pytest
from ips_jobdev_salesforce import SalesforceAdapter

from ips_jobdev.testing.conformance import AdapterConformance


class TestSalesforceRestConformance(AdapterConformance):
    @pytest.fixture
    def adapter(self, sf_adapter: SalesforceAdapter) -> SalesforceAdapter:
        return sf_adapter

    @pytest.fixture
    def adapter_options(self, rest_options: dict[str, Any]) -> dict[str, Any]:
        return rest_options

    @pytest.fixture
    def remote(self, org_remote: Any) -> Any:
        return org_remote

"""ips-jobdev-salesforce: employers, their people and visits into Salesforce.

Registered through the ``ips_jobdev`` entry point; ``ips-jobdev export salesforce`` then
upserts employers as Accounts, the people there as Contacts and visits as Events, by an
External ID field, over the REST API or as Bulk API 2.0 CSV files for the Data Loader.
The records arrive redacted for the ``employer-facing`` audience.
"""

from __future__ import annotations

from collections.abc import Callable

from ips_jobdev import hookimpl
from ips_jobdev_salesforce.adapter import SalesforceAdapter, Settings
from ips_jobdev_salesforce.client import SalesforceClient, SalesforceRequestError, SaveResult

__all__ = [
    "SalesforceAdapter",
    "SalesforceClient",
    "SalesforceRequestError",
    "SaveResult",
    "Settings",
    "__version__",
    "register_adapters",
]

__version__ = "0.1.0"


@hookimpl
def register_adapters(register: Callable[[type[SalesforceAdapter]], None]) -> None:
    """Register the ``salesforce`` adapter."""
    register(SalesforceAdapter)

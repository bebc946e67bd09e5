"""ips-jobdev-salesforce: employers, their people and visits into Salesforce.

Registered through the ``ips_jobdev`` entry point; ``ips-jobdev export salesforce`` then
upserts employers as Accounts, the people there as Contacts and visits as Events, by an
External ID field, over the REST API or as Bulk API 2.0 CSV files for the Data Loader.
The records arrive redacted for the ``employer-facing`` audience.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ips_jobdev import hookimpl

if TYPE_CHECKING:
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

_LAZY = {
    "SalesforceAdapter": "ips_jobdev_salesforce.adapter",
    "Settings": "ips_jobdev_salesforce.adapter",
    "SalesforceClient": "ips_jobdev_salesforce.client",
    "SalesforceRequestError": "ips_jobdev_salesforce.client",
    "SaveResult": "ips_jobdev_salesforce.client",
}


def __getattr__(name: str) -> Any:
    # the adapter and its client libraries load when first used, not each time ips-jobdev
    # loads its plugins (every command that plans or ranks does)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


@hookimpl
def register_adapters(register: Callable[[type[SalesforceAdapter]], None]) -> None:
    """Register the ``salesforce`` adapter."""
    from ips_jobdev_salesforce.adapter import SalesforceAdapter

    register(SalesforceAdapter)

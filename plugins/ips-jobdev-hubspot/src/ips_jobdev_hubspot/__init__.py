"""ips-jobdev-hubspot: employers, their people and visits into HubSpot.

Registered through the ``ips_jobdev`` entry point; ``ips-jobdev export hubspot`` then
upserts employers as companies, the people there as contacts (associated with their
company) and visits as meetings (associated with the company and the person met), by a
custom property with unique values. The records arrive redacted for the
``employer-facing`` audience.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ips_jobdev import hookimpl

if TYPE_CHECKING:
    from ips_jobdev_hubspot.adapter import HubSpotAdapter, Settings
    from ips_jobdev_hubspot.client import HubSpotClient, HubSpotRequestError, UpsertResult

__all__ = [
    "HubSpotAdapter",
    "HubSpotClient",
    "HubSpotRequestError",
    "Settings",
    "UpsertResult",
    "__version__",
    "register_adapters",
]

__version__ = "0.1.0"

_LAZY = {
    "HubSpotAdapter": "ips_jobdev_hubspot.adapter",
    "Settings": "ips_jobdev_hubspot.adapter",
    "HubSpotClient": "ips_jobdev_hubspot.client",
    "HubSpotRequestError": "ips_jobdev_hubspot.client",
    "UpsertResult": "ips_jobdev_hubspot.client",
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
def register_adapters(register: Callable[[type[HubSpotAdapter]], None]) -> None:
    """Register the ``hubspot`` adapter."""
    from ips_jobdev_hubspot.adapter import HubSpotAdapter

    register(HubSpotAdapter)

"""ips-jobdev-hubspot: employers, their people and visits into HubSpot.

Registered through the ``ips_jobdev`` entry point; ``ips-jobdev export hubspot`` then
upserts employers as companies, the people there as contacts (associated with their
company) and visits as meetings (associated with the company and the person met), by a
custom property with unique values. The records arrive redacted for the
``employer-facing`` audience.
"""

from __future__ import annotations

from collections.abc import Callable

from ips_jobdev import hookimpl
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


@hookimpl
def register_adapters(register: Callable[[type[HubSpotAdapter]], None]) -> None:
    """Register the ``hubspot`` adapter."""
    register(HubSpotAdapter)

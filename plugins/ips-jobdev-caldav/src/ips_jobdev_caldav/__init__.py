"""ips-jobdev-caldav: live sync of an employment specialist's visits to a CalDAV calendar.

Installed next to ips-jobdev, it registers the ``caldav`` adapter::

    ips-jobdev export caldav --specialist ab \\
        -o url=https://cloud.example.org/remote.php/dav/ -o username=ab \\
        -o create_calendar=yes        # password from $IPS_JOBDEV_CALDAV_PASSWORD
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ips_jobdev import hookimpl

if TYPE_CHECKING:
    from ips_jobdev_caldav.adapter import CalDavAdapter, CalDavConflict, CalDavError

__all__ = ["CalDavAdapter", "CalDavConflict", "CalDavError", "register_adapters"]

__version__ = "0.1.0"

_LAZY = {
    "CalDavAdapter": "ips_jobdev_caldav.adapter",
    "CalDavConflict": "ips_jobdev_caldav.adapter",
    "CalDavError": "ips_jobdev_caldav.adapter",
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
def register_adapters(register: Any) -> None:
    """Register the ``caldav`` adapter."""
    from ips_jobdev_caldav.adapter import CalDavAdapter

    register(CalDavAdapter)

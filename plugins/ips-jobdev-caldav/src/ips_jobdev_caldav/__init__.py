"""ips-jobdev-caldav: live sync of an employment specialist's visits to a CalDAV calendar.

Installed next to ips-jobdev, it registers the ``caldav`` adapter::

    ips-jobdev export caldav --specialist ab \\
        -o url=https://cloud.example.org/remote.php/dav/ -o username=ab \\
        -o create_calendar=yes        # password from $IPS_JOBDEV_CALDAV_PASSWORD
"""

from __future__ import annotations

from typing import Any

from ips_jobdev import hookimpl
from ips_jobdev_caldav.adapter import CalDavAdapter, CalDavConflict, CalDavError

__all__ = ["CalDavAdapter", "CalDavConflict", "CalDavError", "register_adapters"]

__version__ = "0.1.0"


@hookimpl
def register_adapters(register: Any) -> None:
    """Register the ``caldav`` adapter."""
    register(CalDavAdapter)

"""Which publisher units of work hand their events to when their database names none.

Kept apart from :mod:`ips_jobdev._events` (and free of imports) so that the package root
can set it without loading anything: ``import ips_jobdev`` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ips_jobdev._events import Publisher

__all__ = ["default_publisher", "set_default_publisher"]

_default: list[Publisher | None] = [None]


def set_default_publisher(publisher: Publisher | None) -> None:
    """The publisher units of work use when their database names none (the package sets
    the plugin hooks' one when it is imported; ``None``: no publisher)."""
    _default[0] = publisher


def default_publisher() -> Publisher | None:
    """The publisher set by :func:`set_default_publisher`."""
    return _default[0]

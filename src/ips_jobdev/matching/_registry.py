"""The registry of extra match factors (plugins add theirs here).

The plugin hook ``register_match_factors(register)`` passes :func:`register_factor` as
``register``; code that does not use plugins can call it directly::

    from ips_jobdev.matching import register_factor
    register_factor(MyFactor(weight=1.0))

Registered factors are scored after the built-in ones, in registration order.
"""

from __future__ import annotations

import threading

from ips_jobdev.errors import ValidationError
from ips_jobdev.matching._config import FACTOR_NAMES
from ips_jobdev.matching._factors import FACTS, MatchFactor

__all__ = ["register_factor", "registered_factors", "unregister_factor"]

_factors: dict[str, MatchFactor] = {}
_lock = threading.Lock()


def register_factor(factor: MatchFactor) -> MatchFactor:
    """Add a factor to every ranking from now on (and return it).

    Raises:
        ValidationError: the object is not a factor (``name``, ``weight``, ``score``), its
            name is empty or already taken, its weight is negative, or it declares a fact
            the engine does not know.
    """
    if not isinstance(factor, MatchFactor):
        raise ValidationError(
            "match factor", "factor", f"{factor!r} lacks name, weight or score(context)"
        )
    name = factor.name
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("match factor", "name", "must be a non-empty string")
    if not float(factor.weight) >= 0:
        raise ValidationError("match factor", "weight", f"{factor.weight!r} is below zero")
    unknown = [f for f in getattr(factor, "facts", ()) or () if f not in FACTS]
    if unknown:
        raise ValidationError(
            "match factor", "facts", f"unknown facts {unknown}; expected some of {list(FACTS)}"
        )
    with _lock:
        if name in FACTOR_NAMES or name in _factors:
            raise ValidationError("match factor", "name", f"{name!r} is already registered")
        _factors[name] = factor
    return factor


def unregister_factor(name: str) -> None:
    """Remove a registered factor (no error when it is not there)."""
    with _lock:
        _factors.pop(name, None)


def registered_factors() -> list[MatchFactor]:
    """The factors registered so far, in registration order."""
    with _lock:
        return list(_factors.values())

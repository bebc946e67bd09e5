"""Matching settings a program can change: factor weights, usual distances, windows.

A program keeps them in a TOML file (every table and key optional)::

    # matching.toml
    [weights]            # how much each factor counts; 0 switches a factor off
    job_type = 3.0
    industry = 2.0
    distance = 2.0
    schedule = 1.5
    wage = 1.5
    bus = 1.0
    relationship = 1.0
    spread = 0.5

    [usual_miles]        # the distance measured against when no limit is stated
    walk = 2
    bike = 6
    bus = 15
    car = 25
    ride = 15
    other = 15
    unknown = 20

    [relationship]
    window_days = 180    # face-to-face visits this recent count as an engaged employer

    [spread]
    full_at = 5          # this many job starts at one employer brings its spread part to 0

    [targets]
    good_fit = 0.7       # caseload targets count a job seeker when the score reaches this

Read it with :meth:`MatchConfig.load`; unknown tables or keys are refused with the key
named, so a typo never goes unnoticed.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ips_jobdev._vocab import Transport
from ips_jobdev.errors import ValidationError

__all__ = ["CONFIG_ENV", "DEFAULT_USUAL_MILES", "DEFAULT_WEIGHTS", "FACTOR_NAMES", "MatchConfig"]

#: The built-in factors, in the order parts are listed.
FACTOR_NAMES: tuple[str, ...] = (
    "job_type",
    "industry",
    "distance",
    "schedule",
    "wage",
    "bus",
    "relationship",
    "spread",
)

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "job_type": 3.0,
    "industry": 2.0,
    "distance": 2.0,
    "schedule": 1.5,
    "wage": 1.5,
    "bus": 1.0,
    "relationship": 1.0,
    "spread": 0.5,
}

DEFAULT_USUAL_MILES: Mapping[str, float] = {
    "walk": 2.0,
    "bike": 6.0,
    "bus": 15.0,
    "car": 25.0,
    "ride": 15.0,
    "other": 15.0,
    "unknown": 20.0,
}

#: Environment variable naming a program's matching TOML file (the CLI reads it).
CONFIG_ENV = "IPS_JOBDEV_MATCHING"

_RECORD = "matching config"


def _check_weights(weights: Mapping[str, Any], where: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in weights.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _RECORD, f"{where}.{name}", f"{value!r} is not a number"
            ) from None
        if not number >= 0:  # also refuses NaN
            raise ValidationError(_RECORD, f"{where}.{name}", f"{value!r} is below zero")
        out[name] = number
    return out


def _weights(value: Mapping[str, Any]) -> Mapping[str, float]:
    return {**DEFAULT_WEIGHTS, **_check_weights(value, "weights")}


def _usual(value: Mapping[str, Any]) -> Mapping[str, float]:
    checked = _check_weights(value, "usual_miles")
    allowed = {t.value for t in Transport} | {"unknown"}
    for key in checked:
        if key not in allowed:
            raise ValidationError(
                _RECORD,
                f"usual_miles.{key}",
                f"unknown travel mode; expected one of {sorted(allowed)}",
            )
    return {**DEFAULT_USUAL_MILES, **checked}


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(_RECORD, attribute.name, f"{value} must be at least 1")


def _share(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 <= value <= 1:
        raise ValidationError(_RECORD, attribute.name, f"{value} is not between 0 and 1")


@attrs.frozen(slots=True)
class MatchConfig:
    """Weights and settings for matching (defaults follow shared IPS practice).

    ``weights`` holds every built-in factor's weight (defaults filled in) and may name
    plugin factors too. Build one in code, with :meth:`load` from a TOML file, or change
    weights for one call with :meth:`with_weights`.

    >>> MatchConfig().with_weights({"distance": 4}).weights["distance"]
    4.0
    """

    weights: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_WEIGHTS), converter=_weights
    )
    usual_miles: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_USUAL_MILES), converter=_usual
    )
    relationship_days: int = attrs.field(default=180, validator=_positive_int)
    spread_full_at: int = attrs.field(default=5, validator=_positive_int)
    good_fit: float = attrs.field(default=0.7, validator=_share)
    source: str | None = None

    def with_weights(self, weights: Mapping[str, float] | None) -> MatchConfig:
        """A copy with some weights replaced (``None`` or empty: this config unchanged)."""
        if not weights:
            return self
        return attrs.evolve(self, weights={**self.weights, **_check_weights(weights, "weights")})

    def weight(self, name: str, default: float) -> float:
        """The configured weight of factor ``name`` (``default`` when not configured)."""
        return self.weights.get(name, default)

    def usual_miles_for(self, transport: Transport | None) -> float:
        """The distance scored against when a job seeker states no limit."""
        key = transport.value if transport is not None else "unknown"
        return self.usual_miles.get(key, self.usual_miles["unknown"])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> MatchConfig:
        """Read the TOML document's structure (see the module docs for the format)."""
        known = {"weights", "usual_miles", "relationship", "spread", "targets"}
        for key in data:
            if key not in known:
                raise ValidationError(
                    _RECORD, key, f"unknown table; expected one of {sorted(known)}"
                )
        sections: dict[str, Mapping[str, Any]] = {}
        for key in known:
            value = data.get(key, {})
            if not isinstance(value, Mapping):
                raise ValidationError(_RECORD, key, "must be a table of keys and values")
            sections[key] = value
        expected = {"relationship": {"window_days"}, "spread": {"full_at"}, "targets": {"good_fit"}}
        for table, keys in expected.items():
            for key in sections[table]:
                if key not in keys:
                    raise ValidationError(
                        _RECORD, f"{table}.{key}", f"unknown key; expected {sorted(keys)}"
                    )
        try:
            return cls(
                weights=sections["weights"],
                usual_miles=sections["usual_miles"],
                relationship_days=int(sections["relationship"].get("window_days", 180)),
                spread_full_at=int(sections["spread"].get("full_at", 5)),
                good_fit=float(sections["targets"].get("good_fit", 0.7)),
                source=source,
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError(_RECORD, "value", str(exc)) from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MatchConfig:
        """Read a program's matching TOML file.

        Raises:
            ValidationError: the file is missing, is not TOML, or names an unknown key.
        """
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValidationError(_RECORD, "path", f"{file} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(_RECORD, "path", f"{file} is not valid TOML: {exc}") from None
        return cls.from_dict(data, source=str(file))

    @classmethod
    def from_environment(cls) -> MatchConfig:
        """The file named by ``$IPS_JOBDEV_MATCHING`` when set, else the defaults."""
        path = os.environ.get(CONFIG_ENV)
        return cls.load(path) if path else cls()

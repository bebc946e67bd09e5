"""Where employers are: their own coordinates when recorded, a geocoder's answer otherwise.

The planner orders a day's visits by where they are. An employer's own latitude and
longitude, when recorded, always win. For the others each geocoder is asked in turn, the
plugins' ones first (a county may plug in a batch service it licenses, through the
``register_geocoders`` hook), then the built-in offline one, :class:`ZipCentroidGeocoder`
(the centroid of the employer's ZIP code, a median 0.63 miles from the street address:
fine for grouping a day, rough for ordering stops in a dense downtown). Every
:class:`Position` says where it came from, and the plan shows it.

>>> address = EmployerAddress(1, "100 Example St", "Madison", "WI", "53703")
>>> BUILTIN_GEOCODER.locate([address])
[(43.0775, -89.3831)]
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import attrs

from ips_jobdev._geo import zip_centroid

__all__ = [
    "BUILTIN_GEOCODER",
    "RECORDED",
    "EmployerAddress",
    "Geocoder",
    "Located",
    "Position",
    "ZipCentroidGeocoder",
    "locate",
]

log = logging.getLogger(__name__)

RECORDED = "recorded"
"""The source of a position taken from the employer's own latitude and longitude."""

LatLon = tuple[float, float]


@attrs.frozen(slots=True)
class EmployerAddress:
    """What a geocoder is asked to place: an employer's id and postal address."""

    employer_id: int
    street: str | None
    city: str | None
    state: str | None
    zip: str | None

    @property
    def one_line(self) -> str:
        """``"100 Example St, Madison, WI 53703"``."""
        region = " ".join(p for p in (self.state, self.zip) if p)
        return ", ".join(p for p in (self.street, self.city, region) if p)


@attrs.frozen(slots=True)
class Position:
    """Where an employer is, and how that is known: ``source`` is ``"recorded"`` (its own
    coordinates), ``"zip-centroid"`` (the built-in geocoder) or a plugin geocoder's name."""

    latitude: float
    longitude: float
    source: str

    @property
    def point(self) -> LatLon:
        """``(latitude, longitude)``."""
        return (self.latitude, self.longitude)


@runtime_checkable
class Geocoder(Protocol):
    """What the ``register_geocoders`` hook registers.

    ``name`` identifies it (lower case, shown on plans as the position's source);
    ``locate`` answers a whole batch at once (one request to a batch service), in the order
    asked, with ``(latitude, longitude)`` or ``None`` for an address it cannot place (the
    next geocoder is then asked). It may raise: the planner logs the error, warns, and asks
    the next geocoder. Cache answers yourself if your service is slow or charged per call.
    """

    @property
    def name(self) -> str:
        """The lower-case name it is known by."""
        ...

    def locate(self, addresses: Sequence[EmployerAddress]) -> Sequence[LatLon | None]:
        """Positions for ``addresses``, in the same order (``None``: not found)."""
        ...


class ZipCentroidGeocoder:
    """The built-in offline geocoder: the centroid of the address's ZIP code."""

    name = "zip-centroid"

    def locate(self, addresses: Sequence[EmployerAddress]) -> list[LatLon | None]:
        """The ZIP centroid of each address (``None`` without a known ZIP)."""
        return [zip_centroid(a.zip) for a in addresses]


BUILTIN_GEOCODER = ZipCentroidGeocoder()
"""The geocoder asked last, always there."""


class _Addressed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def street(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...
    @property
    def state(self) -> str | None: ...
    @property
    def zip(self) -> str | None: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


@attrs.frozen
class Located:
    """What :func:`locate` found: positions by employer id, and warnings about geocoders
    that failed or answered nonsense."""

    positions: dict[int, Position]
    warnings: list[str]


def _valid(point: object) -> LatLon | None:
    if point is None:
        return None
    try:
        lat, lon = (float(v) for v in point)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon)


def locate(employers: Sequence[_Addressed], geocoders: Sequence[Geocoder]) -> Located:
    """Positions of ``employers``: recorded coordinates, else each of ``geocoders`` in
    turn, else the built-in ZIP centroid. Employers no one can place are left out."""
    positions: dict[int, Position] = {}
    warnings: list[str] = []
    waiting: list[EmployerAddress] = []
    for employer in employers:
        if employer.latitude is not None and employer.longitude is not None:
            positions[employer.id] = Position(employer.latitude, employer.longitude, RECORDED)
        else:
            waiting.append(
                EmployerAddress(
                    employer.id, employer.street, employer.city, employer.state, employer.zip
                )
            )
    chain = [g for g in geocoders if g is not BUILTIN_GEOCODER] + [BUILTIN_GEOCODER]
    for geocoder in chain:
        if not waiting:
            break
        answers = _ask(geocoder, waiting, warnings)
        still: list[EmployerAddress] = []
        for address, answer in zip(waiting, answers, strict=True):
            point = _valid(answer)
            if point is None:
                still.append(address)
            else:
                positions[address.employer_id] = Position(point[0], point[1], geocoder.name)
        waiting = still
    return Located(positions, warnings)


def _ask(geocoder: Geocoder, addresses: list[EmployerAddress], warnings: list[str]) -> list[object]:
    """The geocoder's answers, one per address (all ``None`` when it fails)."""
    try:
        answers: list[object] = list(geocoder.locate(addresses))
    except Exception as exc:
        message = f"geocoder {geocoder.name!r} failed ({type(exc).__name__}: {exc})"
        log.warning("%s", message)
        warnings.append(f"{message}; the next geocoder was used")
        return [None] * len(addresses)
    if len(answers) != len(addresses):
        message = (
            f"geocoder {geocoder.name!r} answered {len(answers)} positions for "
            f"{len(addresses)} addresses"
        )
        log.warning("%s", message)
        warnings.append(f"{message}; the next geocoder was used")
        return [None] * len(addresses)
    return answers

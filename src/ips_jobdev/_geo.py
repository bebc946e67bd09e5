"""ZIP centroids (offline) and great-circle distances in statute miles.

The centroids come from the ``zipcodes`` package, which ships the US ZIP table inside the
wheel: no network, no API key. ``zipcodes.matching`` scans the whole table on every call,
so this module reads the table once, on first use, into a dict keyed by the 5-digit ZIP.

>>> from ips_jobdev._geo import miles_between, zip_centroid
>>> madison, stoughton = zip_centroid("53703"), zip_centroid("53589")
>>> round(miles_between(madison, stoughton), 1)
13.0
"""

from __future__ import annotations

import math
import threading
from typing import Protocol

import attrs
import zipcodes

__all__ = [
    "EARTH_RADIUS_MILES",
    "BoundingBox",
    "Located",
    "ZipPlace",
    "bounding_box",
    "employer_location",
    "miles_between",
    "wisconsin_zips",
    "zip_centroid",
    "zip_place",
]

#: Mean Earth radius in statute miles (IUGG mean radius, 6371.0088 km).
EARTH_RADIUS_MILES = 3958.7613

LatLon = tuple[float, float]


@attrs.frozen(slots=True)
class ZipPlace:
    """What the offline table knows about one 5-digit ZIP code."""

    zip: str
    city: str
    state: str
    county: str | None
    kind: str
    """``STANDARD``, ``PO BOX`` or ``UNIQUE`` (one large organisation)."""
    active: bool
    latitude: float
    longitude: float

    @property
    def centroid(self) -> LatLon:
        """``(latitude, longitude)`` of the ZIP's centroid."""
        return (self.latitude, self.longitude)


_table: dict[str, ZipPlace] | None = None
_table_lock = threading.Lock()


def _places() -> dict[str, ZipPlace]:
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                table: dict[str, ZipPlace] = {}
                for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
                    try:
                        lat, lon = float(row["lat"]), float(row["long"])
                    except (TypeError, ValueError):
                        continue
                    table[row["zip_code"]] = ZipPlace(
                        zip=row["zip_code"],
                        city=row["city"],
                        state=row["state"],
                        county=row.get("county") or None,
                        kind=row.get("zip_code_type") or "STANDARD",
                        active=bool(row.get("active", True)),
                        latitude=lat,
                        longitude=lon,
                    )
                _table = table
    return _table


def _zip5(zip_code: str | None) -> str | None:
    if not zip_code:
        return None
    text = zip_code.strip()[:5]
    return text if len(text) == 5 and text.isdigit() else None


def zip_place(zip_code: str | None) -> ZipPlace | None:
    """The city, county and centroid of a ZIP (5-digit or ZIP+4), or ``None`` if unknown."""
    key = _zip5(zip_code)
    return _places().get(key) if key else None


def zip_centroid(zip_code: str | None) -> LatLon | None:
    """``(latitude, longitude)`` of a ZIP's centroid; ``None`` for a missing or unknown ZIP.

    Accepts ``"53703"`` and ``"53703-1234"`` alike.
    """
    place = zip_place(zip_code)
    return place.centroid if place else None


def miles_between(a: LatLon, b: LatLon) -> float:
    """Great-circle (haversine) distance between two ``(lat, lon)`` points, in statute miles."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


class Located(Protocol):
    """Anything with an optional position and ZIP, such as :class:`ips_jobdev._model.Employer`."""

    @property
    def latitude(self) -> float | None: ...

    @property
    def longitude(self) -> float | None: ...

    @property
    def zip(self) -> str | None: ...


def employer_location(employer: Located) -> LatLon | None:
    """Where an employer is: its own coordinates when both are known, else its ZIP centroid.

    Returns ``None`` when neither is known (the matcher then scores distance as unknown).
    """
    if employer.latitude is not None and employer.longitude is not None:
        return (float(employer.latitude), float(employer.longitude))
    return zip_centroid(employer.zip)


def wisconsin_zips(*, standard_only: bool = True) -> list[str]:
    """Wisconsin's ZIP codes, sorted.

    By default only active ``STANDARD`` ZIPs (places where people live and businesses
    stand); ``standard_only=False`` adds PO-box-only and single-organisation ZIPs.
    """
    return sorted(
        place.zip
        for place in _places().values()
        if place.state == "WI"
        and (not standard_only or (place.active and place.kind == "STANDARD"))
    )


@attrs.frozen(slots=True)
class BoundingBox:
    """A latitude/longitude box that contains every point within some miles of a centre."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, point: LatLon) -> bool:
        """Whether ``(lat, lon)`` lies inside the box (edges included)."""
        return self.lat_min <= point[0] <= self.lat_max and self.lon_min <= point[1] <= self.lon_max


def bounding_box(centre: LatLon, miles: float) -> BoundingBox:
    """The smallest lat/lon box around ``centre`` holding every point within ``miles``.

    Use it to pre-filter rows in SQL before the exact :func:`miles_between` check; it is
    slightly generous (never excludes a point that is within range).
    """
    lat, lon = centre
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    cos_lat = math.cos(math.radians(min(89.9, abs(lat) + dlat)))
    dlon = 180.0 if cos_lat <= 0 else min(180.0, dlat / cos_lat)
    return BoundingBox(
        lat_min=max(-90.0, lat - dlat),
        lat_max=min(90.0, lat + dlat),
        lon_min=lon - dlon,
        lon_max=lon + dlon,
    )

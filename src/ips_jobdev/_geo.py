"""ZIP centroids (offline) and great-circle distances in statute miles.

The centroids come from the ``zipcodes`` package, which ships the US ZIP table inside the
wheel: no network, no API key. Turning that table into Python objects takes most of a
second, so it is done once: the first use writes a compact, indexed copy (sorted ZIP
numbers, latitudes, longitudes, states and kinds as packed arrays; cities and counties as
text read only when asked for) to a cache file in the user cache folder, and every later
process reads that file in a few milliseconds. The file's name carries the ``zipcodes``
installation it was made from, so upgrading ``zipcodes`` makes a new one.

>>> from ips_jobdev._geo import miles_between, zip_centroid
>>> madison, stoughton = zip_centroid("53703"), zip_centroid("53589")
>>> round(miles_between(madison, stoughton), 1)
13.0
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import math
import os
import tempfile
import threading
from array import array
from pathlib import Path
from typing import Any, Protocol

import attrs

__all__ = [
    "EARTH_RADIUS_MILES",
    "BoundingBox",
    "Located",
    "ZipPlace",
    "ZipTable",
    "bounding_box",
    "employer_location",
    "miles_between",
    "wisconsin_zips",
    "zip_centroid",
    "zip_place",
    "zip_table",
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


_MAGIC = b"IPSJOBDEV-ZIPS-1\n"


class ZipTable:
    """The US ZIP table as packed arrays, in ZIP order (index ``i`` is one ZIP).

    ``codes`` holds the ZIPs as integers (``53703``), so a lookup is a binary search;
    ``states`` and ``kinds`` index the name lists :attr:`state_names` and
    :attr:`kind_names`; a kind's high bit says the ZIP is inactive. Cities and counties
    are kept as encoded text and split on first use.
    """

    def __init__(
        self,
        codes: array[int],
        latitudes: array[float],
        longitudes: array[float],
        *,
        states: array[int],
        kinds: array[int],
        header: dict[str, list[str]],
        names_text: bytes,
    ) -> None:
        self.codes = codes
        self.latitudes = latitudes
        self.longitudes = longitudes
        self.states = states
        self.kinds = kinds
        self.state_names: list[str] = header["states"]
        self.kind_names: list[str] = header["kinds"]
        self._names_text = names_text
        self._names: list[tuple[str, str | None]] | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def index(self, zip5: str) -> int | None:
        """The row of a 5-digit ZIP, or ``None`` if the table does not know it."""
        code = int(zip5)
        i = bisect.bisect_left(self.codes, code)
        return i if i < len(self.codes) and self.codes[i] == code else None

    def centroid(self, i: int) -> LatLon:
        """``(latitude, longitude)`` of row ``i``."""
        return (self.latitudes[i], self.longitudes[i])

    def state(self, i: int) -> str:
        """The state of row ``i`` (``WI``)."""
        return self.state_names[self.states[i]]

    def kind(self, i: int) -> str:
        """The kind of row ``i`` (``STANDARD``, ``PO BOX``...)."""
        return self.kind_names[self.kinds[i] & 0x7F]

    def active(self, i: int) -> bool:
        """Whether row ``i``'s ZIP is in use."""
        return not self.kinds[i] & 0x80

    def place(self, i: int) -> ZipPlace:
        """Everything about row ``i``."""
        if self._names is None:
            self._names = [
                (city, county or None)
                for city, _, county in (
                    line.partition("\t") for line in self._names_text.decode("utf-8").split("\n")
                )
            ]
        city, county = self._names[i]
        return ZipPlace(
            zip=f"{self.codes[i]:05d}",
            city=city,
            state=self.state(i),
            county=county,
            kind=self.kind(i),
            active=self.active(i),
            latitude=self.latitudes[i],
            longitude=self.longitudes[i],
        )

    # -- the cache file ------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The table as the cache file holds it."""
        header = json.dumps(
            {"count": len(self), "states": self.state_names, "kinds": self.kind_names}
        ).encode("utf-8")
        parts = [
            _MAGIC,
            len(header).to_bytes(4, "little"),
            header,
            self.codes.tobytes(),
            self.latitudes.tobytes(),
            self.longitudes.tobytes(),
            self.states.tobytes(),
            self.kinds.tobytes(),
            self._names_text,
        ]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> ZipTable:
        """Read a table written by :meth:`to_bytes` (``ValueError`` if it is not one)."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a ZIP table file")
        at = len(_MAGIC)
        size = int.from_bytes(data[at : at + 4], "little")
        at += 4
        header = json.loads(data[at : at + size])
        at += size
        count = int(header["count"])

        def take(typecode: str) -> Any:
            nonlocal at
            values = array(typecode)
            length = count * values.itemsize
            if at + length > len(data):
                raise ValueError("the ZIP table file is cut short")
            values.frombytes(data[at : at + length])
            at += length
            return values

        codes, lats, lons = take("I"), take("d"), take("d")
        states, kinds = take("B"), take("B")
        return cls(
            codes,
            lats,
            lons,
            states=states,
            kinds=kinds,
            header=header,
            names_text=data[at:],
        )

    @classmethod
    def from_zipcodes(cls) -> ZipTable:
        """Build the table from the ``zipcodes`` package (slow: about a second)."""
        import zipcodes

        rows = []
        for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
            try:
                lat, lon = float(row["lat"]), float(row["long"])
                code = int(row["zip_code"])
            except (TypeError, ValueError):
                continue
            rows.append((code, lat, lon, row))
        rows.sort(key=lambda r: r[0])
        state_names: list[str] = sorted({str(r[3]["state"]) for r in rows})
        kind_names: list[str] = sorted({str(r[3].get("zip_code_type") or "STANDARD") for r in rows})
        state_at = {name: i for i, name in enumerate(state_names)}
        kind_at = {name: i for i, name in enumerate(kind_names)}
        codes, lats, lons = array("I"), array("d"), array("d")
        states, kinds = array("B"), array("B")
        names: list[str] = []
        for code, lat, lon, row in rows:
            codes.append(code)
            lats.append(lat)
            lons.append(lon)
            states.append(state_at[str(row["state"])])
            flags = kind_at[str(row.get("zip_code_type") or "STANDARD")]
            kinds.append(flags if bool(row.get("active", True)) else flags | 0x80)
            city = str(row["city"]).replace("\t", " ").replace("\n", " ")
            county = str(row.get("county") or "").replace("\t", " ").replace("\n", " ")
            names.append(f"{city}\t{county}")
        header = {"states": state_names, "kinds": kind_names}
        names_text = "\n".join(names).encode("utf-8")
        return cls(
            codes, lats, lons, states=states, kinds=kinds, header=header, names_text=names_text
        )


def _source_stamp() -> str:
    """A short fingerprint of the installed ``zipcodes`` package (its files' sizes and
    modification times), without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("zipcodes")
    parts: list[str] = []
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.is_file():
                    info = entry.stat()
                    parts.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def cache_path() -> Path:
    """Where the compact ZIP table is cached (the user cache folder)."""
    import platformdirs

    folder = platformdirs.user_cache_path("ips-jobdev", appauthor=False)
    return folder / f"zip-table-v1-{_source_stamp()}.bin"


def _write_cache(path: Path, data: bytes) -> None:
    """Write the cache atomically; a folder that cannot be written just means no cache."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise


def _load_table() -> ZipTable:
    path = cache_path()
    with contextlib.suppress(OSError, ValueError, KeyError):
        return ZipTable.from_bytes(path.read_bytes())
    table = ZipTable.from_zipcodes()
    _write_cache(path, table.to_bytes())
    return table


_table: ZipTable | None = None
_table_lock = threading.Lock()


def zip_table() -> ZipTable:
    """The ZIP table, loaded once per process (from the cache file when there is one)."""
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                _table = _load_table()
    return _table


def _zip5(zip_code: str | None) -> str | None:
    if not zip_code:
        return None
    text = zip_code.strip()[:5]
    return text if len(text) == 5 and text.isdigit() else None


def zip_place(zip_code: str | None) -> ZipPlace | None:
    """The city, county and centroid of a ZIP (5-digit or ZIP+4), or ``None`` if unknown."""
    key = _zip5(zip_code)
    if key is None:
        return None
    table = zip_table()
    i = table.index(key)
    return table.place(i) if i is not None else None


def zip_centroid(zip_code: str | None) -> LatLon | None:
    """``(latitude, longitude)`` of a ZIP's centroid; ``None`` for a missing or unknown ZIP.

    Accepts ``"53703"`` and ``"53703-1234"`` alike.
    """
    key = _zip5(zip_code)
    if key is None:
        return None
    table = zip_table()
    i = table.index(key)
    return table.centroid(i) if i is not None else None


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
    table = zip_table()
    wisconsin = table.state_names.index("WI") if "WI" in table.state_names else -1
    return [
        f"{table.codes[i]:05d}"
        for i in range(len(table))
        if table.states[i] == wisconsin
        and (not standard_only or (table.active(i) and table.kind(i) == "STANDARD"))
    ]


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

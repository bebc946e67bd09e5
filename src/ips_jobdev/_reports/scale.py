"""The fidelity scale as data: items, their anchors, and how a value earns a point.

The US IPS-25 ships as ``data/ips-25-us.toml`` (:func:`default_scale`); a program loads the
exact version its reviewers use with :meth:`FidelityScale.load`. The format is in
docs/reference/fidelity-scale-file.md.

>>> scale = default_scale()
>>> item = scale.item("rapid_job_search")
>>> item.rate(30.4).point, item.rate(30.5).point, item.rate(61).text
(5, 4, '61-150')
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ips_jobdev._tomlfields import TomlTable, read_toml
from ips_jobdev.errors import NotFoundError, ValidationError

__all__ = [
    "BETWEEN_ANCHORS",
    "Anchor",
    "FidelityScale",
    "ScaleItem",
    "default_scale",
    "round_half_up",
]

BETWEEN_ANCHORS = ("reach", "nearest")
"""How a value that falls between two anchors naming single values is placed:

- ``reach``: a point needs its anchor's value (3.9 contacts a week has not reached "4":
  point 2). The strict reading, and the default.
- ``nearest``: the anchor whose named value is closest (3.9 is nearest "4": point 3;
  halves go up, so 3.0, halfway between "2" and "4", is point 3).

The published scale does not say; a program chooses with ``between_anchors`` in the
scale file or ``--between-anchors`` on the command line."""

_RECORD = "FidelityScale"
_WHAT = "a fidelity scale file"


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as people do on paper: 30.5 -> 31, 4.45 -> 4.5 (not to even)."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


@attrs.frozen
class Anchor:
    """One scale point of an item: its text as published and the values it covers.

    ``named`` is the single value the anchor's text names, where the published anchors
    name values with gaps between them ("2", "4", "5"): the ``nearest`` reading places a
    value in a gap by it.
    """

    point: int
    text: str
    min: float | None = None
    max: float | None = None
    named: float | None = None

    def holds(self, value: float) -> bool:
        """Whether ``value`` (already rounded) lies in this anchor's range."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@attrs.frozen
class ScaleItem:
    """One item of the scale.

    Fields:

    - ``key``: the item's name in files and reports (``"rapid_job_search"``).
    - ``title``: as the scale names it.
    - ``measures``: what the item measures.
    - ``unit``: the unit of the item's figure.
    - ``decimals``: a figure is rounded to this many decimals before it is placed.
    - ``combine``: ``"pooled"`` (rate the program's figure) or ``"each"`` (rate each
      specialist, average the points, take the closest point).
    - ``computed``: whether ips-jobdev computes it from the record.
    - ``anchors``: the scale points, 1 to 5.
    - ``options``: item-specific rules (``excluded_purposes``, ``new_caseload``,
      ``part_time``).
    """

    key: str
    title: str
    measures: str
    unit: str
    anchors: tuple[Anchor, ...]
    decimals: int = 0
    combine: str = "pooled"
    computed: bool = True
    options: Mapping[str, Any] = attrs.field(factory=dict)

    def rate(self, value: float, between: str = "reach") -> Anchor:
        """The anchor ``value`` earns (rounded to :attr:`decimals` first), reading a value
        between two named anchors as ``between`` says (:data:`BETWEEN_ANCHORS`).

        Raises:
            ValidationError: no anchor covers the value (a gap in the file).
        """
        rounded = round_half_up(value, self.decimals)
        for index, anchor in enumerate(self.anchors):
            if anchor.holds(rounded):
                if between == "nearest":
                    return self._nearest(index, rounded)
                return anchor
        raise ValidationError(_RECORD, f"{self.key}.anchors", f"no anchor covers {rounded}")

    def _nearest(self, index: int, value: float) -> Anchor:
        """The anchor at ``index`` or the next one up, whichever names the closer value
        (halves up)."""
        anchor = self.anchors[index]
        if anchor.named is None or value <= anchor.named or index + 1 >= len(self.anchors):
            return anchor
        upper = self.anchors[index + 1]
        target = upper.named if upper.named is not None else upper.min
        if target is None:
            return anchor
        return upper if value - anchor.named >= target - value else anchor

    def closest(self, mean_point: float) -> Anchor:
        """The anchor whose point is closest to an average of points (halves round up)."""
        point = int(round_half_up(mean_point, 0))
        return self.anchor(point)

    def anchor(self, point: int) -> Anchor:
        """The anchor of scale point ``point``."""
        for anchor in self.anchors:
            if anchor.point == point:
                return anchor
        raise ValidationError(_RECORD, f"{self.key}.anchors", f"there is no point {point}")


@attrs.frozen
class FidelityScale:
    """A fidelity scale: its version and source, its items by key, and how a value
    between two named anchors is read (``between_anchors``, see :data:`BETWEEN_ANCHORS`)."""

    name: str
    version: str
    source: str
    items: tuple[ScaleItem, ...]
    short_name: str = ""
    country: str = ""
    between_anchors: str = "reach"

    def item(self, key: str) -> ScaleItem:
        """The item named ``key`` (:class:`~ips_jobdev.NotFoundError` if the scale has none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise NotFoundError("fidelity scale item", key)

    def has(self, key: str) -> bool:
        """Whether the scale has an item named ``key``."""
        return any(item.key == key for item in self.items)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> FidelityScale:
        """Read a scale from a TOML file.

        Raises:
            ValidationError: the file cannot be read, or a field is missing or wrong; the
                error names the field (``FidelityScale.items[3].anchors[2].min``) and file.
        """
        file = Path(path)
        data = read_toml(file, _RECORD)
        try:
            return cls.from_dict(data)
        except ValidationError as exc:
            raise ValidationError(exc.record, exc.field, f"{exc.reason} (in {file})") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FidelityScale:
        """Build a scale from the TOML document's structure."""
        top = TomlTable(data, "", _RECORD, _WHAT)
        name = top.take("name", str, required=True)
        version = top.take("version", str, required=True)
        source = top.take("source", str, required=True)
        short_name = top.take("short_name", str, default="")
        country = top.take("country", str, default="")
        between = top.take("between_anchors", str, default="reach")
        if between not in BETWEEN_ANCHORS:
            raise ValidationError(
                _RECORD, "between_anchors", f"{between!r} is not 'reach' or 'nearest'"
            )
        raw_items = top.take("items", list, required=True)
        top.finish()
        items = [_item(top.child(raw, f"items[{n}]."), n) for n, raw in enumerate(raw_items, 1)]
        keys = [item.key for item in items]
        for n, key in enumerate(keys, 1):
            if keys.index(key) != n - 1:
                raise ValidationError(_RECORD, f"items[{n}].key", f"{key!r} is used twice")
        return cls(
            name=name,
            version=version,
            source=source,
            items=tuple(items),
            short_name=short_name,
            country=country,
            between_anchors=between,
        )


def _item(table: TomlTable, number: int) -> ScaleItem:
    key = table.take("key", str, required=True)
    combine = table.take("combine", str, default="pooled")
    if combine not in ("pooled", "each"):
        raise ValidationError(
            _RECORD, f"{table.prefix}combine", f"{combine!r} is not 'pooled' or 'each'"
        )
    decimals = table.take("decimals", int, default=0)
    if not 0 <= decimals <= 4:
        raise ValidationError(_RECORD, f"{table.prefix}decimals", f"{decimals} is not 0 to 4")
    options: dict[str, Any] = {}
    purposes = table.take("excluded_purposes", list)
    if purposes is not None:
        options["excluded_purposes"] = [str(p) for p in purposes]
    new_caseload = table.take("new_caseload", dict)
    if new_caseload is not None:
        rule = table.child(new_caseload, f"{table.prefix}new_caseload.")
        options["new_caseload"] = {
            "fewer_than": rule.take("fewer_than", int, required=True),
            "contacts_per_seeker": rule.take("contacts_per_seeker", float, required=True),
            "point": rule.take("point", int, default=5),
            "started_within_days": rule.take("started_within_days", int, default=90),
        }
        rule.finish()
    part_time = table.take("part_time", str)
    if part_time is not None:
        if part_time not in ("prorate", "as-is"):
            raise ValidationError(
                _RECORD, f"{table.prefix}part_time", f"{part_time!r} is not 'prorate' or 'as-is'"
            )
        options["part_time"] = part_time
    raw_anchors = table.take("anchors", list, required=True)
    item = ScaleItem(
        key=key,
        title=table.take("title", str, required=True),
        measures=table.take("measures", str, default=""),
        unit=table.take("unit", str, default=""),
        decimals=decimals,
        combine=combine,
        computed=table.take("computed", bool, default=True),
        anchors=_anchors(table, raw_anchors),
        options=options,
    )
    table.finish()
    return item


def _anchors(table: TomlTable, raw: Sequence[object]) -> tuple[Anchor, ...]:
    anchors = []
    for n, entry in enumerate(raw, 1):
        fields = table.child(entry, f"{table.prefix}anchors[{n}].")
        anchor = Anchor(
            point=fields.take("point", int, required=True),
            text=fields.take("text", str, required=True),
            min=fields.take("min", float),
            max=fields.take("max", float),
            named=fields.take("named", float),
        )
        fields.finish()
        if anchor.min is not None and anchor.max is not None and anchor.max < anchor.min:
            raise ValidationError(
                _RECORD, f"{table.prefix}anchors[{n}].max", f"{anchor.max} is below min"
            )
        anchors.append(anchor)
    points = sorted(a.point for a in anchors)
    if points != list(range(1, len(points) + 1)) or not points:
        raise ValidationError(
            _RECORD, f"{table.prefix}anchors", f"points {points} are not 1, 2, ... in turn"
        )
    return tuple(sorted(anchors, key=lambda a: a.point))


@functools.cache
def default_scale() -> FidelityScale:
    """The US IPS-25 that ships with the library (``data/ips-25-us.toml``)."""
    source = resources.files("ips_jobdev").joinpath("data", "ips-25-us.toml")
    return FidelityScale.from_dict(tomllib.loads(source.read_text(encoding="utf-8")))

"""Trend charts of the review packet, drawn by matplotlib's SVG backend.

matplotlib is an optional dependency (the ``reports`` extra); the charts are drawn without
pyplot (no global state, no display), with text kept as text so the packet stays
searchable, and with a fixed hash salt so the same figures give the same SVG.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence

import attrs

from ips_jobdev.errors import IpsJobdevError

__all__ = ["TrendPoint", "TrendSeries", "trend_svg"]

_TEAL, _GREY, _BAND = "#1f6f78", "#8a8f98", "#e6f0f1"


@attrs.frozen
class TrendPoint:
    """One quarter of a series: its label, the value, and the scale point if rated."""

    label: str
    value: float | None
    point: int | None = None


@attrs.frozen
class TrendSeries:
    """One small chart: a figure over the quarters.

    ``scale_points`` draws the scale point (1 to 5) as the bar with the value written on
    it; otherwise the value itself is drawn, with ``band`` (low, high) shaded as a
    reference (the usual range of a figure).
    """

    title: str
    unit: str
    points: tuple[TrendPoint, ...]
    scale_points: bool = False
    band: tuple[float, float] | None = None


def _matplotlib() -> tuple[object, object]:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the extra is installed in CI
        raise IpsJobdevError("charts need matplotlib: pip install 'ips-jobdev[reports]'") from None
    return matplotlib, Figure


def _label(point: TrendPoint, unit: str, scale_points: bool) -> str:
    if point.value is None:
        return "n/a"
    value = f"{point.value:g}{'%' if unit == '%' else ''}"
    return f"{point.point}\n({value})" if scale_points and point.point is not None else value


def _draw(axes: object, series: TrendSeries) -> None:
    labels = [p.label for p in series.points]
    heights = [(p.point or 0) if series.scale_points else (p.value or 0.0) for p in series.points]
    ax = axes
    if series.band is not None:
        ax.axhspan(*series.band, color=_BAND, zorder=0)  # type: ignore[attr-defined]
    bars = ax.bar(labels, heights, color=_TEAL, width=0.6, zorder=2)  # type: ignore[attr-defined]
    for bar, point in zip(bars, series.points, strict=True):
        ax.annotate(  # type: ignore[attr-defined]
            _label(point, series.unit, series.scale_points),
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#222222",
        )
    top = 5.9 if series.scale_points else max([*heights, *(series.band or ()), 1.0]) * 1.3
    ax.set_ylim(0, top)  # type: ignore[attr-defined]
    if series.scale_points:
        ax.set_yticks([1, 2, 3, 4, 5])  # type: ignore[attr-defined]
    if all(p.value is None for p in series.points):
        ax.set_yticks([])  # type: ignore[attr-defined]
    # a long title wraps rather than running into the next chart
    ax.set_title(textwrap.fill(series.title, 24), fontsize=8.5, loc="left")  # type: ignore[attr-defined]
    ax.tick_params(labelsize=7, colors=_GREY)  # type: ignore[attr-defined]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]


def trend_svg(series: Sequence[TrendSeries], *, columns: int = 4, title: str = "") -> str:
    """Small charts of ``series``, ``columns`` to a row, as an SVG document (no XML
    declaration, ready to put inside HTML)."""
    matplotlib, figure_class = _matplotlib()
    rows = max(1, -(-len(series) // columns))
    with matplotlib.rc_context(  # type: ignore[attr-defined]
        {"svg.fonttype": "none", "svg.hashsalt": "ips-jobdev", "font.family": "DejaVu Sans"}
    ):
        figure = figure_class(figsize=(2.0 * columns, 1.9 * rows), layout="constrained")  # type: ignore[operator]
        grid = figure.subplots(rows, columns, squeeze=False)
        for index, axes in enumerate(grid.flat):
            if index < len(series):
                _draw(axes, series[index])
            else:
                axes.set_visible(False)
        if title:
            figure.suptitle(title, fontsize=9, x=0.01, ha="left")
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return re.sub(r"^.*?(<svg\b)", r"\1", text, count=1, flags=re.DOTALL)

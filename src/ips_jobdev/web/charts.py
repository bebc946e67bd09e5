"""The report charts, drawn as SVG with matplotlib (no pyplot: one Figure per chart, safe
in worker threads). Text stays text (``svg.fonttype: none``), and ids are stable, so the
same figures always give the same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

__all__ = ["points_chart", "weekly_chart"]

INK = "#1b2330"
MUTED = "#566070"
PRIMARY = "#1d5fc1"
TARGET = "#9b1c1c"
STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "ips-jobdev",
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.edgecolor": "#c3cad4",
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
}


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def weekly_chart(
    weeks: Sequence[str], contacts: Sequence[float], target: float, *, title: str
) -> bytes:
    """Bars of face-to-face contacts per week, with the weekly target as a dashed line."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.4, 2.8), dpi=100, layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(len(weeks)))
        axes.bar(positions, contacts, color=PRIMARY, width=0.7, label="face-to-face contacts")
        if target:
            axes.axhline(
                target, color=TARGET, linestyle="--", linewidth=1.5, label=f"target {target:g}"
            )
        step = max(1, len(weeks) // 7)
        axes.set_xticks(positions[::step], [weeks[i] for i in positions[::step]])
        axes.set_ylabel("contacts a week")
        axes.set_title(title, loc="left", fontsize=11, color=INK)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="upper left", frameon=False, fontsize=9, ncols=2)
        top = max([*contacts, target, 1.0])
        axes.set_ylim(0, top * 1.3)
        return _svg(figure)


def points_chart(labels: Sequence[str], points: Sequence[int], *, title: str) -> bytes:
    """Horizontal bars of scale points (1 to 5), one per fidelity item, labelled."""
    with matplotlib.rc_context(STYLE):
        height = 0.5 + 0.42 * max(1, len(labels))
        figure = Figure(figsize=(6.4, height + 0.6), dpi=100, layout="constrained")
        axes = figure.add_subplot()
        rows = list(range(len(labels)))[::-1]
        axes.barh(rows, points, color=PRIMARY, height=0.6)
        for row, point in zip(rows, points, strict=True):
            axes.text(point + 0.08, row, f"{point} of 5", va="center", color=INK, fontsize=9)
        axes.set_yticks(rows, labels)
        axes.set_xlim(0, 5.8)
        axes.set_xticks([1, 2, 3, 4, 5])
        axes.set_xlabel("scale point")
        axes.set_title(title, loc="left", fontsize=11, color=INK)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)

"""The review packet: the fidelity or outcome figures of a period as a document a fidelity
reviewer reads before a visit (HTML, and PDF through WeasyPrint).

Per item it shows the figure, the scale point and the anchor's text, how the figure is
computed and where the rule comes from, and the evidence behind it: which contacts, which
job seekers, by program code. Job seekers' names appear only for the ``team`` audience.
Each specialist has a row, and a chart shows the last four quarters (matplotlib, SVG).

matplotlib and WeasyPrint are optional (the ``reports`` extra).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ips_jobdev._reports.charts import TrendPoint, TrendSeries, trend_svg
from ips_jobdev._reports.common import Figure
from ips_jobdev._reports.fidelity import FidelityReport, fidelity_report
from ips_jobdev._reports.outcomes import OutcomesReport, outcomes_report
from ips_jobdev._reports.scale import FidelityScale, default_scale
from ips_jobdev._store import UnitOfWork, reads_unaudited
from ips_jobdev._store.queries.people import seeker_names
from ips_jobdev.errors import IpsJobdevError, ValidationError

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "ReviewPacket",
    "fidelity_packet",
    "outcomes_packet",
    "quarters",
]

AUDIENCES = ("reviewer", "team")
"""Who reads the packet: a ``reviewer`` sees job seekers by program code only; the
``team`` sees their names beside the codes."""
FORMATS = ("html", "pdf")
"""The packet's formats."""
EVIDENCE_ROWS = 60
"""Evidence rows shown per figure (the rest are counted; ``--json`` has them all)."""

_e = html.escape


@attrs.frozen
class ReviewPacket:
    """A review packet: its kind (``fidelity`` or ``outcomes``), title and HTML."""

    kind: str
    title: str
    html: str

    def pdf(self) -> bytes:
        """The packet as PDF (WeasyPrint)."""
        try:
            import weasyprint  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - the extra is installed in CI
            raise IpsJobdevError(
                "PDF needs WeasyPrint: pip install 'ips-jobdev[reports]'"
            ) from None
        return weasyprint.HTML(string=self.html).write_pdf()  # type: ignore[no-any-return]

    def write(self, path: str | os.PathLike[str], format: str = "html") -> Path:
        """Write the packet to ``path`` as ``html`` or ``pdf``; the path written."""
        if format not in FORMATS:
            raise ValidationError("report", "format", f"{format!r} is not html or pdf")
        target = Path(path)
        if format == "pdf":
            target.write_bytes(self.pdf())
        else:
            target.write_text(self.html, encoding="utf-8")
        return target


def quarters(end: dt.date, count: int = 4) -> list[tuple[str, dt.date, dt.date]]:
    """The ``count`` calendar quarters up to the one holding ``end`` (that one up to
    ``end``): ``("2026 Q3", first day, last day)``, oldest first."""
    found = []
    year, index = end.year, (end.month - 1) // 3
    for _ in range(count):
        first = dt.date(year, 3 * index + 1, 1)
        following = dt.date(year + (index == 3), (3 * index + 3) % 12 + 1, 1)
        last = min(following - dt.timedelta(days=1), end)
        found.append((f"{year} Q{index + 1}", first, last))
        year, index = (year, index - 1) if index else (year - 1, 3)
    return found[::-1]


# -- pieces of HTML -----------------------------------------------------------------------

_CSS = """
@page { size: letter; margin: 16mm 14mm 16mm 14mm;
  @bottom-left { content: "ips-jobdev review packet"; font-size: 7.5pt; color: #777; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 7.5pt;
    color: #777; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #222;
  line-height: 1.35; max-width: 60rem; margin: 1rem auto; }
h1 { font-size: 16pt; margin: 0 0 .2rem 0; color: #1f6f78; }
h2 { font-size: 11.5pt; margin: 1.2rem 0 .3rem 0; border-bottom: 1px solid #1f6f78;
  color: #1f6f78; page-break-after: avoid; }
h3 { font-size: 9.5pt; margin: .6rem 0 .2rem 0; }
p.meta { margin: .1rem 0; color: #444; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .5rem 0; }
th, td { border: 1px solid #ccd; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #eef4f5; font-weight: bold; }
td.num, th.num { text-align: right; }
table.evidence { font-size: 7.5pt; }
table.evidence tr, table.summary tr { page-break-inside: avoid; }
.point { font-weight: bold; color: #1f6f78; }
.note { color: #555; font-size: 8pt; }
section.item { page-break-inside: auto; }
.figure-line { font-size: 10pt; margin: .2rem 0; }
p.codes { font-size: 8pt; }
svg { max-width: 100%; height: auto; }
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)


def _value(figure: Figure) -> str:
    if figure.value is None:
        return "n/a"
    if figure.unit == "%":
        return f"{figure.value:g}%"
    if figure.unit == "$ an hour":
        return f"${figure.value:.2f} an hour"
    return f"{figure.value:g} {figure.unit}".strip()


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    css: str = "",
    numeric: Iterable[int] = (),
) -> str:
    right = set(numeric)
    head = "".join(
        f"<th{' class=num' if i in right else ''}>{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i in right else ''}>{_e(_cell(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _evidence(figure: Figure, label: Callable[[str], str]) -> str:
    rows = figure.evidence
    if not rows:
        return ""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    if keys == ["seeker"]:
        # a list of people reads best as a list, not a one-column table of pages
        codes = ", ".join(label(row["seeker"]) for row in rows)
        return f'<h3>Evidence</h3><p class="codes">Job seekers: {_e(codes)}</p>'
    shown = rows[:EVIDENCE_ROWS]
    table_rows = [
        [label(row[k]) if k == "seeker" and row.get(k) else row.get(k) for k in keys]
        for row in shown
    ]
    more = len(rows) - len(shown)
    note = (
        f'<p class="note">and {more} more rows (all of them with --json --evidence)</p>'
        if more
        else ""
    )
    headers = [k.replace("_", " ") for k in keys]
    return "<h3>Evidence</h3>" + _table(headers, table_rows, "evidence") + note


def _detail(figure: Figure) -> str:
    items = [
        f"{k.replace('_', ' ')} {_cell(v) if v != [] else 'none'}"
        for k, v in figure.detail.items()
        if not (isinstance(v, list) and len(v) > 12)
    ]
    return f'<p class="note">Counts: {_e("; ".join(items))}</p>' if items else ""


_RATING = {
    "rated": "no point (nothing to rate)",
    "evidence": "no point: evidence for the reviewer",
    "outcome": "",
}
"""What the figure line says when a figure has no scale point, by the kind of figure."""


def _item(
    figure: Figure,
    title: str,
    label: Callable[[str], str],
    kind: str,
    *,
    anchor_texts: str = "",
    more: str = "",
) -> str:
    point = (
        f'<span class="point">point {figure.point}</span>: {_e(figure.anchor or "")}'
        if figure.point is not None
        else _e(_RATING[kind])
    )
    return (
        f'<section class="item" id="{_e(figure.key)}"><h2>{_e(title)}</h2>'
        f'<p class="figure-line"><b>{_e(figure.label)}</b>: {_e(_value(figure))}. '
        f"{point}</p>"
        + (f'<p class="note">Anchors: {_e(anchor_texts)}</p>' if anchor_texts else "")
        + f"<p>{_e(figure.definition)}</p>"
        + f'<p class="note">Source: {_e(figure.source)}</p>'
        + _detail(figure)
        + more
        + _evidence(figure, label)
        + "</section>"
    )


def _document(title: str, header: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1>{header}</header><main>{body}</main></body></html>"
    )


def _labeller(uow: UnitOfWork, figures: Sequence[Figure], audience: str) -> Callable[[str], str]:
    if audience not in AUDIENCES:
        raise ValidationError("report", "audience", f"{audience!r} is not reviewer or team")
    if audience != "team":
        return lambda code: code
    codes = {row["seeker"] for f in figures for row in f.evidence if row.get("seeker")}
    names = seeker_names(uow, codes)
    return lambda code: f"{code} ({names[code]})" if code in names else code


def _meta(lines: Iterable[str]) -> str:
    return "".join(f'<p class="meta">{_e(line)}</p>' for line in lines)


# -- the fidelity packet -------------------------------------------------------------------

_FIDELITY_ORDER = (
    "caseload_size",
    "rapid_job_search",
    "frequent_employer_contact",
    "individualized_job_search",
    "diversity_of_job_types",
    "diversity_of_employers",
    "competitive_jobs",
)
_EVIDENCE_ITEMS = {
    "multi_visit_relationships": "Quality of employer contact (rated by the reviewer)",
    "follow_along": "Time-unlimited follow-along supports (rated by the reviewer)",
}


def _anchor_texts(scale: FidelityScale, key: str) -> str:
    if not scale.has(key):
        return ""
    return "; ".join(f"{a.point} = {a.text}" for a in scale.item(key).anchors)


def _summary(report: FidelityReport, scale: FidelityScale) -> str:
    rows = []
    for key in _FIDELITY_ORDER:
        figure = report.figure(key)
        title = scale.item(key).title if scale.has(key) else figure.label
        rows.append([title, _value(figure), figure.point, figure.anchor])
    for item in scale.items:
        if not item.computed:
            rows.append([item.title, "rated by the reviewer (the record cannot say)", None, None])
    return "<h2>Summary</h2>" + _table(
        ["item", "figure", "point", "anchor"], rows, "summary", numeric=[2]
    )


def _specialist_table(report: FidelityReport) -> str:
    rows = [
        [
            f"{s.code} {s.name}",
            s.started,
            round(s.weeks_worked, 1),
            round(s.fte, 2),
            s.contacts,
            round(s.weekly_contacts, 2) if s.weekly_contacts is not None else "n/a",
            f"{s.contact_point}{' (new caseload)' if s.new_caseload_rule else ''}"
            if s.contact_point is not None
            else "",
            s.caseload,
            s.looking_for_work,
            round(s.caseload_per_fte, 1) if s.caseload_per_fte is not None else "",
            s.caseload_point,
        ]
        for s in report.specialists
    ]
    headers = [
        "specialist",
        "started",
        "weeks worked",
        "full-time share",
        "contacts",
        "contacts a full-time week",
        "contact point",
        "caseload served",
        "looking for work",
        "caseload per full-time",
        "caseload point",
    ]
    return "<h2>Each specialist</h2>" + _table(headers, rows, "summary", numeric=range(2, 11))


def _fidelity_trend(
    uow: UnitOfWork, end: dt.date, options: Mapping[str, Any], scale: FidelityScale
) -> str:
    reports = [
        (label, fidelity_report(uow, start=first, end=last, **options))
        for label, first, last in quarters(end)
    ]
    series = []
    for key in _FIDELITY_ORDER:
        title = scale.item(key).title if scale.has(key) else key
        series.append(
            TrendSeries(
                title=title,
                unit=reports[0][1].figure(key).unit,
                points=tuple(
                    TrendPoint(label[2:], r.figure(key).value, r.figure(key).point)
                    for label, r in reports
                ),
                scale_points=True,
            )
        )
    chart = trend_svg(series, title="Scale point by quarter (figure in brackets)")
    return '<h2>The last four quarters</h2><figure class="trend">' + chart + "</figure>"


@reads_unaudited
def fidelity_packet(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist: str | None = None,
    team: Sequence[str] | str | None = None,
    scale: FidelityScale | str | os.PathLike[str] | None = None,
    timezone: str | None = None,
    between_anchors: str | None = None,
    audience: str = "reviewer",
    made_on: dt.date | None = None,
) -> ReviewPacket:
    """The fidelity review packet of the days ``start`` to ``end``.

    The arguments are those of :func:`~ips_jobdev._reports.fidelity_report`, and:

    Args:
        audience: ``reviewer`` (job seekers by program code only; the default) or
            ``team`` (names beside the codes).
        made_on: the date printed as the packet's date (default: today).

    Raises:
        ValidationError: an unknown audience, or what ``fidelity_report`` refuses.
        IpsJobdevError: matplotlib is not installed.
    """
    if isinstance(scale, FidelityScale):
        chosen = scale
    else:
        chosen = FidelityScale.load(scale) if scale is not None else default_scale()
    options: dict[str, Any] = {
        "specialist": specialist,
        "team": team,
        "scale": chosen,
        "timezone": timezone,
        "between_anchors": between_anchors,
    }
    report = fidelity_report(uow, start=start, end=end, **options)
    label = _labeller(uow, report.figures, audience)
    title = f"Fidelity review packet: {report.scope.label}"
    header = _meta(
        [
            f"Period: {start.isoformat()} to {end.isoformat()} ({report.period.days} days), "
            f"days in {report.period.zone}",
            f"Scale: {report.scale_name}, {report.scale_version}",
            f"Source: {report.scale_source}",
            "Between anchors: "
            + (
                "a point needs its anchor's value (reach)"
                if report.between_anchors == "reach"
                else "the anchor naming the closest value (nearest)"
            ),
            "Job seekers appear by program code"
            + (" with their names (team copy)." if audience == "team" else " only."),
            f"Made {(made_on or dt.date.today()).isoformat()} by ips-jobdev from the record.",
        ]
    )
    rapid_share = report.figure("rapid_job_search_share")
    beside = {
        "rapid_job_search": f'<p class="note"><b>{_e(rapid_share.label)}: '
        f"{_e(_value(rapid_share))}.</b> {_e(rapid_share.definition)}</p>"
    }
    items = "".join(
        _item(
            report.figure(key),
            chosen.item(key).title if chosen.has(key) else report.figure(key).label,
            label,
            "rated",
            anchor_texts=_anchor_texts(chosen, key),
            more=beside.get(key, ""),
        )
        for key in _FIDELITY_ORDER
    )
    evidence = "".join(
        _item(report.figure(key), title, label, "evidence")
        for key, title in _EVIDENCE_ITEMS.items()
    )
    manager = "".join(
        _item(f, f.label, label, "evidence")
        for f in report.figures
        if f.key not in _FIDELITY_ORDER
        and f.key not in _EVIDENCE_ITEMS
        and f.key != "rapid_job_search_share"
    )
    body = (
        _summary(report, chosen)
        + _fidelity_trend(uow, end, options, chosen)
        + _specialist_table(report)
        + items
        + evidence
        + "<h2>For the program manager</h2>"
        + manager
    )
    return ReviewPacket("fidelity", title, _document(title, header, body))


# -- the outcomes packet -------------------------------------------------------------------


def _outcomes_trend(uow: UnitOfWork, end: dt.date, options: Mapping[str, Any]) -> str:
    reports = [
        (label[2:], outcomes_report(uow, start=first, end=last, **options))
        for label, first, last in quarters(end)
    ]

    def series(key: str, title: str, band: tuple[float, float] | None = None) -> TrendSeries:
        return TrendSeries(
            title=title,
            unit=reports[0][1].figure(key).unit,
            points=tuple(TrendPoint(label, r.figure(key).value) for label, r in reports),
            band=band,
        )

    chart = trend_svg(
        [
            series("employment_rate", "IPS employment rate, % (US 41-47% shaded)", (41.0, 47.0)),
            series("job_starts", "Competitive job starts"),
            series("caseload", "Job seekers served"),
            series("held_90_days", "Jobs held 90 days (%)"),
        ],
        title="By quarter",
    )
    return '<h2>The last four quarters</h2><figure class="trend">' + chart + "</figure>"


def _goals(report: OutcomesReport) -> str:
    if not report.goals:
        return ""
    rows = [
        [g.metric, g.scope, f"{g.period_start} to {g.period_end}", g.target, g.achieved, g.met]
        for g in report.goals
    ]
    return "<h2>Program goals</h2>" + _table(
        ["goal", "scope", "period", "target", "achieved", "met"], rows, "summary"
    )


@reads_unaudited
def outcomes_packet(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist: str | None = None,
    team: Sequence[str] | str | None = None,
    timezone: str | None = None,
    audience: str = "reviewer",
    made_on: dt.date | None = None,
) -> ReviewPacket:
    """The outcomes packet of the days ``start`` to ``end`` (arguments as for
    :func:`fidelity_packet`)."""
    options: dict[str, Any] = {"specialist": specialist, "team": team, "timezone": timezone}
    report = outcomes_report(uow, start=start, end=end, **options)
    label = _labeller(uow, report.figures, audience)
    title = f"Outcomes: {report.scope.label}"
    header = _meta(
        [
            f"Period: {start.isoformat()} to {end.isoformat()} ({report.period.days} days)",
            "Counted from the record: job seekers served during the period by their status "
            "then; competitive jobs only unless said.",
            "Job seekers appear by program code"
            + (" with their names (team copy)." if audience == "team" else " only."),
            f"Made {(made_on or dt.date.today()).isoformat()} by ips-jobdev from the record.",
        ]
    )
    summary = "<h2>Summary</h2>" + _table(
        ["figure", "value"], [[f.label, _value(f)] for f in report.figures], "summary"
    )
    items = "".join(_item(f, f.label, label, "outcome") for f in report.figures)
    body = summary + _outcomes_trend(uow, end, options) + _goals(report) + items
    return ReviewPacket("outcomes", title, _document(title, header, body))

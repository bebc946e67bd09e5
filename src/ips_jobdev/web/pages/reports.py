"""Reports: fidelity and outcome figures with their scale points, two charts, and a
drill-down from each figure to the contacts, people or jobs behind it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ips_jobdev._overview import figure_detail, reports_overview
from ips_jobdev.web.charts import points_chart, weekly_chart
from ips_jobdev.web.forms import parse_date
from ips_jobdev.web.pages._common import call, chosen, now
from ips_jobdev.web.render import FIGURE_ITEMS, page

__all__ = ["routes"]

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _params(request: Request) -> dict[str, object]:
    query = request.query_params
    return {
        "scope": query.get("scope", "mine")
        if query.get("scope") in ("mine", "program")
        else "mine",
        "start": parse_date(query.get("from", "")),
        "end": parse_date(query.get("to", "")),
    }


def _query(scope: str, start: dt.date, end: dt.date) -> str:
    return urlencode({"scope": scope, "from": start.isoformat(), "to": end.isoformat()})


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter_end = quarter_start - dt.timedelta(days=1)
    last_quarter_start = dt.date(
        last_quarter_end.year, 3 * ((last_quarter_end.month - 1) // 3) + 1, 1
    )
    return [
        ("Last 13 weeks", today - dt.timedelta(days=90), today),
        ("This quarter so far", quarter_start, today),
        ("Last quarter", last_quarter_start, last_quarter_end),
        ("This year so far", dt.date(today.year, 1, 1), today),
    ]


async def reports(request: Request) -> Response:
    """The Reports page."""
    params = _params(request)
    report = await call(request, reports_overview, chosen(request), now=now(request), **params)
    query = _query(report.scope, report.start, report.end)
    today = now(request).astimezone(report.team.zone).date()
    return page(
        request,
        "reports.html",
        section="reports",
        team=report.team,
        r=report,
        query=query,
        presets=[
            (label, urlencode({"scope": report.scope, "from": a.isoformat(), "to": b.isoformat()}))
            for label, a, b in _presets(today)
        ],
        items=FIGURE_ITEMS,
    )


async def figure(request: Request) -> Response:
    """The rows behind one figure."""
    params = _params(request)
    detail = await call(
        request,
        figure_detail,
        request.path_params["key"],
        chosen(request),
        now=now(request),
        **params,
    )
    query = urlencode(
        {
            "scope": detail.scope,
            "from": detail.period.start.isoformat(),
            "to": detail.period.end.isoformat(),
        }
    )
    return page(
        request,
        "figure.html",
        section="reports",
        team=detail.team,
        d=detail,
        query=query,
        items=FIGURE_ITEMS,
    )


def _svg(body: bytes) -> Response:
    return Response(
        body,
        media_type="image/svg+xml",
        headers={"content-security-policy": SVG_CSP, "cache-control": "private, max-age=300"},
    )


async def weekly_svg(request: Request) -> Response:
    """The chart of face-to-face contacts week by week."""
    report = await call(
        request, reports_overview, chosen(request), now=now(request), **_params(request)
    )
    labels = [f"{w.monday:%b} {w.monday.day}" for w in report.weekly]
    title = (
        "Face-to-face employer contacts per week"
        if report.scope == "mine"
        else "Face-to-face employer contacts per specialist per week"
    )
    return _svg(
        weekly_chart(labels, [w.contacts for w in report.weekly], report.target, title=title)
    )


async def points_svg(request: Request) -> Response:
    """The chart of the fidelity items' scale points."""
    report = await call(
        request, reports_overview, chosen(request), now=now(request), **_params(request)
    )
    rated = [f for f in report.fidelity.figures if f.point is not None]
    return _svg(
        points_chart(
            [FIGURE_ITEMS.get(f.key, f.label) for f in rated],
            [int(f.point or 0) for f in rated],
            title="Fidelity scale points (IPS-25 items the record shows)",
        )
    )


routes = [
    Route("/reports", reports, methods=["GET"], name="reports"),
    Route("/reports/charts/weekly.svg", weekly_svg, methods=["GET"]),
    Route("/reports/charts/points.svg", points_svg, methods=["GET"]),
    Route("/reports/{key}", figure, methods=["GET"], name="figure"),
]

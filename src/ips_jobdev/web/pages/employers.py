"""Employers: search as you type, and one employer's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ips_jobdev._overview import employer_label, employer_overview, find_employers
from ips_jobdev.web.pages._common import call, chosen, now
from ips_jobdev.web.render import page, render_text

__all__ = ["routes"]


async def employers(request: Request) -> Response:
    """The employers page; ``?q=`` searches. With ``?fragment=1`` (search as you type)
    only the results are sent."""
    query = request.query_params.get("q", "")
    found = await call(request, find_employers, query, chosen(request))
    if request.query_params.get("fragment"):
        return HTMLResponse(render_text("_employer_results.html", search=found))
    return page(request, "employers.html", section="employers", team=found.team, search=found)


async def suggest(request: Request) -> Response:
    """Employer names for the log form's suggestions (JSON)."""
    query = request.query_params.get("q", "")
    if len(query.strip()) < 2:
        return JSONResponse([])
    found = await call(request, find_employers, query, chosen(request), limit=12)
    return JSONResponse(
        [{"label": employer_label(r.name, r.id), "address": r.address} for r in found.rows]
    )


async def employer(request: Request) -> Response:
    """One employer's page."""
    overview = await call(
        request,
        employer_overview,
        int(request.path_params["employer_id"]),
        chosen(request),
        now=now(request),
    )
    return page(
        request,
        "employer.html",
        section="employers",
        team=overview.team,
        e=overview.employer,
        o=overview,
    )


routes = [
    Route("/employers", employers, methods=["GET"], name="employers"),
    Route("/employers/suggest", suggest, methods=["GET"]),
    Route("/employers/{employer_id:int}", employer, methods=["GET"], name="employer"),
]

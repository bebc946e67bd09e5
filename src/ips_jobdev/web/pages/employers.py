"""Employers: search as you type, and one employer's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ips_jobdev._casework.windows import set_visiting_windows
from ips_jobdev._overview import employer_label, employer_overview, find_employers
from ips_jobdev._store import UnitOfWork
from ips_jobdev.errors import ValidationError
from ips_jobdev.web.forms import text
from ips_jobdev.web.pages._common import call, call_uow, chosen, now, read_form
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


async def employer(request: Request, **form_state: object) -> Response:
    """One employer's page (``form_state``: the windows form's text and error after a
    refused save)."""
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
        status_code=422 if form_state else 200,
        **form_state,
    )


async def save_windows(request: Request) -> Response:
    """Record the employer's visiting windows (the form on its page); a text that does not
    follow the syntax is shown again with the reason next to the field."""
    employer_id = int(request.path_params["employer_id"])
    form = await read_form(request)
    wanted = text(form, "windows") or ""

    def work(uow: UnitOfWork) -> None:
        set_visiting_windows(uow, employer_id, wanted)
        uow.commit()

    try:
        await call_uow(request, work)
    except ValidationError as exc:
        return await employer(request, windows_text=wanted, windows_error=exc.reason)
    return RedirectResponse(f"/employers/{employer_id}", status_code=303)


routes = [
    Route("/employers", employers, methods=["GET"], name="employers"),
    Route("/employers/suggest", suggest, methods=["GET"]),
    Route("/employers/{employer_id:int}", employer, methods=["GET"], name="employer"),
    Route("/employers/{employer_id:int}/windows", save_windows, methods=["POST"]),
]

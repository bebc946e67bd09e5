"""Today: the day's visits (each with a one-click Done), what is due, the 30-day rule."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ips_jobdev._overview import team, today_overview
from ips_jobdev.errors import NotFoundError
from ips_jobdev.web.pages._common import call, chosen, now, read_form, session
from ips_jobdev.web.render import page

__all__ = ["routes"]

SAVED_MESSAGES = {
    "visit": "Visit saved.",
    "again": "That visit was already saved; it was not saved twice.",
}


async def home(request: Request) -> Response:
    """``/``: Today (in shared mode, the role's first page)."""
    from ips_jobdev.web.accounts import home_for

    return RedirectResponse(home_for(session(request).principal.role), status_code=303)


async def today(request: Request) -> Response:
    """The Today page."""
    day = await call(request, today_overview, chosen(request), now=now(request))
    return page(
        request,
        "today.html",
        section="today",
        team=day.team,
        day=day,
        saved=SAVED_MESSAGES.get(request.query_params.get("saved", "")),
    )


def _safe_next(target: str) -> str:
    # only this app's own pages: never an absolute URL given by a form ("//host" and
    # "/\\host" are other sites to a browser, which reads a backslash as a slash)
    own = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if own else "/today"


async def switch_specialist(request: Request) -> Response:
    """Show another specialist's pages (the selector in the header)."""
    form = await read_form(request)
    code = str(form.get("specialist", "")).strip()
    try:
        found = await call(request, team, code)
    except NotFoundError:
        found = None
    if found is not None and found.chosen is not None:
        session(request).specialist = found.chosen.code
    return RedirectResponse(_safe_next(str(form.get("next", "/today"))), status_code=303)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/today", today, methods=["GET"], name="today"),
    Route("/specialist", switch_specialist, methods=["POST"]),
]

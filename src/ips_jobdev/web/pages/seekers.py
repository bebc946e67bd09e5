"""Job seekers: the caseload, and one person's page with the employers that fit them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ips_jobdev._overview import caseload_overview, seeker_overview
from ips_jobdev.web.pages._common import call, chosen, now
from ips_jobdev.web.render import page

__all__ = ["routes"]


async def caseload(request: Request) -> Response:
    """The caseload page."""
    found = await call(request, caseload_overview, chosen(request), now=now(request))
    return page(request, "seekers.html", section="seekers", team=found.team, caseload=found)


async def seeker(request: Request) -> Response:
    """One job seeker's page."""
    found = await call(
        request,
        seeker_overview,
        request.path_params["code"],
        chosen(request),
        now=now(request),
        every_employer=request.query_params.get("all") == "1",
    )
    return page(request, "seeker.html", section="seekers", team=found.team, s=found.seeker, o=found)


routes = [
    Route("/seekers", caseload, methods=["GET"], name="seekers"),
    Route("/seekers/{code}", seeker, methods=["GET"], name="seeker"),
]

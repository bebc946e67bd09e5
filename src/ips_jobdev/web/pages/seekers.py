"""Job seekers: the caseload, and one person's page with the employers that fit them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ips_jobdev._casework.audit import AuditAction, record_access
from ips_jobdev._overview import SeekerPage, caseload_overview, seeker_overview
from ips_jobdev._store import UnitOfWork
from ips_jobdev.web.pages._common import call, call_uow, chosen, now
from ips_jobdev.web.render import page

__all__ = ["routes"]


async def caseload(request: Request) -> Response:
    """The caseload page."""
    found = await call(request, caseload_overview, chosen(request), now=now(request))
    return page(request, "seekers.html", section="seekers", team=found.team, caseload=found)


async def seeker(request: Request) -> Response:
    """One job seeker's page; the view is recorded in the audit trail."""
    code = request.path_params["code"]
    specialist = chosen(request)
    moment = now(request)
    every = request.query_params.get("all") == "1"

    def view(uow: UnitOfWork) -> SeekerPage:
        shown = seeker_overview(uow, code, specialist, now=moment, every_employer=every)
        record_access(uow, action=AuditAction.VIEW, kind="job-seeker", record_id=shown.seeker.id)
        uow.commit()
        return shown

    found = await call_uow(request, view)
    return page(request, "seeker.html", section="seekers", team=found.team, s=found.seeker, o=found)


routes = [
    Route("/seekers", caseload, methods=["GET"], name="seekers"),
    Route("/seekers/{code}", seeker, methods=["GET"], name="seeker"),
]

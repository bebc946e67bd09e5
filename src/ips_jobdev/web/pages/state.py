"""The state reviewer's page: figures across programs, counts only (never a name)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ips_jobdev._overview.statewide import state_overview
from ips_jobdev.web.pages._common import call_across_programs, now
from ips_jobdev.web.render import page


async def state(request: Request) -> Response:
    """``/state``: every program's figures."""
    overview = await call_across_programs(request, state_overview, now=now(request))
    return page(request, "state.html", section="state", overview=overview)


routes = [Route("/state", state, methods=["GET"], name="state")]

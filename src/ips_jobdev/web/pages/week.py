"""Week: the planner's proposal day by day with each day's route; keep, skip or move each
proposed visit, then save; move a visit already planned."""

from __future__ import annotations

import datetime as dt

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ips_jobdev._overview import Choice, WeekOverview, save_week, week_overview
from ips_jobdev.errors import ValidationError
from ips_jobdev.web.forms import parse_date, text
from ips_jobdev.web.pages._common import call, chosen, now, read_form
from ips_jobdev.web.render import page

__all__ = ["routes"]


def _render(
    request: Request, overview: WeekOverview, *, notice: str | None = None, status_code: int = 200
) -> Response:
    return page(
        request,
        "week.html",
        status_code=status_code,
        section="week",
        team=overview.team,
        week=overview,
        notice=notice,
        saved=request.query_params.get("saved"),
        moved=request.query_params.get("moved"),
    )


async def show_week(request: Request) -> Response:
    """The Week page."""
    overview = await call(
        request,
        week_overview,
        chosen(request),
        request.query_params.get("week") or None,
        now=now(request),
    )
    return _render(request, overview)


def _choices(form: FormData) -> dict[int, Choice]:
    out: dict[int, Choice] = {}
    for key in form:
        if not key.startswith("keep-"):
            continue
        try:
            employer_id = int(key.removeprefix("keep-"))
        except ValueError:
            continue
        day: dt.date | None = parse_date(text(form, f"day-{employer_id}"))
        out[employer_id] = Choice(keep=text(form, key) != "skip", day=day)
    return out


async def save(request: Request) -> Response:
    """Save the week with the choices made (or show them applied: ``action=preview``)."""
    form = await read_form(request)
    week = text(form, "week")
    choices = _choices(form)
    if text(form, "action") == "preview":
        try:
            overview = await call(
                request, week_overview, chosen(request), week, now=now(request), choices=choices
            )
        except ValidationError as exc:
            overview = await call(request, week_overview, chosen(request), week, now=now(request))
            return _render(request, overview, notice=exc.reason, status_code=422)
        return _render(request, overview, notice="Your changes are shown; nothing is saved yet.")
    try:
        result = await call(
            request,
            save_week,
            chosen(request),
            week,
            fingerprint=text(form, "fingerprint"),
            choices=choices,
            now=now(request),
        )
    except ValidationError as exc:
        overview = await call(request, week_overview, chosen(request), week, now=now(request))
        return _render(request, overview, notice=exc.reason, status_code=422)
    if result.changed:
        return _render(
            request,
            result.overview,
            notice=(
                "The plan changed since you opened it (a visit was saved, or time passed). "
                "Nothing was saved: check the plan below and save again."
            ),
            status_code=409,
        )
    return RedirectResponse(
        f"/week?week={result.overview.week}&saved={len(result.saved)}", status_code=303
    )


routes = [
    Route("/week", show_week, methods=["GET"], name="week"),
    Route("/week", save, methods=["POST"], name="save_week"),
]

"""Log a visit: the form (blank, for one employer, or a planned visit to log as made), and
saving it, from the page or from the offline queue (JSON), once per submission id."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ips_jobdev._overview import VisitForm, visit_form
from ips_jobdev._submissions import (
    ChangedElsewhere,
    Submission,
    VisitFields,
    cancel_planned_visit,
    complete_planned_visit,
    move_visit,
    submit_visit,
)
from ips_jobdev.errors import IpsJobdevError
from ips_jobdev.web.forms import (
    VISIT_ERROR_FIELDS,
    employer_reference,
    error_for,
    new_submission_id,
    optional_int,
    text,
)
from ips_jobdev.web.pages._common import call, chosen, now, read_form, session, wants_json
from ips_jobdev.web.render import MODE_LABELS, PURPOSE_LABELS, page

__all__ = ["routes"]


def _values(form: VisitForm) -> dict[str, Any]:
    return {
        "employer": form.employer,
        "date": form.date.isoformat(),
        "time": form.time.strftime("%H:%M"),
        "mode": form.mode.value,
        "purpose": form.purpose.value,
        "seekers": {s.code for s in form.seekers if s.checked},
        "seeker_present": form.seeker_present,
        "outcome": "",
        "next_step": "",
        "planned": False,
        "visit_id": str(form.visit.id) if form.visit else "",
        "version": str(form.visit.version) if form.visit else "",
        "submission_id": new_submission_id(),
        "specialist": form.team.chosen.code if form.team.chosen else "",
    }


def _render(
    request: Request,
    form: VisitForm,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "visit_form.html",
        status_code=status_code,
        section="log",
        team=form.team,
        form=form,
        values=values,
        errors=errors or {},
        purposes=PURPOSE_LABELS,
        modes=MODE_LABELS,
    )


async def new_visit(request: Request) -> Response:
    """The log form."""
    visit_id = optional_int(request.query_params.get("visit", ""))
    employer_id = optional_int(request.query_params.get("employer", ""))
    form = await call(
        request,
        visit_form,
        chosen(request),
        visit_id=visit_id,
        employer_id=employer_id,
        now=now(request),
    )
    return _render(request, form, _values(form))


def _posted(form: FormData) -> dict[str, Any]:
    return {
        "employer": text(form, "employer"),
        "date": text(form, "date"),
        "time": text(form, "time"),
        "mode": text(form, "mode") or "in-person",
        "purpose": text(form, "purpose") or "introduce",
        "seekers": {str(v) for v in form.getlist("seekers") if str(v).strip()},
        "seeker_present": bool(text(form, "seeker_present")),
        "outcome": text(form, "outcome"),
        "next_step": text(form, "next_step"),
        "planned": bool(text(form, "planned")),
        "visit_id": text(form, "visit_id"),
        "version": text(form, "version"),
        "submission_id": text(form, "submission_id") or new_submission_id(),
        "specialist": text(form, "specialist"),
    }


def _missing(values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if not values["employer"]:
        errors["employer"] = "Enter the employer you visited."
    if not values["date"]:
        errors["date"] = "Enter the date of the visit."
    elif not values["time"]:
        errors["date"] = "Enter the time of the visit."
    return errors


async def _save(request: Request, values: dict[str, Any]) -> Submission:
    fields = VisitFields(
        at=f"{values['date']}T{values['time']}",
        mode=values["mode"],
        purpose=values["purpose"],
        seekers=sorted(values["seekers"]),
        seeker_present=values["seeker_present"],
        outcome=values["outcome"] or None,
        next_step=values["next_step"] or None,
    )
    reference = employer_reference(values["employer"])
    visit_id = optional_int(values["visit_id"])
    if visit_id is not None:
        return await call(
            request,
            complete_planned_visit,
            values["submission_id"],
            visit_id,
            fields=fields,
            employer=reference,
            expected_version=optional_int(values["version"]),
            now=now(request),
        )
    return await call(
        request,
        submit_visit,
        values["submission_id"],
        reference,
        values["specialist"] or chosen(request) or "",
        fields=fields,
        planned=values["planned"],
        now=now(request),
    )


async def save_visit(request: Request) -> Response:
    """Save a visit from the form, or from the offline queue (``Accept: application/json``)."""
    values = _posted(await read_form(request))
    principal = session(request).principal
    if principal.role == "specialist":
        values["specialist"] = principal.specialist or ""  # a specialist logs as themselves
    errors = _missing(values)
    if not errors:
        try:
            result = await _save(request, values)
        except ChangedElsewhere as exc:
            return await _changed(request, values, exc)
        except IpsJobdevError as exc:
            field, message = error_for(exc, VISIT_ERROR_FIELDS)
            errors[field] = message
        else:
            outcome = "visit" if result.created else "again"
            if wants_json(request):
                return JSONResponse(
                    {
                        "status": "saved" if result.created else "already-saved",
                        "visit_id": result.visit.id,
                        "redirect": f"/today?saved={outcome}",
                    }
                )
            return RedirectResponse(f"/today?saved={outcome}", status_code=303)
    if wants_json(request):
        return JSONResponse({"status": "invalid", "errors": errors}, status_code=422)
    form = await call(
        request,
        visit_form,
        values["specialist"] or chosen(request),
        visit_id=optional_int(values["visit_id"]),
        now=now(request),
    )
    return _render(request, form, values, errors, status_code=422)


async def _changed(request: Request, values: dict[str, Any], exc: ChangedElsewhere) -> Response:
    if wants_json(request):
        return JSONResponse(
            {"status": "changed", "message": str(exc), "theirs": exc.theirs, "yours": exc.yours},
            status_code=409,
        )
    still_planned = exc.theirs.get("status") == "planned"
    again = {**values, "version": str(exc.version)}
    if not still_planned:
        # logged or cancelled meanwhile: what is left is to log this one as its own visit
        again.update(visit_id="", version="")
    return page(
        request,
        "changed.html",
        status_code=409,
        section="log",
        change=exc,
        values=again,
        action="/visits",
        overwrite="Save mine instead" if still_planned else "Log mine as a separate visit",
    )


async def move(request: Request) -> Response:
    """Move a planned visit to another day and time (from the Week page)."""
    form = await read_form(request)
    visit_id = optional_int(str(request.path_params["visit_id"])) or 0
    when = f"{text(form, 'date')}T{text(form, 'time')}"
    week = text(form, "week")
    try:
        await call(
            request,
            move_visit,
            visit_id,
            when,
            expected_version=optional_int(text(form, "version")),
        )
    except ChangedElsewhere as exc:
        return page(
            request,
            "changed.html",
            status_code=409,
            section="week",
            change=exc,
            values={
                "date": text(form, "date"),
                "time": text(form, "time"),
                "version": str(exc.version),
                "week": week,
            },
            action=f"/visits/{visit_id}/move",
            overwrite="Move it anyway",
        )
    target = f"/week?week={week}&moved={visit_id}" if week else f"/week?moved={visit_id}"
    return RedirectResponse(target, status_code=303)


async def cancel(request: Request) -> Response:
    """Call off a planned visit, with a reason (from the Week page)."""
    form = await read_form(request)
    visit_id = optional_int(str(request.path_params["visit_id"])) or 0
    week = text(form, "week")
    try:
        await call(
            request,
            cancel_planned_visit,
            visit_id,
            reason=text(form, "reason") or None,
            expected_version=optional_int(text(form, "version")),
        )
    except ChangedElsewhere as exc:
        return page(
            request,
            "changed.html",
            status_code=409,
            section="week",
            change=exc,
            values={"reason": text(form, "reason"), "version": str(exc.version), "week": week},
            action=f"/visits/{visit_id}/cancel",
            overwrite="Call it off anyway",
        )
    target = f"/week?week={week}&cancelled={visit_id}" if week else f"/week?cancelled={visit_id}"
    return RedirectResponse(target, status_code=303)


routes = [
    Route("/visits/new", new_visit, methods=["GET"], name="new_visit"),
    Route("/visits", save_visit, methods=["POST"], name="save_visit"),
    Route("/visits/{visit_id:int}/move", move, methods=["POST"], name="move_visit"),
    Route("/visits/{visit_id:int}/cancel", cancel, methods=["POST"], name="cancel_visit"),
]

"""Templates and the words pages use for the record's values.

Jinja2 with autoescaping on (every value is escaped unless a template says otherwise);
templates live in ``ips_jobdev/web/templates``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ips_jobdev._overview import FIGURE_ITEMS

__all__ = [
    "FIGURE_ITEMS",
    "MODE_LABELS",
    "PURPOSE_LABELS",
    "environment",
    "page",
    "render_refusal",
]

PURPOSE_LABELS = {
    "introduce": "Introduce",
    "learn-business": "Learn the business",
    "follow-up": "Follow up",
    "present-job-seeker": "Present a job seeker",
    "job-analysis": "Job analysis",
    "support": "Support an employed worker",
    "other": "Other",
}
MODE_LABELS = {"in-person": "In person", "phone": "Phone", "email": "Email", "video": "Video"}
STATUS_LABELS = {
    "searching": "Looking for work",
    "working": "Working",
    "on-hold": "On hold",
    "closed": "Closed",
}


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%a} {value.day} {value:%b}"


def _long_day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%A} {value.day} {value:%B} {value.year}"


def _clock(value: dt.datetime | dt.time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def _number(value: float | int | Decimal | None, places: int = 1) -> str:
    if value is None:
        return "\u2013"  # an en dash: nothing to show
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.{places}f}"


def _sentence(text: object) -> str:
    """The text with its first letter in capitals, the rest as it was (unlike Jinja's
    ``capitalize``, which lowers the rest: program codes stay as they are)."""
    value = str(text)
    return value[:1].upper() + value[1:]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def environment() -> jinja2.Environment:
    """The template environment (one per app)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ips_jobdev.web", "templates"),
        autoescape=jinja2.select_autoescape(["html", "svg", "xml"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=_day,
        longday=_long_day,
        clock=_clock,
        number=_number,
        plural=_plural,
        sentence=_sentence,
        purpose=lambda v: PURPOSE_LABELS.get(_value(v), _value(v)),
        mode=lambda v: MODE_LABELS.get(_value(v), _value(v)),
        seeker_status=lambda v: STATUS_LABELS.get(_value(v), _value(v)),
        value=_value,
        item=lambda key: FIGURE_ITEMS.get(key, ""),
        iso=lambda v: v.isoformat() if v is not None else "",
    )
    return env


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``template`` with the session's context (the CSRF token, the section)."""
    state = request.scope.get("state", {})
    session = state.get("session")
    app_state = request.app.state
    csrf = app_state.auth.sessions.csrf_token(session) if session is not None else ""
    html = (
        _env()
        .get_template(template)
        .render(request=request, session=session, csrf=csrf, app=app_state.info, **context)
    )
    return HTMLResponse(html, status_code=status_code)


def render_refusal(request: Request, *, used: bool, status_code: int = 403) -> HTMLResponse:
    """The page for a browser without a session (or with a used sign-in link); in shared
    mode, a link to the sign-in form."""
    shared = getattr(request.app.state, "info", None) is not None and (
        request.app.state.info.mode == "shared"
    )
    html = (
        _env().get_template("refused.html").render(used=used, session=None, csrf="", shared=shared)
    )
    return HTMLResponse(html, status_code=status_code)


def render_forbidden(request: Request) -> HTMLResponse:
    """The page for a signed-in person whose role does not include the page (403)."""
    state = request.scope.get("state", {})
    html = (
        _env()
        .get_template("forbidden.html")
        .render(session=state.get("session"), csrf="", home=state.get("home", "/"))
    )
    return HTMLResponse(html, status_code=403)


def render_text(template: str, **context: Any) -> str:
    """Render a template to text (fragments, the service worker)."""
    return _env().get_template(template).render(**context)

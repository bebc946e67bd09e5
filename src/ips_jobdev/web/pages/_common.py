"""What every page handler shares: running a use case off the event loop, the session,
the clock, and reading a form with its CSRF token checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ips_jobdev._store import UnitOfWork
from ips_jobdev.web.auth import Session

__all__ = [
    "call",
    "call_across_programs",
    "call_uow",
    "chosen",
    "now",
    "origin",
    "read_form",
    "session",
    "wants_json",
]

T = TypeVar("T")


def origin(request: Request) -> str:
    """Where a request came from, for the audit trail (``web 192.0.2.7``)."""
    return f"web {request.client.host}" if request.client else "web"


def _unit_of_work(request: Request, *, across_programs: bool = False) -> UnitOfWork:
    """A unit of work for this request: in shared mode named for the signed-in account
    and scoped to its program (``across_programs``: not scoped, for the state reviewer's
    figures). The pages record what they show themselves (a job seeker's page is one
    view), so loading a record is not a view here."""
    database = request.app.state.database
    found = request.scope.get("state", {}).get("session")
    principal = found.principal if isinstance(found, Session) else None
    where = origin(request)
    if principal is None or principal.program is None:
        return database.unit_of_work(origin=where, audit_views=False)  # type: ignore[no-any-return]
    program = None if across_programs else principal.program
    # the guard checked the account (not disabled, not locked) when it found the session
    uow: UnitOfWork = database.unit_of_work(
        actor=principal.actor, program=program, origin=where, audit_views=False
    )
    return uow


async def call(request: Request, use_case: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one use case in a new unit of work, in a worker thread."""

    def work() -> T:
        with _unit_of_work(request) as uow:
            return use_case(uow, *args, **kwargs)

    return await run_in_threadpool(work)


async def call_across_programs(
    request: Request, use_case: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """Run one use case in a unit of work not scoped to a program (the guard lets only
    the state reviewer's figures page use it; it shows counts, never a person)."""

    def work() -> T:
        with _unit_of_work(request, across_programs=True) as uow:
            return use_case(uow, *args, **kwargs)

    return await run_in_threadpool(work)


async def call_uow(request: Request, work: Callable[[UnitOfWork], T]) -> T:
    """Run ``work(uow)`` in a new unit of work, in a worker thread."""

    def run() -> T:
        with _unit_of_work(request) as uow:
            return work(uow)

    return await run_in_threadpool(run)


def session(request: Request) -> Session:
    """The request's session (the guard let the request in only with one)."""
    found = request.scope.get("state", {}).get("session")
    if found is None:
        raise HTTPException(401, "not signed in")
    assert isinstance(found, Session)
    return found


def chosen(request: Request) -> str | None:
    """The code of the specialist whose pages this session shows."""
    return session(request).specialist


def now(request: Request) -> dt.datetime:
    """The app's clock."""
    moment = request.app.state.clock()
    assert isinstance(moment, dt.datetime)
    return moment


def wants_json(request: Request) -> bool:
    """True when the caller (the offline queue) asked for JSON."""
    return "application/json" in request.headers.get("accept", "")


async def read_form(request: Request) -> FormData:
    """The posted form, refused (403) unless it carries this session's CSRF token and
    comes from this app's own pages."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != expected:
            raise HTTPException(403, "this form was sent from another site")
    form = await request.form()
    token = form.get("csrf_token")
    auth = request.app.state.auth
    if not auth.sessions.check_csrf(session(request), token if isinstance(token, str) else None):
        raise HTTPException(
            403,
            "the form's security token is missing or out of date; reload the page and try again",
        )
    return form

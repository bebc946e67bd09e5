"""Shared mode (``ips-jobdev serve --shared``): sign-in with accounts and roles.

- ``GET /sign-in`` shows a form (email, password); ``POST /sign-in`` checks them with
  :func:`ips_jobdev._casework.accounts.authenticate`. The form carries a CSRF token tied to a
  short-lived pre-sign-in cookie (no other site can sign a browser into an account).
- A successful sign-in always starts a **new** session with a fresh random id and drops
  whatever session id the browser presented (no session fixation).
- Sessions live in the database (``web_sessions``: the SHA-256 of the id, the account,
  the CSRF token, the times), so every server process (``serve --shared --workers N``)
  knows them. They end after :data:`IDLE_LIMIT` without a request and
  :data:`ABSOLUTE_LIMIT` after sign-in, at ``POST /sign-out``, and when the account is
  disabled, locked or given a new password.
- Sign-in is rate-limited per client address (:data:`ATTEMPTS_PER_WINDOW` attempts per
  :data:`WINDOW`), on top of the account lockout after repeated failures (which is in the
  database, so it holds across processes). The rate limit is counted in each process:
  ``serve`` gives each of N workers ``ceil(ATTEMPTS_PER_WINDOW / N)``
  (:func:`limiter_for_workers`), so an address gets at most about
  :data:`ATTEMPTS_PER_WINDOW` + N attempts a window whichever workers its connections
  reach.
- Every request runs in a unit of work scoped to the account's program and named for it
  (``actor="user:EMAIL"``); the role decides the pages (:func:`allowed`).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ips_jobdev._casework.accounts import (
    Account,
    Role,
    SignIn,
    WebSession,
    authenticate,
    choose_session_specialist,
    end_session,
    find_session,
    start_session,
)
from ips_jobdev._casework.audit import AuditAction, record_access
from ips_jobdev._store import Database
from ips_jobdev.web.auth import (
    SESSION_COOKIE,
    Principal,
    Session,
    set_session_cookie,
)

__all__ = [
    "ABSOLUTE_LIMIT",
    "ATTEMPTS_PER_WINDOW",
    "CHECKS_AT_ONCE",
    "IDLE_LIMIT",
    "WINDOW",
    "AccountAuth",
    "DatabaseSessions",
    "RateLimiter",
    "acting_for",
    "allowed",
    "home_for",
    "limiter_for_workers",
]

IDLE_LIMIT = dt.timedelta(minutes=30)
ABSOLUTE_LIMIT = dt.timedelta(hours=10)
ATTEMPTS_PER_WINDOW = 10
WINDOW = 60.0
CHECKS_AT_ONCE = 4
"""Passwords checked at once per server process: the rest of a burst of sign-ins (everyone
at 8 in the morning) waits its turn without holding a database connection, so the pages
of people already signed in keep theirs."""
PRE_COOKIE = "ips_jobdev_sign_in"

_ALL_PAGES = {Role.SPECIALIST, Role.SUPERVISOR, Role.ADMINISTRATOR}
_READ_ONLY_POSTS = frozenset({"/specialist"})  # switching whose pages show changes nothing


def home_for(role: str) -> str:
    """The first page a role sees."""
    if role == Role.STATE_REVIEWER:
        return "/state"
    if role == Role.PROGRAM_MANAGER:
        return "/reports"
    return "/today"


def allowed(principal: Principal, session_specialist: str | None, method: str, path: str) -> bool:
    """Whether ``principal`` may make this request.

    - specialist: every page of the program to read (their own caseload first, the
      team's by the selector); changes only while showing their own pages;
    - supervisor and administrator: every page of the program;
    - program manager: the program's figures (Reports, their drill-downs and charts);
    - state reviewer: the figures across programs (``/state``) only, never a name.
    """
    if path == "/":
        return True
    role = principal.role
    if role in _ALL_PAGES:
        if path.startswith("/state"):
            return False
        if role == Role.SPECIALIST and method not in ("GET", "HEAD"):
            return path in _READ_ONLY_POSTS or session_specialist == principal.specialist
        return True
    reading = method in ("GET", "HEAD")
    if role == Role.PROGRAM_MANAGER:
        if path in _READ_ONLY_POSTS:
            return True
        return reading and (path == "/reports" or path.startswith("/reports/"))
    if role == Role.STATE_REVIEWER:
        return reading and path == "/state"
    return False


def acting_for(principal: Principal) -> str | None:
    """The specialist a person's changes to visits are limited to: a specialist account
    completes, moves and calls off only its own visits (whatever a hand-made request
    says); supervisors and administrators any of their program's (the unit of work's
    program scope bounds them); ``None``: not limited."""
    return principal.specialist or "" if principal.role == Role.SPECIALIST else None


class RateLimiter:
    """At most ``limit`` events per key in any ``window`` seconds (a sliding window)."""

    def __init__(
        self,
        limit: int = ATTEMPTS_PER_WINDOW,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; False when it is over the limit."""
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, collections.deque())
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget quiet addresses
                for quiet in [k for k, v in self._events.items() if not v]:
                    del self._events[quiet]
            return True


def limiter_for_workers(workers: int) -> RateLimiter:
    """The sign-in rate limiter of one of ``workers`` server processes: each counts
    ``ceil(ATTEMPTS_PER_WINDOW / workers)`` attempts per address, so all of them together
    allow about :data:`ATTEMPTS_PER_WINDOW` (at most ``ATTEMPTS_PER_WINDOW + workers - 1``)
    whichever processes an address's connections reach."""
    return RateLimiter(limit=max(1, math.ceil(ATTEMPTS_PER_WINDOW / max(1, workers))))


def _as_session(found: WebSession, now: dt.datetime) -> Session:
    principal = Principal(
        found.email,
        role=found.role.value,
        specialist=found.own_specialist,
        program=found.program,
    )
    return Session(
        id=found.id,
        principal=principal,
        created=found.created_at,
        last_seen=now,
        specialist=found.specialist,
        csrf=found.csrf,
    )


class DatabaseSessions:
    """Sessions kept in the database (``web_sessions``), shared by every server process.

    Each session's CSRF token is a random value stored with it; the session id is stored
    only as its SHA-256.
    """

    def __init__(
        self, database: Database, *, idle_limit: dt.timedelta, absolute_limit: dt.timedelta
    ) -> None:
        self.database = database
        self.idle_limit = idle_limit
        self.absolute_limit = absolute_limit

    def create(self, account: Account, now: dt.datetime, *, replaces: str | None) -> Session:
        """Start a session for ``account`` (a fresh id; ``replaces`` is ended)."""
        with self.database.unit_of_work(actor=f"user:{account.email}") as uow:
            found = start_session(
                uow,
                account,
                now=now,
                lasts=self.absolute_limit,
                idle_limit=self.idle_limit,
                replaces=replaces,
            )
            uow.commit()
        return _as_session(found, now)

    def get(self, session_id: str | None, now: dt.datetime) -> Session | None:
        """The live session with this id (``None``: unknown, ended, idle too long, or
        its account disabled or locked)."""
        if not session_id:
            return None
        with self.database.unit_of_work() as uow:
            found = find_session(uow, session_id, now=now, idle_limit=self.idle_limit)
            uow.commit()
        return _as_session(found, now) if found is not None else None

    def drop(self, session_id: str) -> None:
        """End a session."""
        with self.database.unit_of_work() as uow:
            end_session(uow, session_id)
            uow.commit()

    def choose(self, session: Session, specialist: str) -> None:
        """Show ``specialist``'s pages in this session from now on."""
        with self.database.unit_of_work() as uow:
            choose_session_specialist(uow, session.id, specialist)
            uow.commit()
        session.specialist = specialist

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session must send back."""
        return session.csrf

    def check_csrf(self, session: Session, token: str | None) -> bool:
        """Whether ``token`` is this session's CSRF token."""
        expected = self.csrf_token(session)
        return bool(token) and bool(expected) and hmac.compare_digest(expected, str(token))


class AccountAuth:
    """Shared mode: accounts, roles and program-scoped sessions.

    Args:
        database: where the accounts are.
        secure_cookies: send cookies only over HTTPS (keep on behind a TLS proxy; off
            only to try shared mode over plain HTTP on this computer).
        idle_limit: how long a session lasts without a request.
        limiter: the sign-in rate limiter (default: 10 attempts a minute per address).
        form_key: the key of the sign-in forms' CSRF tokens (default: a random one; the
            worker processes of one server share one, so any of them takes a form another
            one sent).
    """

    def __init__(
        self,
        database: Database,
        *,
        secure_cookies: bool = True,
        idle_limit: dt.timedelta = IDLE_LIMIT,
        absolute_limit: dt.timedelta = ABSOLUTE_LIMIT,
        limiter: RateLimiter | None = None,
        form_key: bytes | None = None,
    ) -> None:
        self.database = database
        self.sessions = DatabaseSessions(
            database, idle_limit=idle_limit, absolute_limit=absolute_limit
        )
        self.secure_cookies = secure_cookies
        self.absolute_limit = absolute_limit
        self.limiter = limiter or RateLimiter()
        self._key = form_key or secrets.token_bytes(32)
        self._checks = asyncio.Semaphore(CHECKS_AT_ONCE)

    shared = True
    """Shared mode (the app's pages say so)."""

    # -- the Authenticator interface ----------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """``GET``/``POST /sign-in`` and ``POST /sign-out``."""
        return [
            Route("/sign-in", self.sign_in_form, methods=["GET"], name="sign_in"),
            Route("/sign-in", self.sign_in, methods=["POST"]),
            Route("/sign-out", self.sign_out, methods=["POST"], name="sign_out"),
        ]

    def session_for(self, connection: HTTPConnection, now: dt.datetime) -> Session | None:
        """The live session named by the cookie (read from the database)."""
        return self.sessions.get(connection.cookies.get(SESSION_COOKIE), now)

    def allows(self, session: Session, method: str, path: str) -> bool:
        """The role's pages (:func:`allowed`)."""
        return allowed(session.principal, session.specialist, method, path)

    # -- sign-in ------------------------------------------------------------------------

    def _pre_token(self, pre: str) -> str:
        return hmac.new(self._key, b"sign-in:" + pre.encode(), hashlib.sha256).hexdigest()

    def _form(
        self,
        request: Request,
        *,
        pre: str | None = None,
        message: str | None = None,
        email: str = "",
        status_code: int = 200,
    ) -> Response:
        from ips_jobdev.web.render import render_text

        pre = pre or secrets.token_urlsafe(32)
        html = render_text(
            "sign_in.html",
            session=None,
            csrf=self._pre_token(pre),
            message=message,
            email=email,
            app=request.app.state.info,
        )
        response = HTMLResponse(html, status_code=status_code)
        response.set_cookie(
            PRE_COOKIE,
            pre,
            max_age=3600,
            httponly=True,
            samesite="strict",
            secure=self.secure_cookies,
            path="/sign-in",
        )
        return response

    async def sign_in_form(self, request: Request) -> Response:
        """The sign-in form (or the person's first page when already signed in)."""
        session = await run_in_threadpool(self.session_for, request, dt.datetime.now(dt.UTC))
        if session is not None:
            return RedirectResponse(home_for(session.principal.role), status_code=303)
        return self._form(request)

    async def sign_in(self, request: Request) -> Response:
        """Check the form; on success start a new session (a fresh id) and go to the
        role's first page."""
        form = await request.form()
        pre = request.cookies.get(PRE_COOKIE) or ""
        token = form.get("csrf_token")
        email = str(form.get("email") or "").strip()
        origin = request.headers.get("origin")
        same_site = origin in (None, "null", f"{request.url.scheme}://{request.headers['host']}")
        if not (pre and isinstance(token, str) and same_site) or not hmac.compare_digest(
            self._pre_token(pre), token
        ):
            return self._form(
                request,
                message="The form was out of date or sent from another site; please try again.",
                email=email,
                status_code=403,
            )
        client = request.client.host if request.client else "?"
        if not self.limiter.allow(client):
            response = self._form(
                request,
                message="Too many sign-in attempts from here; wait a minute and try again.",
                email=email,
                status_code=429,
            )
            response.headers["retry-after"] = str(int(self.limiter.window))
            return response
        password = str(form.get("password") or "")
        async with self._checks:  # argon2 is slow on purpose: a few at a time
            result = await run_in_threadpool(self._check, email, password, f"web {client}")
        if result.account is None:
            messages = {
                "locked": "Too many failed sign-ins: this account is locked for a while. "
                "Try again later, or ask your administrator to reset the password.",
            }
            return self._form(
                request,
                message=messages.get(
                    result.refusal or "", "The email or password is not right. Try again."
                ),
                email=email,
                status_code=401,
            )
        # a new session with a fresh id: whatever id the browser presented is dropped
        session = await run_in_threadpool(
            self.sessions.create,
            result.account,
            dt.datetime.now(dt.UTC),
            replaces=request.cookies.get(SESSION_COOKIE),
        )
        response = RedirectResponse(home_for(session.principal.role), status_code=303)
        set_session_cookie(response, session, secure=self.secure_cookies)
        response.delete_cookie(PRE_COOKIE, path="/sign-in")
        return response

    def _check(self, email: str, password: str, origin: str) -> SignIn:
        with self.database.unit_of_work(actor=f"user:{email.strip().lower()}") as uow:
            result = authenticate(uow, email, password)
            if result.account is not None:
                record_access(
                    uow,
                    action=AuditAction.SIGN_IN,
                    kind="user",
                    record_id=result.account.id,
                    origin=origin,
                    program_id=uow.programs.by_code(result.account.program).id,
                )
            uow.commit()
        return result

    async def sign_out(self, request: Request) -> Response:
        """End the session (the form's CSRF token must match) and show the sign-in form."""
        session = await run_in_threadpool(self.session_for, request, dt.datetime.now(dt.UTC))
        if session is not None:
            form = await request.form()
            token = form.get("csrf_token")
            if not self.sessions.check_csrf(session, token if isinstance(token, str) else None):
                return HTMLResponse("The sign-out form was out of date.", status_code=403)
            await run_in_threadpool(self.sessions.drop, session.id)
        response = RedirectResponse("/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

"""Shared mode (``ips-jobdev serve --shared``): sign-in with accounts and roles.

- ``GET /sign-in`` shows a form (email, password); ``POST /sign-in`` checks them with
  :func:`ips_jobdev._casework.accounts.authenticate`. The form carries a CSRF token tied to a
  short-lived pre-sign-in cookie (no other site can sign a browser into an account).
- A successful sign-in always starts a **new** session with a fresh random id and drops
  whatever session id the browser presented (no session fixation).
- Sessions end after :data:`IDLE_LIMIT` without a request and :data:`ABSOLUTE_LIMIT` after
  sign-in, or at ``POST /sign-out``.
- Sign-in is rate-limited per client address (:data:`ATTEMPTS_PER_WINDOW` attempts per
  :data:`WINDOW`), on top of the account lockout after repeated failures.
- Every request runs in a unit of work scoped to the account's program and named for it
  (``actor="user:EMAIL"``); the role decides the pages (:func:`allowed`).
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ips_jobdev._casework.accounts import Role, SignIn, authenticate
from ips_jobdev._casework.audit import AuditAction, record_access
from ips_jobdev._store import Database
from ips_jobdev.web.auth import (
    SESSION_COOKIE,
    Principal,
    Session,
    SessionStore,
    set_session_cookie,
)

__all__ = [
    "ABSOLUTE_LIMIT",
    "ATTEMPTS_PER_WINDOW",
    "IDLE_LIMIT",
    "WINDOW",
    "AccountAuth",
    "RateLimiter",
    "allowed",
    "home_for",
]

IDLE_LIMIT = dt.timedelta(minutes=30)
ABSOLUTE_LIMIT = dt.timedelta(hours=10)
ATTEMPTS_PER_WINDOW = 10
WINDOW = 60.0
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


class AccountAuth:
    """Shared mode: accounts, roles and program-scoped sessions.

    Args:
        database: where the accounts are.
        secure_cookies: send cookies only over HTTPS (keep on behind a TLS proxy; off
            only to try shared mode over plain HTTP on this computer).
        idle_limit: how long a session lasts without a request.
        limiter: the sign-in rate limiter (default: 10 attempts a minute per address).
    """

    def __init__(
        self,
        database: Database,
        *,
        secure_cookies: bool = True,
        idle_limit: dt.timedelta = IDLE_LIMIT,
        absolute_limit: dt.timedelta = ABSOLUTE_LIMIT,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.database = database
        self.sessions = SessionStore(idle_limit)
        self.secure_cookies = secure_cookies
        self.absolute_limit = absolute_limit
        self.limiter = limiter or RateLimiter()
        self._key = secrets.token_bytes(32)

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
        """The live session named by the cookie (ended after the absolute limit)."""
        session = self.sessions.get(connection.cookies.get(SESSION_COOKIE), now)
        if session is not None and now - session.created > self.absolute_limit:
            self.sessions.drop(session.id)
            return None
        return session

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
        session = self.session_for(request, dt.datetime.now(dt.UTC))
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
        account = result.account
        # a new session with a fresh id: whatever id the browser presented is dropped
        presented = request.cookies.get(SESSION_COOKIE)
        if presented:
            self.sessions.drop(presented)
        principal = Principal(
            account.email,
            role=account.role.value,
            specialist=account.specialist,
            program=account.program,
        )
        session = self.sessions.create(principal, dt.datetime.now(dt.UTC))
        response = RedirectResponse(home_for(principal.role), status_code=303)
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
        session = self.session_for(request, dt.datetime.now(dt.UTC))
        if session is not None:
            form = await request.form()
            token = form.get("csrf_token")
            if not self.sessions.check_csrf(session, token if isinstance(token, str) else None):
                return HTMLResponse("The sign-out form was out of date.", status_code=403)
            self.sessions.drop(session.id)
        response = RedirectResponse("/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

"""Who may use the web app, and their sessions.

The app asks an :class:`Authenticator` for the :class:`Principal` behind each request and
lets the authenticator add its own routes (sign-in, sign-out). This module has the local
mode, :class:`LocalTokenAuth`: like Jupyter, ``ips-jobdev serve`` prints a sign-in link
with a random one-time token; opening it starts a session (an HttpOnly, SameSite cookie)
and spends the token, so another local user, or a web page in the browser, cannot read
the record. Shared mode with accounts and roles plugs in behind the same interface.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from typing import Protocol

import attrs
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

__all__ = [
    "SESSION_COOKIE",
    "Authenticator",
    "LocalTokenAuth",
    "Principal",
    "Session",
    "SessionStore",
]

SESSION_COOKIE = "ips_jobdev_session"
IDLE_LIMIT = dt.timedelta(hours=12)


@attrs.frozen
class Principal:
    """Who is signed in. In local mode, the person who started ``ips-jobdev serve``
    (``role`` ``"local"``: the whole record, as on the command line)."""

    name: str
    role: str = "local"
    specialist: str | None = None
    program: str | None = None
    """The program an account works in (shared mode; ``None``: local mode, no scope)."""

    @property
    def actor(self) -> str | None:
        """Who the change history records as making this person's changes (``None``: the
        default, the login name of whoever started the server)."""
        return f"user:{self.name}" if self.role != "local" else None


@attrs.define
class Session:
    """One signed-in browser: who, since when, and the specialist whose day it shows."""

    id: str
    principal: Principal
    created: dt.datetime
    last_seen: dt.datetime
    specialist: str | None = None


class SessionStore:
    """Sessions kept in memory (local mode: they end when the server stops).

    Session ids are 256-bit random values; each session's CSRF token is an HMAC of its id
    under a key made when the store is, so tokens cannot be forged or reused elsewhere.
    """

    def __init__(self, idle_limit: dt.timedelta = IDLE_LIMIT) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)
        self.idle_limit = idle_limit

    def create(self, principal: Principal, now: dt.datetime) -> Session:
        """Start a session for ``principal``."""
        session = Session(secrets.token_urlsafe(32), principal, now, now, principal.specialist)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None, now: dt.datetime) -> Session | None:
        """The live session with this id (``None``: unknown, or idle too long)."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > self.idle_limit:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session

    def drop(self, session_id: str) -> None:
        """End a session."""
        with self._lock:
            self._sessions.pop(session_id, None)

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session must send back."""
        return hmac.new(self._key, session.id.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, session: Session, token: str | None) -> bool:
        """Whether ``token`` is this session's CSRF token."""
        return bool(token) and hmac.compare_digest(self.csrf_token(session), str(token))


class Authenticator(Protocol):
    """How a mode of the app signs people in (local: a one-time link; shared: accounts)."""

    sessions: SessionStore
    secure_cookies: bool

    def routes(self) -> list[BaseRoute]:
        """The routes this mode adds (sign-in and the like); they need no session."""
        ...

    def session_for(self, connection: HTTPConnection, now: dt.datetime) -> Session | None:
        """The session behind a request, if it has one."""
        ...

    def allows(self, session: Session, method: str, path: str) -> bool:
        """Whether this session's person may make this request (their role's pages)."""
        ...


def set_session_cookie(response: Response, session: Session, *, secure: bool) -> None:
    """Send the session cookie: HttpOnly (no script reads it), SameSite=Lax (no other
    site's form posts it), for the whole app."""
    response.set_cookie(
        SESSION_COOKIE,
        session.id,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


class LocalTokenAuth:
    """Local mode: one sign-in link with a random one-time token.

    Args:
        specialist: whose day the session shows first.
        token: the one-time token (default: 256 random bits).
    """

    secure_cookies = False

    def __init__(self, *, specialist: str | None = None, token: str | None = None) -> None:
        self.sessions = SessionStore()
        self._token: str | None = token or secrets.token_urlsafe(32)
        self._lock = threading.Lock()
        self.specialist = specialist

    def sign_in_url(self, base_url: str) -> str:
        """The link to print: it signs one browser in, once."""
        if self._token is None:
            raise RuntimeError("the sign-in token was already used")
        return f"{base_url.rstrip('/')}/sign-in?token={self._token}"

    @property
    def spent(self) -> bool:
        """True once the sign-in link was used."""
        return self._token is None

    def _spend(self, offered: str | None) -> bool:
        with self._lock:
            if self._token is None or not offered:
                return False
            if not hmac.compare_digest(self._token.encode(), offered.encode()):
                return False
            self._token = None
            return True

    def routes(self) -> list[BaseRoute]:
        """``GET /sign-in?token=...``."""
        return [Route("/sign-in", self.sign_in, methods=["GET"], name="sign_in")]

    async def sign_in(self, request: Request) -> Response:
        """Spend the token, start a session and go to Today; refuse a wrong or used
        token."""
        from ips_jobdev.web.render import render_refusal

        if not self._spend(request.query_params.get("token")):
            return render_refusal(request, used=self.spent)
        now = dt.datetime.now(dt.UTC)
        session = self.sessions.create(Principal("local user", specialist=self.specialist), now)
        response = RedirectResponse("/today", status_code=303)
        set_session_cookie(response, session, secure=self.secure_cookies)
        return response

    def session_for(self, connection: HTTPConnection, now: dt.datetime) -> Session | None:
        """The session named by the cookie."""
        return self.sessions.get(connection.cookies.get(SESSION_COOKIE), now)

    def allows(self, session: Session, method: str, path: str) -> bool:
        """Local mode: the whole record, as on the command line."""
        return True

"""The guard in front of every page: security headers, the server time of each response,
and the session check.

- ``Content-Security-Policy``: scripts, styles, images and connections from the app only,
  no inline script or style, ``frame-ancestors 'none'`` (no other site can frame a page);
  ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` (a sign-in or feed URL never leaks in a Referer);
  ``Cross-Origin-Opener-Policy`` and ``-Resource-Policy: same-origin``.
- ``Cache-Control: no-store`` unless a route says otherwise (pages hold people's records).
- ``Server-Timing: app;dur=...``: how long the server spent (the page-speed benchmark reads
  it).
- Requests without a session get 401, except the public paths (sign-in, static files, the
  service worker, the calendar feed, which carries its own secret).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ips_jobdev.web.auth import Authenticator

__all__ = ["CSP", "PUBLIC_PREFIXES", "Guard"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)

SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

PUBLIC_PREFIXES = ("/static/", "/feed/")
PUBLIC_PATHS = frozenset({"/sw.js", "/manifest.webmanifest", "/favicon.ico", "/offline"})


class Guard:
    """Pure ASGI middleware: headers and timing on every response, sessions on pages."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        auth: Authenticator,
        public_paths: frozenset[str] = PUBLIC_PATHS,
    ) -> None:
        self.app = app
        self.auth = auth
        self.public_paths = public_paths | {
            getattr(r, "path", "") for r in auth.routes() if getattr(r, "path", "")
        }

    def _public(self, path: str) -> bool:
        return path in self.public_paths or path.startswith(PUBLIC_PREFIXES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
                elapsed = (time.perf_counter() - began) * 1000
                headers["server-timing"] = f"app;dur={elapsed:.1f}"
            await send(message)

        path = scope.get("path", "")
        if not self._public(path):
            # sessions run on the wall clock, whatever day the app is told it is
            session = self.auth.session_for(HTTPConnection(scope), dt.datetime.now(dt.UTC))
            if session is None:
                await self._refuse(scope, receive, send_with_headers)
                return
            if not self.auth.allows(session, scope.get("method", "GET"), path):
                await self._forbid(scope, receive, send_with_headers)
                return
            scope.setdefault("state", {})["session"] = session
        await self.app(scope, receive, send_with_headers)

    async def _forbid(self, scope: Scope, receive: Receive, send: Send) -> None:
        from ips_jobdev.web.render import render_forbidden

        request = Request(scope, receive)
        response: Any = render_forbidden(request)
        await response(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from ips_jobdev.web.render import render_refusal

        request = Request(scope, receive)
        if "application/json" in request.headers.get("accept", ""):
            body = json.dumps({"error": "not signed in"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        response: Any = render_refusal(request, used=False, status_code=401)
        await response(scope, receive, send)

"""A small JSON-over-HTTP server to build a vendor's fake on, for tests, demos and benchmarks.

An adapter for a web service is best tested against a stand-in that answers the way the
vendor's API reference documents: the real client code runs, over a real socket, and
nothing leaves the machine. :class:`FakeServer` is the plumbing such a stand-in needs, so a
vendor's fake holds only what is particular to the vendor:

- a standard-library :class:`http.server.ThreadingHTTPServer` on ``127.0.0.1``, on a free
  port, serving from a thread (:meth:`~FakeServer.start`, :meth:`~FakeServer.stop`, or a
  ``with`` block);
- each request parsed into a :class:`Request` (path, query, lower-cased headers, JSON body)
  and handed to :meth:`FakeServer.handle`, one at a time (under a lock, so the fake's
  state needs no locking of its own); the :class:`Reply` it returns is sent as JSON;
- :attr:`FakeServer.requests`, every request with the status it got, so tests can check
  bodies field by field; :meth:`FakeServer.received_text` gives them all as one text for
  privacy checks;
- rate limiting on demand: :meth:`FakeServer.throttled` says when to answer with the
  vendor's rate-limit reply (every ``throttle_every``-th request, or the next
  ``throttle_next`` requests).

Example::

    class FakeCrm(FakeServer):
        def __init__(self, token: str = "test-token") -> None:
            super().__init__()
            self.token = token
            self.contacts: dict[str, Any] = {}

        def handle(self, request: Request) -> Reply:
            if request.bearer != self.token:
                return Reply(401, {"error": "invalid token"})
            if (request.method, request.path) == ("POST", "/v1/contacts"):
                contact_id = str(len(self.contacts) + 1)
                self.contacts[contact_id] = request.body
                return Reply(201, {"id": contact_id})
            return Reply(404, {"error": f"no route for {request.path}"})

    with FakeCrm() as crm:
        ...  # point the adapter at crm.url; then look at crm.contacts and crm.requests

The docs' how-to "Test an adapter against a fake web service" has a whole example.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from typing import Any, ClassVar, Self

import attrs

__all__ = ["FakeServer", "RecordedRequest", "Reply", "Request"]


@attrs.frozen
class Request:
    """One request as the fake received it.

    Attributes:
        method: ``GET``, ``POST``, ``PATCH``...
        path: the path, without the query string.
        query: the query string's values by name (``parse_qs``: each a list).
        headers: the headers, names in lower case.
        body: the body parsed as JSON; ``None`` when there was none;
            ``{"unparsable": text}`` when it was not JSON.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any

    @property
    def bearer(self) -> str | None:
        """The token of an ``Authorization: Bearer ...`` header, else ``None``."""
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" and token else None


@attrs.frozen
class Reply:
    """What to answer: a status, a JSON body (``None``: no body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class RecordedRequest:
    """One request the fake answered, and the status it answered with."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int


class FakeServer:
    """Subclass and write :meth:`handle`; use as ``with MyFake() as fake: fake.url ...``.

    Args:
        throttle_every: let :meth:`throttled` say yes to every n-th request (0: never).

    Attributes:
        requests: every request answered so far, in order.
        throttle_every: as the argument (tests may change it while the fake runs).
        throttle_next: let :meth:`throttled` say yes to this many next requests.
        content_type: the ``Content-Type`` of replies with a body (a class attribute).
    """

    content_type: ClassVar[str] = "application/json"

    def __init__(self, *, throttle_every: int = 0) -> None:
        self.requests: list[RecordedRequest] = []
        self.throttle_every = throttle_every
        self.throttle_next = 0
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to give the client: ``http://127.0.0.1:PORT``."""
        assert self._server is not None, "the fake is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Start serving on a free port of 127.0.0.1 (in a daemon thread)."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (the state and the request log stay)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering ---------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request (subclasses do; called one request at a time)."""
        raise NotImplementedError(f"{type(self).__name__} must answer requests in handle()")

    def answer(self, request: Request) -> Reply:
        """Answer ``request`` with :meth:`handle` and record it in :attr:`requests`.

        An exception in :meth:`handle` (a bug in the fake) is answered with ``500`` and
        ``{"error": "ExceptionName: message"}``, so the test fails with it in view.
        """
        with self._lock:
            try:
                reply = self.handle(request)
            except Exception as exc:
                reply = Reply(500, {"error": f"{type(exc).__name__}: {exc}"})
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query=request.query,
                    headers=request.headers,
                    body=request.body,
                    status=reply.status,
                )
            )
        return reply

    def throttled(self) -> bool:
        """True when the request being handled should get the vendor's rate-limit reply."""
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return True
        count = len(self.requests) + 1
        return bool(self.throttle_every) and count % self.throttle_every == 0

    # -- what tests look at ------------------------------------------------------------

    def received_text(self) -> str:
        """Every request body received so far, as one JSON text (for privacy checks)."""
        return json.dumps([r.body for r in self.requests], ensure_ascii=False)


def _parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"unparsable": raw.decode("utf-8", "replace")}


class _Handler(http.server.BaseHTTPRequestHandler):
    fake: FakeServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        parts = urllib.parse.urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=urllib.parse.parse_qs(parts.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=_parse_body(self.rfile.read(length) if length else b""),
        )
        reply = self.fake.answer(request)
        data = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        if data:
            self.send_header("Content-Type", self.fake.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

"""A fake of the Visits CRM web service, for the how-to "Test an adapter against a fake web
service": what its API reference documents, on 127.0.0.1, built on
:class:`ips_jobdev.testing.fake_server.FakeServer`.

The service keeps visits by the caller's key:

- ``PUT /v1/visits/{key}`` stores a visit (``201`` when new, ``200`` when replaced); the
  body needs ``title`` and ``start`` (an ISO 8601 date-time), else ``422``;
- ``DELETE /v1/visits/{key}`` removes it (``204``; ``404`` when there is none);
- a request without the right bearer token gets ``401``; one over the rate limit gets
  ``429`` with ``Retry-After``. Errors are ``{"error": message}``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ips_jobdev.testing.fake_server import FakeServer, Reply, Request


class FakeVisitsCrm(FakeServer):
    """The Visits CRM, in memory: ``with FakeVisitsCrm() as crm: crm.url ...``."""

    def __init__(self, token: str = "test-token", *, throttle_every: int = 0) -> None:
        super().__init__(throttle_every=throttle_every)
        self.token = token
        self.visits: dict[str, dict[str, Any]] = {}
        self.refuse: dict[str, str] = {}

    def fail_next(self, key: str, message: str = "the employer is not approved") -> None:
        """Answer the next ``PUT`` of this visit with ``422``."""
        self.refuse[key] = message

    def handle(self, request: Request) -> Reply:
        if request.bearer != self.token:
            return Reply(401, {"error": "invalid token"})
        if self.throttled():
            return Reply(429, {"error": "rate limit"}, {"Retry-After": "2"})
        route = re.fullmatch(r"/v1/visits/([\w.-]+)", request.path)
        if route is None:
            return Reply(404, {"error": f"no route for {request.path}"})
        key = route.group(1)
        if request.method == "DELETE":
            if self.visits.pop(key, None) is None:
                return Reply(404, {"error": f"no visit {key}"})
            return Reply(204)
        if request.method != "PUT":
            return Reply(405, {"error": f"{request.method} is not allowed"})
        return self._put(key, request.body)

    def _put(self, key: str, body: Any) -> Reply:
        if key in self.refuse:
            return Reply(422, {"error": self.refuse.pop(key)})
        if not isinstance(body, dict) or not body.get("title"):
            return Reply(422, {"error": "title is required"})
        try:
            dt.datetime.fromisoformat(str(body.get("start")))
        except ValueError:
            return Reply(422, {"error": "start must be an ISO 8601 date-time"})
        status = 200 if key in self.visits else 201
        self.visits[key] = dict(body)
        return Reply(status, {"key": key, **body})

"""JSON over HTTPS with the standard library: bounded retries, and a token that never shows.

The access token lives in a :class:`Secret`, whose ``repr`` and ``str`` are ``'***'``; it is
put in the ``Authorization`` header of each request and nowhere else: not in URLs, log
records, exception messages or dry-run output. Redirects are not followed, so the header
is never replayed to another host.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["HttpError", "JsonHttp", "Response", "RetryPolicy", "Secret"]

log = logging.getLogger(__name__.rpartition(".")[0])

Sleep = Callable[[float], None]


class Secret:
    """A credential that does not print itself.

    >>> token = Secret("00Dxx0000001gPL!AQ4AQFakeToken")
    >>> token, str(token), f"{token}"
    (Secret('***'), '***', '***')
    >>> token.reveal()[:3]
    '00D'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The credential itself, for the ``Authorization`` header only."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


@attrs.frozen
class RetryPolicy:
    """How often and how long to wait when the service says "too many requests".

    ``max_attempts`` bounds the tries of one request (the first one included). The wait
    before try *n + 1* is the service's ``Retry-After`` when it sends one, otherwise
    ``base_delay * 2 ** (n - 1)``; never more than ``max_delay`` seconds.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        if retry_after is not None:
            return max(0.0, min(retry_after, self.max_delay))
        return float(min(self.base_delay * 2 ** (attempt - 1), self.max_delay))


@attrs.frozen
class Response:
    """A response: status code, headers (names in lower case) and the raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty or not JSON)."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def retry_after(self) -> float | None:
        """The ``Retry-After`` header in seconds (it may be seconds or an HTTP date)."""
        value = self.headers.get("retry-after")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return (when - dt.datetime.now(dt.UTC)).total_seconds()


class HttpError(Exception):
    """A request failed: the status (0 when the service could not be reached) and why.

    The message comes from the service's answer; it never holds the token.
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}" if status else message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class JsonHttp:
    """Send JSON requests to one service, retrying answers that ``throttled`` accepts.

    Args:
        base_url: scheme and host (``https://example.my.salesforce.com``).
        token: the bearer token.
        throttled: says whether a response means "slow down, then try again".
        retry: the bound on tries and waits.
        sleep: how to wait (``time.sleep``; tests pass a function that records the delays).
        timeout: seconds to wait for one answer.
    """

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        throttled: Callable[[Response], bool],
        retry: RetryPolicy,
        sleep: Sleep,
        timeout: float = 120.0,
        user_agent: str = "ips-jobdev",
    ) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{base_url!r} is not an http(s) URL")
        self.base_url = f"{parsed.scheme}://{parsed.netloc}"
        self._token = token
        self._throttled = throttled
        self.retry = retry
        self._sleep = sleep
        self._timeout = timeout
        self._user_agent = user_agent
        self._opener = urllib.request.build_opener(_NoRedirect)
        self.requests = 0
        self.retries = 0

    def __repr__(self) -> str:
        return f"JsonHttp({self.base_url!r}, token=Secret('***'))"

    def send(self, method: str, path: str, body: Any = None) -> Response:
        """Send one request (retrying while throttled) and return the last response."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        attempt = 1
        while True:
            response = self._once(method, path, data)
            if not self._throttled(response) or attempt >= self.retry.max_attempts:
                return response
            wait = self.retry.delay(attempt, response.retry_after)
            log.info(
                "%s %s answered %s; try %d of %d in %.1f s",
                method,
                path.partition("?")[0],
                response.status,
                attempt + 1,
                self.retry.max_attempts,
                wait,
            )
            self.retries += 1
            self._sleep(wait)
            attempt += 1

    def _once(self, method: str, path: str, data: bytes | None) -> Response:
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token.reveal()}")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", self._user_agent)
        if data is not None:
            request.add_header("Content-Type", "application/json; charset=UTF-8")
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self._timeout) as answer:
                return Response(answer.status, _headers(answer.headers), answer.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, _headers(exc.headers), exc.read())
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HttpError(0, f"cannot reach {self.base_url}: {reason}") from None


def _headers(message: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in message.items()}

"""JSON over HTTPS with the standard library, for adapters that talk to a web API.

An adapter for a CRM or a scheduling service needs the same small client each time; this
module is that client, so a vendor writes only the calls of its own API::

    from ips_jobdev.adapters.http import JsonHttpClient, RetryPolicy, Secret, check_base_url

    client = JsonHttpClient(
        check_base_url("https://crm.example.org"),
        Secret(token),
        throttled=lambda response: response.status in (429, 503),
        retry=RetryPolicy(max_attempts=5),
        sleep=time.sleep,
    )
    response = client.send("POST", "/api/v1/records", {"name": "Hilltop Bakery"})

What it guarantees:

- The access token lives in a :class:`Secret`, whose ``repr`` and ``str`` are ``'***'``;
  it is put in the ``Authorization`` header of each request and nowhere else: not in
  URLs, log records, exception messages or dry-run output.
- Plain ``http`` is refused except to the local machine (``127.0.0.1``, ``localhost``,
  ``::1``, where test servers run), so a token never crosses a network in clear text.
- Redirects are not followed, so the header is never replayed to another host.
- Which answers mean "slow down, then try again" is the vendor's rule, passed as
  ``throttled``; the number of tries and the waits are bounded by a :class:`RetryPolicy`,
  and a ``Retry-After`` header is honoured. The waiting function is injected, so tests
  record the delays instead of sleeping.
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

__all__ = [
    "LOOPBACK_HOSTS",
    "HttpError",
    "JsonHttpClient",
    "Response",
    "RetryPolicy",
    "Secret",
    "Sleep",
    "check_base_url",
]

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
"""A waiting function such as :func:`time.sleep`, given the seconds to wait."""

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""The hosts plain ``http`` may be used with (the local machine only)."""


def check_base_url(url: str) -> str:
    """The scheme and host of ``url`` when it is safe to send a token to, else an error.

    Safe means ``https``, or ``http`` to one of :data:`LOOPBACK_HOSTS`, and no user name
    or password in the URL. The path, query and fragment are dropped.

    >>> check_base_url(" https://crm.example.org/api/v1 ")
    'https://crm.example.org'
    >>> check_base_url("http://127.0.0.1:8080")
    'http://127.0.0.1:8080'
    >>> check_base_url("http://crm.example.org")
    Traceback (most recent call last):
    ...
    ValueError: http://crm.example.org is not an https URL

    Raises:
        ValueError: the URL is not safe; the message shows the scheme and host only.
    """
    parts = urllib.parse.urlsplit(url.strip())
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    )
    if not (secure and parts.netloc) or parts.username or parts.password:
        raise ValueError(f"{parts.scheme}://{parts.hostname} is not an https URL")
    return f"{parts.scheme}://{parts.netloc}"


class Secret:
    """A credential that does not print itself.

    >>> token = Secret("pat-na1-00000000-fake")
    >>> token, str(token), f"{token}"
    (Secret('***'), '***', '***')
    >>> token.reveal()[:4]
    'pat-'
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

    >>> RetryPolicy().delay(3, None), RetryPolicy().delay(1, 7.5), RetryPolicy().delay(1, 600)
    (4.0, 7.5, 60.0)
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

    The message comes from the service's answer; it never holds the token. Adapters
    subclass it for their service's request errors.
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}" if status else message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class JsonHttpClient:
    """Send JSON requests to one service, retrying answers that ``throttled`` accepts.

    A redirect is returned as it is (a ``3xx`` :class:`Response`), never followed.

    Args:
        base_url: scheme and host (``https://crm.example.org``), checked with
            :func:`check_base_url`.
        token: the bearer token.
        throttled: says whether a response means "slow down, then try again" (the
            vendor's rule: which statuses, which error codes).
        retry: the bound on tries and waits.
        sleep: how to wait (``time.sleep``; tests pass a function that records the delays).
        timeout: seconds to wait for one answer.
        user_agent: the ``User-Agent`` header (the plugin's distribution name).
        logger: where retries are logged (the plugin's logger; this module's by default).

    Raises:
        ValueError: ``base_url`` is not safe to send a token to.
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
        logger: logging.Logger | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self._token = token
        self._throttled = throttled
        self.retry = retry
        self._sleep = sleep
        self._timeout = timeout
        self._user_agent = user_agent
        self._log = logger or log
        self._opener = urllib.request.build_opener(_NoRedirect)
        self.requests = 0
        """HTTP requests sent so far (retries included)."""
        self.retries = 0
        """Waits made after throttled answers so far."""

    def __repr__(self) -> str:
        return f"JsonHttpClient({self.base_url!r}, token=Secret('***'))"

    def send(self, method: str, path: str, body: Any = None) -> Response:
        """Send one request (retrying while throttled) and return the last response.

        ``path`` starts with ``/`` and may hold a query; ``body`` (when not ``None``) is
        sent as UTF-8 JSON. Any answer, an error status included, is returned.

        Raises:
            HttpError: the service could not be reached (status 0).
        """
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        attempt = 1
        while True:
            response = self._once(method, path, data)
            if not self._throttled(response) or attempt >= self.retry.max_attempts:
                return response
            wait = self.retry.delay(attempt, response.retry_after)
            self._log.info(
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

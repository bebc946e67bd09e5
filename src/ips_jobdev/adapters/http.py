"""JSON over HTTPS through httpx, for adapters that talk to a web API.

An adapter for a CRM or a scheduling service needs the same client each time; this module
is that client, so a vendor writes only the calls of its own API::

    from ips_jobdev.adapters.http import JsonHttpClient, RetryPolicy, Secret, check_base_url

    with JsonHttpClient(
        check_base_url("https://crm.example.org"),
        Secret(token),
        throttled=lambda response: response.status in (429, 503),
        retry=RetryPolicy(max_attempts=5),
        sleep=time.sleep,
        concurrency=4,
    ) as client:
        response = client.send("PUT", "/api/v1/records/hilltop", {"name": "Hilltop Bakery"})
        answers = client.map(send_one_batch, batches)  # at most 4 requests at once

What it guarantees:

- One connection pool per client (keep-alive): make one client per export and close it
  (``with`` or :meth:`JsonHttpClient.close`) when the export ends.
- The access token lives in a :class:`Secret`, whose ``repr`` and ``str`` are ``'***'``;
  it is put in the ``Authorization`` header of each request and nowhere else: not in
  URLs, log records, exception messages or dry-run output.
- Plain ``http`` is refused except to the local machine (``127.0.0.1``, ``localhost``,
  ``::1``, where test servers run), so a token never crosses a network in clear text.
- Redirects are not followed, so the header is never replayed to another host.
- Timeouts on connecting and on each answer.
- Retries, bounded by a :class:`RetryPolicy`: a request that could not connect is tried
  again (nothing reached the service); an answer the vendor's ``throttled`` rule names
  ("slow down, then try again": 429, 503...), a timeout while waiting for the answer and
  a dropped connection are tried again only for an *idempotent* request (``GET``,
  ``PUT``, ``DELETE``... by default; a ``POST`` or ``PATCH`` when the caller says it is,
  such as an upsert by a unique key), since the service may have done it already.
  ``Retry-After`` is honoured.
- Pacing: the vendor's ``pace`` rule reads each answer (rate-limit headers such as
  HubSpot's ``X-HubSpot-RateLimit-Remaining``) and may hold every next request back
  for some seconds, so the client slows down *before* the limit; the ``give_up`` rule
  names answers not worth retrying at all (a daily limit reached).
- Concurrency: :meth:`JsonHttpClient.map` runs a function over items on at most
  ``concurrency`` threads sharing the pool (1: one at a time).

The waiting function is injected, so tests record the delays instead of sleeping.

.. versionchanged:: 0.2
   Built on httpx instead of urllib. ``send`` retries a ``POST``/``PATCH`` only when
   called with ``idempotent=True``; new: ``close``, ``with``, ``map``, ``pace``,
   ``give_up``, ``concurrency``, and retries after connection failures and timeouts.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import json
import logging
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self, TypeVar

import attrs
import httpx

__all__ = [
    "IDEMPOTENT_METHODS",
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

T = TypeVar("T")
R = TypeVar("R")

Sleep = Callable[[float], None]
"""A waiting function such as :func:`time.sleep`, given the seconds to wait."""

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""The hosts plain ``http`` may be used with (the local machine only)."""

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods retried after a timeout or a throttled answer unless told otherwise."""


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


_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures before anything was sent: always safe to try again."""


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for the process (building one takes a quarter second)."""
    return ssl.create_default_context()


def _never(response: Response) -> bool:
    return False


def _no_pause(response: Response) -> float | None:
    return None


class JsonHttpClient:
    """Send JSON requests to one service over one connection pool, retrying and pacing.

    A redirect is returned as it is (a ``3xx`` :class:`Response`), never followed.

    Args:
        base_url: scheme and host (``https://crm.example.org``), checked with
            :func:`check_base_url`.
        token: the bearer token.
        throttled: says whether a response means "slow down, then try again" (the
            vendor's rule: which statuses, which error codes).
        retry: the bound on tries and waits.
        sleep: how to wait (``time.sleep``; tests pass a function that records the delays).
        timeout: seconds to wait for one answer (connecting: at most 10 s of it).
        user_agent: the ``User-Agent`` header (the plugin's distribution name).
        logger: where retries are logged (the plugin's logger; this module's by default).
        give_up: says whether a response means "no use retrying today" (a daily limit);
            such an answer is returned at once.
        pace: seconds to hold back every later request after this response (``None`` or
            0: none), for rate-limit headers that announce the limit is near.
        concurrency: how many requests :meth:`map` may have in flight at once.

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
        give_up: Callable[[Response], bool] = _never,
        pace: Callable[[Response], float | None] = _no_pause,
        concurrency: int = 1,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self._token = token
        self._throttled = throttled
        self._give_up = give_up
        self._pace = pace
        self.retry = retry
        self._sleep = sleep
        self._log = logger or log
        self.concurrency = max(1, concurrency)
        self._timeout = timeout
        self._user_agent = user_agent
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()
        self._not_before = 0.0
        self.requests = 0
        """HTTP requests sent so far (retries included)."""
        self.retries = 0
        """Waits made after throttled answers or failed connections so far."""
        self.paused = 0.0
        """Seconds held back so far because the service's rate-limit headers said so."""

    def __repr__(self) -> str:
        return f"JsonHttpClient({self.base_url!r}, token=Secret('***'))"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (a later request opens a new one)."""
        with self._lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    def _pool(self) -> httpx.Client:
        """The connection pool, made at the first request (an export that sends nothing
        pays nothing for it)."""
        with self._lock:
            if self._http is None:
                self._http = httpx.Client(
                    base_url=self.base_url,
                    timeout=httpx.Timeout(self._timeout, connect=min(10.0, self._timeout)),
                    follow_redirects=False,
                    # plain http goes only to the local machine (check_base_url): no TLS
                    verify=_tls() if self.base_url.startswith("https:") else False,
                    limits=httpx.Limits(
                        max_connections=self.concurrency,
                        max_keepalive_connections=self.concurrency,
                    ),
                    headers={"Accept": "application/json", "User-Agent": self._user_agent},
                    trust_env=False,
                )
            return self._http

    def send(
        self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None
    ) -> Response:
        """Send one request (retrying as the rules allow) and return the last response.

        ``path`` starts with ``/`` and may hold a query; ``body`` (when not ``None``) is
        sent as UTF-8 JSON. Any answer, an error status included, is returned.
        ``idempotent`` says whether sending the request twice does no more than sending
        it once (by default: true for ``GET``, ``HEAD``, ``OPTIONS``, ``PUT``, ``DELETE``).

        Raises:
            HttpError: the service could not be reached, or did not answer in time
                (status 0), after the tries allowed.
        """
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        again = method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent
        attempt = 1
        while True:
            try:
                response = self._once(method, path, data)
            except _CONNECT_ERRORS as exc:
                if attempt >= self.retry.max_attempts:
                    raise HttpError(0, f"cannot reach {self.base_url}: {_reason(exc)}") from None
                self._wait(method, path, attempt, f"could not connect ({_reason(exc)})", None)
            except httpx.TransportError as exc:
                if not again or attempt >= self.retry.max_attempts:
                    raise HttpError(0, f"no answer from {self.base_url}: {_reason(exc)}") from None
                self._wait(method, path, attempt, f"gave no answer ({_reason(exc)})", None)
            else:
                if (
                    self._give_up(response)
                    or not again
                    or not self._throttled(response)
                    or attempt >= self.retry.max_attempts
                ):
                    return response
                self._wait(
                    method, path, attempt, f"answered {response.status}", response.retry_after
                )
            attempt += 1

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[function(item) for item in items]`` on at most ``concurrency`` threads.

        The results come in the order of ``items``; the first exception raised by
        ``function`` is raised once all have finished. ``function`` sends its requests
        with :meth:`send` (they share the pool and the pacing).
        """
        work = list(items)
        if self.concurrency == 1 or len(work) < 2:
            return [function(item) for item in work]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(work))) as pool:
            return list(pool.map(function, work))

    def _wait(
        self, method: str, path: str, attempt: int, what: str, retry_after: float | None
    ) -> None:
        wait = self.retry.delay(attempt, retry_after)
        self._log.info(
            "%s %s %s; try %d of %d in %.1f s",
            method,
            path.partition("?")[0],
            what,
            attempt + 1,
            self.retry.max_attempts,
            wait,
        )
        with self._lock:
            self.retries += 1
        self._sleep(wait)

    def _hold_back(self) -> None:
        with self._lock:
            until = self._not_before
        wait = until - time.monotonic()
        if wait > 0:
            self._sleep(wait)
            with self._lock:
                if self._not_before == until:
                    self._not_before = 0.0

    def _once(self, method: str, path: str, data: bytes | None) -> Response:
        self._hold_back()
        headers = {"Authorization": f"Bearer {self._token.reveal()}"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=UTF-8"
        with self._lock:
            self.requests += 1
        answer = self._pool().request(method, path, content=data, headers=headers)
        response = Response(
            answer.status_code,
            {name.lower(): value for name, value in answer.headers.items()},
            answer.content,
        )
        pause = self._pace(response)
        if pause and pause > 0:
            self._log.info("%s %s: pausing %.2f s for the rate limit", method, path, pause)
            with self._lock:
                self.paused += pause
                self._not_before = max(self._not_before, time.monotonic() + pause)
        return response


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


class _NoQueries(logging.Filter):
    """httpx logs each request's URL; a query may hold personal data, so drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(
                a.copy_with(query=None) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


_httpx_log = logging.getLogger("httpx")
if not any(isinstance(f, _NoQueries) for f in _httpx_log.filters):
    _httpx_log.addFilter(_NoQueries())

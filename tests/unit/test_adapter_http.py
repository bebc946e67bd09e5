"""The JSON-over-HTTPS client for adapters, against a real HTTP server on 127.0.0.1 (a
scripted :class:`~ips_jobdev.testing.fake_server.FakeServer`)."""

from __future__ import annotations

import email.utils
import logging
import pickle
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev.adapters.http import (
    HttpError,
    JsonHttpClient,
    Response,
    RetryPolicy,
    Secret,
    check_base_url,
)
from ips_jobdev.testing.fake_server import FakeServer, Reply, Request

TOKEN = "pat-na1-never-show-this-0000"


class Service(FakeServer):
    """A scripted service: answers from ``script`` in turn, then ``200 {}``."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[Reply] = []

    def handle(self, request: Request) -> Reply:
        return self.script.pop(0) if self.script else Reply(200, {})


@pytest.fixture
def service() -> Iterator[Service]:
    with Service() as running:
        yield running


def rate_limited(response: Response) -> bool:
    return response.status == 429


def client_for(
    url: str, delays: list[float], *, attempts: int = 5, throttled: Any = rate_limited
) -> JsonHttpClient:
    return JsonHttpClient(
        url,
        Secret(TOKEN),
        throttled=throttled,
        retry=RetryPolicy(max_attempts=attempts),
        sleep=delays.append,
        timeout=5.0,
        user_agent="ips-jobdev-test",
    )


def test_a_request_carries_json_and_the_bearer_token_in_its_header_only(
    service: Service,
) -> None:
    service.script = [Reply(201, {"id": "1001", "name": "Hilltop Bakery"})]
    client = client_for(service.url, [])
    response = client.send("POST", "/records?mode=upsert", {"name": "Hilltop Bakery ☕"})
    assert (response.status, response.json()) == (201, {"id": "1001", "name": "Hilltop Bakery"})
    assert response.headers["content-type"] == "application/json"
    [seen] = service.requests
    assert (seen.method, seen.path, seen.query) == ("POST", "/records", {"mode": ["upsert"]})
    assert seen.body == {"name": "Hilltop Bakery ☕"}
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["content-type"] == "application/json; charset=UTF-8"
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["user-agent"] == "ips-jobdev-test"
    assert TOKEN not in seen.path
    assert client.requests == 1
    assert client.retries == 0


def test_a_429_is_retried_after_the_retry_after_seconds(service: Service) -> None:
    service.script = [
        Reply(429, {"message": "slow down"}, {"Retry-After": "3"}),
        Reply(429, None, {"Retry-After": "0.5"}),
        Reply(200, {"ok": True}),
    ]
    delays: list[float] = []
    client = client_for(service.url, delays)
    response = client.send("GET", "/records/7")
    assert (response.status, response.json()) == (200, {"ok": True})
    assert delays == [3.0, 0.5]
    assert len(service.requests) == 3
    assert (client.requests, client.retries) == (3, 2)


def test_a_retry_after_date_counts_the_seconds_until_then(service: Service) -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    service.script = [Reply(429, None, {"Retry-After": later})]
    delays: list[float] = []
    assert client_for(service.url, delays).send("GET", "/x").status == 200
    [waited] = delays
    assert 25.0 <= waited <= 30.0


def test_without_retry_after_the_waits_double_and_the_tries_are_bounded(
    service: Service,
) -> None:
    service.script = [Reply(429, {"message": "slow down"})] * 10
    delays: list[float] = []
    response = client_for(service.url, delays, attempts=4).send("DELETE", "/records/7")
    assert response.status == 429
    assert response.json() == {"message": "slow down"}
    assert delays == [1.0, 2.0, 4.0]
    assert len(service.requests) == 4


def test_only_the_answers_the_vendor_rule_names_are_retried(service: Service) -> None:
    def limit_exceeded(response: Response) -> bool:
        body = response.json()
        return isinstance(body, list) and body[0].get("errorCode") == "REQUEST_LIMIT_EXCEEDED"

    service.script = [
        Reply(403, [{"errorCode": "REQUEST_LIMIT_EXCEEDED"}]),
        Reply(403, [{"errorCode": "INSUFFICIENT_ACCESS"}]),
        Reply(429, None, {"Retry-After": "1"}),
    ]
    delays: list[float] = []
    client = client_for(service.url, delays, throttled=limit_exceeded)
    assert client.send("PATCH", "/a", {}).json() == [{"errorCode": "INSUFFICIENT_ACCESS"}]
    assert client.send("PATCH", "/b", {}).status == 429
    assert delays == [1.0]
    assert [seen.path for seen in service.requests] == ["/a", "/a", "/b"]


def test_a_redirect_is_returned_not_followed(service: Service) -> None:
    with Service() as elsewhere:
        service.script = [Reply(302, None, {"Location": f"{elsewhere.url}/steal"})]
        response = client_for(service.url, []).send("GET", "/records")
        assert response.status == 302
        assert response.headers["location"] == f"{elsewhere.url}/steal"
        assert elsewhere.requests == []
        assert len(service.requests) == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_the_token_never_shows_in_reprs_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = Secret(TOKEN)
    assert TOKEN not in f"{token} {token!r} {token!s} {[token]} {token:>40}"
    assert (repr(token), str(token)) == ("Secret('***')", "***")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(token)
    assert token.reveal() == TOKEN
    assert token
    assert not Secret("")
    url = f"http://127.0.0.1:{free_port()}"
    client = client_for(url, [])
    with pytest.raises(HttpError) as caught:
        client.send("POST", "/records", {"name": "Hilltop Bakery"})
    assert caught.value.status == 0
    assert f"cannot reach {url}" in str(caught.value)
    shown = " ".join([str(caught.value), repr(caught.value), repr(client), caplog.text])
    assert TOKEN not in shown
    assert repr(client) == f"JsonHttpClient({url!r}, token=Secret('***'))"


def test_the_retry_log_names_the_path_but_not_the_query_or_token(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service.script = [Reply(429, None, {"Retry-After": "2"})]
    client_for(service.url, []).send("GET", "/records?email=maria@example.org")
    assert "GET /records answered 429; try 2 of 5 in 2.0 s" in caplog.text
    assert "example.org" not in caplog.text
    assert TOKEN not in caplog.text


def test_an_error_status_is_an_answer_with_its_message(service: Service) -> None:
    service.script = [Reply(400, None)]
    response = client_for(service.url, []).send("POST", "/records", [1, 2])
    assert (response.status, response.body, response.json()) == (400, b"", None)
    assert str(HttpError(400, "bad input")) == "HTTP 400: bad input"
    assert str(HttpError(0, "cannot reach it")) == "cannot reach it"


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.org",
        "http://10.0.0.5:8080",
        "ftp://crm.example.org",
        "crm.example.org",
        "https://",
        "https://user:hunter2@crm.example.org",
    ],
)
def test_a_token_is_never_sent_in_clear_or_with_credentials_in_the_url(url: str) -> None:
    with pytest.raises(ValueError, match="is not an https URL") as caught:
        check_base_url(url)
    assert "hunter2" not in str(caught.value)
    with pytest.raises(ValueError, match="is not an https URL"):
        JsonHttpClient(url, Secret(TOKEN), throttled=rate_limited, retry=RetryPolicy(), sleep=print)


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://crm.example.org/api/v3?x=1", "https://crm.example.org"),
        (" https://crm.example.org:8443 ", "https://crm.example.org:8443"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://localhost", "http://localhost"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_https_and_local_http_keep_scheme_and_host(url: str, base: str) -> None:
    assert check_base_url(url) == base
    client = JsonHttpClient(url, Secret(TOKEN), throttled=bool, retry=RetryPolicy(), sleep=print)
    assert client.base_url == base


@given(
    attempt=st.integers(min_value=1, max_value=200),
    retry_after=st.none() | st.floats(min_value=-1e6, max_value=1e6),
    base=st.floats(min_value=0.0, max_value=100.0),
    ceiling=st.floats(min_value=0.0, max_value=3600.0),
)
def test_a_wait_is_never_negative_nor_above_the_ceiling(
    attempt: int, retry_after: float | None, base: float, ceiling: float
) -> None:
    policy = RetryPolicy(base_delay=base, max_delay=ceiling)
    wait = policy.delay(attempt, retry_after)
    assert 0.0 <= wait <= ceiling
    if retry_after is not None and 0.0 <= retry_after <= ceiling:
        assert wait == retry_after

"""ips_jobdev.testing.fake_server: the plumbing of a vendor's fake web service, over a real
socket on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

import pytest

from ips_jobdev.testing.fake_server import FakeServer, RecordedRequest, Reply, Request


class Echo(FakeServer):
    """Answers with what it was sent; ``/empty`` with no body, ``/broken`` raises."""

    content_type = "application/json;charset=UTF-8"

    def handle(self, request: Request) -> Reply:
        if self.throttled():
            return Reply(429, {"error": "slow down"}, {"Retry-After": "3"})
        if request.path == "/empty":
            return Reply(204)
        if request.path == "/broken":
            raise KeyError("missing")
        echoed = {"query": request.query, "body": request.body, "bearer": request.bearer}
        return Reply(200, echoed, {"X-Echo": request.method})


def call(
    url: str, method: str = "GET", body: bytes | None = None, token: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


@pytest.fixture
def echo() -> Any:
    with Echo() as server:
        yield server


def test_a_request_is_parsed_answered_as_json_and_logged(echo: Echo) -> None:
    assert echo.url.startswith("http://127.0.0.1:")
    status, headers, data = call(
        echo.url + "/v1/things?ids=a,b&ids=c&all=false", "PATCH", b'{"name": "Caf\xc3\xa9"}', "t-1"
    )
    assert status == 200
    assert headers["Content-Type"] == "application/json;charset=UTF-8"
    assert headers["X-Echo"] == "PATCH"
    assert json.loads(data) == {
        "query": {"ids": ["a,b", "c"], "all": ["false"]},
        "body": {"name": "Café"},
        "bearer": "t-1",
    }
    [logged] = echo.requests
    assert logged == RecordedRequest(
        method="PATCH",
        path="/v1/things",
        query={"ids": ["a,b", "c"], "all": ["false"]},
        headers=logged.headers,
        body={"name": "Café"},
        status=200,
    )
    assert logged.headers["authorization"] == "Bearer t-1"
    assert echo.received_text() == '[{"name": "Café"}]'


def test_no_body_no_token_and_a_body_that_is_not_json(echo: Echo) -> None:
    status, headers, data = call(echo.url + "/empty", "DELETE")
    assert (status, data, headers["Content-Length"]) == (204, b"", "0")
    assert "Content-Type" not in headers
    status, _, data = call(echo.url + "/x", "POST", b"name,zip\nBakery,53703")
    assert json.loads(data) == {
        "query": {},
        "body": {"unparsable": "name,zip\nBakery,53703"},
        "bearer": None,
    }
    assert [r.body for r in echo.requests] == [None, {"unparsable": "name,zip\nBakery,53703"}]


def test_throttling_every_nth_request_or_the_next_ones(echo: Echo) -> None:
    echo.throttle_every = 2
    assert [call(echo.url + "/x")[0] for _ in range(4)] == [200, 429, 200, 429]
    assert call(echo.url + "/x")[0] == 200
    echo.throttle_every, echo.throttle_next = 0, 2
    assert [call(echo.url + "/x")[0] for _ in range(3)] == [429, 429, 200]
    assert call(echo.url + "/x")[1].get("Retry-After") is None
    echo.throttle_next = 1
    assert call(echo.url + "/x")[1]["Retry-After"] == "3"


def test_a_bug_in_the_fake_is_a_500_naming_it(echo: Echo) -> None:
    status, _, data = call(echo.url + "/broken")
    assert (status, json.loads(data)) == (500, {"error": "KeyError: 'missing'"})
    assert echo.requests[-1].status == 500


def test_a_fake_that_answers_nothing_says_so() -> None:
    with FakeServer() as bare:
        status, _, data = call(bare.url + "/x")
    assert status == 500
    assert "must answer requests in handle()" in json.loads(data)["error"]


def test_stopping_frees_the_port_and_keeps_the_log() -> None:
    server = Echo().start()
    host, port = server.url.removeprefix("http://").split(":")
    call(server.url + "/x")
    server.stop()
    server.stop()  # stopping twice is harmless
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, int(port)), timeout=1).close()
    assert len(server.requests) == 1
    with pytest.raises(AssertionError, match="not started"):
        server.url  # noqa: B018

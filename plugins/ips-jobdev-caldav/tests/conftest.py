"""Real CalDAV servers on 127.0.0.1, started for the test session and stopped after.

Radicale runs as a subprocess (``python -m radicale``) with an empty configuration, its
storage in a temporary folder, no authentication (and no delay after the client's first,
unauthenticated request), on a free port. Each test logs in as its own user, so each
test has its own calendars.

Xandikos runs as a subprocess too (``xandikos serve --defaults``), single-user, storage in
a temporary folder, on a free port; each test uses calendars of its own name.

The ``dav`` fixture is each of the two in turn: tests that take it run on both servers.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

pytest_plugins = ["ips_jobdev.testing.pytest_plugin"]


@attrs.frozen
class RadicaleServer:
    """Where the test server listens."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


@attrs.frozen
class DavAccount:
    """One test's place on a CalDAV server: the URL, the user and a calendar of its own."""

    name: str
    url: str
    user: str
    calendar: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Radicale exited with {process.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on port {port} in 20 s: {log.read_text()}")


def _serve(command: list[str], port: int, log: Path, url: str) -> Iterator[RadicaleServer]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(process, port, log)
        yield RadicaleServer(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """A Xandikos server for the whole session (one user, at ``/user/``)."""
    folder = tmp_path_factory.mktemp("xandikos")
    port = _free_port()
    command = [
        sys.executable, "-m", "xandikos.web",
        "--directory", str(folder / "dav"),
        "--state-dir", str(folder / "state"),
        "--defaults",
        "--no-detect-systemd",
        "--listen-address", "127.0.0.1",
        "--port", str(port),
    ]  # fmt: skip
    yield from _serve(command, port, folder / "xandikos.log", f"http://127.0.0.1:{port}/")


@pytest.fixture(params=["radicale", "xandikos"])
def dav(request: pytest.FixtureRequest) -> DavAccount:
    """This test's account on each real CalDAV server in turn."""
    server: RadicaleServer = request.getfixturevalue(request.param)
    tag = uuid.uuid4().hex[:10]
    return DavAccount(request.param, server.url, f"spec-{tag}", f"Visits {tag}")


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """A Radicale server for the whole session."""
    folder = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    log = folder / "radicale.log"
    command = [
        sys.executable, "-m", "radicale",
        "--config", "",
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder / "collections"),
        "--auth-type", "none",
        "--auth-delay", "0",
        "--logging-level", "warning",
    ]  # fmt: skip
    yield from _serve(command, port, log, f"http://127.0.0.1:{port}/")


@pytest.fixture
def caldav_user() -> str:
    """A user name of this test's own (its calendars are its own)."""
    return f"spec-{uuid.uuid4().hex[:10]}"

"""``ips-jobdev serve`` and ``ips-jobdev feed``, run as a person runs them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import icalendar
import pytest
from click.testing import CliRunner

import ips_jobdev as jobdev
from ips_jobdev._casework.accounts import add_user
from ips_jobdev.cli import main


@pytest.fixture
def served(demo_db: jobdev.Database) -> Iterator[tuple[str, str]]:
    """``ips-jobdev serve`` on a free port; yields the sign-in link and the database URL."""
    url = demo_db.url
    demo_db.dispose()
    process = subprocess.Popen(
        [sys.executable, "-m", "ips_jobdev", "--db", url, "serve", "--no-browser", "--port", "0",
         "--specialist", "av", "--today", "2026-12-07"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = ""
        for line in process.stdout:
            if "http" in line:
                first = line
                break
        link = first.split()[-1]
        assert link.startswith("http://127.0.0.1:")
        assert "/sign-in?token=" in link
        yield link, url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_serve_prints_a_one_time_sign_in_link_on_loopback(served: tuple[str, str]) -> None:
    link, _ = served
    base = link.split("/sign-in")[0]
    with httpx.Client(timeout=60) as anonymous:
        assert anonymous.get(f"{base}/today").status_code == 401
    with httpx.Client(follow_redirects=True, timeout=60) as browser:
        today = browser.get(link)
        assert today.status_code == 200
        assert "<h1>Today</h1>" in today.text
        assert "Monday 7 December 2026" in today.text
    with httpx.Client(timeout=60) as late:
        assert late.get(link).status_code == 403


def test_serve_refuses_an_address_other_computers_can_reach(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "x.sqlite3"), "serve", "--host", "0.0.0.0", "--no-browser"]
    )
    assert result.exit_code == 1
    assert "not a loopback address" in result.output


def test_feed_url_prints_a_working_url_and_revoke_ends_it(
    served: tuple[str, str],
) -> None:
    link, db_url = served
    base = link.split("/sign-in")[0]
    runner = CliRunner()
    made = runner.invoke(
        main, ["--db", db_url, "feed", "url", "--specialist", "av", "--base-url", base]
    )
    assert made.exit_code == 0, made.output
    url = made.output.strip()
    assert url.startswith(f"{base}/feed/")
    assert url.endswith(".ics")
    answer = httpx.get(url, timeout=60)
    assert answer.status_code == 200
    assert icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    gone = runner.invoke(main, ["--db", db_url, "feed", "revoke", url, "--json"])
    assert gone.exit_code == 0
    assert '"revoked": 1' in gone.output
    assert httpx.get(url, timeout=60).status_code == 404
    both = runner.invoke(main, ["--db", db_url, "feed", "revoke", url, "--specialist", "av"])
    assert both.exit_code == 1
    assert "one of them" in both.output


@contextlib.contextmanager
def _serving(
    *arguments: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m ips_jobdev ARGUMENTS`` as a real process; yields it and the first line it
    prints with an address, and stops it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ips_jobdev", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    try:
        assert process.stdout is not None
        yield process, next(line for line in process.stdout if "http" in line)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    """The sign-in form, sent back with its CSRF token."""
    form = client.get("/sign-in")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def test_serve_opens_the_sign_in_link_in_the_browser_without_no_browser(
    demo_db: jobdev.Database, tmp_path: Path
) -> None:
    # $BROWSER names the program webbrowser runs; this one writes down what it was given
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    url = demo_db.url
    demo_db.dispose()
    with _serving("--db", url, "serve", "--port", "0", env={"BROWSER": str(browser)}) as (
        _,
        line,
    ):
        link = line.split()[-1]
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text(encoding="utf-8") == link


def test_serve_shared_listens_on_every_address_and_signs_in_with_accounts(
    demo_db: jobdev.Database,
) -> None:
    url = demo_db.url
    refused = CliRunner().invoke(main, ["--db", url, "serve", "--host", "0.0.0.0"])
    assert refused.exit_code != 0
    assert "--shared" in refused.output
    no_account = CliRunner().invoke(main, ["--db", url, "serve", "--shared", "--no-browser"])
    assert no_account.exit_code != 0
    assert "users add" in no_account.output
    with demo_db.unit_of_work() as uow:
        [program] = uow.programs.list()
        add_user(uow, "pat@example.org", program.code, "supervisor", "correct horse battery")
        uow.commit()
    demo_db.dispose()
    with _serving(
        "--db", url, "serve", "--shared", "--host", "0.0.0.0", "--port", "0", "--no-browser",
        "--insecure-cookies",
    ) as (_, line):  # fmt: skip
        address = line.split()[-1]
        assert address.startswith("http://0.0.0.0:")
        assert address.endswith("/sign-in")
        base = address.replace("0.0.0.0", "127.0.0.1").removesuffix("/sign-in")
        with httpx.Client(base_url=base) as client:
            assert client.get("/today").status_code == 401
            signed = _sign_in(client, "pat@example.org", "correct horse battery")
            assert signed.status_code == 303
            assert client.get("/today").status_code == 200


@pytest.mark.postgres
def test_serve_shared_with_several_workers_shares_sessions(pg_url: str) -> None:
    db = jobdev.Database(pg_url)
    with db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        add_user(uow, "pat@example.org", "dane", "supervisor", "correct horse battery")
        uow.commit()
    db.dispose()
    with _serving(
        "--db", pg_url, "serve", "--shared", "--workers", "2", "--port", "0", "--no-browser",
        "--insecure-cookies",
    ) as (process, line):  # fmt: skip
        assert process.stdout is not None
        assert "2 server processes" in next(process.stdout)
        base = line.split()[-1].removesuffix("/sign-in")
        # a new connection for every request: the kernel hands them to either worker
        fresh = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=base, limits=fresh) as client:
            signed = _sign_in(client, "pat@example.org", "correct horse battery")
            assert signed.status_code == 303
            answers = [client.get("/today") for _ in range(24)]
            assert [a.status_code for a in answers] == [200] * 24, "every worker knows it"
            csrf = answers[-1].text.split('data-csrf="')[1].split('"')[0]
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
            assert len(children.split()) >= 2, "two worker processes"
            out = client.post("/sign-out", data={"csrf_token": csrf})
            assert out.status_code == 303
            assert [client.get("/today").status_code for _ in range(8)] == [401] * 8


def test_the_server_socket_sends_each_answer_at_once() -> None:
    """Nagle's algorithm off on every connection the server takes: with it on, an answer
    sent as headers and then a body waits, on a kept-alive connection, for the browser's
    delayed acknowledgement (40 ms on Linux) before its body leaves."""
    import socket

    from ips_jobdev.cli.serve import _bind

    server = _bind("127.0.0.1", 0)
    try:
        with socket.create_connection(server.getsockname()[:2]):
            taken, _ = server.accept()
            with taken:
                # asyncio turns Nagle off itself only on sockets that say they are TCP
                assert taken.proto == socket.IPPROTO_TCP
                assert taken.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        server.close()

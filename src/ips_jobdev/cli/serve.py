"""``ips-jobdev serve``: the web app for specialists.

Local mode binds to a loopback address and prints, as the first line with ``http`` in it,
a sign-in link with a random one-time token; opening it signs one browser in. Without
``--no-browser`` the link is opened in the default browser.

Shared mode (``--shared``) signs people in with their accounts (``ips-jobdev users``) and
may listen on every address (``--host 0.0.0.0``), behind a TLS reverse proxy.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import sys
import threading
import webbrowser
import zoneinfo
from typing import Any

import click

from ips_jobdev.cli._app import App, command_error, db_option, pass_app, with_examples

__all__ = ["serve_command"]

DEFAULT_PORT = 8700


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise command_error(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _clock(today: dt.datetime | None, zone: str) -> object:
    if today is None:
        return None
    tz = zoneinfo.ZoneInfo(zone)
    day = today.date()

    def clock() -> dt.datetime:
        wall = dt.datetime.now(tz)
        return dt.datetime.combine(day, wall.timetz())

    return clock


def _serve_shared(
    database: Any,
    host: str,
    port: int,
    *,
    allowed_hosts: list[str],
    insecure_cookies: bool,
    today_: dt.datetime | None,
) -> None:
    import uvicorn

    from ips_jobdev._casework.accounts import list_users
    from ips_jobdev.web import create_app
    from ips_jobdev.web.accounts import AccountAuth

    with database.unit_of_work() as uow:
        accounts = list_users(uow)
    if not any(not a.disabled for a in accounts):
        raise command_error(
            "shared mode signs people in with accounts, and there is none: add one with "
            "'ips-jobdev users add EMAIL --program CODE --role ROLE'"
        )
    auth = AccountAuth(database, secure_cookies=not insecure_cookies)
    web_app = create_app(
        database,
        auth=auth,
        clock=_clock(today_, "America/Chicago"),  # type: ignore[arg-type]
        allowed_hosts=allowed_hosts or ["*"],
    )
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host.strip('[]')}]" if ":" in host else host
    click.echo(f"ips-jobdev (shared) is open at http://{shown_host}:{bound_port}/sign-in")
    click.echo("People sign in with their accounts. Serve it through HTTPS. Ctrl+C stops it.")
    sys.stdout.flush()
    # the client address of a request comes from the proxy's X-Forwarded-For only when the
    # proxy is on this computer (uvicorn's default), so rate limits count real clients
    config = uvicorn.Config(web_app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback only, unless --shared).",
)
@click.option(
    "--shared",
    is_flag=True,
    help="Sign in with accounts (ips-jobdev users) instead of a one-time link; allows "
    "--host 0.0.0.0. Put it behind a TLS reverse proxy.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="With --shared: a host name the app answers to (repeat; default: any).",
)
@click.option(
    "--insecure-cookies",
    is_flag=True,
    help="With --shared: send the session cookie over plain HTTP too (only to try shared "
    "mode on this computer without TLS).",
)
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free one).",
)
@click.option(
    "--specialist", "-s", metavar="CODE", help="Whose day to show first (a selector switches)."
)
@click.option(
    "--no-browser", is_flag=True, help="Print the sign-in link without opening a browser."
)
@click.option(
    "--today",
    "today_",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Treat this day as today (to try the demo on a fixed day).",
)
@db_option
@pass_app
@with_examples(
    "ips-jobdev serve",
    "ips-jobdev serve --specialist av --no-browser",
    "ips-jobdev --db county.sqlite3 serve --port 8800",
    "ips-jobdev --db postgresql+psycopg://ips@db.example.org/ips serve --shared --host 0.0.0.0 "
    "--allowed-host jobdev.example.org --no-browser",
)
def serve_command(
    app: App,
    host: str,
    shared: bool,
    allowed_hosts: tuple[str, ...],
    insecure_cookies: bool,
    port: int,
    specialist: str | None,
    no_browser: bool,
    today_: dt.datetime | None,
) -> None:
    """Open the web app: Today, Week, Employers, Job seekers, Reports, Log a visit, Import.

    It serves the record named by --db (or $IPS_JOBDEV_DB) on this computer only and prints
    a sign-in link with a one-time token; open it in your browser (done for you unless
    --no-browser). The link works once: nobody else on this computer, and no web page,
    can read the record without it. Stop with Ctrl+C. The calendar feed URLs of
    'ips-jobdev feed url' are served here too.
    """
    try:
        import uvicorn

        from ips_jobdev.web import LocalTokenAuth, create_app
    except ImportError as exc:
        raise command_error(
            f"the web app needs the 'web' extra ({exc.name} is missing): "
            'pip install "ips-jobdev[web]"'
        ) from None
    if not _loopback(host) and not shared:
        raise command_error(
            f"{host} is not a loopback address: the local web app listens on this computer "
            "only (127.0.0.1, ::1 or localhost); a server for a team needs --shared "
            "(sign-in with accounts)"
        )
    if (allowed_hosts or insecure_cookies) and not shared:
        raise command_error("--allowed-host and --insecure-cookies go with --shared")
    database = app.database()
    if shared:
        _serve_shared(
            database,
            host,
            port,
            allowed_hosts=list(allowed_hosts),
            insecure_cookies=insecure_cookies,
            today_=today_,
        )
        return
    if specialist is not None:
        from ips_jobdev._overview import team

        with database.unit_of_work() as uow:
            chosen = team(uow, specialist).chosen
            zone = chosen.timezone if chosen else "America/Chicago"
            specialist = chosen.code if chosen else specialist
    else:
        zone = "America/Chicago"
    auth = LocalTokenAuth(specialist=specialist)
    web_app = create_app(database, auth=auth, clock=_clock(today_, zone))  # type: ignore[arg-type]
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host.strip('[]')}]" if ":" in host else host
    link = auth.sign_in_url(f"http://{shown_host}:{bound_port}")
    click.echo(f"ips-jobdev is open at {link}")
    click.echo("That link signs in one browser, once. Press Ctrl+C to stop.")
    sys.stdout.flush()
    config = uvicorn.Config(web_app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    if not no_browser:
        threading.Timer(0.8, webbrowser.open, args=(link,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()

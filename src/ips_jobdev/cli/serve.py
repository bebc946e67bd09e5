"""``ips-jobdev serve``: the web app for specialists.

Local mode binds to a loopback address and prints, as the first line with ``http`` in it,
a sign-in link with a random one-time token; opening it signs one browser in. Without
``--no-browser`` the link is opened in the default browser.

Shared mode (``--shared``) signs people in with their accounts (``ips-jobdev users``) and
may listen on every address (``--host 0.0.0.0``), behind a TLS reverse proxy. It runs
``--workers N`` server processes on one socket (default: one per CPU, at most
:data:`MAX_DEFAULT_WORKERS`); sessions are in the database, so any process answers any
browser.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import secrets
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
MAX_DEFAULT_WORKERS = 8
SHARED_SETTINGS = "IPS_JOBDEV_SERVE_SHARED"
"""The environment variable that hands ``serve --shared``'s settings to its worker
processes (they build the app with :func:`shared_app`)."""


def default_workers() -> int:
    """Server processes for ``serve --shared`` by default: one per CPU this process may
    use, at most :data:`MAX_DEFAULT_WORKERS` (the database does the rest of the work)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_WORKERS))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left 0: asyncio turns Nagle's algorithm off only on sockets
    # that say they are TCP, and with it on every keep-alive answer waits for the
    # browser's delayed acknowledgement (40 ms on Linux)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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


def _shared_web_app(settings: dict[str, Any]) -> Any:
    from ips_jobdev._store import Database
    from ips_jobdev.web import create_app
    from ips_jobdev.web.accounts import AccountAuth, limiter_for_workers

    database = settings.get("database") or Database(settings["url"])
    today_ = settings.get("today")
    auth = AccountAuth(
        database,
        secure_cookies=not settings["insecure_cookies"],
        limiter=limiter_for_workers(int(settings["workers"])),
        form_key=bytes.fromhex(settings["form_key"]),
    )
    return create_app(
        database,
        auth=auth,
        clock=_clock(  # type: ignore[arg-type]
            dt.datetime.fromisoformat(today_) if today_ else None, "America/Chicago"
        ),
        allowed_hosts=settings["allowed_hosts"] or ["*"],
    )


def shared_app() -> Any:
    """The shared-mode app of one worker process of ``serve --shared --workers N`` (an
    application factory: the settings come from the parent in :data:`SHARED_SETTINGS`).
    Once started, the worker leaves a file named for its process id in the settings'
    ``ready`` folder, so the parent says the server is open only when every worker is."""
    import contextlib
    from pathlib import Path

    settings = json.loads(os.environ[SHARED_SETTINGS])
    web_app = _shared_web_app(settings)
    started = web_app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        async with started(app) as state:
            Path(settings["ready"], str(os.getpid())).touch()
            yield state

    web_app.router.lifespan_context = lifespan
    return web_app


def _workers(config: Any, sockets: list[socket.socket], ready: str, banner: Any) -> Any:
    """uvicorn's supervisor of worker processes, telling ``banner`` once all have
    started (or after two minutes, whatever they are doing)."""
    import time
    from pathlib import Path

    from uvicorn.supervisors import Multiprocess

    class Workers(Multiprocess):
        def init_processes(self) -> None:
            super().init_processes()
            deadline = time.monotonic() + 120
            while len(list(Path(ready).iterdir())) < self.processes_num:
                if time.monotonic() > deadline or self.should_exit.wait(0.1):
                    break
            banner()

    return Workers(config, sockets)


def _serve_shared(
    database: Any,
    host: str,
    port: int,
    *,
    allowed_hosts: list[str],
    insecure_cookies: bool,
    today_: dt.datetime | None,
    workers: int,
) -> None:
    import uvicorn

    from ips_jobdev._casework.accounts import list_users

    with database.unit_of_work() as uow:
        accounts = list_users(uow)
    if not any(not a.disabled for a in accounts):
        raise command_error(
            "shared mode signs people in with accounts, and there is none: add one with "
            "'ips-jobdev users add EMAIL --program CODE --role ROLE'"
        )
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host.strip('[]')}]" if ":" in host else host

    def banner() -> None:
        click.echo(f"ips-jobdev (shared) is open at http://{shown_host}:{bound_port}/sign-in")
        processes = f"{workers} server process{'es' if workers > 1 else ''}"
        click.echo(
            f"People sign in with their accounts ({processes}). Serve it through HTTPS. "
            "Ctrl+C stops it."
        )
        sys.stdout.flush()

    # the client address of a request comes from the proxy's X-Forwarded-For only when the
    # proxy is on this computer (uvicorn's default), so rate limits count real clients
    options: dict[str, Any] = {"log_level": "warning", "lifespan": "on", "access_log": False}
    settings: dict[str, Any] = {
        "url": database.url,
        "insecure_cookies": insecure_cookies,
        "allowed_hosts": allowed_hosts,
        "today": today_.date().isoformat() if today_ is not None else None,
        "workers": workers,
        "form_key": secrets.token_hex(32),
    }
    try:
        if workers == 1:
            web_app = _shared_web_app({**settings, "database": database})
            banner()
            uvicorn.Server(uvicorn.Config(web_app, **options)).run(sockets=[sock])
            return
        import tempfile

        database.dispose()  # each worker process opens its own connections
        with tempfile.TemporaryDirectory(prefix="ips-jobdev-workers-") as ready:
            # the workers are started afresh (spawn) and read the settings from here
            os.environ[SHARED_SETTINGS] = json.dumps({**settings, "ready": ready})
            # a worker busy with sign-ins (argon2 is slow on purpose) on a loaded machine
            # may answer the supervisor's ping late: a minute, not uvicorn's 5 s, before it
            # counts as hung and is restarted (which drops its connections)
            config = uvicorn.Config(
                "ips_jobdev.cli.serve:shared_app",
                factory=True,
                workers=workers,
                timeout_worker_healthcheck=60,
                **options,
            )
            _workers(config, [sock], ready, banner).run()
    finally:
        os.environ.pop(SHARED_SETTINGS, None)
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
    "--workers",
    type=click.IntRange(1, 64),
    metavar="N",
    help="With --shared: server processes on the one port (default: one per CPU, at most "
    f"{MAX_DEFAULT_WORKERS}).",
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
    "ips-jobdev --db postgresql+psycopg://ips@db.example.org/ips serve --shared --workers 4 "
    "--no-browser",
)
def serve_command(
    app: App,
    host: str,
    shared: bool,
    allowed_hosts: tuple[str, ...],
    insecure_cookies: bool,
    workers: int | None,
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
    if (allowed_hosts or insecure_cookies or workers is not None) and not shared:
        raise command_error("--allowed-host, --insecure-cookies and --workers go with --shared")
    database = app.database()
    if shared:
        _serve_shared(
            database,
            host,
            port,
            allowed_hosts=list(allowed_hosts),
            insecure_cookies=insecure_cookies,
            today_=today_,
            workers=workers or default_workers(),
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

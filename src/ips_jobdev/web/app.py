"""The web app factory: ``create_app(database)`` gives a Starlette application.

>>> from ips_jobdev import Database                                # doctest: +SKIP
>>> from ips_jobdev.web import LocalTokenAuth, create_app           # doctest: +SKIP
>>> auth = LocalTokenAuth(specialist="av")                          # doctest: +SKIP
>>> app = create_app(Database("sqlite:///county.sqlite3"), auth=auth)   # doctest: +SKIP
>>> print(auth.sign_in_url("http://127.0.0.1:8700"))                # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ips_jobdev._geo import zip_place
from ips_jobdev._store import Database
from ips_jobdev._version import __version__
from ips_jobdev.errors import IpsJobdevError, NotFoundError, ValidationError
from ips_jobdev.web.auth import Authenticator, LocalTokenAuth
from ips_jobdev.web.render import page
from ips_jobdev.web.security import Guard

__all__ = ["LOOPBACK_HOSTS", "AppInfo", "create_app"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
"""The host names a local-mode server answers to (DNS rebinding gets nothing)."""

MAX_BODY_BYTES = 25 * 1024 * 1024
"""The largest request the app reads (a CSV upload)."""


@attrs.frozen
class AppInfo:
    """What the pages say about the app itself."""

    version: str
    database: str
    mode: str


def _routes() -> list[BaseRoute]:
    from ips_jobdev.web.pages import (
        employers,
        feed,
        importing,
        offline,
        reports,
        seekers,
        state,
        today,
        visits,
        week,
    )

    routes: list[BaseRoute] = []
    for module in (
        today,
        week,
        employers,
        seekers,
        reports,
        visits,
        importing,
        feed,
        offline,
        state,
    ):
        routes.extend(module.routes)
    routes.append(
        Mount("/static", app=StaticFiles(packages=[("ips_jobdev.web", "static")]), name="static")
    )
    return routes


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headings = {401: "Not signed in", 403: "Not allowed", 404: "Not found", 405: "Not allowed"}
    return page(
        request,
        "error.html",
        status_code=exc.status_code,
        heading=headings.get(exc.status_code, "Something went wrong"),
        message=exc.detail,
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    return page(request, "error.html", status_code=404, heading="Not found", message=str(exc))


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IpsJobdevError)
    message = exc.reason if isinstance(exc, ValidationError) else str(exc)
    return page(request, "error.html", status_code=400, heading="Not possible", message=message)


def _settle() -> None:
    """Keep what start-up loaded (modules, templates' code, the ZIP table) out of the
    garbage collector's way: it lives as long as the server, and left to the collector
    every full collection walks it again (measured on the statewide data set: a full
    collection every ten or so Week pages, up to a quarter of a second each with the
    ``zipcodes`` rows in memory). Frozen at start-up, collections only look at what
    requests make.
    """
    gc.collect()
    gc.freeze()


def create_app(
    database: Database | str | os.PathLike[str] | None = None,
    *,
    auth: Authenticator | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
    upload_dir: str | os.PathLike[str] | None = None,
) -> Starlette:
    """The web app over ``database`` (a :class:`~ips_jobdev.Database` or a URL; default:
    ``$IPS_JOBDEV_DB`` or the embedded file).

    Args:
        database: the record.
        auth: how people sign in (default: :class:`LocalTokenAuth`, a one-time link).
        clock: the current time (default: the system clock; tests and demos fix it).
        allowed_hosts: the ``Host`` names answered (default: loopback only).
        upload_dir: where uploaded CSV files wait between the check and the import
            (default: a private temporary folder, removed when the app stops).
    """
    db = database if isinstance(database, Database) else Database(database)
    zip_place("53703")  # the ZIP table, loaded now rather than by someone's first page
    authenticator = auth or LocalTokenAuth()
    owned = upload_dir is None
    uploads = (
        Path(upload_dir)
        if upload_dir is not None
        else Path(tempfile.mkdtemp(prefix="ips-jobdev-web-"))
    )
    ticking = clock or (lambda: dt.datetime.now(dt.UTC))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        _settle()
        try:
            yield
        finally:
            gc.unfreeze()
            if owned:
                shutil.rmtree(uploads, ignore_errors=True)

    app = Starlette(
        routes=[*authenticator.routes(), *_routes()],
        middleware=[
            Middleware(
                TrustedHostMiddleware, allowed_hosts=list(allowed_hosts), www_redirect=False
            ),
            Middleware(Guard, auth=authenticator),
        ],
        exception_handlers={
            HTTPException: _http_error,
            NotFoundError: _not_found,
            ValidationError: _refused,
        },
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.database = db
    app.state.auth = authenticator
    app.state.clock = ticking
    app.state.upload_dir = uploads
    shared = getattr(authenticator, "shared", False)
    app.state.info = AppInfo(__version__, db.display_url, "shared" if shared else "local")
    return app

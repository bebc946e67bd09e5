"""What lets the log form work with no connection: the service worker (served from the
root so it covers every page), the offline page it falls back to, and the web manifest."""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ips_jobdev._version import __version__
from ips_jobdev.web.render import render_text

__all__ = ["routes"]


def _static(name: str) -> bytes:
    return resources.files("ips_jobdev.web").joinpath("static", name).read_bytes()


async def service_worker(request: Request) -> Response:
    """``/sw.js``: the service worker, named by the app's version (a new version replaces
    the old caches)."""
    body = _static("sw.js").decode("utf-8").replace("__VERSION__", __version__)
    return Response(
        body,
        media_type="text/javascript",
        headers={"cache-control": "no-cache", "service-worker-allowed": "/"},
    )


async def offline_page(request: Request) -> Response:
    """The page the service worker shows for a page it has no copy of."""
    return Response(
        render_text("offline.html"),
        media_type="text/html",
        headers={"cache-control": "no-cache"},
    )


async def manifest(request: Request) -> Response:
    """The web app manifest (add to home screen)."""
    return Response(
        _static("manifest.webmanifest"),
        media_type="application/manifest+json",
        headers={"cache-control": "public, max-age=3600"},
    )


routes = [
    Route("/sw.js", service_worker, methods=["GET"]),
    Route("/offline", offline_page, methods=["GET"]),
    Route("/manifest.webmanifest", manifest, methods=["GET"]),
]

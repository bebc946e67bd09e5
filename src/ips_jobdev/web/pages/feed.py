"""The calendar subscription feed: ``/feed/<token>.ics``, no session needed (the secret
token is the key). Answers 404 for an unknown or revoked token, 304 when the calendar's
``ETag`` or ``Last-Modified`` still holds."""

from __future__ import annotations

import datetime as dt
import email.utils

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ips_jobdev._feeds import FeedStatus, feed_calendar
from ips_jobdev.web.pages._common import call, now

__all__ = ["routes"]


def _since(header: str | None) -> dt.datetime | None:
    if not header:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


async def feed(request: Request) -> Response:
    """One specialist's visits as iCalendar."""
    token = str(request.path_params["token"])
    answer = await call(
        request,
        feed_calendar,
        token,
        if_none_match=request.headers.get("if-none-match"),
        if_modified_since=_since(request.headers.get("if-modified-since")),
        now=now(request),
    )
    if answer.status is FeedStatus.NOT_FOUND:
        return Response("Not found\n", status_code=404, media_type="text/plain")
    assert answer.last_modified is not None
    headers = {
        "etag": answer.etag,
        "last-modified": email.utils.format_datetime(answer.last_modified, usegmt=True),
        "cache-control": "private, no-cache",
    }
    if answer.status is FeedStatus.NOT_MODIFIED:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="text/calendar; charset=utf-8", headers=headers)


routes = [Route("/feed/{token}.ics", feed, methods=["GET", "HEAD"], name="feed")]

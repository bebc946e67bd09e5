"""Calendar subscription feeds: a secret URL per specialist that any calendar program can
subscribe to, serving their visits as iCalendar through the personal-calendar audience.

The token in the URL is the only key to the feed, so it is long and random, and only its
SHA-256 is stored. :func:`revoke_feeds` makes a URL answer "not found" from then on. The
feed's ``ETag`` and ``Last-Modified`` come from one cheap query (how many visits, their
versions, when they and their employers last changed), so a calendar polling an unchanged
feed costs one small query and no calendar is built.

>>> import ips_jobdev as jobdev                                        # doctest: +SKIP
>>> from ips_jobdev._feeds import issue_feed_token, feed_url           # doctest: +SKIP
>>> with jobdev.open_store(url) as uow:                                # doctest: +SKIP
...     token = issue_feed_token(uow, "av")
...     uow.commit()
>>> feed_url("http://127.0.0.1:8700", token)                          # doctest: +SKIP
'http://127.0.0.1:8700/feed/...ics'
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._records import Audience, RecordKind, VisitRecord
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import overview as queries
from ips_jobdev._sync.gather import Selection, gather
from ips_jobdev.adapters._base import Change, ChangeKind
from ips_jobdev.adapters.ics import IcsAdapter
from ips_jobdev.errors import ValidationError

__all__ = [
    "FEED_PAST_DAYS",
    "FeedAnswer",
    "FeedStatus",
    "feed_calendar",
    "feed_url",
    "issue_feed_token",
    "revoke_feeds",
    "token_from_url",
]

FEED_PAST_DAYS = 90
"""How far back the feed goes: visits from 90 days ago on, and every planned visit."""

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_feed_token(
    uow: UnitOfWork, specialist: model.Specialist | str, *, now: dt.datetime | None = None
) -> str:
    """A new secret token for ``specialist``'s feed (not committed: call
    ``uow.commit()``). Earlier tokens keep working until revoked.

    Raises:
        NotFoundError: no such specialist.
    """
    who = lookup.specialist(uow, specialist)
    if who.id is None:
        uow.flush()
    assert who.id is not None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    uow.feed_tokens.add(who.id, _hash(token), at=now or model.utc_now())
    return token


def feed_url(base_url: str, token: str) -> str:
    """The subscription URL of ``token`` on the server at ``base_url``."""
    return f"{base_url.rstrip('/')}/feed/{token}.ics"


def token_from_url(text: str) -> str:
    """The token in a feed URL (or the token itself).

    Raises:
        ValidationError: the text is neither.
    """
    tail = text.strip().rstrip("/").rsplit("/", 1)[-1]
    token = tail.removesuffix(".ics")
    if not token or len(token) > 200 or not all(c.isalnum() or c in "-_" for c in token):
        raise ValidationError("feed", "url", f"{text!r} is not a feed URL")
    return token


def revoke_feeds(
    uow: UnitOfWork,
    *,
    specialist: model.Specialist | str | None = None,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Revoke every feed of ``specialist``, or the one with ``token`` (not committed);
    returns how many were revoked.

    Raises:
        ValidationError: neither a specialist nor a token is given.
        NotFoundError: no such specialist.
    """
    if specialist is None and token is None:
        raise ValidationError("feed", "specialist", "name a specialist or a feed URL")
    specialist_id = lookup.specialist(uow, specialist).id if specialist is not None else None
    return uow.feed_tokens.revoke(
        at=now or model.utc_now(),
        specialist_id=specialist_id,
        token_hash=_hash(token) if token is not None else None,
    )


class FeedStatus(enum.StrEnum):
    """What a feed request gets."""

    OK = "ok"
    NOT_MODIFIED = "not-modified"
    NOT_FOUND = "not-found"


@attrs.frozen
class FeedAnswer:
    """The answer to a feed request: the calendar (only with ``OK``), its ``etag`` (with
    quotes, as HTTP writes it) and ``last_modified``."""

    status: FeedStatus
    body: bytes = b""
    etag: str = ""
    last_modified: dt.datetime | None = None


def _stamp(fingerprint: queries.FeedFingerprint, specialist_code: str) -> tuple[str, dt.datetime]:
    text = repr((specialist_code, attrs.astuple(fingerprint)))
    etag = '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'
    changes = [c for c in (fingerprint.last_visit_change, fingerprint.last_employer_change) if c]
    modified = max(changes) if changes else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return etag, modified.replace(microsecond=0)


def feed_calendar(
    uow: UnitOfWork,
    token: str,
    *,
    if_none_match: str | None = None,
    if_modified_since: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> FeedAnswer:
    """Answer a request for the feed of ``token``: not found (unknown or revoked), not
    modified (the caller's ``ETag`` or date still holds), or the calendar of the
    specialist's visits from :data:`FEED_PAST_DAYS` days ago on, redacted for the
    personal-calendar audience (job seekers by program code; no outcomes or notes)."""
    specialist_id = uow.feed_tokens.specialist_for(_hash(token))
    if specialist_id is None:
        return FeedAnswer(FeedStatus.NOT_FOUND)
    who = uow.specialists.get(specialist_id)
    current = now or model.utc_now()
    since = dt.datetime.combine(
        current.astimezone(who.zone).date() - dt.timedelta(days=FEED_PAST_DAYS),
        dt.time(),
        tzinfo=who.zone,
    )
    etag, modified = _stamp(queries.feed_fingerprint(uow, specialist_id, since=since), who.code)
    if if_none_match is not None:
        if etag in [t.strip() for t in if_none_match.split(",")] or if_none_match.strip() == "*":
            return FeedAnswer(FeedStatus.NOT_MODIFIED, etag=etag, last_modified=modified)
    elif if_modified_since is not None and modified <= if_modified_since:
        return FeedAnswer(FeedStatus.NOT_MODIFIED, etag=etag, last_modified=modified)
    records = gather(
        uow,
        [RecordKind.VISIT],
        Audience.PERSONAL_CALENDAR,
        selection=Selection(specialist=who, since=since),
    )[RecordKind.VISIT]
    versions = queries.visit_versions(uow, records)
    adapter = IcsAdapter()
    adapter.calendar_name = f"IPS employer visits ({who.code})"
    events = []
    for visit_id, record in sorted(records.items()):
        assert isinstance(record, VisitRecord)
        change = Change(
            ChangeKind.UNCHANGED, record, sequence=max(0, versions.get(visit_id, 1) - 1)
        )
        events.append(adapter.build_event(change, modified))
    return FeedAnswer(FeedStatus.OK, adapter.render(events), etag, modified)

"""Calendar subscription feeds: the secret token, the personal-calendar audience, cheap
polling, revoking. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa
from records import NOW

import ips_jobdev as jobdev
from ips_jobdev._feeds import (
    FeedStatus,
    feed_calendar,
    feed_url,
    issue_feed_token,
    revoke_feeds,
    token_from_url,
)
from ips_jobdev._store import tables
from ips_jobdev.errors import NotFoundError, ValidationError

Small = tuple[jobdev.Database, dict[str, int]]


def _token(database: jobdev.Database, code: str = "ab") -> str:
    with database.unit_of_work() as uow:
        token = issue_feed_token(uow, code, now=NOW)
        uow.commit()
    return token


def test_the_feed_serves_the_specialists_visits_for_a_personal_calendar(small: Small) -> None:
    database, ids = small
    token = _token(database)
    with database.unit_of_work() as uow:
        answer = feed_calendar(uow, token, now=NOW)
    assert answer.status is FeedStatus.OK
    calendar = icalendar.Calendar.from_ical(answer.body)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"visit-{ids[k]}@ips-jobdev" for k in ("intro", "planned", "tomorrow")}
    planned = events[f"visit-{ids['planned']}@ips-jobdev"]
    text = answer.body.decode()
    assert "J-1" in str(planned["DESCRIPTION"]) + str(planned["SUMMARY"])
    assert "Jordan Sample" not in text
    assert "met the owner" not in text
    assert planned.decoded("DTSTART").isoformat().startswith("2026-12-07T10:00:00")
    assert answer.etag.startswith('"')
    assert answer.last_modified is not None


def test_an_unchanged_feed_answers_not_modified_and_a_change_gives_a_new_etag(
    small: Small,
) -> None:
    database, ids = small
    token = _token(database)
    with database.unit_of_work() as uow:
        first = feed_calendar(uow, token, now=NOW)
        same = feed_calendar(uow, token, if_none_match=first.etag, now=NOW)
        since = feed_calendar(uow, token, if_modified_since=first.last_modified, now=NOW)
    assert same.status is FeedStatus.NOT_MODIFIED
    assert same.body == b""
    assert since.status is FeedStatus.NOT_MODIFIED
    with database.unit_of_work() as uow:
        jobdev.cancel_visit(uow, ids["tomorrow"])
        uow.commit()
    with database.unit_of_work() as uow:
        changed = feed_calendar(uow, token, if_none_match=first.etag, now=NOW)
    assert changed.status is FeedStatus.OK
    assert changed.etag != first.etag
    assert b"STATUS:CANCELLED" in changed.body


def test_revoked_and_unknown_tokens_are_not_found_and_only_hashes_are_stored(
    small: Small,
) -> None:
    database, _ = small
    kept = _token(database)
    dropped = _token(database)
    with database.unit_of_work() as uow:
        assert revoke_feeds(uow, token=dropped, now=NOW) == 1
        uow.commit()
    with database.unit_of_work() as uow:
        assert feed_calendar(uow, dropped, now=NOW).status is FeedStatus.NOT_FOUND
        assert feed_calendar(uow, "made-up-token", now=NOW).status is FeedStatus.NOT_FOUND
        assert feed_calendar(uow, kept, now=NOW).status is FeedStatus.OK
        stored = uow.session.execute(sa.select(tables.feed_tokens.c.token_hash)).scalars().all()
    assert kept not in stored
    assert dropped not in stored
    assert all(len(h) == 64 for h in stored)
    with database.unit_of_work() as uow:
        assert revoke_feeds(uow, specialist="ab", now=NOW) == 1
        uow.commit()
    with database.unit_of_work() as uow:
        assert feed_calendar(uow, kept, now=NOW).status is FeedStatus.NOT_FOUND


def test_feed_urls_and_their_tokens(small: Small) -> None:
    database, _ = small
    url = feed_url("http://127.0.0.1:8700/", "abc_DEF-123")
    assert url == "http://127.0.0.1:8700/feed/abc_DEF-123.ics"
    assert token_from_url(url) == "abc_DEF-123"
    with pytest.raises(ValidationError):
        token_from_url("http://127.0.0.1:8700/feed/<script>.ics")
    with database.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            issue_feed_token(uow, "nobody")
        with pytest.raises(ValidationError):
            revoke_feeds(uow)


def test_the_feed_leaves_out_visits_older_than_90_days(small: Small) -> None:
    database, ids = small
    with database.unit_of_work() as uow:
        old = jobdev.log_visit(
            uow, ids["cafe"], "ab", at=NOW - dt.timedelta(days=120), purpose="introduce", now=NOW
        )
        uow.commit()
    token = _token(database)
    with database.unit_of_work() as uow:
        body = feed_calendar(uow, token, now=NOW).body
    assert f"visit-{old.id}@".encode() not in body
    assert f"visit-{ids['intro']}@".encode() in body

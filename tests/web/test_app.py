"""The web app through HTTP (Starlette's TestClient) on the demo county: signing in,
security, every page, forms with errors, changes by someone else, the offline queue's
JSON answers, imports, the calendar feed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import icalendar
import pytest
from records import ZONE
from starlette.testclient import TestClient

import ips_jobdev as jobdev
from ips_jobdev._feeds import feed_url, issue_feed_token, revoke_feeds
from ips_jobdev.web import LocalTokenAuth, create_app

NOW = dt.datetime(2026, 12, 7, 16, 0, tzinfo=ZONE)
BASE = "http://localhost"
NAV = ["Today", "Week", "Employers", "Job seekers", "Reports"]


@pytest.fixture
def app_parts(demo_db: jobdev.Database) -> tuple[object, LocalTokenAuth, jobdev.Database]:
    auth = LocalTokenAuth(specialist="av")
    return create_app(demo_db, auth=auth, clock=lambda: NOW), auth, demo_db


@pytest.fixture
def client(app_parts: tuple[object, LocalTokenAuth, jobdev.Database]) -> Iterator[TestClient]:
    app, auth, _ = app_parts
    with TestClient(app, base_url=BASE) as signed_in:  # type: ignore[arg-type]
        answer = signed_in.get(auth.sign_in_url(BASE), follow_redirects=False)
        assert answer.status_code == 303
        yield signed_in


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found, "the page has no CSRF token"
    return found[1]


def planned_today(database: jobdev.Database) -> list[jobdev.Visit]:
    start = dt.datetime.combine(NOW.date(), dt.time(), ZONE)
    with database.unit_of_work() as uow:
        av = uow.specialists.by_code("av")
        return [
            v
            for v in uow.visits.between(start, start + dt.timedelta(days=1), specialist_id=av.id)
            if v.status.value == "planned"
        ]


def test_without_the_token_every_page_is_refused_and_the_token_works_once(
    app_parts: tuple[object, LocalTokenAuth, jobdev.Database],
) -> None:
    app, auth, _ = app_parts
    link = auth.sign_in_url(BASE)
    with TestClient(app, base_url=BASE) as anonymous:  # type: ignore[arg-type]
        for path in ["/today", "/week", "/employers", "/reports", "/visits/new"]:
            refused = anonymous.get(path)
            assert refused.status_code == 401
            assert "not signed in" in refused.text
        assert anonymous.get("/sign-in?token=wrong").status_code == 403
        assert anonymous.get("/visits/new", headers={"accept": "application/json"}).json() == {
            "error": "not signed in"
        }
        first = anonymous.get(link, follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/today"
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert anonymous.get("/today").status_code == 200
    with TestClient(app, base_url=BASE) as other:  # type: ignore[arg-type]
        again = other.get(link)
        assert again.status_code == 403
        assert "already used" in again.text
        assert other.get("/today").status_code == 401


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for path in ["/today", "/static/app.css", "/sw.js"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert re.fullmatch(r"app;dur=[0-9.]+", headers["server-timing"])
    assert client.get("/today").headers["cache-control"] == "no-store"
    page = client.get("/today").text
    assert "<script>" not in page
    assert " style=" not in page
    assert "onclick" not in page


def test_another_host_name_is_refused(
    app_parts: tuple[object, LocalTokenAuth, jobdev.Database],
) -> None:
    app, _, _ = app_parts
    with TestClient(app, base_url="http://attacker.example.org") as rebound:  # type: ignore[arg-type]
        assert rebound.get("/today").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/today",
        "/week",
        "/week?week=2026-W51",
        "/employers",
        "/employers?q=hotel",
        "/seekers",
        "/seekers/J-1001",
        "/reports",
        "/reports?scope=program&from=2026-01-01&to=2026-06-30",
        "/reports/frequent_employer_contact",
        "/reports/rapid_job_search?scope=program",
        "/visits/new",
        "/import",
    ],
)
def test_every_page_has_the_navigation_and_the_log_a_visit_link(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text[-500:]
    for name in NAV:
        assert re.search(rf"<span>{name}</span></a>", page.text), name
    assert re.search(r'href="/visits/new">.*Log a visit</a>', page.text)


def test_the_employer_and_chart_pages(client: TestClient, demo_db: jobdev.Database) -> None:
    with demo_db.unit_of_work() as uow:
        dnc = next(e for e in uow.employers.list() if e.do_not_contact)
    page = client.get(f"/employers/{dnc.id}").text
    assert "Do not contact this employer" in page
    for chart in ["weekly", "points"]:
        answer = client.get(f"/reports/charts/{chart}.svg")
        assert answer.headers["content-type"] == "image/svg+xml"
        assert answer.content.startswith(b"<?xml")
        assert b"<script" not in answer.content
    assert client.get("/employers/999999").status_code == 404
    assert client.get("/seekers/NOBODY").status_code == 404
    assert client.get("/reports/no_such_figure").status_code == 404


def test_the_log_form_is_labelled_as_the_issue_names_it(client: TestClient) -> None:
    page = client.get("/visits/new").text
    for field, label in [
        ("employer", "Employer"),
        ("date", "Date"),
        ("time", "Time"),
        ("mode", "Mode"),
        ("purpose", "Purpose"),
        ("outcome", "Outcome"),
        ("next_step", "Next step"),
    ]:
        assert f'<label for="{field}">{label}</label>' in page
    assert "<legend>Job seekers</legend>" in page
    assert re.search(r'<button class="primary big" type="submit">Save visit</button>', page)


def test_posting_without_the_csrf_token_or_from_another_site_is_refused(
    client: TestClient,
) -> None:
    form = {"employer": "x", "date": "2026-12-07", "time": "10:00"}
    assert client.post("/visits", data=form).status_code == 403
    token = csrf(client.get("/visits/new").text)
    foreign = client.post(
        "/visits", data={**form, "csrf_token": token}, headers={"origin": "http://evil.example"}
    )
    assert foreign.status_code == 403
    for path in ["/week", "/specialist", "/import", "/visits/1/move"]:
        assert client.post(path, data={}).status_code == 403, path


def test_logging_a_planned_visit_from_today_and_sending_it_twice(
    client: TestClient, demo_db: jobdev.Database
) -> None:
    visit = planned_today(demo_db)[0]
    today = client.get("/today").text
    assert f'href="/visits/new?visit={visit.id}"' in today
    form = client.get(f"/visits/new?visit={visit.id}").text
    data = {
        "csrf_token": csrf(form),
        "submission_id": "browser-made-1",
        "visit_id": str(visit.id),
        "version": re.search(r'name="version" value="(\d+)"', form)[1],  # type: ignore[index]
        "employer": re.search(r'id="employer" name="employer" value="([^"]+)"', form)[1],  # type: ignore[index]
        "date": "2026-12-07",
        "time": "09:10",
        "mode": "in-person",
        "purpose": "introduce",
        "outcome": "Met the owner",
    }
    saved = client.post("/visits", data=data, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/today?saved=visit"
    replay = client.post("/visits", data=data, headers={"accept": "application/json"})
    assert replay.json()["status"] == "already-saved"
    assert replay.json()["visit_id"] == visit.id
    with demo_db.unit_of_work() as uow:
        stored = uow.visits.get(visit.id)
        assert stored.status.value == "done"
        assert stored.outcome == "Met the owner"
    assert "Visit saved" in client.get("/today?saved=visit").text


def test_errors_show_next_to_their_field(client: TestClient) -> None:
    token = csrf(client.get("/visits/new").text)
    base = {"csrf_token": token, "specialist": "av", "mode": "in-person", "purpose": "introduce"}
    unknown = client.post(
        "/visits", data={**base, "employer": "No Such Place", "date": "2026-12-07", "time": "09:00"}
    )
    assert unknown.status_code == 422
    assert re.search(r'id="employer-error">No employer matches “No Such Place”', unknown.text)
    future = client.post(
        "/visits",
        data={**base, "employer": "Thistledown Hotel", "date": "2026-12-07", "time": "23:00"},
        headers={"accept": "application/json"},
    )
    assert future.status_code == 422
    assert "is in the future" in future.json()["errors"]["date"]
    empty = client.post("/visits", data=base)
    assert 'id="employer-error">Enter the employer' in empty.text
    assert 'id="date-error">Enter the date' in empty.text


def test_a_visit_changed_by_someone_else_shows_both_versions(
    client: TestClient, demo_db: jobdev.Database
) -> None:
    visit = planned_today(demo_db)[0]
    form = client.get(f"/visits/new?visit={visit.id}").text
    with demo_db.unit_of_work() as uow:
        jobdev.cancel_visit(uow, visit.id, reason="employer closed today")
        uow.commit()
    data = {
        "csrf_token": csrf(form),
        "submission_id": "browser-made-2",
        "visit_id": str(visit.id),
        "version": "1",
        "employer": f"#{visit.employer_id}",
        "date": "2026-12-07",
        "time": "09:00",
        "outcome": "Mine",
    }
    answer = client.post("/visits", data=data)
    assert answer.status_code == 409
    assert "Changed by someone else" in answer.text
    assert "cancelled" in answer.text
    assert "Mine" in answer.text
    assert "Log mine as a separate visit" in answer.text


def test_the_week_is_saved_and_a_planned_visit_moved(
    client: TestClient, demo_db: jobdev.Database
) -> None:
    page = client.get("/week?week=2026-W51").text
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page)[1]  # type: ignore[index]
    keeps = re.findall(r'name="keep-(\d+)" value="keep"', page)
    assert keeps
    data: dict[str, str] = {
        "csrf_token": csrf(page),
        "week": "2026-W51",
        "fingerprint": fingerprint,
    }
    for employer_id in keeps:
        data[f"keep-{employer_id}"] = "keep"
    data[f"day-{keeps[0]}"] = "2026-12-18"
    data[f"keep-{keeps[-1]}"] = "skip"
    saved = client.post("/week", data={**data, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/week?week=2026-W51&saved={len(keeps) - 1}"
    with demo_db.unit_of_work() as uow:
        moved = [
            v for v in uow.visits.between(employer_id=int(keeps[0])) if v.status.value == "planned"
        ]
        assert [v.at.astimezone(ZONE).date() for v in moved] == [dt.date(2026, 12, 18)]
    again = client.post("/week", data={**data, "action": "save"})
    assert again.status_code == 409
    assert "The plan changed since you opened it" in again.text
    week = client.get("/week?week=2026-W51").text
    visit_id = moved[0].id
    version = re.search(rf'id="move-{visit_id}">.*?name="version" value="(\d+)"', week)[1]  # type: ignore[index]
    move = client.post(
        f"/visits/{visit_id}/move",
        data={
            "csrf_token": csrf(week),
            "date": "2026-12-17",
            "time": "13:30",
            "version": version,
            "week": "2026-W51",
        },
        follow_redirects=False,
    )
    assert move.status_code == 303
    stale = client.post(
        f"/visits/{visit_id}/move",
        data={
            "csrf_token": csrf(week),
            "date": "2026-12-16",
            "time": "13:30",
            "version": version,
            "week": "2026-W51",
        },
    )
    assert stale.status_code == 409
    assert "Changed by someone else" in stale.text
    with demo_db.unit_of_work() as uow:
        assert uow.visits.get(visit_id).at.astimezone(ZONE) == dt.datetime(
            2026, 12, 17, 13, 30, tzinfo=ZONE
        )


def test_importing_a_file_with_errors(client: TestClient, demo_db: jobdev.Database) -> None:
    page = client.get("/import").text
    content = (
        "name,zip,industry\n"
        "Example Kite Shop,53703,retail\n"
        "Example Bad Zip,5370,retail\n"
        "Example Yarn Store,53704,retail\n"
    )
    checked = client.post(
        "/import",
        data={"csrf_token": csrf(page), "kind": "employers", "on_duplicate": "reject"},
        files={"file": ("employers.csv", content.encode(), "text/csv")},
    )
    assert checked.status_code == 200
    assert "Line 3" in checked.text
    assert "5-digit ZIP" in checked.text
    upload = re.search(r"/import/([\w-]+)/commit", checked.text)[1]  # type: ignore[index]
    rejects = client.get(f"/import/{upload}/rejected.csv")
    assert rejects.status_code == 200
    assert "reason" in rejects.text.splitlines()[0]
    assert "Example Bad Zip" in rejects.text
    done = client.post(f"/import/{upload}/commit", data={"csrf_token": csrf(checked.text)})
    notice = done.text[done.text.find("<h1>") :][:700]
    assert "Imported employers.csv: 2 created" in notice, notice
    with demo_db.unit_of_work() as uow:
        assert len(uow.employers.find_by_name("Example Kite Shop")) == 1
        assert uow.employers.find_by_name("Example Bad Zip") == []
    assert (
        client.post(f"/import/{upload}/commit", data={"csrf_token": csrf(checked.text)}).status_code
        == 404
    )


def test_the_calendar_feed_over_http(client: TestClient, demo_db: jobdev.Database) -> None:
    with demo_db.unit_of_work() as uow:
        token = issue_feed_token(uow, "av")
        uow.commit()
    url = feed_url(BASE, token).removeprefix(BASE)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert events
    again = client.get(url, headers={"if-none-match": answer.headers["etag"]})
    assert again.status_code == 304
    since = client.get(url, headers={"if-modified-since": answer.headers["last-modified"]})
    assert since.status_code == 304
    with demo_db.unit_of_work() as uow:
        revoke_feeds(uow, specialist="av")
        uow.commit()
    assert client.get(url).status_code == 404


def test_switching_specialist(client: TestClient) -> None:
    page = client.get("/today").text
    assert "Avery Example" in page
    switched = client.post(
        "/specialist",
        data={"csrf_token": csrf(page), "specialist": "mo", "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert switched.headers["location"] == "/today"
    assert "Morgan Sample" in client.get("/today").text.split("<h1>")[1]

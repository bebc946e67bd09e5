"""Shared mode (``serve --shared``) through HTTP: sign-in with accounts, roles, sign-out,
session timeout, lockout and rate limits, CSRF and session fixation refused; on
PostgreSQL, a program-A account reads none of program B's job seekers, visits, fit notes
or jobs, and a state reviewer gets figures and no names."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from records import NOW, build_small_record
from starlette.testclient import TestClient

import ips_jobdev as jobdev
from ips_jobdev._casework.accounts import LOCK_AFTER, add_user, disable_user, reset_password
from ips_jobdev._casework.audit import audit_trail
from ips_jobdev.web import create_app
from ips_jobdev.web.accounts import AccountAuth, RateLimiter
from ips_jobdev.web.auth import SESSION_COOKIE

BASE = "http://localhost"
SECRET = "correct horse battery staple"
ROLES = {
    "ab@example.org": ("specialist", "ab"),
    "sup@example.org": ("supervisor", None),
    "pm@example.org": ("program-manager", None),
    "sr@example.org": ("state-reviewer", None),
    "admin@example.org": ("administrator", None),
}


def add_accounts(db: jobdev.Database, program: str, accounts: dict[str, Any]) -> None:
    with db.unit_of_work() as uow:
        for email, (role, specialist) in accounts.items():
            add_user(uow, email, program, role, SECRET, specialist=specialist)
        uow.commit()


def make_client(db: jobdev.Database, **options: Any) -> TestClient:
    auth = AccountAuth(db, secure_cookies=False, **options)
    return TestClient(create_app(db, auth=auth, clock=lambda: NOW), base_url=BASE)  # type: ignore[arg-type]


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found[1]


def sign_in(client: TestClient, email: str, password: str = SECRET) -> Any:
    form = client.get("/sign-in")
    assert form.status_code == 200
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": form_token(form.text)},
        follow_redirects=False,
    )


@pytest.fixture
def shared(db: jobdev.Database) -> Iterator[tuple[jobdev.Database, TestClient]]:
    build_small_record(db)
    with db.unit_of_work() as uow:
        [program] = uow.programs.list()
    add_accounts(db, program.code, ROLES)
    with make_client(db) as client:
        yield db, client


def test_sign_in_roles_and_sign_out(
    shared: tuple[jobdev.Database, TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, client = shared
    assert client.get("/today").status_code == 401
    refused = client.get("/today", headers={"accept": "application/json"})
    assert refused.status_code == 401
    page = client.get("/sign-in")
    assert 'type="password"' in page.text
    assert "one-time" not in page.text
    wrong = sign_in(client, "ab@example.org", "not the password")
    assert wrong.status_code == 401
    assert "not right" in wrong.text
    unknown = sign_in(client, "who@example.org")
    assert unknown.status_code == 401
    assert unknown.text.count("not right") == 1

    answer = sign_in(client, "ab@example.org")
    assert (answer.status_code, answer.headers["location"]) == (303, "/today")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    today = client.get("/today")
    assert today.status_code == 200
    assert "ab@example.org (specialist" in today.text
    assert client.get("/seekers/J-1").status_code == 200
    assert client.get("/state").status_code == 403

    signed_out = client.post(
        "/sign-out", data={"csrf_token": form_token(today.text)}, follow_redirects=False
    )
    assert signed_out.status_code == 303
    assert client.get("/today").status_code == 401
    assert SECRET not in caplog.text, "a password never reaches a log"
    assert "not the password" not in caplog.text


@pytest.mark.parametrize(
    ("email", "home", "allowed", "refused"),
    [
        ("sup@example.org", "/today", ["/week", "/seekers/J-1", "/employers"], ["/state"]),
        ("admin@example.org", "/today", ["/import", "/reports"], ["/state"]),
        (
            "pm@example.org",
            "/reports",
            ["/reports"],
            ["/today", "/week", "/seekers", "/seekers/J-1", "/employers", "/import", "/state"],
        ),
        (
            "sr@example.org",
            "/state",
            ["/state"],
            ["/today", "/seekers", "/seekers/J-1", "/employers", "/reports", "/visits/new"],
        ),
    ],
)
def test_each_role_sees_its_pages(
    shared: tuple[jobdev.Database, TestClient],
    email: str,
    home: str,
    allowed: list[str],
    refused: list[str],
) -> None:
    _, client = shared
    answer = sign_in(client, email)
    assert answer.headers["location"] == home
    assert client.get("/", follow_redirects=False).headers["location"] == home
    for path in allowed:
        assert client.get(path).status_code == 200, path
    for path in refused:
        assert client.get(path).status_code == 403, path


def test_a_state_reviewer_gets_figures_and_no_names(
    shared: tuple[jobdev.Database, TestClient],
) -> None:
    _, client = shared
    sign_in(client, "sr@example.org")
    figures = client.get("/state")
    assert figures.status_code == 200
    assert "All programs" in figures.text
    assert "Caseload" in figures.text
    for person in ("Jordan Sample", "J-1", "J-2", "Alex Example", "Casey Demo"):
        assert person not in figures.text


def test_a_specialist_changes_only_their_own_pages(
    shared: tuple[jobdev.Database, TestClient],
) -> None:
    _, client = shared
    sign_in(client, "ab@example.org")
    token = form_token(client.get("/today").text)
    switched = client.post(
        "/specialist",
        data={"csrf_token": token, "specialist": "cd", "next": "/seekers"},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert client.get("/seekers").status_code == 200, "the team's pages to read"
    assert client.post("/week", data={"csrf_token": token}).status_code == 403


def test_csrf_is_refused(shared: tuple[jobdev.Database, TestClient]) -> None:
    db, client = shared
    no_token = client.post(
        "/sign-in", data={"email": "ab@example.org", "password": SECRET}, follow_redirects=False
    )
    assert no_token.status_code == 403
    form = client.get("/sign-in")
    other_site = client.post(
        "/sign-in",
        data={"email": "ab@example.org", "password": SECRET, "csrf_token": form_token(form.text)},
        headers={"origin": "https://attacker.example.org"},
        follow_redirects=False,
    )
    assert other_site.status_code == 403
    with make_client(db) as other:
        # a token of another browser's sign-in form does not fit this browser's cookie
        stolen = form_token(other.get("/sign-in").text)
        client.cookies.set(
            "ips_jobdev_sign_in", "made-up", domain="localhost.local", path="/sign-in"
        )
        forged = client.post(
            "/sign-in",
            data={"email": "ab@example.org", "password": SECRET, "csrf_token": stolen},
            follow_redirects=False,
        )
        assert forged.status_code == 403
    client.cookies.clear()
    assert sign_in(client, "ab@example.org").status_code == 303
    visit = {
        "employer": "Example Bakery",
        "date": "2026-12-07",
        "time": "09:00",
        "mode": "in-person",
        "purpose": "follow-up",
    }
    assert client.post("/visits", data=visit).status_code == 403
    assert client.post("/visits", data={**visit, "csrf_token": "0" * 64}).status_code == 403
    with db.unit_of_work() as uow:
        assert not [v for v in uow.visits.list() if v.at.hour == 15 and v.at.day == 7]


def test_session_fixation_is_refused(shared: tuple[jobdev.Database, TestClient]) -> None:
    db, client = shared
    # an attacker signs in and plants their own session id in the victim's browser
    with make_client(db) as attacker:
        sign_in(attacker, "pm@example.org")
        planted = attacker.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, planted, domain="localhost.local")
    answer = sign_in(client, "ab@example.org")
    assert answer.status_code == 303
    fresh = client.cookies[SESSION_COOKIE]
    assert fresh != planted
    with make_client(db) as attacker:
        attacker.cookies.set(SESSION_COOKIE, planted, domain="localhost.local")
        assert attacker.get("/reports").status_code == 401, "the planted id was dropped"
    # a made-up id is never adopted either
    with make_client(db) as victim:
        victim.cookies.set(SESSION_COOKIE, "chosen-by-the-attacker", domain="localhost.local")
        sign_in(victim, "ab@example.org")
        assert victim.cookies[SESSION_COOKIE] != "chosen-by-the-attacker"


def test_lockout_rate_limit_disable_and_timeouts(db: jobdev.Database) -> None:
    build_small_record(db)
    with db.unit_of_work() as uow:
        [program] = uow.programs.list()
    add_accounts(db, program.code, {"sup@example.org": ("supervisor", None)})
    with make_client(db) as client:
        for _ in range(LOCK_AFTER - 1):
            assert sign_in(client, "sup@example.org", "wrong password!").status_code == 401
        locked = sign_in(client, "sup@example.org", "wrong password!")
        assert "locked" in locked.text
        assert "locked" in sign_in(client, "sup@example.org").text
    with db.unit_of_work() as uow:
        jobdev_reset(uow)
    limiter = RateLimiter(limit=3, window=60)
    with make_client(db, limiter=limiter) as client:
        for _ in range(3):
            sign_in(client, "sup@example.org", "wrong password!")
        limited = sign_in(client, "sup@example.org")
        assert limited.status_code == 429
        assert "retry-after" in limited.headers
    with make_client(db) as client:
        assert sign_in(client, "sup@example.org").status_code == 303
        assert client.get("/today").status_code == 200
        with db.unit_of_work() as uow:
            disable_user(uow, "sup@example.org")
            uow.commit()
        assert client.get("/today").status_code == 401, "disabling ends the session"
    with db.unit_of_work() as uow:
        uow.users.update(uow.users.find_by_email("sup@example.org").id, disabled=False)
        uow.commit()
    with make_client(db, idle_limit=dt.timedelta(milliseconds=50)) as client:
        assert sign_in(client, "sup@example.org").status_code == 303
        time.sleep(0.1)
        assert client.get("/today").status_code == 401, "idle too long"
    with make_client(db, absolute_limit=dt.timedelta(0)) as client:
        assert sign_in(client, "sup@example.org").status_code == 303
        assert client.get("/today").status_code == 401, "signed in too long ago"


def jobdev_reset(uow: Any) -> None:
    reset_password(uow, "sup@example.org", SECRET)
    uow.commit()


# -- PostgreSQL: two programs in one record --------------------------------------------------

AT = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)


def _program_records(db: jobdev.Database, program: str, specialist: str, seeker: str) -> int:
    with db.unit_of_work(program=program) as uow:
        jobdev.add_specialist(uow, specialist, f"Specialist {specialist}")
        uow.seekers.add(jobdev.JobSeeker(code=seeker, name=f"Person {seeker}"))
        uow.flush()
        uow.seekers.by_code(seeker).specialist_id = uow.specialists.by_code(specialist).id
        found = uow.employers.find_by_name("Example Bakery", "53703")
        bakery = found[0] if found else jobdev.Employer(name="Example Bakery", zip="53703")
        if not found:
            uow.employers.add(bakery)
            uow.flush()
        visit = jobdev.log_visit(uow, bakery, specialist, at=AT, seekers=[seeker], now=AT)
        jobdev.add_fit_note(
            uow, seeker, bakery, author=specialist, overall="good", text=f"note of {seeker}"
        )
        jobdev.record_job_start(
            uow, seeker, bakery, title=f"Baker for {seeker}", start_date=dt.date(2026, 12, 2)
        )
        uow.commit()
        assert bakery.id is not None
        assert visit.id is not None
        return visit.id


@pytest.fixture
def two_programs(pg_url: str) -> Iterator[dict[str, Any]]:
    db = jobdev.Database(pg_url)
    with db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        jobdev.add_program(uow, "rock", "Rock County IPS")
        uow.commit()
    dane_visit = _program_records(db, "dane", "ae", "P-2001")
    rock_visit = _program_records(db, "rock", "bx", "P-3001")
    add_accounts(
        db,
        "dane",
        {
            "ae@example.org": ("specialist", "ae"),
            "sup@example.org": ("supervisor", None),
            "sr@example.org": ("state-reviewer", None),
        },
    )
    with db.unit_of_work() as uow:
        bakery = uow.employers.find_by_name("Example Bakery", "53703")[0]
    yield {"db": db, "bakery": bakery.id, "dane_visit": dane_visit, "rock_visit": rock_visit}
    db.dispose()


@pytest.mark.postgres
def test_a_program_a_account_reads_none_of_program_b(two_programs: dict[str, Any]) -> None:
    db = two_programs["db"]
    rock = ("P-3001", "Person P-3001", "note of P-3001", "Baker for P-3001")
    for email in ("ae@example.org", "sup@example.org"):
        with make_client(db) as client:
            assert sign_in(client, email).status_code == 303
            pages = {
                path: client.get(path)
                for path in (
                    "/today",
                    "/week",
                    "/seekers",
                    "/seekers/P-2001",
                    f"/employers/{two_programs['bakery']}",
                    "/employers?q=Example",
                    "/reports",
                    f"/visits/new?visit={two_programs['dane_visit']}",
                )
            }
            for path, answer in pages.items():
                assert answer.status_code == 200, (email, path)
                for text in rock:
                    assert text not in answer.text, (email, path, text)
            own = pages[f"/employers/{two_programs['bakery']}"].text
            assert "note of P-2001" in own, "the program's own fit note shows"
            assert "P-2001" in pages["/seekers"].text
            assert client.get("/seekers/P-3001").status_code == 404
            other_visit = client.get(f"/visits/new?visit={two_programs['rock_visit']}")
            for text in rock:
                assert text not in other_visit.text
    with db.unit_of_work(program="dane") as uow:
        trail = audit_trail(uow, seeker="P-2001")
    views = [(e.actor, e.action) for e in trail.events if e.action == "view"]
    assert views == [("user:ae@example.org", "view"), ("user:sup@example.org", "view")]
    assert all(e.origin.startswith("web ") for e in trail.events if e.action == "view")


@pytest.mark.postgres
def test_a_state_reviewer_sees_every_program_in_figures_only(
    two_programs: dict[str, Any],
) -> None:
    with make_client(two_programs["db"]) as client:
        assert sign_in(client, "sr@example.org").headers["location"] == "/state"
        figures = client.get("/state")
        assert figures.status_code == 200
        assert "Dane County IPS" in figures.text
        assert "Rock County IPS" in figures.text
        for text in ("P-2001", "P-3001", "Person", "Specialist ae", "Specialist bx"):
            assert text not in figures.text
        for path in ("/seekers", "/seekers/P-2001", "/today", "/reports"):
            assert client.get(path).status_code == 403

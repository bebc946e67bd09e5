"""Shared mode (``serve --shared``) through HTTP: sign-in with accounts, roles, sign-out,
session timeout, lockout and rate limits, CSRF and session fixation refused; on
PostgreSQL, a program-A account reads none of program B's job seekers, visits, fit notes
or jobs, and a state reviewer gets figures and no names."""

from __future__ import annotations

import datetime as dt
import hashlib
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
from ips_jobdev._overview.statewide import (
    ProgramFigures,
    StateOverview,
    suppress_small_counts,
)
from ips_jobdev.web import create_app
from ips_jobdev.web.accounts import AccountAuth, RateLimiter, limiter_for_workers
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
    # (sessions live in the database, so the planted id is live in this app too: the victim
    # opened the sign-in form before the attacker planted it)
    form = client.get("/sign-in")
    client.cookies.set(SESSION_COOKIE, planted, domain="localhost.local")
    answer = client.post(
        "/sign-in",
        data={"email": "ab@example.org", "password": SECRET, "csrf_token": form_token(form.text)},
        follow_redirects=False,
    )
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
        jobdev.add_specialist(
            uow, specialist, f"Specialist {specialist}", email=f"{specialist}@example.org"
        )
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


@pytest.mark.postgres
def test_the_employer_page_warns_of_another_programs_visit_never_its_people(
    two_programs: dict[str, Any],
) -> None:
    with make_client(two_programs["db"]) as client:
        assert sign_in(client, "ae@example.org").status_code == 303
        html = client.get(f"/employers/{two_programs['bakery']}").text
    assert "Another program works with this employer too" in html
    assert (
        "Another program (Rock County IPS, contact Specialist bx, "
        '<a href="mailto:bx@example.org">bx@example.org</a>) visited on Tue 1 Dec' in html
    )
    assert "Dane County IPS" not in html, "its own program is no other program"
    for text in ("P-3001", "Person P-3001", "note of P-3001", "Baker for P-3001"):
        assert text not in html


def test_a_specialist_cannot_complete_move_or_cancel_a_teammates_visit(
    db: jobdev.Database,
) -> None:
    ids = build_small_record(db)
    with db.unit_of_work() as uow:
        [program] = uow.programs.list()
    add_accounts(
        db,
        program.code,
        {
            "cd@example.org": ("specialist", "cd"),
            "ab@example.org": ("specialist", "ab"),
            "sup@example.org": ("supervisor", None),
        },
    )
    done = {
        "visit_id": str(ids["planned"]),
        "employer": f"#{ids['cafe']}",
        "date": "2026-12-07",
        "time": "10:00",
        "mode": "in-person",
        "purpose": "introduce",
        "outcome": "met the manager",
    }
    tomorrow = ids["tomorrow"]
    with make_client(db) as client:
        assert sign_in(client, "cd@example.org").status_code == 303
        token = form_token(client.get("/today").text)
        # hand-made requests for Alex's (ab's) visits, from Casey's own pages
        refused = client.post("/visits", data={**done, "csrf_token": token})
        assert refused.status_code == 403
        assert "only their own visits" in refused.text
        queued = client.post(
            "/visits",
            data={
                **done,
                "csrf_token": token,
                "submission_id": "c0ffee00-0000-4000-8000-0000000000aa",
            },
            headers={"accept": "application/json"},
        )
        assert (queued.status_code, queued.json()["status"]) == (403, "refused")
        moved = client.post(
            f"/visits/{tomorrow}/move",
            data={"csrf_token": token, "date": "2026-12-09", "time": "11:00"},
        )
        assert moved.status_code == 403
        called_off = client.post(
            f"/visits/{tomorrow}/cancel", data={"csrf_token": token, "reason": "not mine"}
        )
        assert called_off.status_code == 403
    with db.unit_of_work() as uow:
        assert uow.visits.get(ids["planned"]).status.value == "planned"
        assert uow.visits.get(tomorrow).status.value == "planned"
        assert uow.visits.get(tomorrow).at.day == 8
    with make_client(db) as client:  # their own: yes
        assert sign_in(client, "ab@example.org").status_code == 303
        token = form_token(client.get("/today").text)
        own = client.post(
            f"/visits/{tomorrow}/cancel",
            data={"csrf_token": token, "reason": "closed"},
            follow_redirects=False,
        )
        assert own.status_code == 303
    with make_client(db) as client:  # a supervisor: the team's
        assert sign_in(client, "sup@example.org").status_code == 303
        token = form_token(client.get("/today").text)
        logged = client.post("/visits", data={**done, "csrf_token": token}, follow_redirects=False)
        assert logged.status_code == 303
    with db.unit_of_work() as uow:
        assert uow.visits.get(ids["planned"]).status.value == "done"
        assert uow.visits.get(tomorrow).status.value == "cancelled"


def _figures(name: str, caseload: int, working: int, job_starts: int) -> ProgramFigures:
    return ProgramFigures(
        code=name.lower(),
        name=name,
        specialists=2,
        caseload=caseload,
        working=working,
        contacts=40,
        job_starts=job_starts,
    )


def test_small_counts_of_people_are_suppressed() -> None:
    programs = [
        _figures("Dane", 40, 3, 0),
        _figures("Rock", 25, 9, 6),
        _figures("Sauk", 30, 12, 7),
    ]
    total = _figures("All", 95, 24, 13)
    shown = suppress_small_counts(StateOverview(programs=programs, total=total))
    dane, rock, sauk = shown.programs
    assert dane.hidden == {"working": "fewer than 5"}
    assert dane.working == 0, "the hidden value is not kept"
    assert dane.employment_rate is None
    # with one cell hidden, total minus the others would give it back: the next smallest
    assert rock.hidden == {"working": "hidden"}
    assert sauk.hidden == {}
    assert (sauk.working, sauk.job_starts, dane.job_starts) == (12, 7, 0), "0 singles no one out"
    assert shown.total.hidden == {}
    tiny = suppress_small_counts(
        StateOverview(programs=[_figures("Dane", 4, 1, 2)], total=_figures("All", 4, 1, 2))
    )
    assert tiny.total.hidden == dict.fromkeys(("caseload", "working", "job_starts"), "fewer than 5")


def test_the_state_page_shows_fewer_than_5_not_the_count(
    shared: tuple[jobdev.Database, TestClient],
) -> None:
    _, client = shared
    sign_in(client, "sr@example.org")
    html = client.get("/state").text
    # the small record: a caseload of 2, one of them working
    assert "fewer than 5" in html
    counts = re.findall(r'data-label="(?:Caseload|Working|Job starts)">([^<]*)<', html)
    assert counts, "the cells are there"
    assert all(c in ("", "0") or int(c.replace(",", "")) >= 5 for c in counts), counts
    assert "50 %" not in html, "no rate of hidden counts"


def test_sessions_are_in_the_database_as_a_hash_and_every_process_knows_them(
    shared: tuple[jobdev.Database, TestClient],
) -> None:
    db, client = shared
    assert sign_in(client, "ab@example.org").status_code == 303
    session_id = client.cookies[SESSION_COOKIE]
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id_hash, csrf FROM web_sessions").all()
    assert [row.id_hash for row in rows] == [hashlib.sha256(session_id.encode()).hexdigest()]
    assert session_id not in str(rows), "the id itself is not stored"
    token = form_token(client.get("/today").text)
    assert token == rows[0].csrf
    # another server process (another app over the same database) takes the same cookie
    with make_client(db) as other:
        other.cookies.set(SESSION_COOKIE, session_id, domain="localhost.local")
        assert other.get("/today").status_code == 200
        switched = other.post(
            "/specialist",
            data={"csrf_token": token, "specialist": "cd", "next": "/today"},
            follow_redirects=False,
        )
        assert switched.status_code == 303
    assert 'value="cd" selected' in client.get("/today").text, "the choice is shared too"
    with db.unit_of_work() as uow:
        reset_password(uow, "ab@example.org", "another long passphrase")
        uow.commit()
    assert client.get("/today").status_code == 401, "a new password ends the sessions"


def test_the_sign_in_limit_is_split_between_worker_processes() -> None:
    assert [limiter_for_workers(n).limit for n in (1, 2, 3, 4, 16)] == [10, 5, 4, 3, 1]

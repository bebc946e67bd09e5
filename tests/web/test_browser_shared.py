"""Shared mode in a real browser (Chromium through Playwright), with axe-core: the sign-in
form, a wrong password, signing in (a fresh session cookie), the header's sign-out, and a
state reviewer's figures page with no names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, LiveServer, axe_path, check_accessibility, fits_phone
from browser import missing as tool_missing
from playwright.sync_api import Browser, Page, expect, sync_playwright
from records import ZONE

import ips_jobdev as jobdev
from ips_jobdev._casework.accounts import add_user
from ips_jobdev.web import create_app
from ips_jobdev.web.accounts import AccountAuth

NOW = dt.datetime(2026, 12, 7, 16, 0, tzinfo=ZONE)
PHONE = {"width": 360, "height": 780}
SECRET = "correct horse battery staple"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        tool_missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live(demo_db: jobdev.Database) -> Iterator[tuple[str, jobdev.Database]]:
    with demo_db.unit_of_work() as uow:
        [program] = uow.programs.list()
        add_user(uow, "av@example.org", program.code, "specialist", SECRET, specialist="av")
        add_user(uow, "sr@example.org", program.code, "state-reviewer", SECRET)
        uow.commit()
    app = create_app(demo_db, auth=AccountAuth(demo_db, secure_cookies=False), clock=lambda: NOW)
    with LiveServer(app) as server:
        yield server.base, demo_db


def _page(browser: Browser) -> tuple[Any, Page, list[str]]:
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(path=str(axe_path()))
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page, problems


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_wrong_password_sign_in_and_sign_out(
    browser: Browser, live: tuple[str, jobdev.Database]
) -> None:
    base, _ = live
    context, page, problems = _page(browser)
    answer = page.goto(base + "/today")
    assert answer is not None
    assert answer.status == 401
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to ips-jobdev")).to_be_visible()
    check_accessibility(page, "sign-in form")
    fits_phone(page)

    _sign_in(page, base, "av@example.org", "not the password at all")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    check_accessibility(page, "sign-in form with an error")
    assert not [c for c in context.cookies() if c["name"] == "ips_jobdev_session"]

    _sign_in(page, base, "av@example.org", SECRET)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "ips_jobdev_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    expect(page.get_by_text("av@example.org (specialist")).to_be_visible()
    check_accessibility(page, "Today, shared mode")
    fits_phone(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to ips-jobdev")).to_be_visible()
    again = page.goto(base + "/today")
    assert again is not None
    assert again.status == 401
    context.close()
    assert problems == []


def test_a_state_reviewer_sees_figures_without_names(
    browser: Browser, live: tuple[str, jobdev.Database]
) -> None:
    base, database = live
    with database.unit_of_work() as uow:
        people = [(s.code, s.name) for s in uow.seekers.list()]
    context, page, problems = _page(browser)
    _sign_in(page, base, "sr@example.org", SECRET)
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_count(1)
    check_accessibility(page, "state reviewer's figures")
    text = page.content()
    for code, name in people:
        assert f">{code}<" not in text
        if name:
            assert name not in text
    assert page.goto(base + "/seekers").status == 403  # type: ignore[union-attr]
    context.close()
    assert problems == []

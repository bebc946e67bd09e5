"""The specialist's journeys in a real browser (Chromium through Playwright), with
axe-core on every page: no serious or critical accessibility violation, and no page wider
than a 360-pixel phone screen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
from browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    axe_path,
    check_accessibility,
    fits_phone,
    missing,
)
from records import ZONE

import ips_jobdev as jobdev
from ips_jobdev._feeds import feed_url, issue_feed_token, revoke_feeds
from ips_jobdev._submissions import move_visit
from ips_jobdev.web import LocalTokenAuth, create_app

NOW = dt.datetime(2026, 12, 7, 16, 0, tzinfo=ZONE)
PHONE = {"width": 360, "height": 780}

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Live:
    """The running app: its address, its sign-in link, its database."""

    def __init__(self, base: str, auth: LocalTokenAuth, database: jobdev.Database) -> None:
        self.base = base
        self.auth = auth
        self.database = database

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def live(demo_db: jobdev.Database) -> Iterator[Live]:
    auth = LocalTokenAuth(specialist="av")
    app = create_app(demo_db, auth=auth, clock=lambda: NOW)
    with LiveServer(app) as server:
        yield Live(server.base, auth, demo_db)


def _context(browser: Browser, **options: Any) -> Any:
    context = browser.new_context(viewport=PHONE, accept_downloads=True, **options)
    context.add_init_script(path=str(axe_path()))
    return context


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    """A phone-sized page, signed in with the one-time link; fails the test on any
    script error or Content-Security-Policy refusal."""
    context = _context(browser)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    opened.goto(live.auth.sign_in_url(live.base))
    expect(opened.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    yield opened
    context.close()
    assert problems == []


def visit(page: Page, what: str) -> None:
    """Check the page the browser is on: accessible, and fits the phone. The caller waits
    for the page it navigated to (axe-core run while the next page replaces the document
    finds no document)."""
    check_accessibility(page, what)
    fits_phone(page)


def _planned_today(database: jobdev.Database) -> list[jobdev.Visit]:
    start = dt.datetime.combine(NOW.date(), dt.time(), ZONE)
    with database.unit_of_work() as uow:
        av = uow.specialists.by_code("av")
        return [
            v
            for v in uow.visits.between(start, start + dt.timedelta(days=1), specialist_id=av.id)
            if v.status.value == "planned"
        ]


def test_sign_in_with_the_token_and_refused_without_it(browser: Browser, live: Live) -> None:
    context = _context(browser)
    anonymous = context.new_page()
    answer = anonymous.goto(live.url("/today"))
    assert answer is not None
    assert answer.status == 401
    expect(anonymous.get_by_text("You are not signed in.")).to_be_visible()
    visit(anonymous, "not signed in")
    anonymous.goto(live.auth.sign_in_url(live.base))
    expect(anonymous.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    nav = anonymous.get_by_role("navigation", name="Main")
    for name in ["Today", "Week", "Employers", "Job seekers", "Reports"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(anonymous.get_by_role("link", name="Log a visit", exact=True)).to_be_visible()
    visit(anonymous, "Today")
    cookie = next(c for c in context.cookies() if c["name"] == "ips_jobdev_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    other = _context(browser).new_page()
    again = other.goto(
        live.auth.sign_in_url(live.base) if not live.auth.spent else live.url("/sign-in?token=x")
    )
    assert again is not None
    assert again.status == 403
    visit(other, "used sign-in link")
    context.close()


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _focus_ring_is_visible(page: Page) -> None:
    """The focused control shows a solid outline of 2 px or more, with 3:1 contrast or more
    against the page behind it (WCAG 1.4.11), whatever it is."""
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor,"
        " getComputedStyle(document.body).backgroundColor]; }"
    )
    outline_style, width, color, background = style
    assert outline_style == "solid"
    assert float(width.removesuffix("px")) >= 2
    lighter, darker = sorted([_luminance(color), _luminance(background)], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 3, (color, background)


def test_log_a_planned_visit_from_today_in_two_taps(page: Page, live: Live) -> None:
    planned = _planned_today(live.database)
    first = planned[0]
    page.get_by_role("link", name=re.compile(r"^Done")).first.click()  # tap 1
    expect(page.get_by_role("heading", name="Log the visit as made")).to_be_visible()
    expect(page.get_by_label("Employer")).to_have_value(re.compile(rf"#{first.employer_id}$"))
    for label in ["Date", "Time", "Mode", "Purpose", "Outcome", "Next step"]:
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Job seekers")).to_be_visible()
    visit(page, "Log a visit (planned)")
    page.get_by_role("button", name="Save visit").click()  # tap 2
    expect(page.get_by_text("Visit saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Logged today"))).to_be_visible()
    with live.database.unit_of_work() as uow:
        assert uow.visits.get(first.id).status.value == "done"


def test_the_log_form_works_by_keyboard_alone(page: Page, live: Live) -> None:
    page.goto(live.url("/visits/new"))
    with live.database.unit_of_work() as uow:
        before = uow.visits.count()
    typed: set[str] = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.id, document.activeElement.tagName, "
            "document.activeElement.type || '', document.activeElement.textContent.trim()]"
        )
        element_id, tag, kind, text = focused
        if element_id == "employer" and "employer" not in typed:
            page.keyboard.type("Thistledown Hotel")
            typed.add("employer")
        elif element_id == "purpose" and "purpose" not in typed:
            page.keyboard.press("ArrowDown")
            typed.add("purpose")
        elif kind == "checkbox" and "seeker" not in typed:
            page.keyboard.press("Space")
            typed.add("seeker")
        elif element_id == "outcome" and "outcome" not in typed:
            page.keyboard.type("Asked when to come back")
            typed.add("outcome")
        elif tag == "BUTTON" and text == "Save visit":
            _focus_ring_is_visible(page)
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("Save visit was never reached with the Tab key")
    assert typed == {"employer", "purpose", "seeker", "outcome"}
    expect(page.get_by_text("Visit saved.")).to_be_visible()
    with live.database.unit_of_work() as uow:
        assert uow.visits.count() == before + 1
        newest = uow.visits.list()[-1]
        assert newest.outcome == "Asked when to come back"
        assert newest.purpose.value == "learn-business"
        assert len(newest.seekers) == 1


def test_a_refused_visit_shows_the_error_next_to_the_field(page: Page, live: Live) -> None:
    page.goto(live.url("/visits/new"))
    page.get_by_label("Employer").fill("No Such Place")
    page.get_by_role("button", name="Save visit").click()
    error = page.locator("#employer-error")
    expect(error).to_have_text(re.compile("No employer matches"))
    expect(page.get_by_label("Employer")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Employer")).to_be_focused()
    visit(page, "Log a visit (with an error)")


def test_plan_and_save_a_week_then_move_a_visit(page: Page, live: Live) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Week").click()
    expect(page.get_by_role("heading", name="Week", exact=True)).to_be_visible()
    visit(page, "Week (this week)")
    page.get_by_role("link", name="Next week →").click()
    expect(page.get_by_text("2026-W51")).to_be_visible()
    expect(page.locator("svg.map").first).to_be_visible()
    first_day = page.get_by_label("Day", exact=True).first
    employer_id = first_day.get_attribute("id").removeprefix("day-")  # type: ignore[union-attr]
    first_day.select_option(label="Fri 18 Dec")
    visit(page, "Week (next week)")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text(re.compile(r"Saved \d+ planned visits?"))).to_be_visible()
    with live.database.unit_of_work() as uow:
        moved = [
            v
            for v in uow.visits.between(employer_id=int(employer_id))
            if v.status.value == "planned"
        ]
    assert [v.at.astimezone(ZONE).date() for v in moved] == [dt.date(2026, 12, 18)]
    friday = page.locator(
        "section.day", has=page.get_by_role("heading", name="Friday 18 December 2026")
    )
    friday.locator("summary", has_text="Move").first.click()
    friday.get_by_label("New date").first.fill("2026-12-17")
    friday.get_by_role("button", name="Move visit").first.click()
    expect(page.get_by_text("The visit was moved.")).to_be_visible()
    with live.database.unit_of_work() as uow:
        assert uow.visits.get(moved[0].id).at.astimezone(ZONE).date() == dt.date(2026, 12, 17)


def test_find_an_employer_as_you_type_and_open_it(page: Page, live: Live) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Employers").click()
    expect(page.get_by_role("heading", name="Employers", exact=True)).to_be_visible()
    visit(page, "Employers")
    page.get_by_label("Search employers by name").press_sequentially("hotel", delay=40)
    expect(page.get_by_role("status").filter(has_text="matching “hotel”")).to_be_visible()
    first = page.locator("#employer-results a.name").first
    name = first.inner_text()
    assert "hotel" in name.lower()
    first.click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("heading", name="Job seekers it fits")).to_be_visible()
    visit(page, "Employer")


def test_open_a_job_seekers_matches(page: Page, live: Live) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Job seekers").click()
    expect(page.get_by_role("heading", name="Job seekers", exact=True)).to_be_visible()
    visit(page, "Job seekers")
    page.get_by_role("link", name=re.compile(r"^J-1001\b")).click()
    expect(page.get_by_role("heading", name="Employers that fit J-1001")).to_be_visible()
    page.locator("details > summary", has_text="Why").first.click()
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.get_by_role("rowheader", name="Job type").first).to_be_visible()
    visit(page, "Job seeker")


def test_reports_with_a_drilldown(page: Page, live: Live) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Fidelity")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Point \d of 5")).first).to_be_visible()
    visit(page, "Reports")
    page.get_by_role(
        "link",
        name=re.compile("Show what is behind “Face-to-face employer contacts per specialist"),
    ).click()
    expect(page.get_by_role("heading", name=re.compile(r"\d+ contacts? behind it"))).to_be_visible()
    visit(page, "Report drill-down")
    # a newer figure shows the rows it keeps as evidence
    page.goto(live.url("/reports/follow_along?scope=program&from=2026-07-01&to=2026-12-07"))
    expect(page.get_by_role("heading", name=re.compile(r"\d+ rows? behind it"))).to_be_visible()
    visit(page, "Report evidence")


def test_import_a_csv_with_errors(page: Page, live: Live, tmp_path: Path) -> None:
    source = tmp_path / "employers.csv"
    source.write_text(
        "name,zip,industry\nExample Kite Shop,53703,retail\nExample Bad Zip,5370,retail\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Import a CSV file").click()
    expect(page.get_by_role("heading", name="Import a CSV file")).to_be_visible()
    visit(page, "Import")
    page.get_by_label("What the file holds").select_option("employers")
    page.get_by_label("CSV file").set_input_files(str(source))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=re.compile("Rows with errors"))).to_be_visible()
    expect(page.get_by_text("Line 3")).to_be_visible()
    visit(page, "Import check")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected rows").click()
    rejects = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert rejects.splitlines()[0].endswith("reason")
    assert "Example Bad Zip" in rejects
    page.get_by_role("button", name="Import 1 row without the errors").click()
    expect(page.get_by_text(re.compile("Imported employers.csv: 1 created"))).to_be_visible()
    with live.database.unit_of_work() as uow:
        assert len(uow.employers.find_by_name("Example Kite Shop")) == 1


def test_log_a_visit_offline_and_see_it_arrive_once(page: Page, live: Live) -> None:
    planned = _planned_today(live.database)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "async () => (await (await caches.open('ips-jobdev-pages')).keys()).length >= 2"
    )
    page.context.set_offline(True)
    page.get_by_role("link", name=re.compile(r"^Done")).first.click()
    expect(page.get_by_role("heading", name="Log the visit as made")).to_be_visible()
    page.get_by_label("Outcome").fill("Logged with no signal")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Saved on this device. It will be sent")).to_be_visible()
    expect(page.get_by_text("1 visit is saved on this device, waiting to be sent.")).to_be_visible()
    visit(page, "Log a visit (saved offline, waiting)")
    with live.database.unit_of_work() as uow:
        assert uow.visits.get(planned[0].id).status.value == "planned"
    queued = page.evaluate(
        """async () => new Promise((resolve) => {
            const open = indexedDB.open('ips-jobdev', 1);
            open.onsuccess = () => {
              const get = open.result.transaction('queue').objectStore('queue').getAll();
              get.onsuccess = () => resolve(get.result);
            };
        })"""
    )
    assert len(queued) == 1
    page.context.set_offline(False)
    expect(page.get_by_text("1 visit saved offline was sent.")).to_be_visible(timeout=15000)
    with live.database.unit_of_work() as uow:
        visit_row = uow.visits.get(planned[0].id)
        assert visit_row.status.value == "done"
        assert visit_row.outcome == "Logged with no signal"
        count = uow.visits.count()
    # the phone sends the same queued submission again (its answer was lost): stored once
    again = page.evaluate(
        """async (item) => {
            const r = await fetch(item.url, {method: 'POST', body: new URLSearchParams(item.body),
                                             headers: {Accept: 'application/json'}});
            return await r.json();
        }""",
        queued[0],
    )
    assert again["status"] == "already-saved"
    assert again["visit_id"] == planned[0].id
    with live.database.unit_of_work() as uow:
        assert uow.visits.count() == count


def test_subscribe_to_the_feed_and_to_a_revoked_url(live: Live) -> None:
    with live.database.unit_of_work() as uow:
        token = issue_feed_token(uow, "av")
        uow.commit()
    url = feed_url(live.base, token)
    answer = httpx.get(url)
    assert answer.status_code == 200
    calendar = icalendar.Calendar.from_ical(answer.content)
    events = calendar.walk("VEVENT")
    assert len(events) >= len(_planned_today(live.database))
    assert all(str(e["UID"]).startswith("visit-") for e in events)
    assert httpx.get(url, headers={"If-None-Match": answer.headers["etag"]}).status_code == 304
    with live.database.unit_of_work() as uow:
        revoke_feeds(uow, token=token)
        uow.commit()
    assert httpx.get(url).status_code == 404


def test_every_page_passes_axe_at_desktop_width_too(page: Page, live: Live) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    with live.database.unit_of_work() as uow:
        employer = uow.employers.list(limit=1)[0].id
    for path in [
        "/today",
        "/week?week=2026-W51",
        "/employers",
        f"/employers/{employer}",
        "/seekers",
        "/seekers/J-1001",
        "/reports",
        "/reports/job_starts",
        "/reports/multi_visit_relationships",
        "/reports/rapid_job_search",
        "/reports/frequent_employer_contact",
        "/visits/new",
        f"/visits/new?employer={employer}",
        "/import",
        "/employers/999999",
        "/offline",
    ]:
        answer = page.goto(live.url(path))
        assert answer is not None
        assert answer.status == (404 if path == "/employers/999999" else 200), path
        check_accessibility(page, f"{path} (desktop)")


def test_call_off_a_planned_visit_from_the_week(page: Page, live: Live) -> None:
    first = _planned_today(live.database)[0]
    with live.database.unit_of_work() as uow:
        name = uow.employers.get(first.employer_id).name
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Week").click()
    today = page.locator(
        "section.day", has=page.get_by_role("heading", name="Monday 7 December 2026")
    )
    card = today.locator("li.card", has=page.get_by_role("link", name=name, exact=True))
    # someone else moves the visit while the page is open
    with live.database.unit_of_work() as uow:
        move_visit(uow, first.id, "2026-12-07T17:30")
    card.locator("summary", has_text="Call off").click()
    card.get_by_label("Why (optional)").fill("The manager is away today")
    card.get_by_role("button", name="Call off visit").click()
    expect(page.get_by_role("heading", name="Changed by someone else")).to_be_visible()
    expect(page.get_by_role("cell", name="2026-12-07 17:30").first).to_be_visible()
    visit(page, "Changed by someone else (calling off)")
    page.get_by_role("button", name="Call it off anyway").click()
    expect(page.get_by_text("The visit was called off.")).to_be_visible()
    visit(page, "Week (after calling off)")
    with live.database.unit_of_work() as uow:
        called_off = uow.visits.get(first.id)
        assert (called_off.status.value, called_off.reason) == (
            "cancelled",
            "The manager is away today",
        )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    planned = page.get_by_role("region", name=re.compile("Planned today"))
    expect(planned.get_by_role("link", name=name, exact=True)).to_have_count(0)


def test_every_form_works_without_javascript(browser: Browser, live: Live) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live.auth.sign_in_url(live.base))
    first = _planned_today(live.database)[0]
    # log a planned visit from Today: Done, then Save visit
    page.get_by_role("link", name=re.compile(r"^Done")).first.click()
    page.get_by_label("Outcome").fill("Logged with script turned off")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Visit saved.")).to_be_visible()
    with live.database.unit_of_work() as uow:
        assert uow.visits.get(first.id).outcome == "Logged with script turned off"
    # a refused visit comes back with the error next to its field
    page.goto(live.url("/visits/new"))
    page.get_by_label("Employer").fill("No Such Place")
    page.get_by_role("button", name="Save visit").click()
    expect(page.locator("#employer-error")).to_have_text(re.compile("No employer matches"))
    # search employers with the button
    page.goto(live.url("/employers"))
    page.get_by_label("Search employers by name").fill("hotel")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="matching “hotel”")).to_be_visible()
    # plan next week: skip one proposal, then save
    page.goto(live.url("/week?week=2026-W51"))
    page.get_by_label("Skip").first.check()
    page.get_by_role("button", name="Show my changes").click()
    expect(page.get_by_text("Your changes are shown; nothing is saved yet.")).to_be_visible()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text(re.compile(r"Saved \d+ planned visits?"))).to_be_visible()
    # move a planned visit, and call another off
    week = page.locator("section.day").filter(has=page.locator("details"))
    week.locator("summary", has_text="Move").first.click()
    week.get_by_label("New time").first.fill("08:15")
    week.get_by_role("button", name="Move visit").first.click()
    expect(page.get_by_text("The visit was moved.")).to_be_visible()
    week.locator("summary", has_text="Call off").last.click()
    week.get_by_role("button", name="Call off visit").last.click()
    expect(page.get_by_text("The visit was called off.")).to_be_visible()
    # switch specialist, see the reports for a period
    page.get_by_label("Specialist").select_option("mo")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("p.lede")).to_contain_text("Morgan Sample")
    page.goto(live.url("/reports"))
    page.get_by_label("The whole program").check()
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", name="Fidelity")).to_be_visible()
    assert "scope=program" in page.url
    context.close()

"""Take the web app screenshots the documentation shows (docs/_static/web-*.png).

Builds the demo county in a temporary folder, serves the app on a free loopback port with
the clock set to Monday 7 December 2026, 4 p.m., and photographs each page with Debian's
Chromium through Playwright, at phone size (360 px) and desktop size (1280 px)::

    python docs/screenshots.py            # needs the dev extra and /usr/bin/chromium
"""

from __future__ import annotations

import datetime as dt
import socket
import sys
import tempfile
import threading
import time
import zoneinfo
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

import ips_jobdev as jobdev
from ips_jobdev.demo import build_demo
from ips_jobdev.web import LocalTokenAuth, create_app

OUT = Path(__file__).resolve().parent / "_static"
NOW = dt.datetime(2026, 12, 7, 16, 0, tzinfo=zoneinfo.ZoneInfo("America/Chicago"))
PHONE = {"width": 360, "height": 760}
DESKTOP = {"width": 1280, "height": 860}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def _serve(app: object) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


def _shot(page: Page, name: str, *, full: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"web-{name}.png"), full_page=full)
    print("wrote", OUT / f"web-{name}.png")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = jobdev.Database(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        with database.unit_of_work() as uow:
            build_demo(uow, today=dt.date(2026, 12, 4))
            uow.commit()
        csv = Path(folder) / "employers.csv"
        csv.write_text(
            "name,zip,industry,street\n"
            "Example Kite Shop,53703,retail,12 Example St\n"
            "Example Bad Zip,5370,retail,14 Example St\n"
            "Example Yarn Store,53704,retail,16 Example St\n",
            encoding="utf-8",
        )
        auth = LocalTokenAuth(specialist="av")
        base, server, thread = _serve(create_app(database, auth=auth, clock=lambda: NOW))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            context = browser.new_context(viewport=PHONE, device_scale_factor=1)
            page = context.new_page()
            page.goto(auth.sign_in_url(base))
            _shot(page, "today-phone")
            page.get_by_role("link", name="Done").first.click()
            page.get_by_label("Outcome").fill("Met the owner; come back Thursday after 2.")
            _shot(page, "log-phone")
            context.set_offline(True)
            page.get_by_role("button", name="Save visit").click()
            page.get_by_text("Saved on this device. It will be sent").wait_for()
            page.screenshot(path=str(OUT / "web-offline-phone.png"))
            context.set_offline(False)
            page.get_by_text("visit saved offline was sent").wait_for(timeout=20000)
            page.set_viewport_size(DESKTOP)
            page.goto(base + "/today")
            _shot(page, "today")
            page.goto(base + "/week?week=2026-W51")
            _shot(page, "week")
            page.goto(base + "/employers?q=hotel")
            _shot(page, "employers")
            page.locator("#employer-results a.name").first.click()
            _shot(page, "employer")
            page.goto(base + "/seekers/J-1001")
            page.locator("details > summary", has_text="Why").first.click()
            _shot(page, "seeker")
            page.goto(base + "/reports")
            _shot(page, "reports")
            page.goto(base + "/import")
            page.get_by_label("What the file holds").select_option("employers")
            page.get_by_label("CSV file").set_input_files(str(csv))
            page.get_by_role("button", name="Check the file").click()
            _shot(page, "import")
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()


if __name__ == "__main__":
    sys.exit(main())

"""Real-browser helpers: Debian's Chromium driven by Playwright, the app served by uvicorn
in a thread, and axe-core injected into every page.

Chromium comes from ``apt-get install chromium`` (``/usr/bin/chromium``, or
``$IPS_JOBDEV_CHROMIUM``); axe-core from npm, found through ``$IPS_JOBDEV_AXE_JS`` (the
path of ``axe.min.js``). Locally a missing one skips the browser tests; under ``CI=true``
it fails them.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = os.environ.get("IPS_JOBDEV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    """Skip locally, fail under CI, when a browser-test tool is not installed."""
    if IN_CI:
        pytest.fail(f"{what} (required when CI=true)")
    pytest.skip(what)


def axe_path() -> Path:
    """axe-core's ``axe.min.js``."""
    value = os.environ.get("IPS_JOBDEV_AXE_JS")
    if not value or not Path(value).is_file():
        missing("axe-core not found: set IPS_JOBDEV_AXE_JS to the path of axe.min.js")
    return Path(str(value))


class LiveServer:
    """The app served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()


def check_accessibility(page: Any, what: str) -> list[dict[str, Any]]:
    """Run axe-core on the page; fail on any serious or critical violation. Returns every
    violation found (minor and moderate ones too), for the record."""
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    log = os.environ.get("IPS_JOBDEV_AXE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(
                json.dumps(
                    {
                        "page": what,
                        "passes": len(result["passes"]),
                        "violations": [
                            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                            for v in violations
                        ],
                    }
                )
                + "\n"
            )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe-core on {what}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in bad
    )
    return violations


def fits_phone(page: Any, width: int = 360) -> None:
    """The page needs no sideways scrolling at ``width`` pixels."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(
        "(w) => Array.from(document.querySelectorAll('*'))"
        ".filter(e => e.getBoundingClientRect().right > w + 1 || e.scrollWidth > w + 1).slice(0, 6)"
        ".map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + ': '"
        " + (e.textContent || '').trim().slice(0, 40))",
        width,
    )
    assert scroll <= width, f"{page.url} is {scroll} px wide at a {width} px screen: {culprits}"

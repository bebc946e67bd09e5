"""The review packet for the demo county: HTML parsed, PDF rendered and read back as text
with pdftotext (poppler-utils), job seekers by code unless the team reads it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ips_jobdev._reports.packet import quarters
from ips_jobdev.cli import main

TODAY = "2026-12-05"
PERIOD = ("--from", "2026-10-01", "--to", TODAY)
CODE = re.compile(r"^J-\d{4}")


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict[str, str]]:
    """The demo county on SQLite, its folder, and the names it records by code."""
    folder = tmp_path_factory.mktemp("packet")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    assert _run("--db", url, "demo", "--today", TODAY).exit_code == 0
    listed = json.loads(_run("--db", url, "seekers", "list", "--json").stdout)
    names = {row["code"]: row["name"] for row in listed["seekers"] if row["name"]}
    assert names, "the demo names some job seekers"
    return url, folder, names


class _Page(HTMLParser):
    """What the tests read from the packet: sections by id, table cells, SVG charts."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.cells: list[str] = []
        self.svgs = 0
        self.svg_text: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        if tag == "section":
            self.sections.append(dict(attrs).get("id") or "")
        if tag == "svg":
            self.svgs += 1
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None
        while self._stack and self._stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if "svg" in self._stack and data.strip():
            self.svg_text.append(data.strip())

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def _packet(url: str, path: Path, kind: str, fmt: str, *extra: str) -> Path:
    result = _run("--db", url, "report", kind, *PERIOD, "--format", fmt, "--out", str(path), *extra)
    assert result.exit_code == 0, result.output
    assert f"Wrote the {kind} packet ({fmt}) to {path}" in " ".join(result.stdout.split())
    return path


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_fidelity_packet_shows_each_item_its_point_anchor_evidence_and_trend(
    county: tuple[str, Path, dict[str, str]],
) -> None:
    url, folder, names = county
    page = _parse(_packet(url, folder / "fidelity.html", "fidelity", "html"))
    words = page.words
    assert "Fidelity review packet: whole database" in words
    assert "Scale: IPS Supported Employment Fidelity Scale, 4th edition manual" in words
    assert "Between anchors: a point needs its anchor's value (reach)" in words
    # every rated item has its section with the figure, the point and the anchors
    for key in (
        "caseload_size",
        "rapid_job_search",
        "frequent_employer_contact",
        "individualized_job_search",
        "diversity_of_job_types",
        "diversity_of_employers",
        "competitive_jobs",
        "multi_visit_relationships",
        "follow_along",
    ):
        assert key in page.sections
    assert "Anchors: 1 = 41+; 2 = 31-40; 3 = 26-30; 4 = 21-25; 5 = 20 or fewer" in words
    assert re.search(
        r"Caseload size per full-time specialist ?: [\d.]+ job seekers\. point \d", words
    )
    assert "Source: IPS Supported Employment Fidelity Scale and Fidelity Review Manual" in words
    # per-specialist rows
    assert {"av Avery Example", "mo Morgan Sample"} <= set(page.cells)
    # the trend: one SVG with a chart per rated item over the four quarters
    assert page.svgs == 1
    labels = [label[2:] for label, _, _ in quarters(dt.date(2026, 12, 5))]
    assert labels == ["26 Q1", "26 Q2", "26 Q3", "26 Q4"]
    for text in ("Caseload size", "Rapid job search", "Competitive jobs", *labels):
        assert text in page.svg_text
    # evidence by code, never a name
    codes = [cell for cell in page.cells if CODE.match(cell)]
    assert codes
    assert not any(name in words for name in names.values())


def _section(html: str, key: str) -> str:
    found = re.search(rf'<section class="item" id="{key}">(.*?)</section>', html, re.DOTALL)
    assert found, key
    return found[1]


def test_the_packet_reads_in_the_order_a_reviewer_asks(
    county: tuple[str, Path, dict[str, str]],
) -> None:
    url, folder, _ = county
    html = _packet(url, folder / "order.html", "fidelity", "html").read_text(encoding="utf-8")
    # the share within 30 days sits in the rapid job search item, beside the average
    assert "First face-to-face employer contact within 30 days" in _section(
        html, "rapid_job_search"
    )
    # individualized job search: the contacts that do not fit come first, then those not
    # judged, then those that fit
    fits = re.findall(
        r"<td>(yes|no|not judged)</td></tr>", _section(html, "individualized_job_search")
    )
    assert fits
    order = ["no", "not judged", "yes"]
    assert [order.index(f) for f in fits] == sorted(order.index(f) for f in fits)
    # each specialist's two points are told apart
    assert "<th class=num>contact point</th>" in html
    assert "<th class=num>caseload point</th>" in html
    # a list of job seekers is a line of codes, not a table of pages
    page = _parse(_packet(url, folder / "outcomes-order.html", "outcomes", "html"))
    assert re.search(r"Evidence Job seekers: J-\d{4}, J-\d{4}", page.words)


def test_the_team_copy_names_job_seekers_beside_their_codes(
    county: tuple[str, Path, dict[str, str]],
) -> None:
    url, folder, names = county
    page = _parse(_packet(url, folder / "team.html", "fidelity", "html", "--audience", "team"))
    named = [cell for cell in page.cells if CODE.match(cell) and "(" in cell]
    assert named
    code = named[0].split(" ")[0]
    assert named[0] == f"{code} ({names[code]})"
    assert "with their names (team copy)" in page.words


def _pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils must be installed (.ci/run does)"
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())


def test_the_fidelity_packet_renders_as_pdf(county: tuple[str, Path, dict[str, str]]) -> None:
    url, folder, names = county
    path = _packet(url, folder / "fidelity.pdf", "fidelity", "pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(path)
    for expected in (
        "Fidelity review packet: whole database",
        "Summary",
        "The last four quarters",
        "Each specialist",
        "Frequent employer contact",
        "Individualized job search",
        "Time-unlimited follow-along supports",
        "For the program manager",
        "page 1 of",
    ):
        assert expected in text, expected
    assert re.search(r"J-\d{4}", text)
    assert not any(name in text for name in names.values())


def test_the_outcomes_packet_renders_as_html_and_pdf(
    county: tuple[str, Path, dict[str, str]],
) -> None:
    url, folder, _ = county
    page = _parse(_packet(url, folder / "outcomes.html", "outcomes", "html"))
    assert "Outcomes: whole database" in page.words
    for key in ("caseload", "employment_rate", "job_starts", "held_90_days", "job_tenure"):
        assert key in page.sections
    assert page.svgs == 1
    assert "IPS employment rate, %" in page.svg_text  # the title wraps in the chart
    assert "(US 41-47% shaded)" in page.svg_text
    text = _pdf_text(_packet(url, folder / "outcomes.pdf", "outcomes", "pdf"))
    assert "Outcomes: whole database" in text
    assert "Jobs held 90 days" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "pdf"), "give --format html|pdf with --out FILE"),
        (("--out", "x.html"), "give --format html|pdf with --out FILE"),
        (("--format", "html", "--out", "x.html", "--json"), "choose --format or --json/--csv"),
    ],
)
def test_a_packet_needs_a_format_and_a_file_and_no_json(
    county: tuple[str, Path, dict[str, str]], args: tuple[str, ...], message: str
) -> None:
    url, _, _ = county
    result = _run("--db", url, "report", "fidelity", *PERIOD, *args)
    assert result.exit_code == 1
    assert message in result.stderr

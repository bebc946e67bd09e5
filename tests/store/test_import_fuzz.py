"""A property harness over the CSV reader, the cell parsers and whole imports (issue 10):
whatever the bytes, nothing escapes but the library's documented exception
(:class:`~ips_jobdev.errors.ValidationError`, a ``ValueError``), on SQLite and PostgreSQL.

Bounded (a few dozen files a database) so the suite stays fast; the text is drawn from
the pieces that broke imports before: quotes, NUL, line ends, formula starts, long and
non-ASCII digits, exponents, separators.
"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ips_jobdev import Database, import_employers, import_seekers, import_visits
from ips_jobdev._importing.csvfile import open_table
from ips_jobdev._importing.employers import EmployerImporter
from ips_jobdev._importing.run import Importer
from ips_jobdev._importing.seekers import SeekerImporter
from ips_jobdev._importing.visits import VisitImporter
from ips_jobdev.errors import ValidationError

PIECES = [
    '"', '""', ",", "\n", "\r\n", "\r", "\x00", "\t", "'", "=", "+", "-", "@", ";",
    "9" * 30, "1e400", "nan", "-0", "0x1F", "\u0663", "\uff12", "_1", "$", "15.50",
    "2026-03-02", "2026-03-02T10:00-06:00", "9999-12-31", "0001-01-01T00:00+14:00",
    "608-555-0101", "+1 608 555 0101 x" + "9" * 40, "yes", "maybe", "53703", "WI",
    "Example Bakery", "\u00e9", "\ufeff", "#", "#99999999999", " ", "x" * 300,
]  # fmt: skip
cells = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
IMPORTERS: list[type[Importer]] = [EmployerImporter, SeekerImporter, VisitImporter]
PARSERS = [
    (importer.__name__, column, parser)
    for importer in IMPORTERS
    for column, parser in importer.parsers().items()
]


@pytest.mark.parametrize(
    ("importer", "column", "parser"), PARSERS, ids=[f"{i}.{c}" for i, c, _ in PARSERS]
)
@settings(max_examples=60, deadline=None)
@given(text=st.one_of(cells, st.text(max_size=40)))
def test_every_cell_parser_is_total(importer: str, column: str, parser: object, text: str) -> None:
    # ValidationError is a ValueError; anything else fails the test
    with contextlib.suppress(ValueError):
        parser(text)  # type: ignore[operator]


def csv_bytes(
    header: list[str], rows: st.SearchStrategy[list[list[str]]]
) -> st.SearchStrategy[bytes]:
    def build(body: list[list[str]], encoding: str, joiner: str) -> bytes:
        lines = [",".join(header)] + [",".join(row) for row in body]
        return joiner.join(lines).encode(encoding, errors="replace")

    return st.builds(
        build,
        rows,
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
        st.sampled_from(["\n", "\r\n"]),
    )


EMPLOYER_HEADER = ["name", "city", "zip", "phone", "wage_min", "wage_max", "notes"]
SEEKER_HEADER = ["code", "name", "hours_min", "hours_max", "max_miles", "wage_min", "enrolled_on"]
VISIT_HEADER = ["employer", "at", "specialist", "seekers", "duration_minutes", "mode"]


def rows_of(width: int) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(cells, min_size=width - 1, max_size=width + 1), max_size=6)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200) | csv_bytes(EMPLOYER_HEADER, rows_of(7)))
def test_the_csv_reader_raises_only_validation_errors(data: bytes) -> None:
    try:
        with open_table(io.BytesIO(data), known=EMPLOYER_HEADER, required=["name"]) as reader:
            for _ in reader:
                pass
    except ValidationError:
        pass


FILES = [
    (import_employers, EMPLOYER_HEADER),
    (import_seekers, SEEKER_HEADER),
    (import_visits, VISIT_HEADER),
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choice=st.integers(0, 2), data=st.data())
def test_an_import_of_any_file_raises_only_validation_errors(
    db: Database, choice: int, data: st.DataObject
) -> None:
    function, header = FILES[choice]
    payload = data.draw(csv_bytes(header, rows_of(len(header))))
    with db.unit_of_work() as uow:
        try:
            report = function(uow, io.BytesIO(payload), partial=True)
        except ValidationError:
            return
    assert report.counts["rows"] == len(report.rows)
    for rejection in report.rejections:
        assert "\x00" not in rejection.reason

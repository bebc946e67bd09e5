"""Issue 10's import reproductions, each written from its report, on SQLite and PostgreSQL:

1. a NUL byte in a job seekers file never surfaces a driver error or a job seeker's value;
2. an unclosed quote rejects the file naming its line (it used to swallow the next row);
3. a NUL after the first 4 KB is found too;
4. every cell parser is total: 30 nines of wages is a rejected row, and ``--partial``
   still writes the good rows;
5. rejects files are private, atomic, never written through a link, replaced only with
   ``--force``, and their formula cells are neutralized;
6. two overlapping employer files imported at the same time create no duplicates.
"""

from __future__ import annotations

import csv
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ips_jobdev import (
    ConcurrentUpdateError,
    Database,
    JobSeeker,
    ValidationError,
    import_employers,
    import_seekers,
)
from ips_jobdev._importing import ImportReport
from ips_jobdev.cli import main

SEEKER_HEADER = "Code,Name,Wage Min,Disclosure"
NAMES = [f"Person{i} Example" for i in range(10)]
EMPLOYER_HEADER = "Name,City,ZIP,Wage Min,Notes"


def seeker_rows(nul_at: int | None = None) -> list[str]:
    rows = []
    for i, name in enumerate(NAMES):
        shown = name.replace(" ", "\x00 ") if i == nul_at else name
        rows.append(f"P-{2001 + i},{shown},15.00,not-disclose")
    return rows


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def seekers(db: Database, source: Any, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_seekers(uow, source, **options)


def employers(db: Database, source: Any, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_employers(uow, source, **options)


def seeker_count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return len(uow.seekers.list())


def employer_count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.employers.count()


def cli(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", url, *args])


# -- 1. NUL in a job seekers file ------------------------------------------------------------


def test_1_a_nul_in_a_seekers_file_rejects_its_row_naming_line_and_column(
    db: Database, tmp_path: Path
) -> None:
    source = write(tmp_path / "seekers.csv", SEEKER_HEADER, seeker_rows(nul_at=5))
    report = seekers(db, source)
    assert not report.ok
    [rejection] = report.rejections
    assert (rejection.line, rejection.field) == (7, "name")
    assert "NUL" in rejection.reason
    assert rejection.value is None
    assert seeker_count(db) == 0
    report = seekers(db, source, partial=True)
    assert (report.created, report.rejected) == (9, 1)
    assert seeker_count(db) == 9


def test_1_the_cli_prints_no_driver_error_and_no_job_seekers_value(
    db_url: str, tmp_path: Path
) -> None:
    source = write(tmp_path / "seekers.csv", SEEKER_HEADER, seeker_rows(nul_at=5))
    result = cli(db_url, "seekers", "import", str(source))
    assert result.exit_code == 1
    shown = result.output
    assert "line" in shown
    assert "NUL" in shown
    for leak in ("Traceback", "sqlalchemy", "psycopg", "[parameters", "Example", "Person"):
        assert leak not in shown


def test_1_a_value_the_database_refuses_is_reported_without_the_values_sent(
    pg_url: str,
) -> None:
    # PostgreSQL refuses NUL in text: the store's translation must not quote what was sent
    with Database(pg_url) as db:
        with db.unit_of_work() as uow:
            uow.seekers.add(JobSeeker(code="P-2001", name="Secret\x00 Example"))
            with pytest.raises(ValidationError) as caught:
                uow.commit()
        message = str(caught.value)
        assert "database refused a value" in message
        assert "Secret" not in message
        assert "parameters" not in message
        assert seeker_count(db) == 0


# -- 2. an unclosed quote --------------------------------------------------------------------


def test_2_an_unclosed_quote_rejects_the_file_naming_its_line(db: Database, tmp_path: Path) -> None:
    source = write(
        tmp_path / "employers.csv",
        EMPLOYER_HEADER,
        [
            "Example Bakery,Madison,53703,,",
            '"Open quote shop,Madison,53704,,',
            "Third Example Shop,Madison,53705,,",
        ],
    )
    with pytest.raises(ValidationError, match="line 3") as caught:
        employers(db, source)
    assert caught.value.field == "csv"
    assert "closing quote is missing" in caught.value.reason
    assert employer_count(db) == 0


def test_2_a_stray_quote_inside_a_quoted_value_names_its_line(db: Database, tmp_path: Path) -> None:
    source = write(
        tmp_path / "employers.csv",
        EMPLOYER_HEADER,
        ["Example Bakery,Madison,53703,,", '"Example "Best" Shop",Madison,53704,,'],
    )
    with pytest.raises(ValidationError, match=r"line 3.*must be doubled"):
        employers(db, source)
    assert employer_count(db) == 0


def test_2_the_cli_exits_1_with_one_line_naming_the_line(db_url: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "employers.csv",
        EMPLOYER_HEADER,
        ["Example Bakery,Madison,53703,,", '"Open quote shop,Madison,53704,,', "Third,X,53705,,"],
    )
    result = cli(db_url, "employers", "import", str(source), "--partial")
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert "Traceback" not in result.output
    with Database(db_url) as db:
        assert employer_count(db) == 0


# -- 3. NUL after the first 4 KB -------------------------------------------------------------


def test_3_a_nul_far_into_the_file_is_found(db: Database, tmp_path: Path) -> None:
    rows = [f"Example Shop {i},Madison,53703,,note {i}" for i in range(300)]
    rows.append("Example Late Shop,Mad\x00ison,53704,,")
    source = write(tmp_path / "employers.csv", EMPLOYER_HEADER, rows)
    assert source.read_bytes().index(b"\x00") > 4096
    report = employers(db, source)
    [rejection] = report.rejections
    assert (rejection.line, rejection.field) == (302, "city")
    assert employer_count(db) == 0
    assert employers(db, source, partial=True).created == 300
    assert employer_count(db) == 300


# -- 4. cell parsers are total ---------------------------------------------------------------


def test_4_thirty_nines_of_wages_is_a_rejected_row_and_partial_writes_the_rest(
    db: Database, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "employers.csv",
        EMPLOYER_HEADER,
        [
            "Example Bakery,Madison,53703,15.00,",
            f"Example Cafe,Madison,53704,{'9' * 30},",
            "Example Hardware,Madison,53705,1e400,",
            "Example Deli,Madison,53706,1020.99,",
        ],
    )
    report = employers(db, source)
    assert [(r.line, r.field) for r in report.rejections] == [
        (3, "wage_min"),
        (4, "wage_min"),
        (5, "wage_min"),
    ]
    assert "is more than 1,000,000.00" in report.rejections[0].reason
    assert "1020.99 is more than 1,000.00 an hour" in report.rejections[2].reason
    assert employer_count(db) == 0
    report = employers(db, source, partial=True)
    assert (report.created, report.rejected) == (1, 3)
    assert employer_count(db) == 1


def test_4_out_of_range_seeker_numbers_are_rejected_rows(db: Database, tmp_path: Path) -> None:
    header = "Code,Hours Min,Hours Max,Max Miles,Wage Min,Enrolled On"
    source = write(
        tmp_path / "seekers.csv",
        header,
        [
            "P-2001,10,20,5,15,2026-01-05",
            f"P-2002,{'9' * 30},,,,",
            "P-2003,,,1e308,,",
            f"P-2004,,,,{'9' * 30},",
            "P-2005,,,,,9999-12-31",
            "P-2006,,\uff12\uff10,,,",  # full-width digits: int() would take them
        ],
    )
    report = seekers(db, source, partial=True)
    assert [(r.line, r.field) for r in report.rejections] == [
        (3, "hours_min"),
        (4, "max_miles"),
        (5, "wage_min"),
        (6, "enrolled_on"),
        (7, "hours_max"),
    ]
    assert report.created == 1
    assert seeker_count(db) == 1


def test_4_the_cli_with_partial_exits_0_and_writes_the_good_rows(
    db_url: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "employers.csv",
        EMPLOYER_HEADER,
        ["Example Bakery,Madison,53703,15.00,", f"Example Cafe,Madison,53704,{'9' * 30},"],
    )
    result = cli(db_url, "employers", "import", str(source), "--partial")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with Database(db_url) as db:
        assert employer_count(db) == 1


# -- 5. rejects files ------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("https://example.org/?x="&A1,"open")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
]


def formula_rows() -> list[str]:
    rows = ["Example Bakery,Madison,53703,15.00,"]
    for i, formula in enumerate(FORMULAS):
        quoted = '"' + formula.replace('"', '""') + '"'
        rows.append(f"Example Shop {i},Madison,5370,,{quoted}")  # a 4-digit ZIP: rejected
    return rows


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_5_a_rejects_file_is_private_and_its_formula_cells_are_neutralized(
    db: Database, tmp_path: Path
) -> None:
    source = write(tmp_path / "employers.csv", EMPLOYER_HEADER, formula_rows())
    rejects = tmp_path / "to-fix.csv"
    report = employers(db, source, partial=True, rejects_path=rejects)
    assert report.rejected == len(FORMULAS)
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    rows = read_csv(rejects)
    assert rows[0] == [*EMPLOYER_HEADER.split(","), "reason"]
    assert [row[4] for row in rows[1:]] == ["'" + formula for formula in FORMULAS]  # as typed
    assert all(row[0].startswith("Example Shop") for row in rows[1:])
    # fixed and re-imported, the cells read as typed (the apostrophe is not stored)
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        writer.writerows([*row[:2], "53704", *row[3:]] for row in rows[1:])
    assert employers(db, fixed).created == len(FORMULAS)
    with db.unit_of_work() as uow:
        notes = sorted(e.notes for e in uow.employers.list() if e.notes)
    assert notes == sorted(formula.strip() for formula in FORMULAS)


def test_5_a_rejects_file_is_never_written_through_a_link(db: Database, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "to-fix.csv"
    link.symlink_to(victim)
    source = write(tmp_path / "employers.csv", EMPLOYER_HEADER, formula_rows())
    for replace in (False, True):
        with pytest.raises(ValidationError, match="symbolic link") as caught:
            employers(db, source, partial=True, rejects_path=link, replace_rejects=replace)
        assert caught.value.field == "rejects"
    assert victim.read_text() == "precious"
    assert employer_count(db) == 0


def test_5_an_existing_rejects_file_is_replaced_only_when_asked(
    db: Database, tmp_path: Path
) -> None:
    rejects = tmp_path / "to-fix.csv"
    rejects.write_text("keep me")
    rejects.chmod(0o644)
    source = write(tmp_path / "employers.csv", EMPLOYER_HEADER, formula_rows())
    with pytest.raises(ValidationError, match="already exists; use --force"):
        employers(db, source, partial=True, rejects_path=rejects)
    assert rejects.read_text() == "keep me"
    assert employer_count(db) == 0
    report = employers(db, source, partial=True, rejects_path=rejects, replace_rejects=True)
    assert report.rejected == len(FORMULAS)
    assert len(read_csv(rejects)) == 1 + len(FORMULAS)
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_5_the_cli_refuses_an_existing_rejects_file_without_force(
    db_url: str, tmp_path: Path
) -> None:
    rejects = tmp_path / "to-fix.csv"
    rejects.write_text("keep me")
    source = write(tmp_path / "employers.csv", EMPLOYER_HEADER, formula_rows())
    args = ["employers", "import", str(source), "--partial", "--rejects", str(rejects)]
    result = cli(db_url, *args)
    assert result.exit_code != 0
    assert "already exists; use --force" in " ".join(result.output.split())
    assert rejects.read_text() == "keep me"
    result = cli(
        db_url,
        "employers",
        "import",
        str(source),
        "--partial",
        "--rejects",
        str(rejects),
        "--force",
    )
    assert result.exit_code == 0, result.output
    assert len(read_csv(rejects)) == 1 + len(FORMULAS)


# -- 6. concurrent imports -------------------------------------------------------------------


def test_6_overlapping_files_imported_at_the_same_time_create_no_duplicates(
    db_url: str, tmp_path: Path
) -> None:
    names = [f"Example Shop {i},Madison,{53700 + i % 10},," for i in range(2000)]
    first = write(tmp_path / "a.csv", EMPLOYER_HEADER, names[:1500])
    second = write(tmp_path / "b.csv", EMPLOYER_HEADER, names[500:])
    start = threading.Barrier(2)
    outcomes: dict[str, ImportReport | BaseException] = {}

    def run(label: str, source: Path) -> None:
        with Database(db_url) as db:
            start.wait()
            try:
                outcomes[label] = employers(db, source)
            except ConcurrentUpdateError as exc:  # the documented "try again"
                outcomes[label] = exc

    threads = [
        threading.Thread(target=run, args=(label, source))
        for label, source in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Database(db_url) as db, db.unit_of_work() as uow:
        stored = [(e.name, e.zip) for e in uow.employers.list()]
    assert len(stored) == len(set(stored))  # never two records of one employer
    reports = [o for o in outcomes.values() if isinstance(o, ImportReport)]
    assert reports  # at least one import went through
    for report in reports:
        assert report.ok
        assert report.rejected == 0
    if len(reports) == 2:
        assert len(stored) == 2000
        # the second found the first one's rows as they were: unchanged, not duplicates
        assert sorted(r.unchanged for r in reports) == [0, 1000]

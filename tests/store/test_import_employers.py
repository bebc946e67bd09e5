"""Importing employer lists, on SQLite and PostgreSQL: all or nothing, partial, rejects,
dry run, duplicates (within the file and against the database, by each rule, with each
policy), and re-imports that change nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ips_jobdev import Database, Employer, EmployerPerson, ValidationError, import_employers
from ips_jobdev._importing import ImportAction, ImportReport
from ips_jobdev._importing.employers import EmployerImporter
from ips_jobdev._store import tables

HEADER = "name,external_id,industry,job_types,street,city,state,zip,phone,shifts,wage_min,wage_max,bus_access,do_not_contact,contact_name,contact_title,contact_phone,contact_email,notes"  # noqa: E501
BAKERY = "Example Bakery,EX-1,Food Service,baker; Cashier,1 Example St,Madison,wi,53703,(608) 555-0101,day;Evenings,15,18.50,yes,no,Pat Example,Owner,608-555-0102 x7,pat@example.org,Ask for Pat"  # noqa: E501
HARDWARE = "Example Hardware,EX-2,Retail,stock,,Madison,WI,53704,608-555-0103,,,,,,,,,,"
PRINTER = "Example Print Shop,EX-3,Manufacturing,press operator,,Sun Prairie,WI,53590,,,,,n,1,,,,,"


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "employers.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(db: Database, source: Any, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_employers(uow, source, **options)


def employers(db: Database) -> dict[str, Employer]:
    """Stored employers by name, detached with everything loaded."""
    with db.unit_of_work() as uow:
        found = {e.name: e for e in uow.employers.list()}
        uow.session.expunge_all()
        return found


def count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.employers.count()


def add(db: Database, *records: Employer) -> list[int]:
    with db.unit_of_work() as uow:
        uow.employers.add_all(records)
        uow.commit()
        return [r.id for r in records]  # type: ignore[misc]


def test_import_creates_every_employer_with_its_contact(db: Database, tmp_path: Path) -> None:
    report = run(db, write(tmp_path, BAKERY, HARDWARE, PRINTER))
    assert report.ok
    assert report.written
    assert report.counts == {
        "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0
    }  # fmt: skip
    assert all(row.record_id is not None for row in report.rows)
    stored = employers(db)
    bakery = stored["Example Bakery"]
    assert bakery.external_id == "EX-1"
    assert bakery.industry == "food service"
    assert bakery.job_types == ["baker", "cashier"]
    assert bakery.shifts == ["day", "evening"]
    assert bakery.state == "WI"
    assert bakery.phone is not None
    assert bakery.phone.e164 == "+16085550101"
    assert (bakery.wage_min, bakery.wage_max) == (Decimal("15.00"), Decimal("18.50"))
    assert bakery.bus_access is True
    assert bakery.do_not_contact is False
    assert bakery.notes == "Ask for Pat"
    [pat] = bakery.people
    assert (pat.name, pat.title, pat.email) == ("Pat Example", "Owner", "pat@example.org")
    assert pat.phone is not None
    assert pat.phone.to_storage() == "+16085550102;ext=7"
    printer = stored["Example Print Shop"]
    assert printer.bus_access is False
    assert printer.do_not_contact is True
    assert printer.people == []
    assert printer.phone is None
    assert stored["Example Hardware"].bus_access is None


def test_any_rejected_row_means_nothing_is_written(db: Database, tmp_path: Path) -> None:
    bad_zip = "Example Cafe,EX-4,,,,,,5370,608-555-0104,,,,maybe,,,,,,"
    bad_wage = "Example Deli,EX-5,,,,,,53711,,,20,18,,,,,,,"
    report = run(db, write(tmp_path, BAKERY, bad_zip, HARDWARE, bad_wage))
    assert not report.ok
    assert not report.written
    assert count(db) == 0
    assert report.counts["created"] == 2
    assert report.counts["rejected"] == 2
    found = [(r.line, r.field, r.record) for r in report.rejections]
    assert found == [
        (3, "zip", "employer"),
        (3, "bus_access", "employer"),
        (5, "wage_max", "employer"),
    ]
    assert "'5370' is not a 5-digit ZIP" in report.rejections[0].reason
    assert report.rejections[0].value == "5370"
    assert report.rejections[2].reason == "18.00 is below wage_min 20.00"


def test_a_missing_name_and_a_contact_without_a_name_are_rejected(
    db: Database, tmp_path: Path
) -> None:
    no_name = ",EX-6,,,,,,53703,,,,,,,,,,,"
    orphan_contact = "Example Grill,EX-7,,,,,,53703,,,,,,,,Manager,,x@example.org,"
    report = run(db, write(tmp_path, no_name, orphan_contact))
    assert [(r.line, r.field) for r in report.rejections] == [(2, "name"), (3, "contact_name")]
    assert report.rejections[0].reason == "is required"


def test_values_too_long_for_the_database_are_rejected_not_crashing(
    db: Database, tmp_path: Path
) -> None:
    long_city = f"Example Bakery,EX-1,,,,{'M' * 101},WI,53703,,,,,,,,,,,"
    report = run(db, write(tmp_path, long_city, "Example Diner,,,,,,Wisconsin,53703,,,,,,,,,,,"))
    assert [(r.field, r.line) for r in report.rejections] == [("city", 2), ("state", 3)]
    assert "at most 100 fit" in report.rejections[0].reason


def test_partial_writes_the_good_rows_and_the_rejects_file_round_trips(
    db: Database, tmp_path: Path
) -> None:
    bad_phone = "Example Cafe,EX-4,,,,,,53713,608-555-01,,,,,,,,,,"
    rejects = tmp_path / "to-fix.csv"
    source = write(
        tmp_path, BAKERY, bad_phone, HARDWARE, header=HEADER.replace("external_id", "External ID")
    )
    report = run(db, source, partial=True, rejects_path=rejects)
    assert report.written
    assert not report.ok
    assert report.rejects_path == str(rejects)
    assert set(employers(db)) == {"Example Bakery", "Example Hardware"}

    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["name"] == "Example Cafe"
    assert rows[0]["reason"].startswith("phone: '608-555-01'")
    assert list(rows[0])[-1] == "reason"

    rows[0]["phone"] = "608-555-0104"
    with rejects.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = run(db, rejects, rejects_path=tmp_path / "still-wrong.csv")
    assert again.ok
    assert again.created == 1
    assert again.warnings == []  # the reason column is expected, not unknown
    assert count(db) == 3
    assert (tmp_path / "still-wrong.csv").read_text(encoding="utf-8-sig").strip() == (
        ",".join(rows[0])
    )


def test_dry_run_reports_what_would_happen_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    hardware = Employer(
        name="Example Hardware",
        external_id="EX-2",
        zip="53704",
        industry="Retail",
        job_types=["stock"],
        city="Madison",
        state="WI",
        phone="608-555-0103",
    )
    add(db, hardware)
    add(db, Employer(name="Example Print Shop", external_id="EX-3", zip="53590"))
    bad = "Example Cafe,EX-4,,,,,,53713,nope,,,,,,,,,,"
    source = write(tmp_path, BAKERY, HARDWARE, PRINTER, bad)
    report = run(db, source, dry_run=True, on_duplicate="update", partial=True)
    assert report.dry_run
    assert not report.written
    assert report.counts == {
        "rows": 4, "created": 1, "updated": 1, "unchanged": 1, "skipped": 0, "rejected": 1
    }  # fmt: skip
    stored = employers(db)
    assert set(stored) == {"Example Hardware", "Example Print Shop"}
    assert stored["Example Print Shop"].version == 1
    assert stored["Example Print Shop"].do_not_contact is False


def test_importing_the_same_file_twice_reports_every_row_unchanged(
    db: Database, tmp_path: Path
) -> None:
    no_external_id = "Example Diner,,diner,cook,,,,53711,608-555-0105,,,,,,,,,,"
    source = write(tmp_path, BAKERY, HARDWARE, PRINTER, no_external_id)
    assert run(db, source).created == 4
    before = employers(db)
    report = run(db, source)
    assert report.ok
    assert not report.written
    assert [row.action for row in report.rows] == [ImportAction.UNCHANGED] * 4
    assert report.duplicates == []
    after = employers(db)
    for name, employer in after.items():
        assert employer.version == before[name].version == 1
        assert employer.updated_at == before[name].updated_at
        assert len(employer.people) == len(before[name].people)


def test_a_binary_file_object_is_a_source(db: Database) -> None:
    row = BAKERY.replace("Example Bakery", "Café Example")
    report = run(db, io.BytesIO(f"{HEADER}\n{row}\n".encode("cp1252")))
    assert report.created == 1
    assert report.encoding == "windows-1252"
    assert set(employers(db)) == {"Café Example"}


def test_an_unknown_duplicate_policy_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="on_duplicate"):
        run(db, write(tmp_path, BAKERY), on_duplicate="merge")


# -- duplicates within one file ---------------------------------------------------------------

SAME_AS_BAKERY = {
    "external_id": ("external_id", "Other Name,EX-1,,,,,,53711,,,,,,,,,,,"),
    "name": ("name", "The Example Bakery LLC,,,,,,,53703,,,,,,,,,,,"),
    "phone": ("phone", "Elsewhere Foods,,,,,,,53716,608.555.0101,,,,,,,,,,"),
}


@pytest.mark.parametrize("rule", sorted(SAME_AS_BAKERY))
@pytest.mark.parametrize("policy", ["reject", "skip", "update"])
def test_a_later_row_duplicating_an_earlier_one_never_wins(
    db: Database, tmp_path: Path, rule: str, policy: str
) -> None:
    column, duplicate = SAME_AS_BAKERY[rule]
    report = run(db, write(tmp_path, BAKERY, duplicate, HARDWARE), on_duplicate=policy)
    second = report.rows[1]
    assert second.duplicate_of == "line 2"
    assert second.match == column
    if policy == "reject":
        assert second.action is ImportAction.REJECTED
        assert [(r.line, r.field) for r in report.rejections] == [(3, column)]
        assert "duplicates line 2" in report.rejections[0].reason
        assert count(db) == 0
    else:
        assert second.action is ImportAction.SKIPPED
        assert report.ok
        assert report.created == 2
        assert set(employers(db)) == {"Example Bakery", "Example Hardware"}


# -- duplicates against the database --------------------------------------------------------

STORED = {
    "external_id": Employer(name="Old Bakery Name", external_id="EX-1", zip="53711"),
    "name": Employer(name="Example Bakery, Inc.", zip="53703-1234", city="Verona"),
    "phone": Employer(name="Bakery Main Office", zip="53716", phone="+1 608 555 0101"),
}


@pytest.mark.parametrize("rule", sorted(STORED))
@pytest.mark.parametrize("policy", ["reject", "skip", "update"])
def test_a_row_duplicating_a_stored_employer_follows_the_policy(
    db: Database, tmp_path: Path, rule: str, policy: str
) -> None:
    stored = STORED[rule]
    template = Employer(
        name=stored.name, external_id=stored.external_id, zip=stored.zip, phone=stored.phone,
        city=stored.city,
    )  # fmt: skip
    [stored_id] = add(db, template)
    report = run(db, write(tmp_path, BAKERY, HARDWARE), on_duplicate=policy)
    first = report.rows[0]
    assert first.record_id == stored_id
    assert first.match == rule
    assert first.duplicate_of is not None
    assert first.duplicate_of.startswith(f"employer #{stored_id}")
    after = employers(db)
    if policy == "reject":
        assert first.action is ImportAction.REJECTED
        assert report.rejections[0].field == rule
        assert "duplicates employer" in report.rejections[0].reason
        assert set(after) == {stored.name}
    elif policy == "skip":
        assert first.action is ImportAction.SKIPPED
        assert report.ok
        assert report.created == 1
        assert set(after) == {stored.name, "Example Hardware"}
        assert after[stored.name].version == 1
    else:
        assert first.action is ImportAction.UPDATED
        assert report.ok
        assert report.updated == 1
        assert report.created == 1
        assert set(after) == {"Example Bakery", "Example Hardware"}
        bakery = after["Example Bakery"]
        assert bakery.id == stored_id
        assert bakery.version == 2
        assert bakery.external_id == "EX-1"
        assert bakery.zip == "53703"
        assert bakery.phone is not None
        assert bakery.phone.e164 == "+16085550101"
        assert [p.name for p in bakery.people] == ["Pat Example"]


def test_update_leaves_stored_values_where_the_file_has_blank_cells(
    db: Database, tmp_path: Path
) -> None:
    [stored_id] = add(
        db,
        Employer(name="Example Hardware", external_id="EX-2", zip="53704", website="example.org",
                 notes="Loading dock at the back", people=[EmployerPerson(name="Sam Sample",
                 title="Clerk")]),
    )  # fmt: skip
    changed = "Example Hardware,EX-2,Retail,stock,,Madison,WI,53704,,,,,,,sam sample,Manager,,,"
    report = run(db, write(tmp_path, changed), on_duplicate="update")
    assert report.updated == 1
    hardware = employers(db)["Example Hardware"]
    assert hardware.id == stored_id
    assert hardware.website == "example.org"
    assert hardware.notes == "Loading dock at the back"
    assert hardware.industry == "retail"
    assert hardware.city == "Madison"
    [sam] = hardware.people
    assert (sam.name, sam.title) == ("Sam Sample", "Manager")


def test_update_that_matches_two_stored_employers_is_rejected(db: Database, tmp_path: Path) -> None:
    add(
        db,
        Employer(name="Example Bakery", zip="53703"),
        Employer(name="Bakery Office", zip="53716", phone="608-555-0101"),
    )
    report = run(db, write(tmp_path, BAKERY), on_duplicate="update")
    assert report.rejected == 1
    assert "matches several stored records" in report.rejections[0].reason


def test_update_that_would_break_the_wage_range_is_rejected(db: Database, tmp_path: Path) -> None:
    add(db, Employer(name="Example Hardware", external_id="EX-2", wage_min="16", wage_max="17"))
    report = run(
        db, write(tmp_path, "Example Hardware,EX-2,,,,,,,,,18,,,,,,,,"), on_duplicate="update"
    )
    assert [(r.field, r.reason) for r in report.rejections] == [
        ("wage_max", "17.00 is below wage_min 18.00")
    ]


def test_a_failure_while_writing_leaves_the_database_as_it_was(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(db, Employer(name="Example Hardware", external_id="EX-2", zip="53704"))

    def broken_update(self: EmployerImporter, items: Any) -> None:
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(EmployerImporter, "update", broken_update)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        run(db, write(tmp_path, BAKERY, HARDWARE, PRINTER), on_duplicate="update")
    assert set(employers(db)) == {"Example Hardware"}
    with db.engine.connect() as connection:
        people = connection.execute(sa.select(sa.func.count()).select_from(tables.employer_people))
        assert people.scalar() == 0


def test_progress_is_reported_up_to_the_total(db: Database, tmp_path: Path) -> None:
    rows = [f"Example Shop {i},,,,,,,53703,,,,,,,,,,," for i in range(600)]
    seen: list[tuple[int, int]] = []
    run(db, write(tmp_path, *rows), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (1200, 1200)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) <= 210


def test_an_unwritable_rejects_file_stops_the_import_before_anything_is_written(
    db: Database, tmp_path: Path
) -> None:
    bad = "Example Cafe,EX-4,,,,,,5370,,,,,,,,,,,"
    with pytest.raises(ValidationError, match="cannot write") as caught:
        run(db, write(tmp_path, BAKERY, bad), partial=True, rejects_path=tmp_path / "no" / "x.csv")
    assert caught.value.field == "rejects"
    assert count(db) == 0


WINDOWS_HEADER = "name,external_id,zip,contact_name,contact_visiting_windows,visiting_windows"


def test_visiting_windows_are_read_from_their_columns_and_reimport_unchanged(
    db: Database, tmp_path: Path
) -> None:
    rows = (
        'Example Diner,EX-1,53703,Dana Example,"Mon-Fri 6-6:45am; note: before the shift",'
        '"tue-thu 2pm-4pm; NOT 11:30-13:30; note: ask for Dana; side door"',
        "Example Hardware,EX-2,53704,,,",
    )
    path = write(tmp_path, *rows, header=WINDOWS_HEADER)
    assert run(db, path).ok
    stored = employers(db)
    diner = stored["Example Diner"]
    assert str(diner.visiting_windows) == (
        "Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Dana; side door"
    )
    assert str(diner.people[0].visiting_windows) == "Mon-Fri 06:00-06:45; note: before the shift"
    assert not stored["Example Hardware"].visiting_windows
    again = run(db, path, on_duplicate="update")
    assert again.counts["unchanged"] == 2
    changed = 'Example Diner,EX-1,53703,,,"Wed 14-15"'
    assert run(db, write(tmp_path, changed, header=WINDOWS_HEADER), on_duplicate="update").updated
    assert str(employers(db)["Example Diner"].visiting_windows) == "Wed 14:00-15:00"


def test_windows_that_do_not_follow_the_syntax_are_rejected_naming_the_cell(
    db: Database, tmp_path: Path
) -> None:
    bad = "Example Diner,EX-1,53703,,,Tue 16-14"
    bad_contact = "Example Grill,EX-2,53703,Pat Example,whenever,"
    report = run(db, write(tmp_path, bad, bad_contact, header=WINDOWS_HEADER))
    assert not report.written
    found = [(r.line, r.field, r.value) for r in report.rejections]
    assert found == [
        (2, "visiting_windows", "Tue 16-14"),
        (3, "contact_visiting_windows", "whenever"),
    ]
    assert "16:00-14:00 ends before it starts" in report.rejections[0].reason

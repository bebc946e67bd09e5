"""The bulk-csv transport: Bulk API 2.0 CSV files for the Data Loader, checked cell by cell.

The files follow Bulk API 2.0 and Bulk API Developer Guide:

- Prepare CSV Files: UTF-8, a header row of field API names, one record per row, comma
  delimiter, LF line endings by default; an empty cell leaves a field as it is.
  https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_prepare_csv.htm
- Relationship Fields in a Header Row: ``Account.IPS_Jobdev_Id__c`` for Contact's Account
  and ``ObjectType:RelationshipName.IndexedFieldName`` (``Account:What...``,
  ``Contact:Who...``) for Event's polymorphic fields.
  https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_csv_rel_field_header_row.htm
- Valid Date Format in Records: ``yyyy-MM-ddTHH:mm:ss.SSSZ``.
  https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_date_format.htm
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from ips_jobdev_salesforce import SalesforceAdapter

from ips_jobdev._store import Database
from ips_jobdev._sync import export as sync
from ips_jobdev.adapters import ChangeKind, Outcome
from ips_jobdev.testing import records as std

EXT = "IPS_Jobdev_Id__c"
Run = Callable[..., sync.ExportReport]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "to-load"


@pytest.fixture
def run_csv(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    out: Path,
    sf_adapter: SalesforceAdapter,
) -> Run:
    def export(dry_run: bool = False) -> sync.ExportReport:
        with jobdev_database.unit_of_work() as uow:
            return sync.export(
                uow,
                sf_adapter,
                environ={},
                dry_run=dry_run,
                options={"transport": "bulk-csv", "out": str(out)},
            )

    return export


def read(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    raw = path.read_bytes()
    assert b"\r\n" not in raw
    assert not raw.startswith(b"\xef\xbb\xbf")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_one_file_per_object_with_api_names_and_relationship_headers(
    run_csv: Run, out: Path, standard_records: std.StandardRecords
) -> None:
    report = run_csv()
    assert report.ok
    assert report.target == str(out.resolve())
    assert sorted(p.name for p in out.iterdir()) == ["Account.csv", "Contact.csv", "Event.csv"]
    header, accounts = read(out / "Account.csv")
    assert header == [
        EXT,
        "Name",
        "Phone",
        "Website",
        "BillingStreet",
        "BillingCity",
        "BillingState",
        "BillingPostalCode",
        "IPS_Jobdev_Industry__c",
    ]
    plain = standard_records.employer_ids["plain"]
    assert accounts[f"employer-{plain}"] == {
        EXT: f"employer-{plain}",
        "Name": "Fictional Foods Co-op",
        "Phone": "(608) 555-0101",
        "Website": "https://foods.example.org",
        "BillingStreet": "12 Example St",
        "BillingCity": "Madison",
        "BillingState": "WI",
        "BillingPostalCode": "53703",
        "IPS_Jobdev_Industry__c": "Grocery",
    }
    assert accounts[f"employer-{standard_records.employer_ids['unicode']}"]["Name"] == (
        std.UNICODE_EMPLOYER
    )
    header, contacts = read(out / "Contact.csv")
    assert header == [EXT, "FirstName", "LastName", "Title", "Phone", "Email", f"Account.{EXT}"]
    owner = contacts[f"person-{standard_records.person_ids['owner']}"]
    assert (owner["FirstName"], owner["LastName"], owner["Email"]) == ("Zoë", "Ångström-Nguyễn", "")
    assert owner[f"Account.{EXT}"] == f"employer-{standard_records.employer_ids['unicode']}"
    header, events = read(out / "Event.csv")
    assert header == [
        EXT,
        "Subject",
        "StartDateTime",
        "EndDateTime",
        "Location",
        "Description",
        f"Account:What.{EXT}",
        f"Contact:Who.{EXT}",
    ]
    planned = events[f"visit-{standard_records.visit_ids['planned']}"]
    assert planned == {
        EXT: f"visit-{standard_records.visit_ids['planned']}",
        "Subject": "Learning about the business: Fictional Foods Co-op (Maria Example)",
        "StartDateTime": "2026-12-07T16:00:00.000Z",
        "EndDateTime": "2026-12-07T16:30:00.000Z",
        "Location": "12 Example St, Madison, WI 53703",
        "Description": "Learning about the business by Alex Example.\n"
        "Meeting with Dana Manager, Hiring manager.\nCandidates: Maria Example.",
        f"Account:What.{EXT}": f"employer-{plain}",
        f"Contact:Who.{EXT}": f"person-{standard_records.person_ids['manager']}",
    }
    assert len(events) == 7
    assert {i.remote_id for i in report.items} == set(accounts) | set(contacts) | set(events)


def test_a_re_export_writes_nothing_new(run_csv: Run, out: Path) -> None:
    run_csv()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run_csv().sent == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_edit_replaces_the_row_waiting_in_the_file(
    run_csv: Run, out: Path, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run_csv()
    std.edit_visit(jobdev_database, standard_records)
    report = run_csv()
    [item] = report.items
    assert (item.change, item.outcome) == (ChangeKind.UPDATE, Outcome.UPDATED)
    _, events = read(out / "Event.csv")
    assert len(events) == 7
    edited = events[f"visit-{standard_records.visit_ids['to_edit']}"]
    assert edited["StartDateTime"] == "2026-12-08T16:30:00.000Z"


def test_a_cancelled_visit_leaves_the_file_and_is_listed_for_deletion(
    run_csv: Run, out: Path, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    run_csv()
    std.cancel_visit(jobdev_database, standard_records)
    report = run_csv()
    key = f"visit-{standard_records.visit_ids['to_cancel']}"
    assert [(i.key, i.change, i.outcome) for i in report.items] == [
        (key, ChangeKind.CANCEL, Outcome.DELETED)
    ]
    _, events = read(out / "Event.csv")
    assert key not in events
    assert len(events) == 6
    header, removed = read(out / "Event-removed.csv")
    assert header == [EXT]
    assert list(removed) == [key]


def test_a_file_with_other_columns_is_never_overwritten(
    run_csv: Run, out: Path, jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    out.mkdir()
    (out / "Event.csv").write_text("Id,Subject\n00U1,Someone else's\n", encoding="utf-8")
    report = run_csv()
    failed = [i for i in report.items if i.outcome is Outcome.FAILED]
    assert failed
    assert all("has other columns" in (i.reason or "") for i in failed)
    assert (out / "Event.csv").read_text(encoding="utf-8") == "Id,Subject\n00U1,Someone else's\n"


def test_bulk_csv_needs_a_folder(
    jobdev_database: Database,
    standard_records: std.StandardRecords,
    sf_adapter: SalesforceAdapter,
) -> None:
    with jobdev_database.unit_of_work() as uow, pytest.raises(Exception, match="needs a folder"):
        sync.export(uow, sf_adapter, environ={}, options={"transport": "bulk-csv"})


def test_dry_run_lists_the_rows_and_writes_nothing(run_csv: Run, out: Path) -> None:
    report = run_csv(dry_run=True)
    assert not out.exists()
    files = [entry["file"] for entry in report.preview]
    assert files == [str(out / "Account.csv"), str(out / "Contact.csv"), str(out / "Event.csv")]
    assert report.preview[0]["rows"][0]["Name"] == "Fictional Foods Co-op"

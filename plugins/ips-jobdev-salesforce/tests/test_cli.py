"""``ips-jobdev export salesforce`` through the command line, with the plugin installed.

The adapter is found through the ``ips_jobdev`` entry point, as for any user; the token
comes from ``$SALESFORCE_ACCESS_TOKEN`` and must never appear in what the command prints.
"""

from __future__ import annotations

import json

from click.testing import CliRunner
from ips_jobdev_salesforce import SalesforceAdapter, __version__
from ips_jobdev_salesforce.fake import FakeSalesforce

from ips_jobdev._plugins import get_adapter, make_plugin_manager
from ips_jobdev._store import Database
from ips_jobdev.cli import main
from ips_jobdev.testing import records as std


def db_url(database: Database) -> str:
    """The URL of the kit's ``jobdev_database``, for ``--db``."""
    return str(database.url)


def test_the_entry_point_registers_the_adapter() -> None:
    info = get_adapter("salesforce", manager=make_plugin_manager())
    assert info.adapter_class is SalesforceAdapter
    assert (info.plugin, info.version, info.audience.value) == (
        "salesforce",
        __version__,
        "employer-facing",
    )


def test_dry_run_shows_what_would_be_sent_with_the_token_hidden(
    jobdev_database: Database, standard_records: std.StandardRecords, org: FakeSalesforce
) -> None:
    env = {"SALESFORCE_ACCESS_TOKEN": org.token, "SALESFORCE_INSTANCE_URL": org.url}
    url = db_url(jobdev_database)
    args = ["--db", url, "export", "salesforce", "--dry-run"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert org.token not in result.output
    assert "access_token=********" in result.output
    assert "'authorization': 'Bearer ********'" in result.output
    assert "/composite/sobjects/Account/IPS_Jobdev_Id__c" in result.output
    assert "Would send: 13 change(s)" in result.output
    assert org.requests == []
    as_json = CliRunner().invoke(main, [*args, "--json"], env=env)
    document = json.loads(as_json.stdout)
    assert org.token not in as_json.output
    assert document["options"]["access_token"] == "********"
    assert document["preview"][0]["authorization"] == "Bearer ********"


def test_export_then_export_again_sends_nothing(
    jobdev_database: Database, standard_records: std.StandardRecords, org: FakeSalesforce
) -> None:
    args = [
        "--db",
        db_url(jobdev_database),
        "export",
        "salesforce",
        "-o",
        f"instance_url={org.url}",
    ]
    env = {"SALESFORCE_ACCESS_TOKEN": org.token}
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert "Sent: 13 change(s)" in first.output
    count = len(org.requests)
    again = CliRunner().invoke(main, args, env=env)
    assert again.exit_code == 0
    assert "Sent: 0 change(s)" in again.output
    assert len(org.requests) == count


def test_a_refused_token_exits_1_and_never_prints_it(
    jobdev_database: Database, standard_records: std.StandardRecords, org: FakeSalesforce
) -> None:
    args = [
        "--db",
        db_url(jobdev_database),
        "export",
        "salesforce",
        "-o",
        f"instance_url={org.url}",
    ]
    result = CliRunner().invoke(main, args, env={"SALESFORCE_ACCESS_TOKEN": "00DX!wrong-one"})
    assert result.exit_code == 1
    assert "INVALID_SESSION_ID" in result.output
    assert "wrong-one" not in result.output


def test_a_dry_run_without_configuration_exits_1_at_once_naming_the_option(
    jobdev_database: Database, standard_records: std.StandardRecords
) -> None:
    # issue 10: it listed every record (1,161 lines) and exited 0, failing only at the end
    env: dict[str, str | None] = {"SALESFORCE_ACCESS_TOKEN": None, "SALESFORCE_INSTANCE_URL": None}
    args = ["--db", db_url(jobdev_database), "export", "salesforce", "--dry-run"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.strip()] == [
        "Error: salesforce: option.instance_url: give it or set $SALESFORCE_INSTANCE_URL"
    ]

"""``ips-jobdev export hubspot`` through the command line, with the plugin installed.

The adapter is found through the ``ips_jobdev`` entry point, as for any user; the token
comes from ``$HUBSPOT_TOKEN`` and must never appear in what the command prints.
"""

from __future__ import annotations

import json

from click.testing import CliRunner
from ips_jobdev_hubspot import HubSpotAdapter, __version__
from ips_jobdev_hubspot.fake import FakeHubSpot

from ips_jobdev._plugins import get_adapter, make_plugin_manager
from ips_jobdev._store import Database
from ips_jobdev.cli import main
from ips_jobdev.testing import records as std


def db_url(database: Database) -> str:
    """The URL of the kit's ``jobdev_database``, for ``--db``."""
    return str(database.url)


def test_the_entry_point_registers_the_adapter() -> None:
    info = get_adapter("hubspot", manager=make_plugin_manager())
    assert info.adapter_class is HubSpotAdapter
    assert (info.plugin, info.version, info.audience.value) == (
        "hubspot",
        __version__,
        "employer-facing",
    )


def test_dry_run_shows_what_would_be_sent_with_the_token_hidden(
    jobdev_database: Database, standard_records: std.StandardRecords, hub: FakeHubSpot
) -> None:
    args = [
        "--db",
        db_url(jobdev_database),
        "export",
        "hubspot",
        "--dry-run",
        "-o",
        f"base_url={hub.url}",
    ]
    env = {"HUBSPOT_TOKEN": hub.token}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert hub.token not in result.output
    assert "access_token=********" in result.output
    assert "'authorization': 'Bearer ********'" in result.output
    assert "/crm/v3/objects/meetings/batch/create" in result.output
    assert "Would send: 13 change(s)" in result.output
    assert hub.requests == []
    as_json = CliRunner().invoke(main, [*args, "--json"], env=env)
    document = json.loads(as_json.stdout)
    assert hub.token not in as_json.output
    assert document["options"]["access_token"] == "********"
    assert {entry["authorization"] for entry in document["preview"]} == {"Bearer ********"}


def test_export_then_export_again_sends_nothing(
    jobdev_database: Database, standard_records: std.StandardRecords, hub: FakeHubSpot
) -> None:
    url = db_url(jobdev_database)
    args = ["--db", url, "export", "hubspot", "-o", f"base_url={hub.url}"]
    env = {"HUBSPOT_TOKEN": hub.token}
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert "Sent: 13 change(s)" in first.output
    count = len(hub.requests)
    again = CliRunner().invoke(main, args, env=env)
    assert again.exit_code == 0
    assert "Sent: 0 change(s)" in again.output
    assert len(hub.requests) == count


def test_a_refused_token_exits_1_and_never_prints_it(
    jobdev_database: Database, standard_records: std.StandardRecords, hub: FakeHubSpot
) -> None:
    url = db_url(jobdev_database)
    args = ["--db", url, "export", "hubspot", "-o", f"base_url={hub.url}"]
    result = CliRunner().invoke(main, args, env={"HUBSPOT_TOKEN": "pat-na1-wrong-one"})
    assert result.exit_code == 1
    assert "INVALID_AUTHENTICATION" in result.output
    assert "wrong-one" not in result.output

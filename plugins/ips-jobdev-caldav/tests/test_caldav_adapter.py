"""Behaviour of the caldav adapter beyond the kit: calendars, duplicates, secrets, the CLI."""

from __future__ import annotations

import json
from typing import Any

import caldav
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from ips_jobdev_caldav import CalDavAdapter

from ips_jobdev import Database
from ips_jobdev._plugins import get_adapters, make_plugin_manager
from ips_jobdev._store import tables
from ips_jobdev._sync.export import export
from ips_jobdev.cli import main
from ips_jobdev.errors import AdapterError
from ips_jobdev.testing.records import StandardRecords

SECRET = "S3cret-pw-for-tests"


def _options(radicale: Any, user: str, **more: Any) -> dict[str, Any]:
    return {"url": radicale.url, "username": user, "password": SECRET, **more}


def _events(radicale: Any, user: str, name: str = "IPS employer visits") -> list[Any]:
    client = caldav.DAVClient(url=radicale.url, username=user, password="x")
    for calendar in client.principal().calendars():
        if calendar.get_display_name() == name:
            return list(calendar.events())
    return []


def test_refuses_a_missing_calendar_unless_asked_to_create_it(
    radicale: Any, caldav_user: str, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    with jobdev_database.unit_of_work() as uow, pytest.raises(AdapterError, match="no calendar"):
        export(uow, CalDavAdapter(), options=_options(radicale, caldav_user), environ={})
    with jobdev_database.unit_of_work() as uow:
        report = export(
            uow,
            CalDavAdapter(),
            options=_options(radicale, caldav_user, create_calendar="yes"),
            environ={},
        )
    assert report.ok
    assert report.counts == {"created": 7}
    assert len(_events(radicale, caldav_user)) == 7


def test_a_lost_sync_state_never_duplicates_events(
    radicale: Any, caldav_user: str, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    options = _options(radicale, caldav_user, create_calendar="yes")
    with jobdev_database.unit_of_work() as uow:
        first = export(uow, CalDavAdapter(), options=options, environ={})
    with jobdev_database.unit_of_work() as uow:
        uow.session.execute(sa.delete(tables.sync_state))
        uow.commit()
    with jobdev_database.unit_of_work() as uow:
        again = export(uow, CalDavAdapter(), options=options, environ={})
    assert again.counts == {"created": 7}
    assert {i.remote_id for i in again.items} == {i.remote_id for i in first.items}
    assert len(_events(radicale, caldav_user)) == 7


def test_the_password_never_appears_in_reports_or_errors(
    jobdev_database: Database, standard_records: StandardRecords
) -> None:
    unreachable = {"url": "http://127.0.0.1:9/", "username": "ab", "password": SECRET}
    with jobdev_database.unit_of_work() as uow:
        dry = export(uow, CalDavAdapter(), options=unreachable, dry_run=True, environ={})
    assert SECRET not in json.dumps(dry.to_dict())
    assert dry.options["password"] == "********"
    with jobdev_database.unit_of_work() as uow, pytest.raises(AdapterError) as caught:
        export(uow, CalDavAdapter(), options=unreachable, environ={})
    assert SECRET not in str(caught.value)


def test_the_entry_point_registers_the_adapter_with_the_distribution_version() -> None:
    info = get_adapters(make_plugin_manager())["caldav"]
    assert info.version == "0.1.0"
    assert info.audience.value == "personal-calendar"
    assert [o.name for o in info.options if o.secret] == ["password"]


def test_the_command_line_exports_one_specialist_with_the_password_from_the_environment(
    radicale: Any, caldav_user: str, jobdev_database: Database, standard_records: StandardRecords
) -> None:
    runner = CliRunner()
    args = [
        "--db", jobdev_database.url, "export", "caldav", "--specialist", "ab",
        "-o", f"url={radicale.url}", "-o", f"username={caldav_user}",
        "-o", "create_calendar=yes", "--json",
    ]  # fmt: skip
    result = runner.invoke(main, args, env={"IPS_JOBDEV_CALDAV_PASSWORD": SECRET})
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    document = json.loads(result.output)
    assert document["counts"] == {"created": 6}
    assert len(_events(radicale, caldav_user)) == 6
    again = runner.invoke(main, args, env={"IPS_JOBDEV_CALDAV_PASSWORD": SECRET})
    assert json.loads(again.output)["sent"] == 0

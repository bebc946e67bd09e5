"""``ips-jobdev employers windows``: when an employer, or a person there, can be visited.

JSON document (stable: keys are only ever added)::

    {"employer": {"id": N, "name": TEXT}, "visiting_windows": TEXT|null,
     "people": [{"id": N, "name": TEXT, "visiting_windows": TEXT|null}],
     "changed": true|false|null}

``changed`` is ``null`` when the windows were only shown.
"""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape

from ips_jobdev import _model as model
from ips_jobdev._casework.windows import set_visiting_windows
from ips_jobdev.cli._app import (
    App,
    command_error,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)

__all__ = ["windows_command"]


def _document(employer: model.Employer, changed: bool | None) -> dict[str, Any]:
    return {
        "employer": {"id": employer.id, "name": employer.name},
        "visiting_windows": str(employer.visiting_windows) or None,
        "people": [
            {"id": p.id, "name": p.name, "visiting_windows": str(p.visiting_windows) or None}
            for p in employer.people
        ],
        "changed": changed,
    }


@click.command("windows")
@click.argument("employer", metavar="EMPLOYER")
@click.argument("windows", metavar='["WINDOWS"]', required=False)
@click.option("--person", metavar="NAME", help="The windows of this person there instead.")
@click.option("--clear", is_flag=True, help="Remove the windows recorded.")
@db_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev employers windows "Example Diner" "Tue-Thu 14:00-16:00; not 11:30-13:30"',
    'ips-jobdev employers windows "#12" "Mon-Fri 6:00-6:45; note: before the first shift"'
    ' --person "Dana Example"',
    'ips-jobdev employers windows "Example Diner"',
    'ips-jobdev employers windows "Example Diner" --clear',
)
def windows_command(
    app: App,
    employer: str,
    windows: str | None,
    person: str | None,
    clear: bool,
    as_json: bool,
) -> None:
    """Record when an employer (or, with --person, someone there) can be visited; with no
    WINDOWS, show what is recorded.

    WINDOWS is entries separated by ';': weekly slots such as 'Tue-Thu 14:00-16:00' or
    'weekdays 2-4pm', blackouts such as 'not 11:30-13:30' or 'not Fri', and at the end
    'note: ...'. The planner puts visits inside the slots and outside the blackouts; a
    visit logged at another time is still recorded (the windows are advice).
    EMPLOYER is an external id, a name, or #ID.
    """
    if clear and windows is not None:
        raise command_error("give WINDOWS or --clear, not both")
    with app.uow() as uow:
        if windows is None and not clear:
            found = uow.employers.lookup(employer)
            if person is not None:
                raise command_error("--person needs WINDOWS or --clear")
            _show(app, found, as_json)
            return
        change = set_visiting_windows(uow, employer, None if clear else windows, person=person)
        uow.commit()
        warn_hook_failures(app, uow)
        if as_json:
            app.print_json(_document(change.employer, change.changed))
            return
        who = (
            f"{change.person.name} at {change.employer.name}"
            if change.person
            else (change.employer.name)
        )
        text = str(change.after) or "none recorded (any time)"
        verb = "now" if change.changed else "unchanged"
        app.console.print(f"{escape(who)}: {verb} {escape(text)}", soft_wrap=True)


def _show(app: App, employer: model.Employer, as_json: bool) -> None:
    if as_json:
        app.print_json(_document(employer, None))
        return
    console = app.console
    console.print(
        f"{escape(employer.name)}: {escape(str(employer.visiting_windows) or 'any time')}",
        soft_wrap=True,
    )
    for person in employer.people:
        if person.visiting_windows:
            console.print(
                f"  {escape(person.name)}: {escape(str(person.visiting_windows))}", soft_wrap=True
            )

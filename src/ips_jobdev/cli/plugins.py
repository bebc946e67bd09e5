"""``ips-jobdev plugins``: the installed adapters, their audience, record kinds and options."""

from __future__ import annotations

import click
from rich.table import Table

from ips_jobdev._plugins import DEFAULT_PLUGINS, get_adapters, get_plugin_manager, plugin_problems
from ips_jobdev.cli._app import App, json_option, pass_app, with_examples

__all__ = ["plugins_command"]


@click.command("plugins")
@json_option
@pass_app
@with_examples("ips-jobdev plugins", "ips-jobdev plugins --json")
def plugins_command(app: App, as_json: bool) -> None:
    """List the installed adapters: version, audience, record kinds and options.

    Built-in adapters (ics, csv, json) are always there; others come from installed
    plugins (set IPS_JOBDEV_LOAD_PLUGINS=name,name to load only some, or empty for none).
    """
    manager = get_plugin_manager()
    adapters = get_adapters(manager)
    problems = plugin_problems(manager)
    if as_json:
        app.print_json(
            {"adapters": [info.to_dict() for info in adapters.values()], "problems": problems}
        )
        return
    table = Table(title="Adapters", show_lines=False)
    for column in ("adapter", "version", "audience", "records", "options", "plugin"):
        table.add_column(column, no_wrap=column in ("adapter", "audience"))
    for info in adapters.values():
        options = "\n".join(
            f"{o.name}{'*' if o.required else ''}{' (secret)' if o.secret else ''}"
            + (f" ${o.env}" if o.env else "")
            for o in info.options
        )
        table.add_row(
            info.name,
            info.version,
            info.audience.value,
            ", ".join(k.value for k in info.record_kinds),
            options or "-",
            "built-in" if info.plugin in DEFAULT_PLUGINS else info.plugin,
        )
    app.console.print(table)
    app.console.print("* required option. Give options with --option name=value.")
    for problem in problems:
        app.err_console.print(f"Warning: {problem}")

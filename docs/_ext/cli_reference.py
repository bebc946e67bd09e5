"""A Sphinx directive that renders the ``ips-jobdev`` command's help, command by command.

The reference is made from the click objects at build time, so it cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

import click
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name]))
    return found


class CliReference(SphinxDirective):
    """``.. cli-reference::`` — every command with its full ``--help`` text."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from ips_jobdev.cli import main

        lines: list[str] = []
        for path, command in _walk(main, ["ips-jobdev"]):
            name = " ".join(path)
            with click.Context(command, info_name=name) as ctx:
                help_text = command.get_help(ctx)
            lines += [f"## `{name}`", "", "```text", *help_text.splitlines(), "```", ""]
        container = nodes.section()
        self.state.nested_parse(StringList(lines, source="cli-reference"), 0, container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("cli-reference", CliReference)
    return {"parallel_read_safe": True, "version": "1"}

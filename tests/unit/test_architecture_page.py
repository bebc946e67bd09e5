"""docs/explanation/architecture.md shows the import graph between the parts; it must be
the code's own (regenerate the block from the assertion message when a part's imports
change on purpose)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "explanation" / "architecture.md"

_spec = importlib.util.spec_from_file_location(
    "layering", Path(__file__).with_name("test_layering.py")
)
assert _spec is not None
assert _spec.loader is not None
layering = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("layering", layering)
_spec.loader.exec_module(layering)

PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("faces: cli", ("ips_jobdev.cli", "ips_jobdev.__main__")),
    ("faces: web", ("ips_jobdev.web",)),
    ("api (package root)", ("ips_jobdev",)),
    ("casework", ("ips_jobdev._casework",)),
    ("references", ("ips_jobdev._lookup",)),
    ("importing", ("ips_jobdev._importing",)),
    ("matching", ("ips_jobdev.matching",)),
    ("cycles", ("ips_jobdev.cycles",)),
    ("planning", ("ips_jobdev._planning",)),
    ("reports", ("ips_jobdev._reports",)),
    ("overview", ("ips_jobdev._overview",)),
    ("sync", ("ips_jobdev._sync",)),
    ("demo", ("ips_jobdev.demo",)),
    ("events to plugins", ("ips_jobdev._notify",)),
    ("plugins", ("ips_jobdev._plugins", "ips_jobdev._deprecated")),
    ("hooks (the contract)", ("ips_jobdev.hookspecs",)),
    ("adapters", ("ips_jobdev.adapters",)),
    ("testing kit", ("ips_jobdev.testing",)),
    ("privacy", ("ips_jobdev.privacy",)),
    ("store", ("ips_jobdev._store",)),
    (
        "record",
        (
            "ips_jobdev._model",
            "ips_jobdev._vocab",
            "ips_jobdev._phones",
            "ips_jobdev._geo",
            "ips_jobdev._events",
            "ips_jobdev._records",
            "ips_jobdev._jsonable",
            "ips_jobdev._tomlfields",
            "ips_jobdev._version",
            "ips_jobdev.errors",
        ),
    ),
)


def part_of(module: str) -> str:
    best = ""
    found = ""
    for name, prefixes in PARTS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, found = prefix, name
    assert found, f"{module} belongs to no part: add it to PARTS"
    return found


def graph_block() -> str:
    edges: dict[str, set[str]] = {name: set() for name, _ in PARTS}
    for module in layering.MODULES:
        source = part_of(module)
        for imported in layering.imports_of(module):
            if imported in layering.MODULES:
                target = part_of(imported)
                if target != source:
                    edges[source].add(target)
    lines = ["| part | imports |", "|---|---|"]
    order = [name for name, _ in PARTS]
    for name in order:
        if not any(part_of(m) == name for m in layering.MODULES):
            continue
        targets = ", ".join(t for t in order if t in edges[name]) or "(nothing of the package)"
        lines.append(f"| {name} | {targets} |")
    return "\n".join(lines)


def test_the_architecture_page_shows_the_import_graph_of_the_code() -> None:
    text = PAGE.read_text(encoding="utf-8")
    match = re.search(r"<!-- import-graph -->\n(.*?)\n<!-- /import-graph -->", text, re.S)
    assert match, "the page lost its import-graph block"
    expected = graph_block()
    assert match.group(1).strip() == expected, f"regenerate the block:\n{expected}"


def test_the_faces_are_imported_by_nothing_but_themselves() -> None:
    block = graph_block()
    rows = [line for line in block.splitlines()[2:] if not line.startswith("| faces")]
    assert not [row for row in rows if "faces:" in row.split("|")[2]]

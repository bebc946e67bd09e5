"""The house rule (shared/architecture.md), checked on the code's own imports.

- The record (``_model`` and the value modules) imports no framework: no SQLAlchemy, pluggy,
  click, rich, HTTP or web library.
- Only the store (``_store/``) talks SQL: no other module imports ``sqlalchemy`` or the
  store's tables and mapping. The faces' ``--db`` handling reaches the store only through
  its public functions (named below and in docs/explanation/architecture.md).
- Use cases never import a face (``cli``, ``web``); the store imports no use case.
- No import cycles between modules (imports inside functions count: a cycle hidden in a
  function is still a cycle; ``if TYPE_CHECKING:`` imports do not, they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "ips_jobdev"

VALUE_MODULES = {
    "ips_jobdev._model",
    "ips_jobdev._vocab",
    "ips_jobdev._phones",
    "ips_jobdev._geo",
    "ips_jobdev._events",
    "ips_jobdev._publisher",
    "ips_jobdev._records",
    "ips_jobdev._jsonable",
    "ips_jobdev._tomlfields",
    "ips_jobdev._windows",
    "ips_jobdev._version",
    "ips_jobdev.errors",
}
FRAMEWORKS = {
    "sqlalchemy",
    "alembic",
    "pluggy",
    "click",
    "rich",
    "httpx",
    "urllib.request",
    "starlette",
    "jinja2",
    "uvicorn",
    "psycopg",
}
FACES = ("ips_jobdev.cli", "ips_jobdev.web")
STORE = "ips_jobdev._store"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _all_modules() -> dict[str, Path]:
    return {
        _module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
    }


MODULES = _all_modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that runs (module level or inside functions), not TYPE_CHECKING ones."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(module: str) -> set[str]:
    """The modules ``module`` imports, resolved to the most precise module name."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = module.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            found.add(candidate if candidate in MODULES else base)
    return found


def _is_under(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("module", sorted(VALUE_MODULES & set(MODULES)))
def test_the_record_and_its_values_import_no_framework(module: str) -> None:
    bad = {name for name in imports_of(module) if _is_under(name, tuple(FRAMEWORKS))}
    internal = {n for n in imports_of(module) if n.startswith("ips_jobdev")}
    assert bad == set()
    assert internal <= VALUE_MODULES, f"{module} reaches beyond the values: {internal}"


# The only places outside the store allowed to import store modules other than its public
# face (``ips_jobdev._store``, the unit of work, the read-side queries and bulk writes):
# the command line's --db handling, which opens, creates and upgrades databases.
STORE_PUBLIC = (
    "ips_jobdev._store",
    "ips_jobdev._store.unit_of_work",
    "ips_jobdev._store.queries",
    "ips_jobdev._store.bulk",
    "ips_jobdev._store.batching",
    "ips_jobdev._store.repositories",
    "ips_jobdev._store.sync_state",
    "ips_jobdev._store.history",
)
DB_HANDLING = {"ips_jobdev.cli._app", "ips_jobdev.cli.db"}
DB_HANDLING_MAY_USE = ("ips_jobdev._store.database", "ips_jobdev._store.migrate")


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not _is_under(m, STORE)))
def test_only_the_store_talks_sql(module: str) -> None:
    imported = imports_of(module)
    assert not {n for n in imported if _is_under(n, ("sqlalchemy", "alembic"))}, (
        f"{module} imports SQLAlchemy: SQL belongs in ips_jobdev._store"
    )
    store_internals = {
        n
        for n in imported
        if _is_under(n, STORE)
        and not any(n == p or _is_under(n, p) for p in STORE_PUBLIC[2:])
        and n not in STORE_PUBLIC
    }
    if module in DB_HANDLING:
        store_internals = {n for n in store_internals if not _is_under(n, DB_HANDLING_MAY_USE)}
    assert store_internals == set(), f"{module} reaches into the store: {sorted(store_internals)}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if not _is_under(m, FACES) and m != "ips_jobdev.__main__")
)
def test_nothing_below_the_faces_imports_a_face(module: str) -> None:
    faces = {n for n in imports_of(module) if _is_under(n, FACES)}
    assert faces == set(), f"{module} imports a face: {sorted(faces)}"


USE_CASE_PACKAGES = (
    "ips_jobdev._casework",
    "ips_jobdev._importing",
    "ips_jobdev._planning",
    "ips_jobdev._reports",
    "ips_jobdev._sync",
    "ips_jobdev._overview",
    "ips_jobdev.matching",
    "ips_jobdev.cycles",
    "ips_jobdev.demo",
    "ips_jobdev._plugins",
    "ips_jobdev.privacy",
    "ips_jobdev.adapters",
)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _is_under(m, STORE)))
def test_the_store_imports_no_use_case(module: str) -> None:
    above = {n for n in imports_of(module) if _is_under(n, USE_CASE_PACKAGES + FACES)}
    assert above == set(), f"{module} imports a use case: {sorted(above)}"


def test_no_module_imports_the_package_root() -> None:
    # the root re-exports everything: importing it from inside makes a cycle
    offenders = sorted(m for m in MODULES if m != "ips_jobdev" and "ips_jobdev" in imports_of(m))
    assert offenders == []


def _cycles() -> list[list[str]]:
    graph = {m: sorted(n for n in imports_of(m) if n in MODULES and n != m) for m in MODULES}
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_cycles() -> None:
    cycles = _cycles()
    assert cycles == [], "\n".join(" <-> ".join(c) for c in cycles)


# Calls to APIs that take any number of values by design (columns, cells) are left out.
VARIADIC_CALLEES = {
    "select", "Table", "add_row", "union_all", "tuple_", "join", "path",
    "debug", "info", "warning", "error", "exception",  # logging: a format and its values
}  # fmt: skip


def _callee_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_call_passes_more_than_five_positional_arguments(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    long_calls = [
        f"line {node.lineno}: {_callee_name(node)}({len(node.args)} positional)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and len(node.args) > 5
        and not any(isinstance(a, ast.Starred) for a in node.args)
        and _callee_name(node) not in VARIADIC_CALLEES
    ]
    assert long_calls == [], "name the arguments: " + "; ".join(long_calls)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not _is_under(m, STORE)))
def test_nothing_outside_the_store_reaches_for_the_session(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    uses = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]
    assert uses == [], f"{module} uses .session on lines {uses}: ask the store instead"

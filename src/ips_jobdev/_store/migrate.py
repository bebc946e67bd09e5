"""Schema migrations with Alembic, shipped inside the package.

The migration scripts live in ``ips_jobdev/_store/migrations``; these functions run them on
an engine, so no ``alembic.ini`` is needed anywhere.

Every command checks the schema version before it reads, so that check must be cheap:
:func:`head_revision`, :func:`known_revisions` and :func:`current_revision` read the
scripts' ``revision``/``down_revision`` lines and the ``alembic_version`` table directly,
and Alembic itself is imported only to migrate (``ips-jobdev db upgrade``, a new database).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ips_jobdev.errors import SchemaOutOfDateError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "alembic_config",
    "current_revision",
    "head_revision",
    "is_empty",
    "known_revisions",
    "upgrade",
]

_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def alembic_config(engine: sa.Engine | None = None) -> Config:
    """An Alembic configuration pointing at the packaged scripts (and ``engine``)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "ips_jobdev._store:migrations")
    if engine is not None:
        # ConfigParser interpolates "%": URLs with escapes (options=-csearch_path%3D...) need "%%"
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
        config.attributes["engine"] = engine
    return config


@functools.cache
def _revision_graph() -> dict[str, tuple[str, ...]]:
    """Each packaged revision and the revisions it follows, read from the scripts' text."""
    graph: dict[str, tuple[str, ...]] = {}
    for script in sorted((Path(__file__).parent / "migrations" / "versions").iterdir()):
        if not script.name.endswith(".py") or script.name.startswith("_"):
            continue
        text = script.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        down = _DOWN_REVISION.search(text)
        if revision is None or down is None:
            continue
        graph[revision.group(1)] = tuple(_QUOTED.findall(down.group(1)))
    return graph


def head_revision() -> str:
    """The newest migration this version of ips-jobdev knows."""
    graph = _revision_graph()
    followed = {parent for parents in graph.values() for parent in parents}
    heads = [revision for revision in graph if revision not in followed]
    if len(heads) == 1:
        return heads[0]
    # several heads (or none): let Alembic say what is wrong with the scripts
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every migration this version of ips-jobdev knows."""
    return set(_revision_graph())


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, or ``None`` for a database never migrated."""
    with engine.connect() as connection:
        if not connection.dialect.has_table(connection, "alembic_version"):
            return None
        versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    if len(versions) > 1:
        raise SchemaOutOfDateError(
            "the database records several schema versions at once "
            f"({', '.join(sorted(str(v[0]) for v in versions))}); it was not made by ips-jobdev"
        )
    return str(versions[0][0]) if versions else None


def is_empty(engine: sa.Engine) -> bool:
    """True when the database holds no tables at all (a new file or a new schema)."""
    return not sa.inspect(engine).get_table_names()


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database to ``revision``; returns (revision before, revision after).

    Raises:
        SchemaOutOfDateError: the database was made by a newer ips-jobdev, or holds other
            tables and no ips-jobdev schema version; nothing is changed.
    """
    from alembic import command

    before = current_revision(engine)
    if before is not None and before not in known_revisions():
        raise SchemaOutOfDateError(
            f"the database is at schema {before}, newer than this ips-jobdev knows "
            f"(latest {head_revision()}); update ips-jobdev"
        )
    if before is None and not is_empty(engine):
        raise SchemaOutOfDateError(
            "the database has tables but no ips-jobdev schema version; is it an ips-jobdev "
            "database? Nothing was changed"
        )
    command.upgrade(alembic_config(engine), revision)
    after = current_revision(engine)
    assert after is not None
    return before, after

"""Schema migrations with Alembic, shipped inside the package.

The migration scripts live in ``ips_jobdev/_store/migrations``; these functions run them on
an engine, so no ``alembic.ini`` is needed anywhere.
"""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from ips_jobdev.errors import SchemaOutOfDateError

__all__ = ["alembic_config", "current_revision", "head_revision", "is_empty", "upgrade"]


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration pointing at the packaged scripts (and ``engine``)."""
    config = Config()
    config.set_main_option("script_location", "ips_jobdev._store:migrations")
    if engine is not None:
        # ConfigParser interpolates "%": URLs with escapes (options=-csearch_path%3D...) need "%%"
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
        config.attributes["engine"] = engine
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The packaged migration scripts, read once per process: they cannot change while it
    runs, and reading them (Alembic executes each file) was most of opening a database."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration this version of ips-jobdev knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every migration this version of ips-jobdev knows."""
    return {s.revision for s in _scripts().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_empty(engine: Engine) -> bool:
    """True when the database holds no tables at all (a new file or a new schema)."""
    return not inspect(engine).get_table_names()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database to ``revision``; returns (revision before, revision after).

    Raises:
        SchemaOutOfDateError: the database was made by a newer ips-jobdev, or holds other
            tables and no ips-jobdev schema version; nothing is changed.
    """
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

"""Storage: SQLAlchemy mapping of the model, migrations, repositories, the unit of work."""

from ips_jobdev._store.unit_of_work import Database, UnitOfWork, open_store, reads_unaudited

__all__ = ["Database", "UnitOfWork", "open_store", "reads_unaudited"]

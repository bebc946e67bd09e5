"""The statewide benchmark data set: deterministic by seed, sized by scale, readable."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import statewide

from ips_jobdev import Database
from ips_jobdev._geo import wisconsin_zips
from ips_jobdev._store import tables


def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        dump = {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key))
            ]
            for table in tables.metadata.sorted_tables
            # the change history says when and by whom: not the same twice
            if table.name != "change_history"
        }
    engine.dispose()
    return dump


def test_same_seed_and_scale_give_the_same_rows(tmp_path: Path) -> None:
    first, second, other = (f"sqlite:///{tmp_path / name}.sqlite3" for name in "abc")
    info = statewide.generate(first, seed=11, scale=0.001)
    statewide.generate(second, seed=11, scale=0.001)
    statewide.generate(other, seed=12, scale=0.001)
    assert _dump(first) == _dump(second)
    assert _dump(first)["employers"] != _dump(other)["employers"]
    assert info.counts["employers"] == 150
    assert info.counts["visits"] == 1000
    assert info.counts["job_seekers"] == 4
    assert info.seeker_codes == ["J-0001", "J-0002", "J-0003", "J-0004"]


def test_generated_records_load_through_the_store_on_real_wisconsin_zips(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    statewide.generate(url, seed=3, scale=0.001)
    zips = set(wisconsin_zips())
    db = Database(url)
    with db.unit_of_work() as uow:
        employers = uow.employers.list()
        assert all(e.zip in zips and e.state == "WI" for e in employers)
        assert all(
            e.phone is None or e.phone.national.endswith(tuple(f"-01{n:02d}" for n in range(100)))
            for e in employers
        )
        visits = uow.visits.list()
        assert all(v.at.date() <= statewide.END for v in visits)
        assert uow.specialists.by_code("S-001").email == "s-001@example.org"
        # a new record gets an id past the generated ones
        seeker = uow.seekers.list()[0]
        assert seeker.preferences.home_zip is None or seeker.preferences.home_zip in zips
    db.dispose()


def test_several_programs_on_postgresql_each_link_in_its_visits_program(pg_url: str) -> None:
    info = statewide.generate(pg_url, seed=5, scale=0.001, programs=2)
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as connection:
            programs = connection.scalars(
                sa.select(tables.visits.c.program_id).distinct().order_by("program_id")
            ).all()
            links = connection.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count().filter(
                        tables.visit_seekers.c.program_id == tables.visits.c.program_id
                    ),
                ).select_from(tables.visit_seekers.join(tables.visits))
            ).one()
    finally:
        engine.dispose()
    assert programs == [1, 2]
    assert links[0] == info.counts["visit_seekers"] > 0
    assert links[1] == links[0]

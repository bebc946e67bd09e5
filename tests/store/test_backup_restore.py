"""Backups of a shared PostgreSQL with ``pg_dump`` and a restore test, as the how-to "Run
one PostgreSQL for several programs" says: ``pg_dump`` needs ``--enable-row-security``
(the tables force row-level security on their owner), and the restored copy holds every
program's rows and opens at the current schema."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

import ips_jobdev as jobdev
from ips_jobdev import Database

HOWTO = Path(__file__).resolve().parents[2] / "docs" / "howto" / "run-a-shared-database.md"


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False)


def test_a_backup_restores_with_every_programs_rows(pg_url: str, tmp_path: Path) -> None:
    db = Database(pg_url)
    with db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        jobdev.add_program(uow, "rock", "Rock County IPS")
        uow.commit()
    for program in ("dane", "rock"):
        with db.unit_of_work(program=program) as uow:
            jobdev.add_specialist(uow, f"s-{program}", f"Specialist {program}")
            uow.seekers.add(jobdev.JobSeeker(code=f"P-{program}"))
            uow.commit()
    db.dispose()

    url = make_url(pg_url)
    schema = url.query["options"].split("search_path=")[1]
    env = {**os.environ, "PGPASSWORD": str(url.password)}
    connect = ["-h", str(url.host), "-p", str(url.port or 5432), "-U", str(url.username)]
    dump = tmp_path / "ips.dump"

    refused = _run(
        "pg_dump", *connect, "-n", schema, "-Fc", "-f", str(dump), str(url.database), env=env
    )
    assert refused.returncode != 0
    assert "row-level security" in refused.stderr
    # one schema of a database shared with other tests: as the how-to says for a schema,
    # the extension the employer search's index uses is named, or it stays behind
    made = _run(
        "pg_dump", *connect, "-n", schema, "-e", "pg_trgm", "--enable-row-security", "-Fc",
        "-f", str(dump), str(url.database), env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    howto = HOWTO.read_text(encoding="utf-8")
    assert "--enable-row-security" in howto
    assert "-e pg_trgm" in howto

    scratch = f"restore_{uuid.uuid4().hex[:10]}"
    assert _run("createdb", *connect, scratch, env=env).returncode == 0
    try:
        restored = _run("pg_restore", *connect, "-d", scratch, str(dump), env=env)
        assert restored.returncode == 0, restored.stderr
        copy = url.set(database=scratch)
        copy_url = copy.render_as_string(hide_password=False)
        with Database(copy_url) as again, again.unit_of_work() as uow:
            assert again.schema_revision() == Database.latest_schema_revision()
            per_program = {
                p.code: (p.specialists, p.job_seekers) for p in jobdev.list_programs(uow)
            }
            assert per_program == {"dane": (1, 1), "rock": (1, 1)}
        engine = sa.create_engine(copy_url)
        with engine.connect() as connection:
            policies = connection.execute(
                sa.text("SELECT count(*) FROM pg_policies WHERE policyname = 'program_boundary'")
            ).scalar_one()
        engine.dispose()
        assert policies >= 10, "the row-level security policies came back with the tables"
    finally:
        _run("dropdb", *connect, scratch, env=env)

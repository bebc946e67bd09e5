"""The README's Python tour runs as written (on SQLite and PostgreSQL, after the demo)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import ips_jobdev as jobdev
from ips_jobdev.demo import build_demo

ROOT = Path(__file__).resolve().parents[2]


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_api_tour_runs_against_the_demo_county(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = _python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "the README has no Python example"
    source = blocks[0]
    url = "postgresql+psycopg://ips:secret@db.example.org/ips"
    assert url in source
    database = jobdev.Database(db_url)
    with database.unit_of_work() as uow:
        build_demo(uow)
        uow.commit()
    database.dispose()
    shutil.copy(ROOT / "docs" / "examples" / "employers.csv", tmp_path / "employers.csv")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(source.replace(url, db_url), "README.md", "exec"), namespace)

    with jobdev.open_store(db_url) as uow:
        bakery = uow.employers.find_by_name("Example Bakery", "53703")
        assert len(bakery) == 1
        visits = uow.visits.between(employer_id=bakery[0].id)
        assert [v.purpose.value for v in visits] == ["introduce"]
        assert uow.specialists.by_code("ab").name == "Alex Example"
    figures = namespace["figures"]
    assert isinstance(figures, jobdev.FidelityReport)

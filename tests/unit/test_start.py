"""A quick start (issue 14): ``import ips_jobdev`` and ``ips-jobdev --help`` load no heavy
library, the command list comes from summaries that match each command's own help, and
the ZIP table is read from its cache file instead of being rebuilt from ``zipcodes``.

Each check runs in a new Python process: what a process has imported is the behaviour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from ips_jobdev._geo import ZipTable
from ips_jobdev.cli import COMMANDS, main

HEAVY = ("sqlalchemy", "pluggy", "rich", "icalendar", "phonenumbers", "alembic", "zipcodes")


def _python(code: str, cache: Path | None = None) -> str:
    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


_LOADED = f"import sys, json; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert json.loads(_python(f"import ips_jobdev\n{_LOADED}")) == []


def test_a_public_name_loads_its_module_on_first_use() -> None:
    out = _python(f"import ips_jobdev\nips_jobdev.Database\n{_LOADED}")
    assert "sqlalchemy" in json.loads(out)


def test_help_lists_every_command_without_loading_a_heavy_library() -> None:
    code = (
        "import contextlib, io\n"
        "from ips_jobdev.cli import main\n"
        "buffer = io.StringIO()\n"
        "with contextlib.redirect_stdout(buffer):\n"
        "    main(['--help'], standalone_mode=False)\n"
        "import sys\n"
        "print(buffer.getvalue(), file=sys.stderr)\n"
        f"{_LOADED}"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
    for name in COMMANDS:
        assert f"\n  {name} " in done.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_summary_is_the_commands_own_first_line(name: str) -> None:
    lazy = COMMANDS[name]
    command = lazy.load()
    assert command.name == name
    own = command.get_short_help_str(200)
    assert click.Command(name, help=lazy.summary).get_short_help_str(200) == own
    assert main.get_command(click.Context(main), name) is command


def test_the_zip_table_is_read_from_its_cache_file_after_the_first_use(tmp_path: Path) -> None:
    ask = (
        "import sys, json\n"
        "from ips_jobdev._geo import cache_path, zip_centroid\n"
        "print(json.dumps([zip_centroid('53703'), str(cache_path()), 'zipcodes' in sys.modules]))"
    )
    first, path, built = json.loads(_python(ask, cache=tmp_path))
    assert built, "the first use builds the table from zipcodes"
    assert Path(path).is_file()
    assert Path(path).is_relative_to(tmp_path)
    again, _, rebuilt = json.loads(_python(ask, cache=tmp_path))
    assert not rebuilt, "later processes read the cache file"
    assert again == first
    Path(path).write_bytes(b"not a table")
    mended, _, rebuilt = json.loads(_python(ask, cache=tmp_path))
    assert rebuilt, "a damaged cache file is rebuilt"
    assert mended == first
    assert Path(path).read_bytes() != b"not a table"


def test_the_cached_table_holds_what_zipcodes_holds() -> None:
    import zipcodes

    built = ZipTable.from_zipcodes()
    read = ZipTable.from_bytes(built.to_bytes())
    assert len(read) == len(built) > 40_000
    for code in ("53703", "53589", "00501", "99950", "10001"):
        row = zipcodes.matching(code)[0]  # type: ignore[no-untyped-call]
        i = read.index(code)
        assert i is not None
        place = read.place(i)
        assert place.centroid == (float(row["lat"]), float(row["long"]))
        assert (place.city, place.state) == (row["city"], row["state"])
        assert place.kind == (row.get("zip_code_type") or "STANDARD")
        assert place.active == bool(row.get("active", True))
    with pytest.raises(ValueError, match="cut short"):
        ZipTable.from_bytes(built.to_bytes()[:1000])


def test_commands_load_only_what_they_use() -> None:
    """``plan``, ``match`` and ``targets`` do not load the demo (nor rich) to register its
    sections, and on SQLite nothing loads SQLAlchemy's PostgreSQL dialect."""
    code = (
        "import sys, json\n"
        "import ips_jobdev.cli.plan, ips_jobdev.cli.matching, ips_jobdev.cli.due\n"
        "wanted = ('ips_jobdev.cli.demo', 'ips_jobdev.demo', 'sqlalchemy.dialects.postgresql')\n"
        "print(json.dumps([m for m in wanted if m in sys.modules]))"
    )
    assert json.loads(_python(code)) == []


_FROZEN = (
    "import contextlib, gc, io, json, sys\n"
    "sys.argv = ['ips-jobdev', 'due', '--help']\n"
    "from ips_jobdev.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
    "    main({})\n"
    "print(json.dumps([gc.get_freeze_count() > 0, gc.isenabled()]))"
)


def test_a_whole_process_freezes_what_its_command_imported() -> None:
    """Run as the ``ips-jobdev`` script (arguments from ``sys.argv``), the command's imports
    are frozen out of the garbage collector, which is on again after them."""
    assert json.loads(_python(_FROZEN.format(""))) == [True, True]


def test_a_program_passing_its_own_arguments_keeps_its_collector_as_it_was() -> None:
    assert json.loads(_python(_FROZEN.format("['due', '--help']"))) == [False, True]

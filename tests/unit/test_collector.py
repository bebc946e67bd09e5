"""The cycle collector's setting while imports and exports run."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ips_jobdev._collector import FEWER_COLLECTIONS, fewer_collections


@pytest.fixture
def default_threshold() -> Iterator[tuple[int, ...]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_fewer_collections_within_and_restored_after(default_threshold: tuple[int, ...]) -> None:
    with fewer_collections():
        assert gc.get_threshold() == (FEWER_COLLECTIONS, 10, 10)
    assert gc.get_threshold() == default_threshold


def test_overlapping_blocks_restore_once_the_last_ends(
    default_threshold: tuple[int, ...],
) -> None:
    first = fewer_collections()
    second = fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    # the other block (an import while an export runs) keeps its setting
    assert gc.get_threshold()[0] == FEWER_COLLECTIONS
    second.__exit__(None, None, None)
    assert gc.get_threshold() == default_threshold


def test_a_higher_setting_is_kept(default_threshold: tuple[int, ...]) -> None:
    gc.set_threshold(FEWER_COLLECTIONS * 2, 10, 10)
    with fewer_collections():
        assert gc.get_threshold()[0] == FEWER_COLLECTIONS * 2
    assert gc.get_threshold()[0] == FEWER_COLLECTIONS * 2


def test_restored_when_the_block_raises(default_threshold: tuple[int, ...]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the export failed")
    assert gc.get_threshold() == default_threshold

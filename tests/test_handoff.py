"""Results handed back through shared memory: the same values, no file left behind."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import handoff, parallel


def _arrays(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    return {
        "odd": rng.integers(0, 255, 100_001, dtype=np.uint8),  # leaves the next one unaligned
        "sets": rng.integers(0, 2**32, 50_000, dtype=np.uint32),
        "offsets": np.arange(0, 40_000, dtype=np.int64),
        "keys": rng.integers(0, 2**63, 16, dtype=np.uint64),  # small: copied out
        "matrix": rng.integers(0, 2**32, (4, 20_000), dtype=np.uint32),
        "label": "batch",
    }


def test_a_large_result_travels_through_a_file_that_is_gone_once_read(tmp_path: Path) -> None:
    value = _arrays(1)
    parcel = handoff.packed(value, str(tmp_path))
    assert parcel.path is not None and Path(parcel.path).parent == tmp_path
    back = handoff.unpacked(parcel)
    assert os.listdir(tmp_path) == []
    assert isinstance(back, dict) and back.keys() == value.keys()
    for name, array in value.items():
        if isinstance(array, np.ndarray):
            assert back[name].dtype == array.dtype and np.array_equal(back[name], array)
            assert back[name].ctypes.data % array.dtype.alignment == 0
        else:
            assert back[name] == array


def test_arrays_read_back_are_private_and_writable(tmp_path: Path) -> None:
    value = _arrays(2)
    back = handoff.unpacked(handoff.packed(value, str(tmp_path)))
    assert isinstance(back, dict)
    back["sets"][:10] = 7  # copy-on-write: the worker's file is not written
    back["keys"][0] = 1
    assert (back["sets"][:10] == 7).all() and back["keys"][0] == 1


def test_small_results_travel_inside_the_message(tmp_path: Path) -> None:
    value = {"ids": ["a", "b"], "lengths": np.arange(10)}
    parcel = handoff.packed(value, str(tmp_path))
    assert parcel.path is None and os.listdir(tmp_path) == []
    back = handoff.unpacked(parcel)
    assert isinstance(back, dict) and back["ids"] == ["a", "b"]
    assert np.array_equal(back["lengths"], np.arange(10))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 70_000), max_size=6), st.sampled_from(["u1", "u4", "i8"]))
def test_any_arrays_come_back_equal(sizes: list[int], dtype: str) -> None:
    arrays = [np.arange(size, dtype=dtype) for size in sizes]
    with tempfile.TemporaryDirectory() as directory:
        back = handoff.unpacked(handoff.packed(arrays, directory))
        assert isinstance(back, list) and len(back) == len(arrays)
        assert all(
            np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(arrays, back, strict=True)
        )
        assert os.listdir(directory) == []


def _big(seed: int) -> np.ndarray:
    return np.full(50_000, seed, dtype=np.int64)


@pytest.mark.parametrize("memory", [True, False])
def test_ordered_map_gives_the_same_results_with_or_without_shared_memory(
    memory: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "MEMORY_DIRECTORY", tmp_path if memory else tmp_path / "absent")
    handed: list[handoff.Parcel] = []
    monkeypatch.setattr(parallel, "unpacked", lambda p: handed.append(p) or handoff.unpacked(p))
    results = list(parallel.ordered_map(_big, range(9), 2))
    assert [int(result[0]) for result in results] == list(range(9))
    assert all(result.size == 50_000 for result in results)
    assert len(handed) == (8 if memory else 0)  # all but the first, done here
    assert os.listdir(tmp_path) == []  # the pool's directory is gone with it


def test_a_run_stopped_early_leaves_nothing_in_shared_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "MEMORY_DIRECTORY", tmp_path)
    results = parallel.ordered_map(_big, range(50), 2)
    assert int(next(results)[0]) == 0 and int(next(results)[0]) == 1
    assert len(os.listdir(tmp_path)) == 1  # the pool's directory, parcels in flight in it
    results.close()  # they were never read
    assert os.listdir(tmp_path) == []


def test_a_full_directory_sends_the_result_through_the_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Full(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(handoff, "open", lambda *args, **kwargs: Full(), raising=False)
    value = _arrays(3)
    parcel = handoff.packed(value, str(tmp_path))
    assert parcel.path is None and os.listdir(tmp_path) == []
    back = handoff.unpacked(parcel)
    assert isinstance(back, dict) and np.array_equal(back["sets"], value["sets"])


def test_a_directory_that_cannot_be_written_sends_it_through_the_pipe(tmp_path: Path) -> None:
    parcel = handoff.packed(_arrays(4), str(tmp_path / "gone"))
    assert parcel.path is None
    assert isinstance(handoff.unpacked(parcel), dict)


def test_directories_of_killed_runs_are_removed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "MEMORY_DIRECTORY", tmp_path)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    orphan = tmp_path / f"neardup-{ended.pid}-x1y2"
    live = tmp_path / f"neardup-{os.getpid()}-a1b2"
    other = tmp_path / "neardup-report"  # not a pool's: left alone
    for directory in (orphan, live, other):
        directory.mkdir()
        (directory / "parcel").write_bytes(b"\0" * 100)
    with handoff.memory_directory() as shared:
        assert shared is not None and Path(shared).parent == tmp_path
        assert not orphan.exists() and live.exists() and other.exists()
    assert not Path(shared).exists()


def test_a_name_with_a_pid_too_large_for_any_process_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "MEMORY_DIRECTORY", tmp_path)
    odd = tmp_path / f"neardup-{10**30}-abc"
    odd.mkdir()
    with handoff.memory_directory() as shared:
        assert shared is not None
    assert odd.exists()

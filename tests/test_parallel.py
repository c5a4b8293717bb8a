"""Work in other processes: ``alongside`` (the write stage's parts)."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest

from neardup import parallel


def _note_pid_and_wait(path: Path, others: list[Path]) -> None:
    """Record this process, then wait for the others: were two calls to share one
    process, one after the other, the first would wait in vain."""
    path.write_text(str(os.getpid()))
    deadline = time.monotonic() + 20
    while not all(other.exists() for other in others) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_alongside_runs_the_others_in_forked_processes(tmp_path: Path) -> None:
    large = list(range(100_000))  # reaches the children by fork, never pickled
    marks = [tmp_path / f"{i}" for i in range(2)]
    value = parallel.alongside(
        lambda: sum(large), [lambda mark=mark: _note_pid_and_wait(mark, marks) for mark in marks]
    )
    assert value == sum(large)
    pids = {int(mark.read_text()) for mark in marks}
    assert len(pids) == 2 and os.getpid() not in pids
    assert parallel._inherited == []


def test_an_error_elsewhere_is_raised_here(tmp_path: Path) -> None:
    def fail() -> None:
        raise ValueError("in a child")

    ran = tmp_path / "ran"
    with pytest.raises(ValueError, match="in a child"):
        parallel.alongside(lambda: ran.write_text("yes"), [fail])
    assert ran.read_text() == "yes"  # this process's share finished first
    assert parallel._inherited == []


def test_without_fork_the_others_run_here_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    order: list[str] = []
    value = parallel.alongside(
        lambda: order.append("here") or 7, [lambda: order.append("a"), lambda: order.append("b")]
    )
    assert value == 7 and order == ["here", "a", "b"]


def _stream_ids(_: object) -> tuple[int, int]:
    return id(sys.stdout), id(sys.stderr)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_workers_write_through_streams_of_their_own() -> None:
    # A thread of the parent (the progress display) may hold a stream's buffer lock at
    # the instant of fork; a child writing through the inherited object would wait for
    # it forever (CPython gh-84579), so workers get new objects on the same descriptors.
    inherited = _stream_ids(None)
    seen = set(parallel.ordered_map(_stream_ids, range(6), 2))
    assert inherited in seen  # the first item is done here
    assert len(seen) > 1 and all(set(ids).isdisjoint(inherited) for ids in seen - {inherited})
    assert parallel.alongside(lambda: 0, [lambda: None]) == 0


def test_prefetched_computes_the_next_item_while_the_caller_works() -> None:
    """``prefetched`` yields in order, runs the next call during the caller's turn,
    and never has more than two results outstanding."""
    import threading

    started: list[int] = []
    gate = threading.Event()

    def slow_double(item: int) -> int:
        started.append(item)
        if item == 1:
            gate.set()  # item 1 began while the caller still held item 0
        return item * 2

    results = parallel.prefetched(slow_double, range(5))
    first = next(results)
    assert first == 0
    assert gate.wait(timeout=20)
    assert max(started) <= 1  # nothing beyond the one next item ran ahead
    assert [first, *results] == [0, 2, 4, 6, 8]
    assert started == [0, 1, 2, 3, 4]

"""Work shared among processes: a map over batches (results in input order), and
calls run beside this process's own (:func:`alongside`).

Only a bounded window of batches is in flight, so reading never runs ahead
of the workers and memory stays flat however large the input. Workers are
forked where the platform can (they start at once and need no importable
``__main__``; they touch nothing but the function they run, and write through
stdout and stderr objects of their own), else spawned.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import suppress
from itertools import chain, islice
from typing import TypeVar, cast

from neardup.handoff import ViaSharedMemory, memory_directory, unpacked

In = TypeVar("In")
Out = TypeVar("Out")

_WINDOW_PER_WORKER = 2  # batches queued per worker: one running, one ready


def thread_map(func: Callable[[In], Out], items: Iterable[In], threads: int) -> Iterator[Out]:
    """``map(func, items)`` on ``threads`` threads, a bounded window in flight.

    For numpy sorts and ``nogil`` numba kernels, which run in parallel
    without leaving the process or copying their inputs.
    """
    if threads <= 1:
        yield from map(func, items)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        yield from _windowed(pool, func, items, threads)


def prefetched(func: Callable[[In], Out], items: Iterable[In]) -> Iterator[Out]:
    """``map(func, items)`` with the next item's call running on a thread while the
    caller works on this one's result: at most two results are held at once."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield from _windowed(pool, func, items, 1)


def _windowed(
    pool: Executor, func: Callable[[In], Out], items: Iterable[In], workers: int
) -> Iterator[Out]:
    pending: deque[Future[Out]] = deque()
    for item in items:
        pending.append(pool.submit(func, item))
        if len(pending) >= workers * _WINDOW_PER_WORKER:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def ordered_map(func: Callable[[In], Out], items: Iterable[In], workers: int) -> Iterator[Out]:
    """``map(func, items)`` on ``workers`` processes.

    In-process when ``workers`` is 1 or there is a single item: starting
    processes costs more than a small input takes. The first item is always
    done here, so whatever it loads (compiled kernels) is inherited by
    forked workers instead of being loaded again in each. Results come back
    through shared memory where there is some (:mod:`neardup.handoff`).
    """
    iterator = iter(items)
    head = list(islice(iterator, 2))
    if not head:
        return
    yield func(head[0])
    if workers <= 1 or len(head) < 2:
        yield from map(func, chain(head[1:], iterator))
        return
    items = chain(head[1:], iterator)
    with memory_directory() as shared, _process_pool(workers) as pool:
        if shared is None:
            yield from _windowed(pool, func, items, workers)
            return
        for parcel in _windowed(pool, ViaSharedMemory(func, shared), items, workers):
            yield cast(Out, unpacked(parcel))


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked where the platform can (spawned elsewhere), each writing through its
    own stdout and stderr (see :func:`_own_std_streams`)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_own_std_streams,
        initargs=(_descriptor(sys.stdout), _descriptor(sys.stderr)),
    )


def _descriptor(stream: object) -> int | None:
    try:
        return int(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # a capture buffer, a closed stream
        return None


def _own_std_streams(stdout: int | None, stderr: int | None) -> None:
    """In a forked worker: new ``sys.stdout`` and ``sys.stderr`` on the same descriptors.

    A thread of the parent (the progress display) may hold the lock of a stream's
    buffer at the instant of fork; the child inherits it held by a thread it does not
    have, and would hang the first time it writes there (a warning, a traceback:
    CPython gh-84579). The worker never touches the inherited objects again.
    """
    for name, descriptor in (("stdout", stdout), ("stderr", stderr)):
        target: int | str = os.devnull
        if descriptor is not None:
            with suppress(OSError):  # closed since: nowhere to write
                target = os.dup(descriptor)
        stream = open(target, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115  (the worker's for life)
        setattr(sys, name, stream)


_inherited: list[Callable[[], object]] = []  # what forked children of `alongside` run


def _call_inherited(index: int) -> object:
    return _inherited[index]()


def alongside(here: Callable[[], Out], elsewhere: Sequence[Callable[[], object]]) -> Out:
    """``here()`` in this process while each of ``elsewhere`` runs in a forked one; its
    value once all have finished, the first exception of any raised here.

    The callables reach the children by fork, not by pickling, so they may close over
    large state (a run's result). Without fork, they run here one after another.
    """
    if not elsewhere:
        return here()
    if "fork" not in multiprocessing.get_all_start_methods():
        value = here()
        for call in elsewhere:
            call()
        return value
    _inherited[:] = elsewhere
    try:
        with _process_pool(len(elsewhere)) as pool:
            futures = [pool.submit(_call_inherited, i) for i in range(len(elsewhere))]
            value = here()
            for future in futures:
                future.result()
    finally:
        _inherited.clear()
    return value

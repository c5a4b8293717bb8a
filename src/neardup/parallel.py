"""Work shared among processes: a map over batches (results in input order), and
calls run beside this process's own (:func:`alongside`).

Only a bounded window of batches is in flight, so reading never runs ahead
of the workers and memory stays flat however large the input. Workers are
forked where the platform can (they start at once and need no importable
``__main__``; they touch nothing but the function they run), else spawned.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from itertools import chain, islice
from typing import TypeVar

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
    forked workers instead of being loaded again in each.
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
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from _windowed(pool, func, items, workers)


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
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(elsewhere), mp_context=context) as pool:
            futures = [pool.submit(_call_inherited, i) for i in range(len(elsewhere))]
            value = here()
            for future in futures:
                future.result()
    finally:
        _inherited.clear()
    return value

"""Group commit: documents of concurrent requests handled as one batch by one thread.

A request costs one batch's overhead (a transaction, lookups, a commit, the
numpy calls) however many documents it carries; sixteen clients each adding
one document would pay it sixteen times. One thread takes whatever requests
are waiting, in arrival order, and hands their documents over as one batch:
the index settles an added batch exactly as if its documents came one by
one, and a query batch document by document against the index alone. A
batch that fails (an id already indexed, say) is retried request by
request, so one bad request fails alone. Adds and queries have a queue
each, so queries never wait for a commit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from neardup.index_types import Outcome
from neardup.types import Record

MAX_GROUP = 256  # documents handled together at most: bounds one batch's latency
Work = Callable[[list[Record]], list[Outcome]]


@dataclass
class _Job:
    records: list[Record]
    future: Future[list[Outcome]] = field(default_factory=Future)


class BatchQueue:
    """Runs ``work`` on batches of whatever requests are waiting, in one thread."""

    def __init__(self, work: Work, name: str, max_group: int = MAX_GROUP) -> None:
        self._work = work
        self._max_group = max_group
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, records: list[Record]) -> Future[list[Outcome]]:
        job = _Job(records)
        self._jobs.put(job)
        return job.future

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            group = [job]
            size = len(job.records)
            while size < self._max_group:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._commit(group)
                    return
                group.append(more)
                size += len(more.records)
            self._commit(group)

    def _commit(self, group: list[_Job]) -> None:
        if len(group) > 1:
            try:
                outcomes = self._work([r for job in group for r in job.records])
            except Exception:
                pass  # settle them one by one below, so each gets its own answer
            else:
                for job in group:
                    job.future.set_result(outcomes[: len(job.records)])
                    outcomes = outcomes[len(job.records) :]
                return
        for job in group:
            try:
                job.future.set_result(self._work(job.records))
            except Exception as error:
                job.future.set_exception(error)

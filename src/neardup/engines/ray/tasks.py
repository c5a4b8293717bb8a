"""Running a stage's tasks on Ray: the session, the task wrapper, markers, progress.

A stage is a list of tasks, each a module-level function and its arguments
under a key (a partition or bucket number). :class:`Stages` submits those
without a completion marker, reports each as it finishes, re-raises a
task's :class:`~neardup.errors.NeardupError` as itself, and marks the stage
done once every task is.
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from neardup.config import RayConfig
from neardup.engines.ray.storage import WorkDir
from neardup.errors import ConfigError, MissingDependencyError, NeardupError
from neardup.progress import Progress

_CANCEL_SECONDS = 60  # a cancelled task stops at its next Python instruction: soon
_OBJECT_STORE_BYTES = 256 << 20  # a local instance moves statistics only through it

Task = tuple[str, Callable[..., Any], tuple[Any, ...]]


def one_each(count: int, function: Callable[..., Any], work: WorkDir, *rest: Any) -> list[Task]:
    """A task per partition or bucket ``i < count``: ``function(work, i, *rest)``, keyed ``NNNNN``."""
    return [(f"{i:05d}", function, (work, i, *rest)) for i in range(count)]


def require_ray() -> Any:
    try:
        import fsspec  # noqa: F401
        import ray
    except ImportError as error:
        raise MissingDependencyError(
            f"--engine ray needs Ray and fsspec ({error.name} is missing): "
            "pip install 'neardup[ray]'"
        ) from error
    return ray


@contextmanager
def session(ray: Any, config: RayConfig) -> Iterator[None]:
    """Ray as the caller has it, or connected / started here (and shut down after)."""
    if ray.is_initialized():
        yield
        return
    quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
    if config.address is not None:
        try:
            ray.init(address=config.address, **quiet)
        except ValueError as error:  # ray:// without the client's own dependencies
            if "ray[client]" not in str(error):
                raise
            raise MissingDependencyError(
                f"--ray-address {config.address} connects through Ray Client, which needs "
                "its extra: pip install 'ray[client]'"
            ) from error
        except ConnectionError as error:
            raise ConfigError(
                f"cannot connect to the Ray cluster at {config.address} ({error}); check "
                "--ray-address and that the cluster is up"
            ) from error
    elif os.environ.get("RAY_ADDRESS"):
        ray.init(**quiet)
    else:
        ray.init(
            num_cpus=config.num_cpus,
            include_dashboard=False,
            object_store_memory=_OBJECT_STORE_BYTES,
            **quiet,
        )
    try:
        yield
    finally:
        ray.shutdown()


def execute(
    work: WorkDir, stage: str, key: str, function: Callable[..., Any], args: tuple[Any, ...]
) -> dict[str, Any]:
    """A task: run ``function``, then leave its completion marker (runs in a Ray worker)."""
    began = time.perf_counter()
    stats = dict(function(*args) or {})
    stats["task_seconds"] = round(time.perf_counter() - began, 4)
    stats["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    stats["worker"] = os.getpid()
    work.mark_done(f"{stage}/{key}", stats)
    return stats


class Stages:
    """Runs stages of tasks on Ray, skipping tasks and stages marked done."""

    def __init__(
        self,
        ray: Any,
        work: WorkDir,
        progress: Progress,
        after_stage: Callable[[str], None] | None,
    ) -> None:
        self.ray, self.work, self.progress, self.after_stage = ray, work, progress, after_stage
        self.remote = ray.remote(num_cpus=1)(execute)
        self.resumed: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.peaks: dict[int, float] = {}

    def stage(
        self, name: str, tasks: Sequence[Task], label: str | None = None
    ) -> list[dict[str, Any]]:
        """Every task of a stage done (those without a marker submitted); their statistics."""
        began = time.perf_counter()
        label = label or name
        stored = self.work.done(name)
        if stored is not None:
            self.resumed[name] = len(tasks)
            self.progress.start(f"{label} (done)", total=len(tasks))
            self.progress.advance(len(tasks))
            self.progress.finish()
            results: list[dict[str, Any]] = stored["tasks"]
            return results
        self.progress.start(label, total=len(tasks))
        found: dict[int, dict[str, Any]] = {}
        pending: dict[Any, int] = {}
        for index, (key, function, args) in enumerate(tasks):
            done = self.work.done(f"{name}/{key}")
            if done is not None:
                found[index] = done
                self.resumed[name] = self.resumed.get(name, 0) + 1
                self.progress.advance()
            else:
                ref = self.remote.remote(self.work, name, key, function, args)
                pending[ref] = index
        while pending:
            ready, _ = self.ray.wait(list(pending), num_returns=1)
            index = pending.pop(ready[0])
            found[index] = self._get(ready[0], pending)
            self.progress.advance()
        self.progress.finish()
        results = [found[index] for index in range(len(tasks))]
        for stats in results:
            worker = int(stats.get("worker", 0))
            self.peaks[worker] = max(
                self.peaks.get(worker, 0.0), float(stats.get("peak_rss_mb", 0))
            )
        self.work.mark_done(name, {"tasks": results})
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began
        if self.after_stage is not None:
            self.after_stage(name)
        return results

    def _get(self, ref: Any, pending: dict[Any, int]) -> dict[str, Any]:
        try:
            stats: dict[str, Any] = self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as error:
            self._cancel(list(pending))
            cause = getattr(error, "cause", None)
            if isinstance(cause, NeardupError):
                raise cause from None
            raise
        return stats

    def _cancel(self, refs: list[Any]) -> None:
        """Stop the stage's other tasks, and wait until none still writes into the output."""
        for ref in refs:
            self.ray.cancel(ref)
        if refs:
            self.ray.wait(refs, num_returns=len(refs), timeout=_CANCEL_SECONDS)

"""The Ray engine (extra ``neardup[ray]``): the local engine's stages as Ray tasks.

Same clusters, kept copies and similarities as ``--engine local`` for the
same input and settings; a run that dies resumes from its output directory.
Modules, one stage or concern each:

- ``plan``: partitions of the input (byte ranges of plain JSONL), settings fingerprint;
- ``featurize``: per partition, the :class:`~neardup.features.Featurizer` features on disk;
- ``groups``: repeated ids and exact-text groups, by bucket of key;
- ``candidates``: band keys shuffled by key, candidate pairs per bucket;
- ``verify``: pairs verified per partition by the local acceptance rule;
- ``components``: large-star / small-star connected components, step by step;
- ``assign``: each component's kept copy by :func:`neardup.pipeline.assign_kept`;
- ``output``: partitioned tables through :class:`~neardup.io.writers.ResultWriter`;
- ``gather``, ``storage``: reading documents' features, the work directory;
- ``tasks``: the Ray session, the task wrapper, stages run with markers and progress;
- ``rundir``: the manifest checked at the start, summary and clean-up at the end;
- ``runner``: the driver, the stages in order.

Importing this package does not import Ray; :func:`dedup_files_ray` does, and
raises :class:`~neardup.errors.MissingDependencyError` when it is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neardup.engines.ray.runner import RayRun


def dedup_files_ray(*args: Any, **kwargs: Any) -> RayRun:
    """See :func:`neardup.engines.ray.runner.dedup_files_ray`."""
    from neardup.engines.ray.runner import dedup_files_ray as run

    return run(*args, **kwargs)  # checks its settings, then that Ray is installed


__all__ = ["dedup_files_ray"]

"""What a dedup run produced, in memory: one kept index and similarity per record."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup._version import __version__
from neardup.arrays import sorted_unique
from neardup.config import DedupConfig
from neardup.errors import InputError
from neardup.lsh import Banding
from neardup.types import Assignment


@dataclass
class DedupResult:
    """Per record (input order): its id, the index of its cluster's kept record, its similarity to it."""

    ids: list[str]
    kept_index: NDArray[np.int64]
    similarity: NDArray[np.float64]  # NaN for kept records
    config: DedupConfig
    banding: Banding
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # settings the run likely misread

    def __post_init__(self) -> None:
        kept = int(np.count_nonzero(self.kept_index == np.arange(len(self.ids))))
        self.counts.update(kept=kept, removed=len(self.ids) - kept)
        removed = self.kept_index[self.kept_index != np.arange(len(self.ids))]
        self.counts["clusters_with_duplicates"] = int(sorted_unique(removed).size)

    def iter_assignments(self, start: int = 0, stop: int | None = None) -> Iterator[Assignment]:
        """Rows of ``clusters.jsonl`` (those of records ``start`` to ``stop``), built one at a
        time."""
        kept_index = self.kept_index[start:stop].tolist()
        similarity = self.similarity[start:stop].tolist()
        for index, (kept, score) in enumerate(zip(kept_index, similarity, strict=True), start):
            kept_id = self.ids[kept]
            if kept == index:
                yield Assignment(self.ids[index], kept_id, True, None, None)
            else:
                yield Assignment(
                    self.ids[index], kept_id, False, kept_id, None if math.isnan(score) else score
                )

    @cached_property
    def assignments(self) -> list[Assignment]:
        return list(self.iter_assignments())

    def clusters(self) -> dict[str, list[str]]:
        """Cluster id (the kept record's id) -> member ids, in input order."""
        groups: dict[str, list[str]] = {}
        for index, kept in enumerate(self.kept_index.tolist()):
            groups.setdefault(self.ids[kept], []).append(self.ids[index])
        return groups

    def duplicates(self) -> list[Assignment]:
        """Removed records only."""
        return [row for row in self.iter_assignments() if not row.kept]

    def summary(self) -> dict[str, Any]:
        """The machine-readable account written to ``summary.json``."""
        return {
            "neardup_version": __version__,
            "counts": dict(self.counts),
            "parameters": {
                **self.config.to_dict(),
                "bands_in_force": self.banding.bands,
                "rows_in_force": self.banding.rows,
            },
            "seconds": dict(self.seconds),
        }

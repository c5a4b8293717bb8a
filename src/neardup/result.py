"""What a dedup run produced, in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neardup._version import __version__
from neardup.config import DedupConfig
from neardup.errors import InputError
from neardup.lsh import Banding
from neardup.types import Assignment


@dataclass
class DedupResult:
    """Assignments in input order, plus the counts and timings of the run."""

    assignments: list[Assignment]
    config: DedupConfig
    banding: Banding
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)

    def clusters(self) -> dict[str, list[str]]:
        """Cluster id (the kept record's id) -> member ids, in input order."""
        groups: dict[str, list[str]] = {}
        for row in self.assignments:
            groups.setdefault(row.cluster, []).append(row.id)
        return groups

    def duplicates(self) -> list[Assignment]:
        """Removed records only."""
        return [row for row in self.assignments if not row.kept]

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

"""Plain data carried between stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """One input document: its id, its text, and every field as read.

    ``fields`` is the record exactly as parsed (for JSONL the whole object,
    for CSV the row, for a text file ``{"id": ..., "text": ...}``); writers
    emit it untouched. ``source``/``line`` locate it for error messages.
    ``raw`` is the record's own source text where the format has one (a
    JSONL line): JSONL writers copy it rather than encode ``fields`` again,
    which is both faster and exactly as read.
    """

    id: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    source: str = "<records>"
    line: int | None = None
    raw: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Assignment:
    """Where one record ended up: a row of ``clusters.jsonl``."""

    id: str
    cluster: str
    kept: bool
    duplicate_of: str | None
    similarity: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cluster": self.cluster,
            "kept": self.kept,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
        }

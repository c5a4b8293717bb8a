"""What the incremental index answers: plain frozen records, JSON-ready."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neardup.errors import InputError


@dataclass(frozen=True)
class Match:
    """An indexed document at or above the threshold, and how similar it is."""

    id: str
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "similarity": self.similarity}


@dataclass(frozen=True)
class Outcome:
    """One added or queried document: its matches and where it stands (or would).

    ``cluster``, ``kept``, ``duplicate_of`` and ``similarity`` are the row
    batch dedup would write to ``clusters.jsonl`` for the index as it is
    once the batch that brought the document is in (a batch of one: right
    after it; a query: as if it alone had been added):
    ``duplicate_of`` is the copy the keep policy keeps, which can be the
    document itself (``kept``) even when it has matches, e.g. a longer
    version of an indexed story under ``keep="longest"``. ``duplicate`` says
    whether it matches anything indexed at all. ``matches`` are the indexed
    documents it matches directly, most similar first.
    """

    id: str
    duplicate: bool
    cluster: str
    kept: bool
    duplicate_of: str | None
    similarity: float | None
    matches: tuple[Match, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "duplicate": self.duplicate,
            "cluster": self.cluster,
            "kept": self.kept,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "matches": [m.to_json() for m in self.matches],
        }


@dataclass(frozen=True)
class IndexedDocument:
    """A document read back from the index, with its place in its cluster."""

    id: str
    fields: dict[str, Any]
    text: str | None  # only when the index stores texts
    cluster: str
    kept: bool
    duplicate_of: str | None
    similarity: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fields": self.fields,
            "text": self.text,
            "cluster": self.cluster,
            "kept": self.kept,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
        }


class AlreadyIndexedError(InputError):
    """A document's id is already in the index (the HTTP service answers 409)."""

"""What an incremental index keeps, and the small protocol every storage backend offers.

The index (:mod:`neardup.index`) decides what matches what; a store only
keeps rows and finds them again. Rows are plain frozen dataclasses, so the
SQLite backend and the in-memory one used by tests are interchangeable, as
httpx's transports are.

The model:

- a **document** (:class:`DocRow`): its id, its arrival number ``seq``, the
  group of its normalised text, what the keep policy ranks (text length,
  keep-field value), and its user fields (and text, optionally);
- a **group** (:class:`GroupRow`): one per distinct normalised text (its
  exact-text key), holding what matching needs once for all its copies: the
  shingle set, the LSH band keys, the signature when similarities are
  estimated. Exact copies share a group, as batch dedup lets one record per
  exact-text group take part in LSH;
- an **edge** (:class:`EdgeRow`): a verified near-duplicate pair of groups
  with its similarity;
- a **cluster** (:class:`ClusterRow`): a connected component of groups over
  edges, with its label (the id of one of its groups), sizes and the
  ``seq`` of the document kept for it. When batch dedup would split the
  component (a chain whose far end is no copy of the kept one), its
  documents carry their own kept copy (``DocRow.kept``) and ``split`` is set.

Band keys are looked up by *code*: ``band << 32 | key`` (:func:`band_codes`),
so equal keys in different bands never meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from neardup.config import DedupConfig, MinHashConfig, NormalizeConfig, ShingleConfig
from neardup.lsh import Banding

U16Array = NDArray[np.uint16]
U32Array = NDArray[np.uint32]
U64Array = NDArray[np.uint64]
I64Array = NDArray[np.int64]


@dataclass(frozen=True)
class IndexSettings:
    """Fixed when an index is created: what every later document is matched with."""

    config: DedupConfig
    banding: Banding
    store_text: bool = False
    # settings the file was written before: read as that neardup behaved (the config holds
    # that value), and a whole config asked for later is not held against them
    predates: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class DocRow:
    """One indexed document, as matching and the keep policy see it."""

    seq: int  # arrival order, from 0; the keep policy's "position"
    id: str
    gid: int  # its group (normalised text)
    length: int  # characters of the text as given (keep="longest")
    keep_value: Any = None  # value of config.keep_field, None when absent
    kept: int | None = None  # seq of its kept copy when not its cluster's (chains split)


@dataclass(frozen=True)
class NewDoc:
    """A document to insert: its row plus what is only stored, never matched."""

    row: DocRow
    fields: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    fields_json: str = "{}"  # ``fields`` as JSON, made once by the caller


@dataclass(frozen=True)
class StoredDoc:
    """A document read back whole."""

    row: DocRow
    fields: dict[str, Any]
    text: str | None


@dataclass(frozen=True)
class GroupRow:
    gid: int
    key: int  # exact-text key (uint64, as a Python int)
    cluster: int  # label of its cluster
    size: int  # shingles in its set; 0 takes no part in LSH


@dataclass(frozen=True)
class GroupSets:
    """What verification reads of a group."""

    shingles: U32Array  # sorted shingle set
    sequence: U32Array | None  # the same shingles in text order, when asked for
    signature: U32Array | None  # only when the index estimates similarities
    numbers: U64Array | None = None  # its numbers, placed (kernels.number_sets; none: format 2)
    paragraphs: U32Array | None = None  # its paragraph starts (none: stored by format 2 or 3)
    words: U16Array | None = None  # each shingle's content word (the tail check; else none)


@dataclass(frozen=True)
class NewGroup:
    row: GroupRow
    sets: GroupSets
    band_keys: U32Array  # one key per band; unused when the set is empty


@dataclass(frozen=True)
class EdgeRow:
    """A verified near-duplicate pair of groups, ``a < b``."""

    a: int
    b: int
    similarity: float


@dataclass(frozen=True)
class ClusterRow:
    label: int  # the gid of one of its groups
    groups: int
    docs: int
    kept: int  # seq of the document kept for it (or for its main part, when split)
    split: bool = False  # some documents are assigned another kept copy (``DocRow.kept``)


@dataclass
class Contents:
    """Every row, for whole-index checks and reports (small indexes, or patient callers)."""

    docs: list[DocRow]
    groups: list[GroupRow]
    edges: list[EdgeRow]
    clusters: list[ClusterRow]
    band_entries: tuple[U64Array, I64Array]  # (code, gid) of every live band entry


class IndexStore(Protocol):
    """Storage of an incremental index.

    Reads happen inside :meth:`reading` (one consistent snapshot) or
    :meth:`writing` (exclusive and atomic: on an exception nothing of it
    stays). Missing ids are simply absent from the mappings returned.
    """

    @property
    def settings(self) -> IndexSettings: ...
    @property
    def location(self) -> str: ...

    def reading(self) -> AbstractContextManager[None]: ...
    def writing(self, *, bulk: bool = False) -> AbstractContextManager[None]: ...

    def counters(self) -> tuple[int, int]:
        """The next document ``seq`` and the next group id (never reused)."""
        ...

    def docs_by_id(self, ids: Sequence[str]) -> dict[str, DocRow]: ...
    def docs_by_seq(self, seqs: Sequence[int]) -> dict[int, DocRow]: ...
    def docs_in_groups(self, gids: Sequence[int]) -> list[DocRow]: ...
    def document(self, doc_id: str) -> StoredDoc | None: ...
    def groups(self, gids: Sequence[int]) -> dict[int, GroupRow]: ...
    def groups_by_key(self, keys: Sequence[int]) -> dict[int, GroupRow]: ...
    def groups_in_cluster(self, label: int) -> list[GroupRow]: ...
    def group_sets(self, gids: Sequence[int], *, sequences: bool = False) -> dict[int, GroupSets]:
        """Shingle sets (and signatures) of live groups; their sequences too if asked."""
        ...

    def shingle_sets(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        """Shingle sets of ``gids`` in order, flat (``values``, ``offsets``), and whether each
        group exists (a missing one gets an empty set)."""
        ...

    def sequences(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        """As :meth:`shingle_sets`, for the groups' shingles in text order."""
        ...

    def numbers(self, gids: I64Array) -> tuple[U64Array, I64Array, NDArray[np.bool_]]:
        """As :meth:`shingle_sets`, for the groups' numbers (``kernels.number_sets``: the
        number check and number swaps), each without its place when stored before those."""
        ...

    def paragraphs(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        """As :meth:`shingle_sets`, for where the groups' paragraphs begin (the lede check)."""
        ...

    def words(self, gids: I64Array) -> tuple[U16Array, I64Array, NDArray[np.bool_]]:
        """As :meth:`shingle_sets`, for the content word each shingle of the groups' sequences
        starts with (the tail check; none stored when it is off)."""
        ...

    def band_hits(self, codes: U64Array) -> tuple[I64Array, I64Array]:
        """``(position in codes, gid)`` of every group holding each code, by position then gid."""
        ...

    def edges(self, gids: Sequence[int]) -> list[EdgeRow]:
        """Edges with either end in ``gids``."""
        ...

    def clusters(self, labels: Sequence[int]) -> dict[int, ClusterRow]: ...

    def insert(
        self, docs: Sequence[NewDoc], groups: Sequence[NewGroup], edges: Sequence[EdgeRow]
    ) -> None: ...
    def put_clusters(self, rows: Sequence[ClusterRow]) -> None:
        """Insert or replace cluster rows by label."""
        ...

    def relabel(self, old: int, new: int) -> None:
        """Move every group of cluster ``old`` to ``new`` and drop the row of ``old``."""
        ...

    def label_groups(self, labels: Sequence[tuple[int, int]]) -> None:
        """Put groups in clusters: ``(gid, cluster label)``."""
        ...

    def assign(self, kept: Sequence[tuple[int, int | None]]) -> None:
        """Set ``DocRow.kept`` of documents: ``(seq, kept seq or None)``."""
        ...

    def drop_clusters(self, labels: Sequence[int]) -> None: ...
    def drop_doc(self, seq: int) -> None: ...
    def drop_group(self, gid: int) -> None:
        """The group, its band entries and its edges."""
        ...

    def counts(self) -> dict[str, int]:
        """``documents``, ``groups``, ``edges``, ``clusters``, ``clusters_with_duplicates``."""
        ...

    def info(self) -> dict[str, Any]:
        """What the backend can tell about itself (format version, file size...)."""
        ...

    def contents(self) -> Contents: ...
    def checkpoint(self) -> None:
        """Move committed changes into the main file now (SQLite's WAL), without waiting."""
        ...

    def integrity_problems(self) -> list[str]:
        """Damage the backend itself can see (e.g. SQLite's integrity check)."""
        ...

    def close(self) -> None: ...

    def abandon(self) -> None:
        """Close after a failure: a store this object created, to which nothing was ever
        committed, is removed, so that the failed run fixes no settings."""
        ...


def band_codes(keys: NDArray[np.uint32]) -> U64Array:
    """Lookup codes ``band << 32 | key`` of a ``(bands, documents)`` block of band keys."""
    keys = np.asarray(keys, dtype=np.uint32)
    bands = np.arange(keys.shape[0], dtype=np.uint64).reshape(-1, *([1] * (keys.ndim - 1)))
    return np.asarray((bands << np.uint64(32)) | keys.astype(np.uint64), dtype=np.uint64)


def settings_to_json(settings: IndexSettings) -> dict[str, Any]:
    """The settings as stored in an index file (JSON object)."""
    config = settings.config.to_dict()
    if config["minhash"]["sketch"] == "classic":  # as files from before the setting, which
        del config["minhash"]["sketch"]  # older versions of neardup can still open
    for name in ("max_rewrite_rate", "central_share"):  # likewise: off, as before they existed
        if not config[name]:
            del config[name]
    if not config["shingle"]["split_unspaced"]:  # likewise: clauses of unspaced scripts as tokens
        del config["shingle"]["split_unspaced"]
    defaults = DedupConfig()
    for name in ("semantic", "min_tail_cosine"):  # an index never runs the semantic stage
        if config[name] == getattr(defaults, name):
            del config[name]
    return {
        "config": config,
        "bands": settings.banding.bands,
        "rows": settings.banding.rows,
        "store_text": settings.store_text,
    }


def settings_from_json(data: dict[str, Any]) -> IndexSettings:
    """Inverse of :func:`settings_to_json`; a setting this neardup does not know is a
    ``TypeError`` (the caller says which file)."""
    config: dict[str, Any] = dict(data["config"])
    config["normalize"] = NormalizeConfig(**config["normalize"])
    # files written before scripts without spaces were split made a token of a whole clause
    unsplit = frozenset({"split_unspaced"} - config["shingle"].keys())
    config["shingle"] = ShingleConfig(**{"split_unspaced": False, **config["shingle"]})
    # files written before the sketch setting existed were filled by classic MinHash
    config["minhash"] = MinHashConfig(**{"sketch": "classic", **config["minhash"]})
    # and without the rewrite, number and lede checks, which an index made before them keeps
    # making its decisions by
    later = {
        "max_rewrite_rate",
        "min_number_share",
        "min_lede_share",
        "sentence_lede_words",
        "central_share",
        "number_swaps",
        "min_tail_word_cosine",
    }
    predates = frozenset(later - config.keys()) | unsplit
    for name in later:
        config.setdefault(name, 0)
    if config.get("keep") != "field":  # files written when a stray keep_field was let be
        config["keep_field"] = None
    return IndexSettings(
        config=DedupConfig(**config),
        banding=Banding(int(data["bands"]), int(data["rows"])),
        store_text=bool(data["store_text"]),
        predates=predates,
    )

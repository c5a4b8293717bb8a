"""``neardup.Index``: a persistent incremental index, batch dedup's stages one batch at a time.

DESIGN.md's four drivers share one set of stages; this is the incremental
one. Each batch of arriving documents is featurized by the same
:class:`~neardup.features.Featurizer` (so by the same normalisation,
shingles, signatures and band keys), matched by lsh.py and verify.py
(:mod:`neardup.index_match`), clustered and given a kept copy by cluster.py
and keep.py's rules (:mod:`neardup.index_clusters`), and written in one
transaction (:mod:`neardup.store`). Adding a corpus document by document,
or in batches, gives the clusters ``neardup dedup`` gives on it.

>>> index = Index.in_memory()
>>> [o.duplicate for o in index.add(["the cat sat on the mat today", "The cat sat on the mat today!"])]
[False, True]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from neardup.config import NESTED_OPTIONS, DedupConfig, ReadConfig, check_count
from neardup.errors import ConfigError, InputError
from neardup.features import Features, Featurizer
from neardup.gcpause import gc_paused
from neardup.index_assign import settle_assignments
from neardup.index_batch import outcomes_after, settle, whole_check
from neardup.index_bulk import load
from neardup.index_check import check_index
from neardup.index_clusters import apply_changes, leave
from neardup.index_match import link_batch, score_stored_pairs
from neardup.index_types import AlreadyIndexedError, IndexedDocument, Outcome
from neardup.io.readers import records_from_python
from neardup.pipeline import BATCH_SIZE, choose_banding, featurized
from neardup.store.base import IndexSettings, IndexStore
from neardup.store.memory import MemoryStore
from neardup.store.sqlite import SqliteStore
from neardup.types import Assignment, Record


class Index:
    """Near-duplicate matching for documents that arrive one by one, across restarts.

    ``Index(path)`` opens the index file at ``path``, creating it when absent
    with ``config`` (or keyword options as :func:`neardup.dedup` takes them,
    ``threshold=0.5``...) and ``store_text``. An existing index keeps the
    settings it was created with: passing a different one is a
    :class:`~neardup.errors.ConfigError` naming it. ``Index(store)`` runs
    over any :class:`~neardup.store.base.IndexStore`; :meth:`in_memory`
    over a throwaway one. Thread-safe; close it (or use ``with``) when done. A ``with``
    block that fails leaves no index file behind that it created and added nothing to.
    """

    def __init__(
        self,
        path: str | Path | IndexStore,
        config: DedupConfig | None = None,
        *,
        store_text: bool | None = None,
        create: bool = True,
        **options: Any,
    ) -> None:
        if isinstance(path, (str, Path)):
            # a new file's settings are checked before it is made: a bad option leaves none
            # (an existing index's are compared with the stored ones below); an empty file
            # is made an index too
            made = Path(path).exists() and Path(path).stat().st_size > 0
            fresh = _new_settings(config, options, store_text) if create and not made else None
            path = SqliteStore.open(path, fresh)
        self._store: IndexStore = path
        _check_settings(path.settings, path.location, config, options, store_text)
        settings = path.settings
        self._featurize = Featurizer.for_run(settings.config, settings.banding)
        self._write_lock = threading.Lock()

    @classmethod
    def in_memory(
        cls, config: DedupConfig | None = None, *, store_text: bool = False, **options: Any
    ) -> Index:
        """An index that lives in this process only (tests, notebooks)."""
        return cls(MemoryStore(_new_settings(config, options, store_text)))

    @property
    def settings(self) -> IndexSettings:
        return self._store.settings

    @property
    def config(self) -> DedupConfig:
        return self._store.settings.config

    @property
    def location(self) -> str:
        return self._store.location

    def close(self) -> None:
        self._store.close()

    def checkpoint(self) -> None:
        """Copy committed changes from the write-ahead log into the file, beside the writer.

        A service calls it every second or so, so that commits never stop to do it.
        """
        self._store.checkpoint()

    def warm(self) -> None:
        """Load what lookups read (the band keys and shingle sets) now, not at the first one."""
        with self._store.reading():
            self._store.band_hits(np.empty(0, dtype=np.uint64))
            self._store.shingle_sets(np.empty(0, dtype=np.int64))

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if error is None:
            self.close()
        else:  # an index file this block created and added nothing to is not left behind
            self._store.abandon()

    # ------------------------------------------------------------------ add / query

    def add(
        self,
        items: Iterable[Mapping[str, Any] | str],
        *,
        id_field: str = "id",
        text_field: str = "text",
        skip_existing: bool = False,
        batch_size: int = BATCH_SIZE,
        bulk: bool | None = None,
    ) -> list[Outcome]:
        """Add documents (mappings with an id and a text, or plain strings); one outcome each.

        Each is matched against the index and the documents before it, as if
        added one at a time. An id already indexed is an
        :class:`~neardup.index_types.AlreadyIndexedError`, unless
        ``skip_existing`` (it is then left out of the outcomes). ``bulk``: as
        :meth:`add_records`.
        """
        read = ReadConfig(id_field=id_field, text_field=text_field)
        records = records_from_python(items, read)
        with gc_paused():  # a bounded call: its rows and outcomes need no cycle collection
            return list(
                self.add_records(
                    records,
                    text_field=text_field,
                    skip_existing=skip_existing,
                    batch_size=batch_size,
                    bulk=bulk,
                )
            )

    def add_records(
        self,
        records: Iterable[Record],
        *,
        text_field: str = "text",
        skip_existing: bool = False,
        workers: int = 1,
        batch_size: int = BATCH_SIZE,
        bulk: bool | None = None,
        workdir: str | Path | None = None,
    ) -> Iterator[Outcome]:
        """Add records as readers make them, one transaction a batch; outcomes as they come.

        ``workers`` processes compute features (the result does not depend on it).
        ``bulk`` (default: when no document was ever added) fills an empty
        index in one transaction, at batch dedup's speed: the same rows and
        outcomes, all at the end, and a kill leaves the index empty; its scratch
        files go to ``workdir`` (default: the system temp dir).
        """
        check_count("workers", workers)
        check_count("batch_size", batch_size)
        if bulk is None:
            with self._store.reading():
                bulk = None if self._store.counters()[0] == 0 else False
        if bulk is not False:
            loaded = self._load(
                records, text_field, workers, batch_size, required=bool(bulk), workdir=workdir
            )
            if loaded is not None:
                yield from loaded
                return
        for batch, features in featurized(records, self._featurize, workers, batch_size):
            yield from self._add_batch(batch, features, text_field, skip_existing)

    def _load(
        self,
        records: Iterable[Record],
        text_field: str,
        workers: int,
        batch_size: int,
        *,
        required: bool,
        workdir: str | Path | None,
    ) -> list[Outcome] | None:
        """A bulk load, or None (nothing read) when the index is not new and the caller did
        not insist (``required``: it must merely hold no document)."""
        with self._write_lock, self._store.writing(bulk=True):
            if not required and self._store.counters()[0] > 0:
                return None
            if self._store.counts()["documents"]:
                raise ConfigError(
                    f"bulk loading needs an empty index; {self.location} holds documents "
                    "(add without bulk)"
                )
            return load(
                self._store,
                records,
                self.settings,
                check=_check_new,
                workers=workers,
                batch_size=batch_size,
                text_field=text_field,
                workdir=workdir,
            )

    def query(
        self,
        items: Iterable[Mapping[str, Any] | str],
        *,
        id_field: str = "id",
        text_field: str = "text",
    ) -> list[Outcome]:
        """What :meth:`add` would answer for each document, changing nothing.

        Each document is matched with the index alone, not with the others queried, and
        loses a tie for the keep policy to an indexed copy (:mod:`neardup.keep`).
        """
        records = records_from_python(items, ReadConfig(id_field=id_field, text_field=text_field))
        return list(self.query_records(records))

    def query_records(
        self, records: Iterable[Record], *, batch_size: int = BATCH_SIZE
    ) -> Iterator[Outcome]:
        for batch, features in featurized(records, self._featurize, 1, batch_size):
            with self._store.reading():
                first_seq, next_gid = self._store.counters()
                links = link_batch(
                    self._store, features, self.config, chain=False, next_gid=next_gid
                )
                settled = settle(
                    self._store,
                    batch,
                    features,
                    links,
                    self.settings,
                    chain=False,
                    first_seq=first_seq,
                )
            yield from settled.outcomes

    def _add_batch(
        self, batch: list[Record], features: Features, text_field: str, skip_existing: bool
    ) -> list[Outcome]:
        seen: set[str] = set()
        for record in batch:
            _check_new(record, seen)
        store = self._store
        with self._write_lock, store.writing():
            existing = store.docs_by_id([r.id for r in batch])
            if existing and not skip_existing:
                first = next(r for r in batch if r.id in existing)
                raise _already_indexed(first, store.location)
            keep = [j for j, r in enumerate(batch) if r.id not in existing]
            if len(keep) < len(batch):  # features depend on the text alone: compute again
                batch = [batch[j] for j in keep]
                features = self._featurize([r.text for r in batch])
            if not batch:
                return []
            first_seq, next_gid = store.counters()
            links = link_batch(store, features, self.config, chain=True, next_gid=next_gid)
            settled = settle(
                store,
                batch,
                features,
                links,
                self.settings,
                chain=True,
                first_seq=first_seq,
                text_field=text_field,
            )
            store.insert(settled.docs, settled.groups, settled.edges)
            assert settled.changes is not None
            apply_changes(store, settled.changes)
            check = whole_check(store, batch, features, links, settled, first_seq)
            apart = settle_assignments(store, settled.changes.rows, self.config, check)
            return outcomes_after(store, batch, features, links, settled, apart, first_seq)

    # ------------------------------------------------------------------ remove / read

    def remove(self, ids: str | Iterable[str]) -> list[str]:
        """Delete documents so they no longer match; returns the ids that were indexed."""
        wanted = [ids] if isinstance(ids, str) else list(ids)
        removed: list[str] = []
        with self._write_lock, self._store.writing():
            for doc_id in wanted:
                if self._remove_one(doc_id):
                    removed.append(doc_id)
        return removed

    def _remove_one(self, doc_id: str) -> bool:
        doc = self._store.docs_by_id([doc_id]).get(doc_id)
        if doc is None:
            return False
        changed = leave(self._store, doc, self.config)
        settle_assignments(self._store, changed, self.config)
        return True

    def get(self, doc_id: str) -> IndexedDocument | None:
        """A document with its fields (and text, when stored) and its place in its cluster."""
        store = self._store
        with store.reading():
            doc = store.document(doc_id)
            if doc is None:
                return None
            label = store.groups([doc.row.gid])[doc.row.gid].cluster
            kept_seq = doc.row.kept
            if kept_seq is None:
                kept_seq = store.clusters([label])[label].kept
            kept = store.docs_by_seq([kept_seq])
            kept_row = next(iter(kept.values()))
            similarity: float | None = None
            if kept_row.seq != doc.row.seq:
                similarity = 1.0
                if kept_row.gid != doc.row.gid:
                    pair = [(doc.row.gid, kept_row.gid)]
                    similarity = score_stored_pairs(store, pair, self.config)[0]
        is_kept = kept_row.seq == doc.row.seq
        return IndexedDocument(
            doc.row.id,
            doc.fields,
            doc.text,
            kept_row.id,
            is_kept,
            None if is_kept else kept_row.id,
            similarity,
        )

    def __contains__(self, doc_id: object) -> bool:
        if not isinstance(doc_id, str):
            return False
        with self._store.reading():
            return bool(self._store.docs_by_id([doc_id]))

    def __len__(self) -> int:
        with self._store.reading():
            return self._store.counts()["documents"]

    def stats(self) -> dict[str, Any]:
        """Counts, settings and what the backend tells of itself (JSON-ready)."""
        with self._store.reading():
            counts = self._store.counts()
            info = self._store.info()
        settings = self.settings
        return {
            "location": self.location,
            **info,
            "documents": counts["documents"],
            "distinct_texts": counts["groups"],
            "clusters": counts["clusters"],
            "clusters_with_duplicates": counts["clusters_with_duplicates"],
            "duplicates": counts["documents"] - counts["clusters"],
            "edges": counts["edges"],
            "settings": {
                **settings.config.to_dict(),
                "bands_in_force": settings.banding.bands,
                "rows_in_force": settings.banding.rows,
                "store_text": settings.store_text,
            },
        }

    def check(self) -> list[str]:
        """Problems found in the index (empty when sound): storage, rows, clusters, band keys."""
        with self._store.reading():
            return check_index(self._store)

    def assignments(self) -> list[Assignment]:
        """One row per document in arrival order, as batch dedup writes ``clusters.jsonl``."""
        with self._store.reading():
            contents = self._store.contents()
            label = {g.gid: g.cluster for g in contents.groups}
            kept_seq = {c.label: c.kept for c in contents.clusters}
            by_seq = {d.seq: d for d in contents.docs}
            kept = [
                by_seq[d.kept if d.kept is not None else kept_seq[label[d.gid]]]
                for d in contents.docs
            ]
            pairs = [
                (d.gid, k.gid) for d, k in zip(contents.docs, kept, strict=True) if d.gid != k.gid
            ]
            scores = dict(
                zip(pairs, score_stored_pairs(self._store, pairs, self.config), strict=True)
            )
        rows = []
        for doc, keeper in zip(contents.docs, kept, strict=True):
            if doc.seq == keeper.seq:
                rows.append(Assignment(doc.id, doc.id, True, None, None))
            else:
                score = 1.0 if doc.gid == keeper.gid else scores[(doc.gid, keeper.gid)]
                rows.append(Assignment(doc.id, keeper.id, False, keeper.id, score))
        return rows

    def clusters(self) -> dict[str, list[str]]:
        """Kept id -> member ids in arrival order, as :meth:`neardup.DedupResult.clusters`."""
        groups: dict[str, list[str]] = {}
        for row in self.assignments():
            groups.setdefault(row.cluster, []).append(row.id)
        return groups


# ---------------------------------------------------------------------- settings


def _new_settings(
    config: DedupConfig | None, options: dict[str, Any], store_text: bool | None
) -> IndexSettings:
    if config is not None and options:
        raise TypeError("pass either config or keyword options, not both")
    config = config or DedupConfig.from_options(**options)
    if config.semantic:
        raise ConfigError(
            "the semantic stage (semantic=True) runs in batch dedup only, not in an index yet; "
            "drop it here, or run `neardup dedup --semantic` over the corpus"
        )
    return IndexSettings(config, choose_banding(config), bool(store_text))


def flat_settings(config: DedupConfig) -> dict[str, Any]:
    """Every setting by the name ``DedupConfig.from_options`` (and the CLI) give it."""
    data = config.to_dict()
    flat = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for name, (part, key) in NESTED_OPTIONS.items():
        flat[name] = data[part][key]
    return flat


def _check_settings(
    settings: IndexSettings,
    location: str,
    config: DedupConfig | None,
    options: dict[str, Any],
    store_text: bool | None,
) -> None:
    """An existing index matches with the settings it was made with: say which one differs."""
    stored = flat_settings(settings.config)
    asked: dict[str, Any] = {}
    if config is not None:
        asked = flat_settings(config)
    elif options:
        DedupConfig.from_options(**options)  # unknown names and bad values fail here
        asked = {("shingle_size" if k == "ngram" else k): v for k, v in options.items()}
    if store_text is not None:
        stored, asked = (
            {**stored, "store_text": settings.store_text},
            {**asked, "store_text": store_text},
        )
    for name, value in asked.items():
        if stored[name] == value or (config is not None and name in settings.predates):
            continue  # a whole config does not hold a later setting against an older file
        made = (
            f"made before {name} existed, so it decides as {name}={stored[name]!r}"
            if name in settings.predates
            else f"created with {name}={stored[name]!r}"
        )
        raise ConfigError(
            f"{location}: the index was {made}, but {name}={value!r} was asked for. Its "
            "settings are fixed: drop the option to use them, or create another index "
            "(another --db) for these settings"
        )


def _check_new(record: Record, seen: set[str]) -> None:
    """A record to add: its id storable and not among ``seen`` (to which it is added)."""
    _check_storable(record)
    if record.id in seen:
        raise _repeated(record)
    seen.add(record.id)


def _check_storable(record: Record) -> None:
    """Ids must be valid UTF-8 text: the index file stores them as such."""
    try:
        record.id.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(
            record.source,
            f"id {record.id!r} is not valid Unicode text ({error.reason})",
            line=record.line,
            hint="give the record a printable id",
            record_id=record.id,
        ) from error


def _repeated(record: Record) -> InputError:
    return InputError(
        record.source,
        f"id {record.id!r} is given twice",
        line=record.line,
        hint="give every document its own id",
        record_id=record.id,
    )


def _already_indexed(record: Record, location: str) -> AlreadyIndexedError:
    return AlreadyIndexedError(
        record.source,
        f"id {record.id!r} is already in the index {location}",
        line=record.line,
        hint="remove it first (neardup index remove), or pass --skip-existing to leave it as it is",
        record_id=record.id,
    )

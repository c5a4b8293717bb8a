"""The default index store: one SQLite file in WAL mode, no server to run.

File format (version 7)
-----------------------

The file is an ordinary SQLite 3 database. Its header carries
``PRAGMA application_id = 0x4E445550`` ("NDUP"), which tells a neardup index
from any other SQLite file, and ``PRAGMA user_version = 7``, the format
version below; a file of a newer version is refused with a message, never
misread. Version 7 adds the ``words`` table (and always writes the tail check's
setting, ``min_tail_word_cosine``; a file whose settings lack it predates the check
and decides without it). Version 6 stores each number with its place (64 bits, ``numbers``),
version 5 marks the paragraph starts that follow a sentence (their top bit),
version 4 adds the ``paragraphs`` table, version 3 the ``numbers``
table. An older file is read and written as it is and keeps its version (so
the neardup that wrote it still opens it): a version 5 file's settings predate
``number_swaps``, so it decides without number swaps and stores its numbers as
32-bit hashes, without places; a version 4 file's settings predate
``sentence_lede_words``, so it reads no short ledes and stores paragraph starts without
the mark; a version 3 file's settings predate
``min_lede_share``, so it decides without the lede check and stores no
paragraphs; a version 2 file's predate ``min_number_share`` too, so it decides
without numbers either and stores none. Version 2 differs from version 1 in what the stored shingles mean:
the lowest bit of each marks a shingle holding a figure (see
:mod:`neardup.kernels`), where version 1 stored a hash bit, so a version 1
index must be rebuilt from its documents (``neardup index add``). Tables:

``meta(key TEXT PRIMARY KEY, value TEXT)``
    ``settings``: JSON ``{"config": DedupConfig as a dict, "bands", "rows",
    "store_text"}``, fixed when the index is created; ``created_with``: the
    neardup version that created it; ``next_seq`` and ``next_gid``: counters
    that only grow, so document numbers and group ids are never reused.
``docs(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, gid, length, keep_value, fields, text)``
    One row per document. ``seq`` is its arrival order; ``gid`` its group;
    ``length`` the characters of its text; ``keep_value`` the JSON value of
    the keep field (NULL when absent or unused); ``kept`` the ``seq`` of its
    kept copy when that is not its cluster's (NULL otherwise); ``fields`` the record's other
    fields as a JSON object; ``text`` the text as UTF-8 (NULL unless the index
    was created with ``store_text``). Index ``docs_gid`` on ``gid``.
``groups(gid INTEGER PRIMARY KEY, key UNIQUE, cluster, size, bands)``
    One row per distinct normalised text. ``key``: the exact-text key (64
    bits, stored as a signed integer); ``cluster``: its cluster's label;
    ``size``: shingles in its set; ``bands``: one little-endian ``uint32``
    LSH key per band (NULL for an empty set, which takes no part in LSH).
    Index ``groups_cluster``.
``shingles(gid INTEGER PRIMARY KEY, signature, shingles)``
    What verification reads of each group: its sorted shingle set as
    little-endian ``uint32``, and, only when the index estimates similarities
    (``verify = false``), its ``num_perm`` signature values likewise.
``sequences(gid INTEGER PRIMARY KEY, sequence)``
    Each group's shingles in text order (little-endian ``uint32``), read only
    for verify.py's passage check of pairs that pass the similarity test.
    Kept apart so that the rows read for every candidate stay small.
``numbers(gid INTEGER PRIMARY KEY, numbers)``
    Each group's numbers ("30-1/2", "1,000"; :mod:`neardup.kernels`) as
    little-endian ``uint64`` entries sorted by hash, one per number: the hash's
    top 32 bits, then the year and letter bits and the word it first stands at
    (``kernels.number_sets``), for the number check (``min_number_share``) and
    number swaps (``number_swaps``). Format 3 to 5: the hashes alone, ``uint32``.
    A group without a row (stored by format 2) has none.
``paragraphs(gid INTEGER PRIMARY KEY, paragraphs)``
    Where each group's paragraphs after the first begin, as first shingles
    (little-endian ``uint32``; :func:`neardup.text.shingle.paragraph_starts`), the top
    bit set where the paragraph before ends a sentence (format 5), for the lede check
    (``min_lede_share``). Absent from files of format 2 and 3.
``words(gid INTEGER PRIMARY KEY, words)``
    The content word each shingle of the group's sequence starts with (little-endian
    ``uint16`` ids, 0 for none; ``kernels.word_shingles``), for the tail check
    (``min_tail_word_cosine``). Filled only in an index made with the check on;
    absent from files before format 7.
``edges(a, b, similarity, PRIMARY KEY (a, b)) WITHOUT ROWID``
    Verified near-duplicate pairs of groups, ``a < b``. Index ``edges_b``.
``clusters(label INTEGER PRIMARY KEY, groups, docs, kept, split)``
    Connected components of groups over edges: their sizes and the ``seq``
    of the kept document. ``label`` is the gid of one member group. ``split``
    is 1 when batch dedup's rules part the component (a chain) and its
    documents carry their own ``docs.kept``.
``removals(seq INTEGER PRIMARY KEY AUTOINCREMENT, gid)``
    The ids of removed groups, in order: how other connections learn to drop
    them from their in-memory band index.

Band lookup: each connection's process holds a
:class:`~neardup.store._bandindex.BandIndex` built from ``groups.bands``
on first use (about a second per 100,000 documents) and brought up to date
at every lookup from the groups with a larger ``gid`` than it has seen and
the ``removals`` after the last it has seen. ``_bandindex`` says why this is
not an SQL table.

Durability and concurrency: every change is one transaction (``BEGIN
IMMEDIATE``: one writer at a time, across processes), so a crash or a
``kill -9`` leaves each document wholly present or wholly absent; WAL mode
with ``synchronous = NORMAL`` loses no committed transaction when a process
dies (only, at worst, the last ones on power loss) and lets readers go on
while a writer writes. Each thread gets its own connection. A bulk load
into an empty index (``writing(bulk=True)``), when no other connection has
the file open, switches it to a rollback journal for its one transaction and
back to WAL after: its pages are written once instead of to the WAL and then
again into the file, and a kill leaves a journal that the next opening rolls
back (and puts the file back in WAL mode; the journal must stay beside the
file until then). The load's transaction is exclusive and runs with
``synchronous = FULL`` (NORMAL is power-safe in WAL mode only): readers that
open the file during it wait for it (up to the busy timeout).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from neardup._version import __version__
from neardup.errors import InputError
from neardup.kernels import PROSE, number_hashes, unplaced_numbers
from neardup.store._bandindex import BandIndex
from neardup.store._setmirror import SetMirror
from neardup.store.base import (
    ClusterRow,
    Contents,
    DocRow,
    EdgeRow,
    GroupRow,
    GroupSets,
    I64Array,
    IndexSettings,
    NewDoc,
    NewGroup,
    StoredDoc,
    U16Array,
    U32Array,
    U64Array,
    band_codes,
    settings_from_json,
    settings_to_json,
)

APPLICATION_ID = 0x4E445550  # "NDUP"
# 2: a stored shingle's low bit marks a figure; 3: numbers; 4: paragraphs; 5: their sentence
# mark; 6: numbers with their places; 7: each shingle's content word
FORMAT_VERSION = 7
_OLDEST_FORMAT = 2  # read and written as it is: without numbers (2) or paragraphs (2 and 3)
_BUSY_MS = 30_000  # a writer waits this long for another process's transaction
_CACHE_KIB = 65_536  # page cache per connection: the hot part of groups and docs
_MMAP_BYTES = 1 << 36  # read pages through a memory map: no system call per page read
_CHECKPOINT_PAGES = 16_384  # WAL pages (64 MiB) between checkpoints: index pages rewritten by
# every batch (random ids and keys) are copied back once per checkpoint, not once per batch

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, gid INTEGER NOT NULL,
    length INTEGER NOT NULL, keep_value TEXT, kept INTEGER, fields TEXT NOT NULL, text BLOB
);
CREATE INDEX docs_gid ON docs (gid);
CREATE TABLE groups (
    gid INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE, cluster INTEGER NOT NULL,
    size INTEGER NOT NULL, bands BLOB
);
CREATE TABLE shingles (gid INTEGER PRIMARY KEY, signature BLOB, shingles BLOB NOT NULL);
CREATE TABLE sequences (gid INTEGER PRIMARY KEY, sequence BLOB NOT NULL);
CREATE TABLE numbers (gid INTEGER PRIMARY KEY, numbers BLOB NOT NULL);
CREATE TABLE paragraphs (gid INTEGER PRIMARY KEY, paragraphs BLOB NOT NULL);
CREATE TABLE words (gid INTEGER PRIMARY KEY, words BLOB NOT NULL);
CREATE INDEX groups_cluster ON groups (cluster);
CREATE TABLE edges (
    a INTEGER NOT NULL, b INTEGER NOT NULL, similarity REAL NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX edges_b ON edges (b);
CREATE TABLE clusters (
    label INTEGER PRIMARY KEY, groups INTEGER NOT NULL, docs INTEGER NOT NULL,
    kept INTEGER NOT NULL, split INTEGER NOT NULL
);
CREATE TABLE removals (seq INTEGER PRIMARY KEY AUTOINCREMENT, gid INTEGER NOT NULL);
"""

_LITTLE_ENDIAN = sys.byteorder == "little"
_DOC_COLUMNS = "seq, id, gid, length, keep_value, kept"
_GROUP_COLUMNS = "gid, key, cluster, size"
_IN = "IN (SELECT value FROM json_each(?))"
_PER_QUERY = 900  # bound parameters per statement, well under SQLite's limit


def _signed(key: int) -> int:
    """A uint64 as SQLite's signed 64-bit integer."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _unsigned(key: int) -> int:
    return key + (1 << 64) if key < 0 else key


def _json_list(values: Sequence[Any]) -> str:
    return json.dumps([int(v) for v in values])


def _doc(row: tuple[Any, ...]) -> DocRow:
    seq, doc_id, gid, length, keep_value, kept = row
    value = None if keep_value is None else json.loads(keep_value)
    return DocRow(seq, doc_id, gid, length, value, kept)


def _cluster(row: tuple[Any, ...]) -> ClusterRow:
    label, groups, docs, kept, split = row
    return ClusterRow(label, groups, docs, kept, bool(split))


def _group(row: tuple[Any, ...]) -> GroupRow:
    gid, key, cluster, size = row
    return GroupRow(gid, _unsigned(key), cluster, size)


def _array(blob: bytes, dtype: type[np.unsignedinteger[Any]] = np.uint32) -> NDArray[Any]:
    if _LITTLE_ENDIAN:
        return np.frombuffer(blob, dtype=dtype)  # read-only view, no copy
    return np.frombuffer(blob, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)


def _u32(blob: bytes | None) -> U32Array | None:
    return None if blob is None else _array(blob)


@dataclass
class _Mirrors:
    """In-memory copies of what every lookup reads: band keys, shingle sets and sequences."""

    bands: BandIndex
    sets: SetMirror
    sequences: SetMirror
    numbers: SetMirror
    paragraphs: SetMirror
    words: SetMirror
    removal: int = 0  # last row of ``removals`` applied

    def ragged(self) -> tuple[SetMirror, ...]:
        """The mirrors of per-group arrays, each kept as :class:`SetMirror` keeps sets."""
        return (self.sets, self.sequences, self.numbers, self.paragraphs, self.words)


# gid, bands, shingles, sequence, numbers, paragraphs, words
Absorbed = tuple[int, bytes | None, bytes, bytes, bytes | None, bytes | None, bytes | None]


def _absorb(mirrors: _Mirrors, rows: Sequence[Absorbed]) -> None:
    """Add ``(gid, band keys, shingles, sequence, numbers, paragraphs, words)`` rows,
    ascending gids, to the mirrors (no numbers: a group stored by format 2; no paragraphs:
    by 2 or 3; no words: the tail check off, or a file before format 7)."""
    if not rows:
        return
    gids = [row[0] for row in rows]
    for k, mirror in enumerate(mirrors.ragged(), start=2):
        mirror.add(gids, [cast(bytes | None, row[k]) or b"" for row in rows])
    banded = [(row[0], row[1]) for row in rows if row[1] is not None]
    if banded:
        owners = np.array([gid for gid, _ in banded], dtype=np.int64)
        keys = np.frombuffer(b"".join(blob for _, blob in banded), "<u4").reshape(len(banded), -1)
        mirrors.bands.add(np.ascontiguousarray(keys.T, dtype=np.uint32), owners)


class SqliteStore:
    """Implements :class:`~neardup.store.base.IndexStore` over one SQLite file."""

    def __init__(
        self, path: Path, settings: IndexSettings, fresh: tuple[int, int] | None = None
    ) -> None:
        self._path = path
        self._settings = settings
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._band_lock = threading.Lock()
        self._mirrors: _Mirrors | None = None
        self._fresh = fresh  # the counters of a file open() created: see abandon()
        # a file from before the number check (format 2) has no numbers table, nor needs one
        self._numbers = "min_number_share" not in settings.predates
        # nor one from before the lede check (format 3) a paragraphs table
        self._paragraphs = "min_lede_share" not in settings.predates
        # and a format 4 file's, without the sentence mark (PROSE) that no check of it reads
        self._unmarked = "sentence_lede_words" in settings.predates
        # numbers with their places (64 bits) from format 6, which number swaps read
        self._placed = "number_swaps" not in settings.predates
        # each shingle's content word from format 7, stored when the tail check reads them
        self._words = bool(settings.config.min_tail_word_cosine)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, settings_for_new: IndexSettings | None) -> SqliteStore:
        """Open the index at ``path``; create it with ``settings_for_new`` when absent.

        ``settings_for_new`` None: a missing file is an error. A file that is
        not SQLite, another application's SQLite file, or an index of a newer
        format is refused with an :class:`~neardup.errors.InputError` naming it.
        """
        path = Path(path)
        if path.is_dir():
            raise InputError(str(path), "is a directory, not an index file", hint="name a file")
        created = not path.exists()
        if created and settings_for_new is None:
            raise InputError(
                str(path),
                "no index here",
                hint="create one with `neardup index add --db FILE ...` or pass another --db",
            )
        try:
            connection = _connect(path)
        except sqlite3.DatabaseError as error:
            raise _unreadable(path, error) from error
        try:
            settings = _read_or_create(connection, path, settings_for_new)
            fresh = _counters(connection) if created else None
        finally:
            connection.close()
        return cls(path, settings, fresh)

    @property
    def settings(self) -> IndexSettings:
        return self._settings

    @property
    def location(self) -> str:
        return str(self._path)

    def _con(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = _connect(self._path)
            except sqlite3.OperationalError as error:
                raise _unreadable(self._path, error) from error
            self._local.connection = connection
            self._local.depth = 0
            with self._connections_lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        with self._connections_lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()

    def abandon(self) -> None:
        fresh, self._fresh = self._fresh, None
        unused = fresh is not None and self.counters() == fresh
        self.close()
        if unused:
            for path in [*_files(self._path), self._path.with_name(self._path.name + "-journal")]:
                path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def reading(self) -> Iterator[None]:
        connection = self._con()
        if self._local.depth:
            yield
            return
        connection.execute("BEGIN")
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            connection.execute("COMMIT")

    @contextmanager
    def writing(self, *, bulk: bool = False) -> Iterator[None]:
        """One write transaction, rolled back if it or its commit fails.

        ``bulk`` (a load into an empty index): when no other connection has the
        file open, it is written through a rollback journal instead of the WAL,
        so its pages are written once, not to the WAL and then copied into the
        file (a 100,000-document load: 340 MB less to write). The transaction
        is exclusive and fully synced meanwhile: readers that open the file wait
        for it, and nothing can hold up its commit."""
        connection = self._con()
        with self._write_lock:
            direct = bulk and _journal_mode(connection, "delete")
            if direct:
                connection.execute("PRAGMA synchronous = FULL")  # NORMAL is safe in WAL only
            connection.execute("BEGIN EXCLUSIVE" if direct else "BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                self._forget_bands()  # it holds rows that never happened
                raise
            finally:
                self._local.depth = 0
                if direct and not connection.in_transaction:
                    connection.execute("PRAGMA synchronous = NORMAL")
                    _back_to_wal(connection, self._path)

    def _stored(self, paragraphs: U32Array | None) -> U32Array | None:
        """Paragraph starts as this file's format holds them (the mirrors hold them alike)."""
        if paragraphs is None or not self._unmarked:
            return paragraphs
        unmarked: U32Array = paragraphs & ~PROSE
        return unmarked

    def _stored_numbers(self, numbers: U64Array | None) -> NDArray[Any] | None:
        """Numbers as this file's format holds them: before format 6, the hashes alone."""
        if numbers is None or self._placed:
            return numbers
        return number_hashes(numbers)

    def _read_numbers(self, blob: bytes | None) -> U64Array | None:
        """Stored numbers as the checks read them: 64-bit entries, without places (and
        without year or letter bits) before format 6."""
        if blob is None:
            return None
        if self._placed:
            return _array(blob, np.uint64)
        return unplaced_numbers(_array(blob))

    def _mirrored(self, rows: Sequence[Absorbed]) -> list[Absorbed]:
        """Rows as the mirrors hold them: numbers as 64-bit entries whatever the format."""
        if self._placed:
            return list(rows)
        return [(*row[:4], _optional_bytes(self._read_numbers(row[4])), *row[5:]) for row in rows]

    def _absorb_own(self, inserted: list[Absorbed]) -> None:
        """The groups a transaction writes go into the mirrors at once, unread: the rest of
        the transaction reads them there (a rollback forgets the mirrors). Only when the
        mirrors hold everything before them; else the next refresh reads them."""
        with self._band_lock:
            if inserted and self._mirrors and self._mirrors.sets.next_gid == inserted[0][0]:
                _absorb(self._mirrors, self._mirrored(inserted))

    def _forget_bands(self) -> None:
        with self._band_lock:
            self._mirrors = None

    # ------------------------------------------------------------------ reads

    def _rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._con().execute(sql, params).fetchall()

    def counters(self) -> tuple[int, int]:
        return _counters(self._con())

    def docs_by_id(self, ids: Sequence[str]) -> dict[str, DocRow]:
        # bound parameters, not JSON: an id may hold a NUL, which SQLite's JSON text cuts at
        found: dict[str, DocRow] = {}
        for start in range(0, len(ids), _PER_QUERY):
            part = list(ids[start : start + _PER_QUERY])
            marks = ", ".join("?" * len(part))
            rows = self._rows(f"SELECT {_DOC_COLUMNS} FROM docs WHERE id IN ({marks})", *part)
            found.update((row.id, row) for row in map(_doc, rows))
        return found

    def docs_by_seq(self, seqs: Sequence[int]) -> dict[int, DocRow]:
        rows = self._rows(f"SELECT {_DOC_COLUMNS} FROM docs WHERE seq {_IN}", _json_list(seqs))
        return {row.seq: row for row in map(_doc, rows)}

    def docs_in_groups(self, gids: Sequence[int]) -> list[DocRow]:
        sql = f"SELECT {_DOC_COLUMNS} FROM docs WHERE gid {_IN} ORDER BY seq"
        return [_doc(row) for row in self._rows(sql, _json_list(gids))]

    def document(self, doc_id: str) -> StoredDoc | None:
        rows = self._rows(f"SELECT {_DOC_COLUMNS}, fields, text FROM docs WHERE id = ?", doc_id)
        if not rows:
            return None
        *head, fields, text = rows[0]
        decoded = None if text is None else bytes(text).decode("utf-8", "surrogatepass")
        return StoredDoc(_doc(tuple(head)), json.loads(fields), decoded)

    def groups(self, gids: Sequence[int]) -> dict[int, GroupRow]:
        sql = f"SELECT {_GROUP_COLUMNS} FROM groups WHERE gid {_IN}"
        return {row.gid: row for row in map(_group, self._rows(sql, _json_list(gids)))}

    def groups_by_key(self, keys: Sequence[int]) -> dict[int, GroupRow]:
        sql = f"SELECT {_GROUP_COLUMNS} FROM groups WHERE key {_IN}"
        signed = json.dumps([_signed(int(k)) for k in keys])
        return {row.key: row for row in map(_group, self._rows(sql, signed))}

    def groups_in_cluster(self, label: int) -> list[GroupRow]:
        sql = f"SELECT {_GROUP_COLUMNS} FROM groups WHERE cluster = ? ORDER BY gid"
        return [_group(row) for row in self._rows(sql, label)]

    def group_sets(self, gids: Sequence[int], *, sequences: bool = False) -> dict[int, GroupSets]:
        wanted = _json_list(gids)
        found = self._rows(f"SELECT gid, signature, shingles FROM shingles WHERE gid {_IN}", wanted)
        order: dict[int, bytes] = {}
        if sequences:
            sql = f"SELECT gid, sequence FROM sequences WHERE gid {_IN}"
            order = dict(self._rows(sql, wanted))
        numbers: dict[int, bytes] = {}
        if self._numbers:
            numbers = dict(self._rows(f"SELECT gid, numbers FROM numbers WHERE gid {_IN}", wanted))
        paragraphs: dict[int, bytes] = {}
        if self._paragraphs:
            sql = f"SELECT gid, paragraphs FROM paragraphs WHERE gid {_IN}"
            paragraphs = dict(self._rows(sql, wanted))
        return {
            gid: GroupSets(
                _array(shingles),
                _u32(order.get(gid)),
                _u32(signature),
                self._read_numbers(numbers.get(gid)),
                _u32(paragraphs.get(gid)),
            )
            for gid, signature, shingles in found
        }

    def shingle_sets(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        with self._band_lock:
            return self._refreshed().sets.gather(gids)

    def sequences(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        with self._band_lock:
            return self._refreshed().sequences.gather(gids)

    def numbers(self, gids: I64Array) -> tuple[U64Array, I64Array, NDArray[np.bool_]]:
        with self._band_lock:
            return self._refreshed().numbers.gather(gids)

    def paragraphs(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        with self._band_lock:
            return self._refreshed().paragraphs.gather(gids)

    def words(self, gids: I64Array) -> tuple[U16Array, I64Array, NDArray[np.bool_]]:
        with self._band_lock:
            return self._refreshed().words.gather(gids)

    def band_hits(self, codes: U64Array) -> tuple[I64Array, I64Array]:
        with self._band_lock:
            return self._refreshed().bands.lookup(codes)

    def _refreshed(self) -> _Mirrors:
        """The in-memory mirrors, with what any connection committed since they last looked."""
        if self._mirrors is None:
            self._mirrors = _Mirrors(
                BandIndex(),
                SetMirror(),
                SetMirror(),
                SetMirror(np.uint64),
                SetMirror(),
                SetMirror(np.uint16),
            )
        mirrors = self._mirrors
        seen = mirrors.sets.next_gid - 1
        optional = self._optional_tables()
        columns = "".join(f", {t}.{t}" if kept else ", NULL" for t, kept in optional)
        joins = "".join(f" LEFT JOIN {t} USING (gid)" for t, kept in optional if kept)
        sql = (
            f"SELECT gid, g.bands, s.shingles, q.sequence{columns}"
            f" FROM groups g JOIN shingles s USING (gid) JOIN sequences q USING (gid)"
            f"{joins} WHERE gid > ? ORDER BY gid"
        )
        _absorb(mirrors, self._mirrored(self._rows(sql, seen)))
        removed = self._rows("SELECT seq, gid FROM removals WHERE seq > ?", mirrors.removal)
        if removed:
            gone = [gid for _, gid in removed]
            mirrors.bands.remove(np.array(gone, dtype=np.int64))
            for mirror in mirrors.ragged():
                mirror.remove(gone)
            mirrors.removal = int(removed[-1][0])
        return mirrors

    def edges(self, gids: Sequence[int]) -> list[EdgeRow]:
        wanted = _json_list(gids)
        sql = f"SELECT a, b, similarity FROM edges WHERE a {_IN} UNION SELECT a, b, similarity FROM edges WHERE b {_IN}"
        return [EdgeRow(*row) for row in self._rows(sql, wanted, wanted)]

    def clusters(self, labels: Sequence[int]) -> dict[int, ClusterRow]:
        sql = f"SELECT label, groups, docs, kept, split FROM clusters WHERE label {_IN}"
        return {row[0]: _cluster(row) for row in self._rows(sql, _json_list(labels))}

    # ------------------------------------------------------------------ writes

    def insert(
        self, docs: Sequence[NewDoc], groups: Sequence[NewGroup], edges: Sequence[EdgeRow]
    ) -> None:
        connection = self._con()
        group_rows = [_group_values(g) for g in groups]
        set_rows = [_set_values(g) for g in groups]
        connection.executemany("INSERT INTO groups VALUES (?, ?, ?, ?, ?)", group_rows)
        connection.executemany("INSERT INTO shingles VALUES (?, ?, ?)", set_rows)
        sequence_rows = [(g.row.gid, _bytes(g.sets.sequence)) for g in groups]
        connection.executemany("INSERT INTO sequences VALUES (?, ?)", sequence_rows)
        number_rows = [
            (g.row.gid, _optional_bytes(self._stored_numbers(g.sets.numbers))) for g in groups
        ]
        if self._numbers:
            connection.executemany("INSERT INTO numbers VALUES (?, ?)", number_rows)
        paragraph_rows = [
            (g.row.gid, _optional_bytes(self._stored(g.sets.paragraphs))) for g in groups
        ]
        if self._paragraphs:
            connection.executemany("INSERT INTO paragraphs VALUES (?, ?)", paragraph_rows)
        word_rows = [(g.row.gid, _optional_bytes(g.sets.words)) for g in groups]
        if self._words:
            connection.executemany("INSERT INTO words VALUES (?, ?)", word_rows)
        self._absorb_own(
            [
                (
                    row[0],
                    row[4],
                    blobs[2],
                    order[1],
                    numbers[1] if self._numbers else None,
                    paragraphs[1] if self._paragraphs else None,
                    words[1] if self._words else None,
                )
                for row, blobs, order, numbers, paragraphs, words in zip(
                    group_rows,
                    set_rows,
                    sequence_rows,
                    number_rows,
                    paragraph_rows,
                    word_rows,
                    strict=True,
                )
            ]
        )
        connection.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [_doc_values(d) for d in docs]
        )
        connection.executemany(
            "INSERT INTO edges VALUES (?, ?, ?)", [(e.a, e.b, e.similarity) for e in edges]
        )
        next_seq, next_gid = self.counters()
        next_seq = max([next_seq, *(d.row.seq + 1 for d in docs)])
        next_gid = max([next_gid, *(g.row.gid + 1 for g in groups)])
        connection.executemany(
            "UPDATE meta SET value = ? WHERE key = ?",
            [(str(next_seq), "next_seq"), (str(next_gid), "next_gid")],
        )

    def put_clusters(self, rows: Sequence[ClusterRow]) -> None:
        self._con().executemany(
            "INSERT OR REPLACE INTO clusters VALUES (?, ?, ?, ?, ?)",
            [(r.label, r.groups, r.docs, r.kept, int(r.split)) for r in rows],
        )

    def relabel(self, old: int, new: int) -> None:
        connection = self._con()
        connection.execute("UPDATE groups SET cluster = ? WHERE cluster = ?", (new, old))
        connection.execute("DELETE FROM clusters WHERE label = ?", (old,))

    def label_groups(self, labels: Sequence[tuple[int, int]]) -> None:
        self._con().executemany(
            "UPDATE groups SET cluster = ? WHERE gid = ?", [(label, gid) for gid, label in labels]
        )

    def assign(self, kept: Sequence[tuple[int, int | None]]) -> None:
        self._con().executemany(
            "UPDATE docs SET kept = ? WHERE seq = ?", [(target, seq) for seq, target in kept]
        )

    def drop_clusters(self, labels: Sequence[int]) -> None:
        self._con().execute(f"DELETE FROM clusters WHERE label {_IN}", (_json_list(labels),))

    def drop_doc(self, seq: int) -> None:
        self._con().execute("DELETE FROM docs WHERE seq = ?", (seq,))

    def drop_group(self, gid: int) -> None:
        connection = self._con()
        for table in ("groups", *self._group_tables()):
            connection.execute(f"DELETE FROM {table} WHERE gid = ?", (gid,))
        connection.execute("DELETE FROM edges WHERE a = ? OR b = ?", (gid, gid))
        connection.execute("INSERT INTO removals (gid) VALUES (?)", (gid,))

    # ------------------------------------------------------------------ whole index

    def counts(self) -> dict[str, int]:
        tables = ("docs", "groups", "edges", "clusters")
        names = ("documents", "groups", "edges", "clusters")
        counts = {
            name: int(self._rows(f"SELECT count(*) FROM {table}")[0][0])
            for name, table in zip(names, tables, strict=True)
        }
        duplicated = self._rows("SELECT count(*) FROM clusters WHERE docs > 1")[0][0]
        return {**counts, "clusters_with_duplicates": int(duplicated)}

    def info(self) -> dict[str, Any]:
        meta = dict(self._rows("SELECT key, value FROM meta WHERE key = 'created_with'"))
        size = sum(p.stat().st_size for p in _files(self._path) if p.exists())
        return {
            "backend": "sqlite",
            "format_version": int(self._rows("PRAGMA user_version")[0][0]),
            "created_with": meta.get("created_with"),
            "file_bytes": size,
        }

    def contents(self) -> Contents:
        groups = self._rows(f"SELECT {_GROUP_COLUMNS}, bands FROM groups ORDER BY gid")
        with_bands = [(row[0], row[4]) for row in groups if row[4] is not None]
        codes = np.empty(0, dtype=np.uint64)
        owners = np.empty(0, dtype=np.int64)
        if with_bands:
            keys = np.frombuffer(b"".join(b for _, b in with_bands), "<u4").astype(np.uint32)
            width = self._settings.banding.bands
            if keys.size == width * len(with_bands):
                codes = band_codes(keys.reshape(-1, width).T).T.reshape(-1)
                owners = np.repeat(np.array([g for g, _ in with_bands], dtype=np.int64), width)
        return Contents(
            docs=[_doc(r) for r in self._rows(f"SELECT {_DOC_COLUMNS} FROM docs ORDER BY seq")],
            groups=[_group(row[:4]) for row in groups],
            edges=[
                EdgeRow(*r) for r in self._rows("SELECT a, b, similarity FROM edges ORDER BY a, b")
            ],
            clusters=[
                _cluster(r)
                for r in self._rows(
                    "SELECT label, groups, docs, kept, split FROM clusters ORDER BY label"
                )
            ],
            band_entries=(codes, owners),
        )

    def checkpoint(self) -> None:
        """A passive checkpoint: copies what no reader still needs, never blocks the writer."""
        self._con().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def integrity_problems(self) -> list[str]:
        """SQLite's own check, plus band blobs of the wrong length."""
        problems = [row[0] for row in self._rows("PRAGMA integrity_check") if row[0] != "ok"]
        width = 4 * self._settings.banding.bands
        bad = self._rows(
            "SELECT g.gid FROM groups g LEFT JOIN shingles s USING (gid)"
            " LEFT JOIN sequences q USING (gid)"
            " WHERE (g.bands IS NOT NULL AND length(g.bands) != ?)"
            " OR (g.size > 0) != (g.bands IS NOT NULL)"
            " OR s.shingles IS NULL OR length(s.shingles) != 4 * g.size OR q.sequence IS NULL",
            width,
        )
        problems += [
            f"group {gid}: its band keys, shingle set or sequence are missing or the wrong size"
            for (gid,) in bad
        ]
        orphans = self._rows(
            " UNION ".join(
                f"SELECT gid FROM {table} WHERE gid NOT IN (SELECT gid FROM groups)"
                for table in self._group_tables()
            )
        )
        problems += [f"group {gid}: shingles stored for a group that is gone" for (gid,) in orphans]
        for table, kept in self._optional_tables():
            problems += self._column_problems(table) if kept else []
        return problems

    def _optional_tables(self) -> tuple[tuple[str, bool], ...]:
        """The per-group tables later formats added, in the order of their mirrors, each
        with whether this file has it (a table is named as its one column)."""
        return (
            ("numbers", self._numbers),
            ("paragraphs", self._paragraphs),
            ("words", self._words),
        )

    def _group_tables(self) -> tuple[str, ...]:
        """The tables holding a row per group besides ``groups``, as this file's format has them."""
        optional = (table for table, kept in self._optional_tables() if kept)
        return ("shingles", "sequences", *optional)

    def _column_problems(self, table: str) -> list[str]:
        """Groups whose row of ``table`` (named as its column) is missing or not a whole
        number of its values (``uint32``; placed numbers ``uint64``)."""
        width = {"numbers": 8 if self._placed else 4, "words": 2}.get(table, 4)
        bad = self._rows(
            f"SELECT g.gid FROM groups g LEFT JOIN {table} t USING (gid)"
            f" WHERE t.{table} IS NULL OR length(t.{table}) % {width} != 0"
        )
        return [f"group {gid}: its {table} are missing or the wrong size" for (gid,) in bad]


def _counters(connection: sqlite3.Connection) -> tuple[int, int]:
    """``next_seq`` and ``next_gid``: they only grow, so equal ones mean nothing was added."""
    meta = dict(
        connection.execute("SELECT key, value FROM meta WHERE key IN ('next_seq', 'next_gid')")
    )
    return int(meta["next_seq"]), int(meta["next_gid"])


def _files(path: Path) -> list[Path]:
    """The database and its WAL companions."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _bytes(values: U32Array | None) -> bytes:
    if values is None:
        raise ValueError("a new group needs its shingle sequence")
    return np.ascontiguousarray(values, dtype="<u4").tobytes()  # no copy when it is already


def _optional_bytes(values: NDArray[Any] | None) -> bytes:
    """A per-group array of a later format's table as stored: little-endian, each value as
    wide as its type (numbers: 32 or 64 bits, paragraph starts 32, words 16); none: empty."""
    if values is None:
        return b""
    return np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<")).tobytes()


def _group_values(group: NewGroup) -> tuple[Any, ...]:
    row = group.row
    bands = group.band_keys.astype("<u4").tobytes() if row.size > 0 else None
    return (row.gid, _signed(row.key), row.cluster, row.size, bands)


def _set_values(group: NewGroup) -> tuple[Any, ...]:
    signature = None if group.sets.signature is None else _bytes(group.sets.signature)
    return (group.row.gid, signature, _bytes(group.sets.shingles))


def _doc_values(doc: NewDoc) -> tuple[Any, ...]:
    row = doc.row
    keep = None if row.keep_value is None else json.dumps(row.keep_value)
    text = None if doc.text is None else doc.text.encode("utf-8", "surrogatepass")
    return (row.seq, row.id, row.gid, row.length, keep, row.kept, doc.fields_json, text)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=_BUSY_MS / 1000
    )
    connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
    connection.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
    connection.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
    connection.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")
    connection.execute("PRAGMA synchronous = NORMAL")  # in WAL mode: no loss when a process dies
    return connection


def _journal_mode(connection: sqlite3.Connection, mode: str) -> bool:
    """Switch the file's journal mode; False when it cannot be switched now (leaving WAL
    needs the only connection to the file)."""
    try:
        return bool(connection.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0] == mode)
    except sqlite3.OperationalError:
        return False


def _back_to_wal(connection: sqlite3.Connection, path: Path) -> None:
    """WAL mode again after a bulk load. It waits for readers that opened the file as the
    load committed; if one holds on past the busy timeout, the next opening switches."""
    if not _journal_mode(connection, "wal"):
        warnings.warn(
            f"{path}: left in rollback-journal mode after a bulk load (a reader held it); "
            "the next process that opens it puts it back in WAL mode",
            RuntimeWarning,
            stacklevel=3,
        )


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> InputError:
    """Why a file could not be opened: locked by a writer, or not an SQLite database."""
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return InputError(
            str(path),
            f"another process holds it locked ({error}), most likely a bulk load filling it",
            hint="wait for that `neardup index add` to finish, then retry",
        )
    return _not_an_index(path, f"not an SQLite database: {error}")


def _not_an_index(path: Path, why: str) -> InputError:
    return InputError(
        str(path),
        f"not a neardup index ({why})",
        hint="pass the file `neardup index add --db` created, or a new file name to create one",
    )


def _read_or_create(
    connection: sqlite3.Connection, path: Path, settings_for_new: IndexSettings | None
) -> IndexSettings:
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from error
    if application_id == 0 and tables == 0:
        if settings_for_new is None:
            raise InputError(
                str(path), "is an empty file, not an index", hint="remove it or pass another --db"
            )
        return _create(connection, path, settings_for_new)
    if application_id != APPLICATION_ID:
        raise _not_an_index(path, f"an SQLite file of another application, id {application_id:#x}")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version < _OLDEST_FORMAT:
        raise InputError(
            str(path),
            f"was written by an older neardup (index format {version}; this neardup "
            f"{__version__} reads formats {_OLDEST_FORMAT}-{FORMAT_VERSION}, whose shingles mark "
            "figures)",
            hint="rebuild it: neardup index add your documents to a new --db",
        )
    if version > FORMAT_VERSION:
        raise InputError(
            str(path),
            f"was written by a newer neardup (index format {version}; this neardup "
            f"{__version__} reads formats {_OLDEST_FORMAT}-{FORMAT_VERSION})",
            hint="upgrade neardup (pip install -U neardup)",
        )
    _journal_mode(connection, "wal")  # back from a bulk load that was killed (see writing)
    stored = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    try:
        return settings_from_json(json.loads(stored["settings"]))
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(
            str(path),
            f"its settings cannot be read ({error}); it may come from a newer neardup",
            hint="upgrade neardup, or rebuild the index",
        ) from error


@contextmanager
def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """A write transaction on ``connection``, committed at the end unless the body ended it,
    rolled back on an exception."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        if connection.in_transaction:
            connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _create(connection: sqlite3.Connection, path: Path, settings: IndexSettings) -> IndexSettings:
    """Schema, header and settings in one transaction: a crash leaves no half-made index."""
    connection.execute("PRAGMA journal_mode = WAL")  # persistent: stored in the file
    with _immediate(connection):
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            connection.execute("ROLLBACK")  # another process created it meanwhile
            return _read_or_create(connection, path, None)
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        meta = {
            "settings": json.dumps(settings_to_json(settings)),
            "created_with": __version__,
            "next_seq": "0",
            "next_gid": "0",
        }
        connection.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    return settings

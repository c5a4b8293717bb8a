"""Write one run's results: clusters, kept and removed records, errors, a summary.

Files in ``output_dir`` (``EXT`` is ``jsonl`` or ``parquet``):

- ``clusters.EXT``: one row per input record (:meth:`Assignment.to_json`);
- ``kept.EXT``: kept records, fields exactly as read;
- ``removed.EXT``: removed records plus ``duplicate_of`` and ``similarity``;
- ``errors.jsonl``: skipped records (:meth:`InputError.to_json`), only if any;
- ``summary.json``: written last, so its presence means the run finished.

Every file is written as ``NAME.tmp`` and renamed into place only when the
writer closes cleanly: a crashed run never leaves a half-written file that
looks complete, and an aborted one leaves no ``.tmp`` behind.

JSONL tables can be written in parts by several processes at once: part ``N``
(a later stretch of the records) goes to ``NAME.partN.tmp`` through a writer
made with ``part=N``, and the main writer appends the parts in order before
publishing (:meth:`ResultWriter.append_part`).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, Protocol

from neardup.errors import ConfigError, InputError, OutputError
from neardup.io.directories import prepared_directory
from neardup.types import Assignment, Record

OutputFormat = Literal["jsonl", "parquet"]

_TABLES = ("clusters", "kept", "removed")
_COPY_CHUNK = 1 << 24
_WRITE_BUFFER = 1 << 20  # bytes buffered per table: 8 KiB writes took 0.13 of 0.8 s at 100k
# Column types that must not depend on the values seen (an all-null
# similarity column would otherwise be typed null). Names only: pyarrow is
# imported lazily so that writing JSONL never pays for it.
_KNOWN_COLUMNS: dict[str, dict[str, str]] = {
    "clusters": {
        "id": "string",
        "cluster": "string",
        "kept": "bool",
        "duplicate_of": "string",
        "similarity": "float64",
    },
    "kept": {},
    "removed": {"duplicate_of": "string", "similarity": "float64"},
}


class ResultWriter:
    """Writes a run's results into ``output_dir``; use it as a context manager.

    Leaving the ``with`` block normally publishes every file; leaving it by
    an exception discards them all (see :meth:`close` and :meth:`abort`).
    """

    def __init__(
        self, output_dir: Path, fmt: OutputFormat = "jsonl", *, part: int | None = None
    ) -> None:
        if fmt not in ("jsonl", "parquet"):
            raise ConfigError(f"output format must be jsonl or parquet, got {fmt!r}")
        if part is not None and fmt != "jsonl":
            raise ConfigError("only JSONL tables are written in parts")
        self.output_dir = prepared_directory(Path(output_dir), "output directory")
        self.format: OutputFormat = fmt
        self.part = part  # this writer's tables are part ``part`` of the main writer's
        self._parts: list[int] = []  # parts other writers were given, in order
        self._tables: dict[str, _Table] = {}
        self._errors: _JsonlTable | None = None
        self._summary: Mapping[str, Any] | None = None
        self._closed = False
        try:
            for name in _TABLES:
                self._tables[name] = self._open_table(name)
        except BaseException:
            self.abort()
            raise

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write_assignment(self, assignment: Assignment) -> None:
        table = self._table("clusters")
        if isinstance(table, _JsonlTable):
            table.write_line(assignment_line(assignment))
        else:
            table.write(assignment.to_json())

    def write_kept(self, record: Record) -> None:
        table = self._table("kept")
        if record.raw is not None and isinstance(table, _JsonlTable):
            table.write_line(record.raw)
        else:
            table.write(record.fields)

    def write_kept_line(self, line: str) -> None:
        """A kept record's JSONL line, as read (JSONL output only)."""
        self._jsonl("kept").write_line(line)

    def write_removed_line(self, line: str, duplicate_of: str, similarity: float | None) -> bool:
        """A removed record's JSONL line with neardup's keys added; False (nothing written)
        when the line may hold those keys already, plainly or escaped: write the parsed
        record then."""
        if "\\u" in line or any(f'"{key}"' in line for key in _ADDED_KEYS):
            return False  # (an escape could spell one of the keys)
        spliced = _spliced(line, _removal_keys(duplicate_of, similarity))
        if spliced is None:
            return False
        self._jsonl("removed").write_line(spliced)
        return True

    def _jsonl(self, name: str) -> _JsonlTable:
        table = self._table(name)
        assert isinstance(table, _JsonlTable), "line writes need JSONL output"
        return table

    def write_removed(
        self,
        record: Record,
        duplicate_of: str,
        similarity: float | None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        added = {"duplicate_of": duplicate_of, "similarity": similarity, **(extra or {})}
        table = self._table("removed")
        if isinstance(table, _JsonlTable) and (spliced := _splice(record, added)) is not None:
            table.write_line(spliced)
        else:
            table.write({**record.fields, **added})

    def write_error(self, err: InputError) -> None:
        """Errors are always JSONL: a skipped line may not fit any table's types."""
        self._check_open()
        if self._errors is None:
            self._errors = _JsonlTable(self.output_dir / "errors.jsonl")
        self._errors.write(err.to_json())

    def write_summary(self, summary: Mapping[str, Any]) -> None:
        """Kept until :meth:`close`, which writes it after every table."""
        self._check_open()
        self._summary = summary

    def close(self) -> None:
        """Publish every table, then the summary; on failure leave no ``.tmp`` behind.

        A part's tables are only finished: the main writer appends them."""
        if self._closed:
            return
        self._closed = True
        tables = self._all_tables()
        try:
            for table in tables:
                table.finish()
            if self.part is not None:
                return
            for table in tables:
                table.publish()
            self._publish_summary()
        except BaseException:
            self._discard(tables)
            self._discard_parts()
            raise

    def abort(self) -> None:
        """Drop everything written so far; earlier results in ``output_dir`` stay."""
        self._closed = True
        self._discard(self._all_tables())
        self._discard_parts()

    def expect_parts(self, count: int) -> list[int]:
        """Numbers for ``count`` parts to be written by writers made with ``part=N`` (in
        other processes); they are removed with this writer's files if it aborts."""
        first = len(self._parts) + 1
        self._parts.extend(range(first, first + count))
        return self._parts[-count:] if count else []

    def append_part(self, part: int) -> None:
        """Append part ``part``'s finished tables to this writer's, then remove them."""
        for name in _TABLES:
            finished = _tmp_path(self._table_path(name, part))
            self._jsonl(name).append_file(finished)
            finished.unlink()

    def _discard_parts(self) -> None:
        for part in self._parts:
            for name in _TABLES:
                _tmp_path(self._table_path(name, part)).unlink(missing_ok=True)

    def _table_path(self, name: str, part: int | None) -> Path:
        """Where table ``name`` is published, or where part ``part`` of it is written."""
        path = self.output_dir / f"{name}.{self.format}"
        return path if part is None else path.with_name(f"{path.name}.part{part}")

    def _open_table(self, name: str) -> _Table:
        path = self._table_path(name, self.part)
        if self.format == "parquet":  # (never a part: parts are JSONL, see __init__)
            return _ParquetTable(path, _KNOWN_COLUMNS[name])
        return _JsonlTable(path)

    def _table(self, name: str) -> _Table:
        self._check_open()
        return self._tables[name]

    def _check_open(self) -> None:
        if self._closed:
            raise OutputError(f"the writer for {self.output_dir} is already closed")

    def _all_tables(self) -> list[_Table]:
        errors = [self._errors] if self._errors is not None else []
        return [*self._tables.values(), *errors]

    def _publish_summary(self) -> None:
        # Files this run did not produce must not survive from an earlier run: its errors,
        # and its tables in the other format.
        if self._errors is None:
            (self.output_dir / "errors.jsonl").unlink(missing_ok=True)
        other = "parquet" if self.format == "jsonl" else "jsonl"
        for name in _TABLES:
            (self.output_dir / f"{name}.{other}").unlink(missing_ok=True)
        path = self.output_dir / "summary.json"
        if self._summary is None:
            path.unlink(missing_ok=True)
            return
        text = json.dumps(self._summary, indent=2, ensure_ascii=False, default=_json_default)
        tmp = _tmp_path(path)
        try:
            tmp.write_text(text + "\n", encoding="utf-8", errors="backslashreplace")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    @staticmethod
    def _discard(tables: list[_Table]) -> None:
        for table in tables:
            table.discard()


json_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) uses


def assignment_line(row: Assignment) -> str:
    """``json.dumps(row.to_json(), ensure_ascii=False)``, built directly: a row per
    record, and the general encoder cost a fifth of the write stage."""
    duplicate_of = "null" if row.duplicate_of is None else json_string(row.duplicate_of)
    similarity = "null" if row.similarity is None else repr(row.similarity)
    return (
        f'{{"id": {json_string(row.id)}, "cluster": {json_string(row.cluster)}, '
        f'"kept": {"true" if row.kept else "false"}, "duplicate_of": {duplicate_of}, '
        f'"similarity": {similarity}}}'
    )


def _splice(record: Record, added: Mapping[str, Any]) -> str | None:
    """The raw JSON line with ``added`` keys appended before its closing brace.

    None when that would not be the same object as re-encoding: no raw line,
    or a key that the record already has.
    """
    if record.raw is None or not record.fields or any(key in record.fields for key in added):
        return None
    return _spliced(record.raw, json.dumps(added, ensure_ascii=False, default=_json_default))


_ADDED_KEYS = ("duplicate_of", "similarity")


def _spliced(line: str, added: str) -> str | None:
    """``line``, a JSON object with other keys, with the keys of the JSON object ``added``
    appended; None if it is not an object."""
    raw = line.rstrip()
    if not raw.endswith("}"):
        return None
    return f"{raw[:-1].rstrip()}, {added[1:]}"


def _removal_keys(duplicate_of: str, similarity: float | None) -> str:
    """``json.dumps({"duplicate_of": ..., "similarity": ...}, ensure_ascii=False)``, built
    directly as :func:`assignment_line` is (a removed record's line each)."""
    value = "null" if similarity is None else repr(similarity)
    return f'{{"duplicate_of": {json_string(duplicate_of)}, "similarity": {value}}}'


def _tmp_path(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


class _FileSink(Protocol):
    def fileno(self) -> int: ...

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> object: ...


def _copy_to_end(source: BinaryIO, target: _FileSink) -> None:
    """Append the rest of ``source`` to ``target``, in the kernel where it can (a part
    of a million records is a gigabyte)."""
    target.flush()
    copied = 0
    try:
        while step := os.copy_file_range(source.fileno(), target.fileno(), _COPY_CHUNK):
            copied += step
    except (AttributeError, OSError):  # no copy_file_range, or not between these files
        source.seek(copied)  # (the target's offset moved with what was copied)
        shutil.copyfileobj(source, target, _COPY_CHUNK)
    target.flush()


class _Table(Protocol):
    """One output file: rows go in, then it is finished and published, or discarded."""

    def write(self, row: Mapping[str, Any]) -> None: ...

    def finish(self) -> None: ...

    def publish(self) -> None: ...

    def discard(self) -> None: ...


class _JsonlTable:
    """Rows streamed as JSON lines into ``NAME.tmp``."""

    def __init__(self, path: Path) -> None:
        self.path, self._tmp = path, _tmp_path(path)
        try:
            # A lone surrogate (from a "\ud800" escape) cannot be UTF-8; written
            # as backslashreplace it becomes that same JSON escape again.
            self._file = self._tmp.open(
                "w",
                buffering=_WRITE_BUFFER,
                encoding="utf-8",
                newline="\n",
                errors="backslashreplace",
            )
        except OSError as exc:
            raise OutputError(f"cannot write {self._tmp}: {exc.strerror}") from exc

    def write(self, row: Mapping[str, Any]) -> None:
        try:
            line = json.dumps(row, ensure_ascii=False, default=_json_default)
        except (TypeError, ValueError) as exc:
            raise OutputError(
                f"cannot write a row of {self.path.name} as JSON: {exc}; "
                "convert the field to a JSON type, or use --format parquet"
            ) from exc
        self.write_line(line)

    def write_line(self, line: str) -> None:
        """One already-encoded JSON object (a record's own raw line)."""
        self._file.write(line + "\n")  # one call: a write per line was a tenth of the stage

    def append_file(self, path: Path) -> None:
        """Append another file's bytes (a part of this table written elsewhere)."""
        try:
            self._file.flush()
            with path.open("rb") as part:
                _copy_to_end(part, self._file.buffer)
        except OSError as exc:
            raise OutputError(f"cannot append {path} to {self._tmp}: {exc.strerror}") from exc

    def finish(self) -> None:
        self._file.close()

    def publish(self) -> None:
        os.replace(self._tmp, self.path)

    def discard(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)


class _ParquetTable:
    """Rows kept in memory and written at close: Parquet needs one schema for all."""

    def __init__(self, path: Path, known: Mapping[str, str]) -> None:
        self.path, self._tmp, self._known = path, _tmp_path(path), known
        self._rows: list[Mapping[str, Any]] = []

    def write(self, row: Mapping[str, Any]) -> None:
        self._rows.append(row)

    def finish(self) -> None:
        import pyarrow.parquet as pq

        table = _arrow_table(self.path.name, self._rows, self._known)
        self._rows = []
        pq.write_table(table, self._tmp)

    def publish(self) -> None:
        os.replace(self._tmp, self.path)

    def discard(self) -> None:
        self._rows = []
        self._tmp.unlink(missing_ok=True)


def _arrow_table(name: str, rows: list[Mapping[str, Any]], known: Mapping[str, str]) -> Any:
    """A table whose columns are the union of the rows' keys; a missing value is null."""
    import pyarrow as pa

    keys = list(dict.fromkeys([key for row in rows for key in row] + list(known)))
    try:
        columns = {
            key: pa.array(
                [row.get(key) for row in rows],
                type=pa.type_for_alias(known[key]) if key in known else None,
            )
            for key in keys
        }
        return pa.table(columns)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise OutputError(
            f"cannot write {name}: records disagree on a field's type ({exc}); "
            "use --format jsonl, which keeps every record as it is"
        ) from exc


def _json_default(value: object) -> object:
    """JSON for the non-JSON values Parquet input can carry (dates, decimals, bytes)."""
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

"""Turn files, folders, stdin and Python objects into :class:`Record` objects.

Each format reader yields a ``Record`` or an :class:`InputError` per input
record; :func:`read_records` then rejects repeated ids and applies
``ReadConfig.on_error``. Readers stream (Parquet in batches, JSONL and CSV line
by line) and are deterministic: the pipeline reads its inputs twice (once to
compute, once to write kept and removed records), so a second read must give
the same records and the same errors in the same order.

stdin (``-``) is spooled to a temporary file so it can be read twice too; the
file is removed when the interpreter exits (``atexit``).
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import csv
import gzip
import io
import json
import os
import shutil
import sys
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Literal

import orjson

from neardup.config import ReadConfig
from neardup.errors import ConfigError, InputError
from neardup.types import Record

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

    from _typeshed import WriteableBuffer

SourceFormat = Literal["jsonl", "parquet", "csv", "textdir"]
Compression = Literal["gzip", "zstd"]
OnSkip = Callable[[InputError], None]
Parsed = Record | InputError

STDIN_NAME = "<stdin>"
PYTHON_NAME = "<records>"

_OPTION_FORMATS: dict[str, SourceFormat] = {
    "jsonl": "jsonl",
    "parquet": "parquet",
    "csv": "csv",
    "text": "textdir",
}
_EXTENSIONS: tuple[tuple[tuple[str, ...], SourceFormat, bool], ...] = (
    # (suffixes, format, may carry .gz/.zst); Parquet compresses internally
    ((".jsonl", ".ndjson"), "jsonl", True),
    ((".csv",), "csv", True),
    ((".parquet", ".pq"), "parquet", False),
)
_COMPRESSIONS: tuple[tuple[str, bytes, Compression], ...] = (
    (".gz", b"\x1f\x8b", "gzip"),
    (".zst", b"\x28\xb5\x2f\xfd", "zstd"),
)
_SUPPORTED = (
    ".jsonl/.ndjson (optionally .gz/.zst), .parquet/.pq, .csv (optionally .gz/.zst) "
    "or a folder of text files"
)
_SNIFF_BYTES = 8192  # as git and grep do: a NUL this early means binary
_RAW_LIMIT = 10_000  # enough to fix a record by hand, bounded for errors.jsonl
_PARQUET_BATCH_ROWS = 1024  # bounded memory; large enough to amortise conversion
_CHUNK_BYTES = 1 << 20  # read size of local files and of decompression (8 KiB reads cost ~2x)
_CSV_FIELD_LIMIT = 2**31 - 1  # a long article exceeds csv's 128 KiB default
_MAX_LISTED_FIELDS = 20  # keep "this record has: ..." hints readable
# how to skip what cannot be read, named for the CLI and the Python API alike
ON_ERROR_SKIP = '--on-error skip (on_error="skip" in Python)'
_SKIP_HINT = f"or pass {ON_ERROR_SKIP} to skip bad records"
_ENCODING_HINT = f"re-encode the input as UTF-8 (e.g. iconv -f latin1 -t utf-8), {_SKIP_HINT}"
_FILE_HINT = f"fix or replace the file (a partial download?), or pass {ON_ERROR_SKIP} to skip it"


@dataclass(frozen=True)
class Source:
    """One input: the name the user gave, the file to read, and how to parse it."""

    name: str  # as given; ``<stdin>`` for ``-``; used in ids and messages
    path: Path  # resolved path (a temporary copy for stdin)
    format: SourceFormat
    compression: Compression | None = None
    url: str | None = None  # an fsspec URL (``s3://...``) read instead of ``path``
    leave_out: tuple[Path, ...] = ()  # a text folder's subfolders not read (resolved paths)


# --------------------------------------------------------------------------- inputs


def open_inputs(
    paths: Sequence[str],
    *,
    input_format: str | None = None,
    leave_out: Sequence[str | Path] = (),
) -> list[Source]:
    """Check every path and decide its format, before any work starts.

    ``input_format`` (``jsonl|parquet|csv|text``) overrides detection from the
    extension. ``-`` reads stdin (JSONL unless told otherwise; gzip, zstd and
    Parquet are recognised by their magic bytes). Text folders skip the folders in
    ``leave_out`` (the run's output directory: its files are not records).
    """
    forced = _format_option(input_format)
    if list(paths).count("-") > 1:
        raise InputError(STDIN_NAME, "'-' (stdin) is given more than once", hint="pass - once")
    skipped = tuple(Path(folder).resolve() for folder in leave_out)
    return [
        _stdin_source(forced) if path == "-" else _file_source(path, forced, skipped)
        for path in paths
    ]


def remote_source(url: str, *, input_format: str | None = None) -> Source:
    """An input named by an fsspec URL (``s3://bucket/a.jsonl.gz``), read through fsspec."""
    import fsspec

    forced = _format_option(input_format)
    fs, path = fsspec.core.url_to_fs(url)
    if not fs.exists(path):
        raise InputError(url, "no such file", hint="check the URL and your credentials")
    if fs.isdir(path) or forced == "textdir":
        raise InputError(url, "remote folders are not read", hint="pass the files inside it")
    detected, compression = _detect(PurePath(path).name)
    fmt = forced or detected
    if fmt is None:
        raise InputError(
            url,
            "cannot tell the format from the file name",
            hint=f"supported: {_SUPPORTED}; or name it with --input-format jsonl|parquet|csv",
        )
    return Source(url, Path(path), fmt, compression, url=url)


def _format_option(value: str | None) -> SourceFormat | None:
    if value is None:
        return None
    if value not in _OPTION_FORMATS:
        raise ConfigError(f"--input-format must be one of jsonl, parquet, csv, text; got {value!r}")
    return _OPTION_FORMATS[value]


def _file_source(name: str, forced: SourceFormat | None, leave_out: tuple[Path, ...]) -> Source:
    path = Path(name)
    if not path.exists():
        raise InputError(name, "no such file or directory", hint="check the path; pass - for stdin")
    if path.is_dir():
        if forced not in (None, "textdir"):
            raise InputError(
                name,
                f"is a directory, but --input-format {_option_name(forced)} reads one file",
                hint="pass the files inside it, or drop --input-format to read its text files",
            )
        return Source(name, path.resolve(), "textdir", leave_out=leave_out)
    if forced == "textdir":
        raise InputError(
            name,
            "--input-format text reads a folder of text files, but this is a file",
            hint="pass the folder instead",
        )
    detected, compression = _detect(path.name)
    fmt = forced or detected
    if fmt is None:
        raise InputError(
            name,
            "cannot tell the format from the file name",
            hint=f"supported: {_SUPPORTED}; or name it with --input-format jsonl|parquet|csv|text",
        )
    return Source(name, path.resolve(), fmt, compression)


def _detect(filename: str) -> tuple[SourceFormat | None, Compression | None]:
    """Format and compression from the extension, e.g. ``a.jsonl.zst``."""
    lower, compression = filename.lower(), None
    for suffix, _, kind in _COMPRESSIONS:
        if lower.endswith(suffix):
            lower, compression = lower.removesuffix(suffix), kind
            break
    for suffixes, fmt, compressible in _EXTENSIONS:
        if lower.endswith(suffixes) and (compressible or compression is None):
            return fmt, compression
    return None, compression


def _option_name(fmt: SourceFormat | None) -> str:
    return next(key for key, value in _OPTION_FORMATS.items() if value == fmt)


def _stdin_source(forced: SourceFormat | None) -> Source:
    if forced == "textdir":
        raise InputError(
            STDIN_NAME, "--input-format text reads a folder, not stdin", hint="pass a folder path"
        )
    path = _spool_stdin()
    with path.open("rb") as file:
        head = file.read(4)
    compression = next((kind for _, magic, kind in _COMPRESSIONS if head.startswith(magic)), None)
    fmt = forced or ("parquet" if head == b"PAR1" else "jsonl")
    return Source(STDIN_NAME, path, fmt, compression if fmt != "parquet" else None)


def _spool_stdin() -> Path:
    """Copy stdin to a temporary file (removed at exit) so it can be read twice."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError(STDIN_NAME, "stdin is not available", hint="pass a file path instead")
    fd, name = tempfile.mkstemp(prefix="neardup-stdin-")
    atexit.register(_remove_quietly, name)
    with os.fdopen(fd, "wb") as spool:
        shutil.copyfileobj(stream, spool, _CHUNK_BYTES)
    return Path(name)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


# --------------------------------------------------------------------------- records


def read_records(
    sources: Sequence[Source], config: ReadConfig, *, on_skip: OnSkip | None = None
) -> Iterator[Record]:
    """Yield every good record of ``sources`` in order; ids are unique across them.

    A bad record raises its :class:`InputError` when ``config.on_error`` is
    ``"fail"``; with ``"skip"`` it goes to ``on_skip`` and reading goes on.
    """
    parsed = (item for source in sources for item in read_source(source, config))
    return _checked(parsed, config, on_skip)


def records_from_python(
    items: Iterable[Mapping[str, Any] | str],
    config: ReadConfig,
    *,
    on_skip: OnSkip | None = None,
) -> Iterator[Record]:
    """Records for the Python API: mappings as JSON objects, or plain strings.

    A string's id is its 0-based position; ``line`` is the 1-based position.
    """
    return _checked(_python_items(items, config), config, on_skip)


def read_range(
    source: Source, config: ReadConfig, start: int, stop: int, first_line: int
) -> Iterator[Parsed]:
    """Records and errors of the lines of a plain JSONL file that start in ``[start, stop)``,
    ``start`` being the start of line ``first_line``: what :func:`read_records` makes of
    them, but ids are not checked (see :class:`IdCheck`) and errors are not rejected."""
    return _guarded(source, _read_jsonl_range(source, config, start, stop, first_line))


def record_lines(
    sources: Sequence[Source], skipped: Iterable[InputError], start: int = 0
) -> Iterator[tuple[Source, int, str]] | None:
    """A second read of JSONL inputs without parsing: ``(source, line number, line)`` of
    each line :func:`read_records` made a record of, ``skipped`` being what it rejected,
    from record ``start`` on (the lines before it are passed over undecoded).

    None when an input is not JSONL or an error covered more than one line: then only a
    full read tells which records there are.
    """
    skip: dict[str, set[int]] = {}
    for error in skipped:
        if error.line is None:
            return None
        skip.setdefault(error.source, set()).add(error.line)
    names = [source.name for source in sources]
    if any(source.format != "jsonl" for source in sources) or len(set(names)) < len(names):
        return None  # (a file given twice: its errors could not be told apart by name)
    return _lines_from(sources, skip, start)


def _lines_from(
    sources: Sequence[Source], skip: dict[str, set[int]], start: int
) -> Iterator[tuple[Source, int, str]]:
    left = start  # records still to pass over: one plain loop, the cost of a later part
    for source in sources:
        passed = skip.get(source.name, set())
        for number, line in _record_lines(source, 0, None, 1):
            if number in passed:
                continue
            if left:
                left -= 1
                continue
            yield source, number, line.decode("utf-8", "replace").rstrip("\r\n")


def parse_record_line(source: Source, number: int, text: str, config: ReadConfig) -> Parsed:
    """The record (or error) :func:`read_records` makes of one JSONL line."""
    return _parse_json_line(text.encode("utf-8", "surrogatepass"), number, source.name, config)


def check_readable(source: Source) -> InputError | None:
    """The error a whole text file would end with at once (binary data), else None."""
    found = next(_guarded(source, _binary_check(source)), None)
    return found if isinstance(found, InputError) else None


def _binary_check(source: Source) -> Iterator[Parsed]:
    _check_not_binary(source)
    yield from ()


def _checked(
    items: Iterable[Parsed], config: ReadConfig, on_skip: OnSkip | None
) -> Iterator[Record]:
    check = IdCheck(config, on_skip)
    for item in items:
        if isinstance(item, Record):
            first = check.first_seen(item.id, item.source, item.line)
            if first is None:
                yield item
                continue
            item = duplicate_of(item, first)
        check.reject(item)


class IdCheck:
    """The first record with an id is admitted, a later one is an error; errors go as
    ``config.on_error`` says (raised, or handed to ``on_skip``).

    For callers that read records in pieces (worker processes) but must admit them in
    input order, exactly as :func:`read_records` does.
    """

    def __init__(self, config: ReadConfig, on_skip: OnSkip | None) -> None:
        self.config = config
        self.on_skip = on_skip
        self._seen: dict[str, tuple[str, int | None]] = {}

    def first_seen(
        self, record_id: str, source: str, line: int | None
    ) -> tuple[str, int | None] | None:
        """Where (source, line) ``record_id`` was seen before; None when it is new, and from
        now on it is seen here, at ``source`` and ``line``."""
        first = self._seen.get(record_id)
        if first is None:
            self._seen[record_id] = (source, line)
        return first

    def reject(self, error: InputError) -> None:
        reject(error, self.config, self.on_skip)


def reject(error: InputError, config: ReadConfig, on_skip: OnSkip | None) -> None:
    """``error`` raised, or handed to ``on_skip``, as ``config.on_error`` says."""
    if config.on_error == "fail":
        raise error
    if on_skip is not None:
        on_skip(error)


def duplicate_of(record: Record, first: tuple[str, int | None]) -> InputError:
    """The error for ``record``, whose id was first seen at ``first`` (source, line)."""
    return duplicate_id_error(record.id, (record.source, record.line), first, record.fields)


def duplicate_id_error(
    record_id: str,
    where: tuple[str, int | None],
    first: tuple[str, int | None],
    row: object = None,
) -> InputError:
    """The error for a record whose id was already seen at ``first`` (source, line).

    ``row`` (the record's fields) becomes the error's ``raw`` text when given.
    """
    source, line = first
    first_at = f"{source}:{line}" if line is not None else source
    reason = f"duplicate id {record_id!r} (first seen at {first_at})"
    hint = (
        "ids must be unique: fix them, pass --id-field to use another field, "
        f"or pass {ON_ERROR_SKIP} to keep only the first"
    )
    if row is None:
        return InputError(where[0], reason, line=where[1], hint=hint, record_id=record_id)
    return _Where(where[0], where[1], row).error(reason, hint, record_id=record_id)


def _python_items(items: Iterable[Mapping[str, Any] | str], config: ReadConfig) -> Iterator[Parsed]:
    for index, item in enumerate(items):
        where = _Where(PYTHON_NAME, index + 1, item)
        if isinstance(item, str):
            yield _to_record({config.id_field: str(index), config.text_field: item}, config, where)
        elif isinstance(item, Mapping):
            yield _to_record(dict(item), config, where)
        else:
            yield where.error(
                f"item is {_kind(item)}, not a mapping or a string",
                "pass dicts such as {'id': ..., 'text': ...} or plain strings",
            )


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a record came from; makes its errors, with the raw text attached."""

    source: str
    line: int | None
    row: object  # the line's text, or the parsed row; turned into ``raw`` only on error

    def error(self, reason: str, hint: str, *, record_id: str | None = None) -> InputError:
        raw = self.row.rstrip("\r\n") if isinstance(self.row, str) else _dump(self.row)
        return InputError(
            self.source,
            reason,
            line=self.line,
            hint=hint,
            record_id=record_id,
            raw=None if raw is None else raw[:_RAW_LIMIT],
        )


def _dump(row: object) -> str | None:
    try:
        return json.dumps(row, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(row)


def _to_record(
    fields: dict[str, Any], config: ReadConfig, where: _Where, raw: str | None = None
) -> Parsed:
    """Check a parsed row's id and text; the row itself becomes ``fields`` untouched."""
    record_id, text = fields.get(config.id_field), fields.get(config.text_field)
    if type(record_id) is str and record_id and type(text) is str and _has_words(text):
        # the usual row, settled by the checks below at a third of their cost
        return Record(record_id, text, fields, where.source, where.line, raw)
    record_id = _record_id(fields, config, where)
    if isinstance(record_id, InputError):
        return record_id
    problem = _text_problem(fields, config.text_field)
    if problem is not None:
        return where.error(*problem, record_id=record_id)
    return Record(record_id, fields[config.text_field], fields, where.source, where.line, raw)


def _record_id(fields: Mapping[str, Any], config: ReadConfig, where: _Where) -> str | InputError:
    """The id as a string; missing (null or "", as CSV has no null) falls back to source:line."""
    name = config.id_field
    value = fields.get(name)
    if value is None or value == "":
        if not config.id_required:
            return f"{where.source}:{where.line}"
        return where.error(
            f"no id field {name!r}",
            f"give every record an id, or drop --id-field to number records by line, {_SKIP_HINT}",
        )
    if isinstance(value, (Mapping, list, tuple, set, bool)):
        return where.error(
            f"id field {name!r} is {_kind(value)}, not a string or a number",
            f"pass --id-field to use another field, {_SKIP_HINT}",
        )
    return str(value)


def _text_problem(fields: Mapping[str, Any], name: str) -> tuple[str, str] | None:
    """``(reason, hint)`` when the text field is missing, not a string or blank."""
    if name not in fields:
        have = [repr(key) for key in list(fields)[:_MAX_LISTED_FIELDS]]
        more = ", ..." if len(fields) > _MAX_LISTED_FIELDS else ""
        listed = ", ".join(have) + more if have else "none"
        return (
            f"no text field {name!r}",
            f"pass --text-field NAME to read another field (this record has: {listed}), "
            + _SKIP_HINT,
        )
    value = fields[name]
    if not isinstance(value, str):
        return (
            f"text field {name!r} is {_kind(value)}, not a string",
            f"store the text as a string or pass --text-field to read another field, {_SKIP_HINT}",
        )
    if not _has_words(value):
        return f"text field {name!r} is empty", f"fix or remove the record, {_SKIP_HINT}"
    return None


def _has_words(text: str) -> bool:
    """Not empty, nor whitespace and invisible format characters alone (zero-width spaces,
    BOMs, direction marks: normalisation leaves nothing of them). ``isspace`` stops at the
    first other character, where ``strip`` copies the text; so does the loop, mostly at once."""
    if not text or text.isspace():
        return False
    if text.isascii():
        return True
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text)


def _kind(value: object) -> str:
    """Describe a value's type in JSON terms, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"of type {type(value).__name__}"


# --------------------------------------------------------------------------- files


class _Unreadable(Exception):
    """A whole file cannot be read; becomes one InputError for the file."""

    def __init__(self, reason: str, hint: str = _FILE_HINT, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.hint, self.line = reason, hint, line


def read_source(source: Source, config: ReadConfig) -> Iterator[Parsed]:
    """Records and errors of one source (ids not checked: see :class:`IdCheck`); a broken
    file ends with one error for the file."""
    yield from _guarded(source, _READERS[source.format](source, config))


def _guarded(source: Source, items: Iterator[Parsed]) -> Iterator[Parsed]:
    """``items``, a failure to read the file turned into one error for the file."""
    try:
        yield from items
    except _Unreadable as exc:
        yield InputError(source.name, exc.reason, line=exc.line, hint=exc.hint)
    except (OSError, EOFError, zlib.error) as exc:
        what = f"{source.compression} data" if source.compression else "the file"
        yield InputError(source.name, f"cannot read {what}: {exc}", hint=_FILE_HINT)


def _open_bytes(source: Source) -> io.BufferedIOBase:
    if source.compression == "gzip":
        if source.url is None:
            return gzip.open(source.path, "rb")
        return gzip.GzipFile(fileobj=_open_raw(source), mode="rb")
    if source.compression == "zstd":
        return io.BufferedReader(_ZstdReader(_open_raw(source)), _CHUNK_BYTES)
    raw: io.BufferedIOBase = _open_raw(source)
    return raw


def _open_raw(source: Source) -> Any:
    """The file's bytes: a local file, or through fsspec for a URL (``s3://``, ``gs://``)."""
    if source.url is None:
        return source.path.open("rb", buffering=_CHUNK_BYTES)
    import fsspec

    return fsspec.open(source.url, "rb").open()


def _check_not_binary(source: Source) -> None:
    with _open_bytes(source) as stream:
        head = stream.read(_SNIFF_BYTES)
    if b"\x00" in head:
        raise _Unreadable(
            "looks like a binary file (NUL byte in the first 8 KiB)",
            "pass only text, JSONL, CSV or Parquet files (UTF-16 text must be re-encoded as "
            "UTF-8; compressed files need a .gz or .zst extension), "
            f"or pass {ON_ERROR_SKIP} to skip it",
        )


class _ZstdReader(io.RawIOBase):
    """Decompress zstd frames one after another, failing on a cut-off frame.

    zstandard's own ``stream_reader`` ends quietly at a truncated frame, which
    would make a partial download look like a short, valid file.
    """

    def __init__(self, file: Any) -> None:
        import zstandard

        self._file = file
        self._context = zstandard.ZstdDecompressor()
        self._frame = self._context.decompressobj()
        self._error: type[Exception] = zstandard.ZstdError
        self._in_frame = False  # bytes of an unfinished frame have been fed
        self._out, self._pos = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        while self._pos >= len(self._out):
            if not self._fill():
                return 0
        view = memoryview(buffer).cast("B")
        size = min(len(view), len(self._out) - self._pos)
        view[:size] = self._out[self._pos : self._pos + size]
        self._pos += size
        return size

    def close(self) -> None:
        self._file.close()
        super().close()

    def _fill(self) -> bool:
        chunk = self._file.read(_CHUNK_BYTES)
        if not chunk:
            if self._in_frame:
                raise _Unreadable("zstd data ends in the middle of a frame (truncated file?)")
            return False
        self._out, self._pos = self._decompress(chunk), 0
        return True

    def _decompress(self, data: bytes) -> bytes:
        parts = []
        while data:
            try:
                parts.append(self._frame.decompress(data))
            except self._error as exc:
                raise _Unreadable(f"cannot decompress zstd data: {exc}") from exc
            self._in_frame = not self._frame.eof
            if self._in_frame:
                break
            data = self._frame.unused_data
            self._frame = self._context.decompressobj()
        return b"".join(parts)


# --------------------------------------------------------------------------- JSONL


def _read_jsonl(source: Source, config: ReadConfig) -> Iterator[Parsed]:
    """One JSON object per line; blank lines are not records."""
    _check_not_binary(source)
    yield from _read_jsonl_range(source, config, 0, None, 1)


def _read_jsonl_range(
    source: Source, config: ReadConfig, start: int, stop: int | None, first_line: int
) -> Iterator[Parsed]:
    """The lines starting in ``[start, stop)`` (to the end when ``stop`` is None)."""
    for number, line in _record_lines(source, start, stop, first_line):
        yield _parse_json_line(line, number, source.name, config)


def _record_lines(
    source: Source, start: int, stop: int | None, first_line: int
) -> Iterator[tuple[int, bytes]]:
    """``(number, line)`` of the lines that can hold a record (not blank; a leading BOM
    taken off), of those starting in ``[start, stop)``: what both reads of a JSONL file
    walk, so the write pass meets the lines the first read made records of."""
    with _open_bytes(source) as stream:
        if start:
            stream.seek(start)
        position = start
        for number, line in enumerate(stream, start=first_line):
            if stop is not None and position >= stop:
                break
            position += len(line)
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if line and not line.isspace():  # empty only as a lone BOM
                yield number, line


# orjson reads integers past 64 bits as floats. A line that parses to a float
# and holds a long digit run (in a number or a string) goes to the standard
# library, which keeps such integers. Translating digits to "0" and the rest to
# " " finds the run far faster than a regex.
_DIGITS_AS_ZEROS = bytes(48 if 48 <= code <= 57 else 32 for code in range(256))
_LONG_DIGIT_RUN = b"0" * 19


def _has_float(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return True
    if kind is dict or kind is list:
        for item in value.values() if kind is dict else value:
            if type(item) is float or (type(item) in _CONTAINERS and _has_float(item)):
                return True
    return False


_CONTAINERS = (dict, list)


def _loads(line: bytes, text: str) -> Any:
    """``json.loads(text)``, by orjson (~4x faster) wherever the two agree.

    A line orjson rejects is parsed again by the standard library, which either
    accepts it (NaN, lone surrogates) or raises the error reported to the user.
    """
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(text)
    if _has_float(value) and _LONG_DIGIT_RUN in line.translate(_DIGITS_AS_ZEROS):
        return json.loads(text)
    return value


def _parse_json_line(line: bytes, number: int, name: str, config: ReadConfig) -> Parsed:
    try:
        text = line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        where = _Where(name, number, line.decode("utf-8", "replace"))
        return where.error(f"invalid UTF-8 at byte {exc.start} of the line", _ENCODING_HINT)
    where = _Where(name, number, text)
    try:
        obj = _loads(line, text)
    except json.JSONDecodeError as exc:
        return where.error(
            f"malformed JSON ({exc.msg} at column {exc.colno})",
            f"fix or remove the line, {_SKIP_HINT}",
        )
    except RecursionError:
        return where.error("malformed JSON (nested too deeply)", f"fix or remove it, {_SKIP_HINT}")
    if not isinstance(obj, dict):
        return where.error(
            f"line is {_kind(obj)}, not a JSON object",
            f'write one object per line, like {{"id": "1", "text": "..."}}, {_SKIP_HINT}',
        )
    return _to_record(obj, config, where, raw=text)


# --------------------------------------------------------------------------- CSV


class _LineTap:
    """Decode byte lines one at a time for :mod:`csv`, keeping the current row's text.

    Decoding per line lets invalid UTF-8 be reported with its line number
    while quoted fields still span lines.
    """

    def __init__(self, stream: io.BufferedIOBase) -> None:
        self._lines = iter(stream)
        self._number = 0
        self._text: list[str] = []
        self._bad: list[str] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        raw = next(self._lines)
        self._number += 1
        if self._number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._bad.append(f"invalid UTF-8 at byte {exc.start} of line {self._number}")
            line = raw.decode("utf-8", "replace")
        self._text.append(line)
        return line

    def take(self) -> tuple[str, list[str]]:
        """Text and encoding problems of the lines read since the last call."""
        text, bad = "".join(self._text), self._bad
        self._text, self._bad = [], []
        return text, bad


def _read_csv(source: Source, config: ReadConfig) -> Iterator[Parsed]:
    """A header row, then one record per row; ``line`` is the row's first file line."""
    _check_not_binary(source)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    with _open_bytes(source) as stream:
        tap = _LineTap(stream)
        rows = csv.reader(tap)
        header = _csv_header(rows, tap)
        if header is None:
            return
        end = rows.line_num
        while (row := _next_row(rows)) is not None:
            start, end = end + 1, rows.line_num
            text, bad = tap.take()
            if row:
                yield _csv_record(header, row, bad, config, _Where(source.name, start, text))


def _next_row(rows: CsvReader) -> list[str] | None:
    try:
        return next(rows, None)
    except csv.Error as exc:
        raise _Unreadable(f"malformed CSV: {exc}", line=rows.line_num) from exc


def _csv_header(rows: CsvReader, tap: _LineTap) -> list[str] | None:
    header = _next_row(rows)
    while header == []:
        header = _next_row(rows)
    tap.take()
    if header is not None:
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise _Unreadable(
                f"the header names column {repeated[0]!r} more than once",
                "give every column a distinct name",
                line=rows.line_num,
            )
    return header


def _csv_record(
    header: list[str], row: list[str], bad: list[str], config: ReadConfig, where: _Where
) -> Parsed:
    if bad:
        return where.error(bad[0], _ENCODING_HINT)
    if len(row) != len(header):
        return where.error(
            f"row has {len(row)} fields but the header has {len(header)}",
            "quote fields that contain commas, quotes or line breaks; "
            f"fix or remove the row, {_SKIP_HINT}",
        )
    return _to_record(dict(zip(header, row, strict=True)), config, where)


# --------------------------------------------------------------------------- Parquet


def _read_parquet(source: Source, config: ReadConfig) -> Iterator[Parsed]:
    """Rows in batches (never the whole file); ``line`` is the 1-based row number."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(source.path if source.url is None else _open_raw(source)) as parquet:
            number = 0
            for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
                for row in batch.to_pylist():
                    number += 1
                    yield _to_record(row, config, _Where(source.name, number, row))
    except pa.ArrowException as exc:
        raise _Unreadable(f"cannot read Parquet: {str(exc).rstrip('.')}") from exc


# --------------------------------------------------------------------------- text folder


def _read_textdir(source: Source, config: ReadConfig) -> Iterator[Parsed]:
    """Each visible regular file is a record whose id is its relative path."""
    for relative in _text_files(source.path, source.leave_out):
        yield _text_file(source, relative, config)


def _text_files(root: Path, leave_out: tuple[Path, ...] = ()) -> list[str]:
    """Relative posix paths of visible regular files outside ``leave_out``, sorted so
    every run agrees."""
    found = []
    for folder, dirs, files in os.walk(root, onerror=_raise):
        dirs[:] = [
            name
            for name in dirs
            if not name.startswith(".") and Path(folder, name).resolve() not in leave_out
        ]
        for name in files:
            path = Path(folder, name)
            if not name.startswith(".") and path.is_file():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def _raise(exc: OSError) -> None:
    raise exc


def _text_file(source: Source, relative: str, config: ReadConfig) -> Parsed:
    name = PurePath(source.name, relative).as_posix()
    try:
        data = (source.path / relative).read_bytes()
    except OSError as exc:
        return InputError(name, f"cannot read file: {exc.strerror}", hint=_FILE_HINT)
    if b"\x00" in data[:_SNIFF_BYTES]:
        return InputError(
            name,
            "looks like a binary file (NUL byte in the first 8 KiB)",
            hint=f"remove it from the folder, or pass {ON_ERROR_SKIP} to skip it",
            record_id=relative,
        )
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        where = _Where(name, None, data.decode("utf-8", "replace"))
        return where.error(f"invalid UTF-8 at byte {exc.start}", _ENCODING_HINT, record_id=relative)
    fields = {config.id_field: relative, config.text_field: text}
    return _to_record(fields, config, _Where(name, None, text))


_READERS: dict[SourceFormat, Callable[[Source, ReadConfig], Iterator[Parsed]]] = {
    "jsonl": _read_jsonl,
    "csv": _read_csv,
    "parquet": _read_parquet,
    "textdir": _read_textdir,
}

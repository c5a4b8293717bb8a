"""``neardup index add|query|remove|get|stats|check``: a few lines each over :class:`neardup.Index`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import orjson
import typer

from neardup.cli._app import app, fail, stderr
from neardup.cli._options import InputFormat, OnError, read_config
from neardup.cli.dedup import Keep, Order, ShingleKind, Similarity, Sketch
from neardup.config import ReadConfig
from neardup.errors import InputError, NeardupError
from neardup.gcpause import gc_paused
from neardup.index_types import Outcome
from neardup.io.readers import open_inputs, read_records
from neardup.pipeline import BATCH_SIZE, default_workers
from neardup.types import Record

if TYPE_CHECKING:
    from neardup.index import Index

index_app = typer.Typer(
    help="A persistent index: add documents as they arrive and learn what each duplicates.",
    no_args_is_help=True,
)
app.add_typer(index_app, name="index")

_MAX_LISTED_SKIPS = 20  # skipped records named on stderr; the rest are counted
ADD_BATCH = 4 * BATCH_SIZE  # per transaction: a cluster touched often is redrawn less often

Db = Annotated[Path, typer.Option("--db", help="The index file (SQLite).")]
Inputs = Annotated[
    list[str],
    typer.Argument(
        help="JSONL (.gz/.zst), Parquet, CSV files, folders of text files, or - for stdin."
    ),
]
IdField = Annotated[
    str | None,
    typer.Option(help="Field holding the record id (default 'id', or <file>:<line> when absent)."),
]
TextField = Annotated[str, typer.Option(help="Field holding the text.")]
Format = Annotated[InputFormat | None, typer.Option(help="Read every input as this format.")]
Errors = Annotated[OnError, typer.Option(help="fail stops at the first bad record; skip goes on.")]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the outcomes (JSONL) here, not to stdout."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")]


def _open_index(db: Path, **options: Any) -> Index:
    """The index at ``db``, its modules imported here: the other commands start without them."""
    from neardup.index import Index

    return Index(db, **options)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8") as handle:
        yield handle


def _write(outcomes: Iterable[Outcome], out: TextIO) -> tuple[int, int]:
    """JSONL lines; returns (documents, duplicates)."""
    count = duplicates = 0
    for outcome in outcomes:
        out.write(_line(outcome.to_json()))
        count += 1
        duplicates += outcome.duplicate
    return count, duplicates


def _line(row: dict[str, Any]) -> str:
    try:
        return orjson.dumps(row).decode() + "\n"
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(row, ensure_ascii=False) + "\n"


def _report_skips(skipped: list[InputError]) -> None:
    for error in skipped[:_MAX_LISTED_SKIPS]:
        # its hint names --on-error skip, which is what was done
        where = f"skipped: {error.location}: {error.reason}"
        stderr().print(where, highlight=False, markup=False, soft_wrap=True)
    if len(skipped) > _MAX_LISTED_SKIPS:
        stderr().print(f"... and {len(skipped) - _MAX_LISTED_SKIPS} more skipped", highlight=False)


def _records(
    inputs: list[str], read: ReadConfig, input_format: InputFormat | None, skipped: list[InputError]
) -> Iterator[Record]:
    sources = open_inputs(inputs, input_format=input_format.value if input_format else None)
    return read_records(sources, read, on_skip=skipped.append)


@index_app.command("add")
def add(
    inputs: Inputs,
    db: Db,
    id_field: IdField = None,
    text_field: TextField = "text",
    input_format: Format = None,
    on_error: Errors = OnError.fail,
    skip_existing: Annotated[
        bool, typer.Option(help="Leave documents whose id is indexed as they are (else an error).")
    ] = False,
    store_text: Annotated[
        bool | None,
        typer.Option(
            "--store-text/--no-store-text", help="Keep texts in the index (new index only)."
        ),
    ] = None,
    similarity: Annotated[
        Similarity | None, typer.Option(help="New index: containment or jaccard.")
    ] = None,
    threshold: Annotated[float | None, typer.Option(help="New index: duplicate threshold.")] = None,
    min_jaccard: Annotated[
        float | None, typer.Option(help="New index: Jaccard floor (containment).")
    ] = None,
    max_passage: Annotated[
        int | None, typer.Option(help="New index: longest unshared passage.")
    ] = None,
    max_lead: Annotated[
        int | None, typer.Option(help="New index: own text both may hold before the shared text.")
    ] = None,
    min_shared: Annotated[
        int | None,
        typer.Option(help="New index: shingles a pair must share unless near-identical."),
    ] = None,
    figure_ratio: Annotated[
        float | None,
        typer.Option(help="New index: share of the wording's overlap the figures must reach."),
    ] = None,
    min_figures: Annotated[
        int | None,
        typer.Option(help="New index: figure shingles each must hold to compare figures."),
    ] = None,
    max_rewrite_rate: Annotated[
        float | None,
        typer.Option(help="New index: rewrites in place per aligned shingle that part a pair."),
    ] = None,
    min_lede_share: Annotated[
        float | None,
        typer.Option(help="New index: share of one's opening paragraph the other must hold."),
    ] = None,
    sentence_lede_words: Annotated[
        int | None,
        typer.Option(min=0, help="New index: words from which a lede ending a sentence counts."),
    ] = None,
    min_number_share: Annotated[
        float | None,
        typer.Option(help="New index: share of its numbers a pair's one holding fewer must keep."),
    ] = None,
    number_swaps: Annotated[
        int | None,
        typer.Option(min=0, help="New index: number swaps from which a pair is parted."),
    ] = None,
    drop_boilerplate: Annotated[
        bool | None,
        typer.Option(
            "--drop-boilerplate/--keep-boilerplate",
            help="New index: leave furniture lines out of the shingles.",
        ),
    ] = None,
    kept_ratio: Annotated[
        float | None,
        typer.Option(
            help="New index: share of the thresholds a copy must reach with its kept one."
        ),
    ] = None,
    central_share: Annotated[
        float | None,
        typer.Option(help="New index: share of the best-linked copy's links a kept copy needs."),
    ] = None,
    lsh_threshold: Annotated[
        float | None, typer.Option(help="New index: LSH candidate point.")
    ] = None,
    num_perm: Annotated[int | None, typer.Option(help="New index: MinHash permutations.")] = None,
    seed: Annotated[int | None, typer.Option(help="New index: MinHash seed.")] = None,
    sketch: Annotated[
        Sketch | None, typer.Option(help="New index: classic MinHash or oph.")
    ] = None,
    ngram: Annotated[int | None, typer.Option(help="New index: shingle size.")] = None,
    shingle_kind: Annotated[
        ShingleKind | None, typer.Option(help="New index: word or char.")
    ] = None,
    fold_ocr: Annotated[
        bool | None,
        typer.Option(
            "--fold-ocr/--no-fold-ocr", help="New index: read letters OCR confuses as one."
        ),
    ] = None,
    split_unspaced: Annotated[
        bool | None,
        typer.Option(
            "--split-unspaced/--no-split-unspaced",
            help="New index: each character of Chinese, Japanese, Thai... text a word.",
        ),
    ] = None,
    bands: Annotated[int | None, typer.Option(help="New index: LSH bands (with --rows).")] = None,
    rows: Annotated[int | None, typer.Option(help="New index: LSH rows (with --bands).")] = None,
    verify: Annotated[
        bool | None, typer.Option("--verify/--no-verify", help="New index: exact similarity.")
    ] = None,
    keep: Annotated[Keep | None, typer.Option(help="New index: which copy stays.")] = None,
    keep_field: Annotated[
        str | None, typer.Option(help="New index: field for --keep field.")
    ] = None,
    keep_order: Annotated[Order | None, typer.Option(help="New index: asc or desc.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes computing features (default: every core)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Documents per transaction (and per feature batch).")
    ] = ADD_BATCH,
    bulk: Annotated[
        bool | None,
        typer.Option(
            "--bulk/--no-bulk",
            help="Fill an empty index in one transaction, at dedup's speed (default: for a new "
            "index); --no-bulk commits every --batch-size documents.",
        ),
    ] = None,
    workdir: Annotated[
        Path | None,
        typer.Option(
            help="Directory for a bulk load's scratch files (default: the system temp dir)."
        ),
    ] = None,
    output: Output = None,
    quiet: Quiet = False,
) -> None:
    """Add documents to the index at --db (created when absent, with the settings given).

    Each document's outcome (duplicate_of, similarity, matches) is written as a JSONL line.
    """
    given = {
        "similarity": similarity.value if similarity else None,
        "threshold": threshold,
        "min_jaccard": min_jaccard,
        "max_passage": max_passage,
        "max_lead": max_lead,
        "min_shared": min_shared,
        "figure_ratio": figure_ratio,
        "min_figures": min_figures,
        "max_rewrite_rate": max_rewrite_rate,
        "min_number_share": min_number_share,
        "number_swaps": number_swaps,
        "min_lede_share": min_lede_share,
        "sentence_lede_words": sentence_lede_words,
        "drop_boilerplate": drop_boilerplate,
        "kept_ratio": kept_ratio,
        "central_share": central_share,
        "lsh_threshold": lsh_threshold,
        "num_perm": num_perm,
        "seed": seed,
        "sketch": sketch.value if sketch else None,
        "shingle_size": ngram,
        "shingle_kind": shingle_kind.value if shingle_kind else None,
        "fold_ocr": fold_ocr,
        "split_unspaced": split_unspaced,
        "bands": bands,
        "rows": rows,
        "verify": verify,
        "keep": keep.value if keep else None,
        "keep_field": keep_field,
        "keep_order": keep_order.value if keep_order else None,
    }
    options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    skipped: list[InputError] = []
    read = [0]  # records handed to the index: those added and those already in it
    try:
        with _open_index(db, store_text=store_text, **options) as index, _output(output) as out:
            records = _records(
                inputs, read_config(id_field, text_field, on_error), input_format, skipped
            )
            outcomes = index.add_records(
                _counted(records, read),
                text_field=text_field,
                skip_existing=skip_existing,
                workers=workers or default_workers(),
                batch_size=batch_size,
                bulk=bulk,
                workdir=workdir,
            )
            with gc_paused():  # the whole add: see neardup.gcpause
                added, duplicates = _write(outcomes, out)
            total = len(index)
    except NeardupError as error:
        raise fail(error) from error
    _report_skips(skipped)
    if not quiet:
        already = read[0] - added
        left = f"{already:,} already indexed, left as they were; " if skip_existing else ""
        stderr().print(
            f"{added:,} added, {duplicates:,} of them duplicates; {left}"
            f"{len(skipped):,} skipped. {db} holds {total:,} documents.",
            highlight=False,
        )


def _counted(records: Iterable[Record], count: list[int]) -> Iterator[Record]:
    for record in records:
        count[0] += 1
        yield record


@index_app.command("query")
def query(
    inputs: Inputs,
    db: Db,
    id_field: IdField = None,
    text_field: TextField = "text",
    input_format: Format = None,
    on_error: Errors = OnError.fail,
    output: Output = None,
    quiet: Quiet = False,
) -> None:
    """What adding would answer for each document, without adding anything (JSONL)."""
    skipped: list[InputError] = []
    try:
        with _open_index(db, create=False) as index, _output(output) as out:
            records = _records(
                inputs, read_config(id_field, text_field, on_error), input_format, skipped
            )
            count, duplicates = _write(index.query_records(records), out)
    except NeardupError as error:
        raise fail(error) from error
    _report_skips(skipped)
    if not quiet:
        stderr().print(
            f"{count:,} queried, {duplicates:,} duplicate indexed documents.", highlight=False
        )


@index_app.command("remove")
def remove(
    ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove.")],
    db: Db,
    quiet: Quiet = False,
) -> None:
    """Remove documents so they no longer match; exits 1 if an id was not indexed."""
    try:
        with _open_index(db, create=False) as index:
            removed = index.remove(ids)
    except NeardupError as error:
        raise fail(error) from error
    missing = [i for i in ids if i not in set(removed)]
    if not quiet:
        stderr().print(f"removed {len(removed):,} document(s)", highlight=False)
    if missing:
        stderr().print(f"not in the index: {', '.join(missing)}", highlight=False, markup=False)
        raise typer.Exit(code=1)


@index_app.command("get")
def get(
    doc_id: Annotated[str, typer.Argument(help="Id of the document.")],
    db: Db,
) -> None:
    """Print one document (JSON): its fields, its text if stored, its cluster."""
    try:
        with _open_index(db, create=False) as index:
            found = index.get(doc_id)
    except NeardupError as error:
        raise fail(error) from error
    if found is None:
        stderr().print(f"not in the index: {doc_id}", highlight=False, markup=False)
        raise typer.Exit(code=1)
    typer.echo(json.dumps(found.to_json(), ensure_ascii=False))


@index_app.command("stats")
def stats(db: Db) -> None:
    """Counts, settings and format of the index (JSON)."""
    try:
        with _open_index(db, create=False) as index:
            typer.echo(json.dumps(index.stats(), indent=2))
    except NeardupError as error:
        raise fail(error) from error


@index_app.command("check")
def check(db: Db) -> None:
    """Check the index file and every row against the others; exits 1 on any problem."""
    try:
        with _open_index(db, create=False) as index:
            problems = index.check()
            total = len(index)
    except NeardupError as error:
        raise fail(error) from error
    if problems:
        for problem in problems:
            stderr().print(f"problem: {problem}", highlight=False, markup=False)
        raise typer.Exit(code=1)
    typer.echo(f"ok: {db} holds {total:,} documents and passes every check")

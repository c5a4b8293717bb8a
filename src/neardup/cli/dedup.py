"""``neardup dedup``: options in, :func:`neardup.files.dedup_files` called, a line out."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from neardup.cli._app import app, fail, progress_bars, stderr
from neardup.cli._heap import keep_freed_memory_for_reuse
from neardup.cli._options import InputFormat, OnError, read_config
from neardup.config import DedupConfig, RayConfig, ReadConfig
from neardup.errors import ConfigError, NeardupError
from neardup.files import dedup_files

_DEFAULTS = DedupConfig()
_RAY_DEFAULTS = RayConfig()


class Similarity(str, Enum):
    jaccard = "jaccard"
    containment = "containment"


class ShingleKind(str, Enum):
    word = "word"
    char = "char"


class Sketch(str, Enum):
    classic = "classic"
    oph = "oph"


class Keep(str, Enum):
    longest = "longest"
    first = "first"
    field = "field"


class Order(str, Enum):
    asc = "asc"
    desc = "desc"


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


@app.command()
def dedup(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="JSONL (.gz/.zst), Parquet, CSV files, folders of text files, or - for stdin."
        ),
    ],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to write the results.")
    ],
    id_field: Annotated[
        str | None,
        typer.Option(
            help="Field holding the record id; records without one are errors. Default: 'id', or <file>:<line> when absent."
        ),
    ] = None,
    text_field: Annotated[str, typer.Option(help="Field holding the text.")] = "text",
    input_format: Annotated[
        InputFormat | None,
        typer.Option(help="Read every input as this format instead of guessing from its name."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Format of the output tables.")
    ] = OutputFormat.jsonl,
    similarity: Annotated[
        Similarity,
        typer.Option(
            help="containment = overlap / smaller set (abridged copies match); jaccard = overlap / union."
        ),
    ] = Similarity(_DEFAULTS.similarity),
    threshold: Annotated[
        float, typer.Option(help="Similarity at or above which two records are duplicates.")
    ] = _DEFAULTS.threshold,
    min_jaccard: Annotated[
        float,
        typer.Option(
            help="With containment, also require this Jaccard (a quoted paragraph is not a copy)."
        ),
    ] = _DEFAULTS.min_jaccard,
    max_passage: Annotated[
        int,
        typer.Option(
            help="Longest passage (in shingles, about words) one copy may hold that the other lacks; 0 = no limit."
        ),
    ] = _DEFAULTS.max_passage,
    max_lead: Annotated[
        int,
        typer.Option(
            help="Most text (in shingles) both records may hold of their own before the text they share; 0 = no limit."
        ),
    ] = _DEFAULTS.max_lead,
    min_shared: Annotated[
        int,
        typer.Option(
            help="Shingles a pair must share unless near-identical (half its union); 0 = no minimum."
        ),
    ] = _DEFAULTS.min_shared,
    figure_ratio: Annotated[
        float,
        typer.Option(
            help="Share of its wording's overlap a pair must reach in the figures it shares (a template filled in with other numbers is another report); 0 = no check."
        ),
    ] = _DEFAULTS.figure_ratio,
    min_figures: Annotated[
        int,
        typer.Option(help="Figure shingles each record must hold before figures are compared."),
    ] = _DEFAULTS.min_figures,
    max_rewrite_rate: Annotated[
        float,
        typer.Option(
            help="Places where both of a pair rewrite short text in place (one template filled in twice), per shared shingle aligned, above which a pair is two reports; 0 = no check."
        ),
    ] = _DEFAULTS.max_rewrite_rate,
    min_lede_share: Annotated[
        float,
        typer.Option(
            help="Share of a paragraph of prose one of a pair opens with that the other, opening with the shared text and running on, must hold (an article quoted from its second paragraph on); 0 = no check."
        ),
    ] = _DEFAULTS.min_lede_share,
    sentence_lede_words: Annotated[
        int,
        typer.Option(
            min=0,
            help="Words from which such an opening paragraph is a lede when it ends a sentence (else 20: headlines, bylines and credits end without a full stop); 0 = 20 always.",
        ),
    ] = _DEFAULTS.sentence_lede_words,
    min_number_share: Annotated[
        float,
        typer.Option(
            help='Share of its numbers ("30-1/2", "1,000") the one of a pair holding fewer must find in the other once three or more are missing (a template filled in with other facts); near-copies aside; 0 = no check.'
        ),
    ] = _DEFAULTS.min_number_share,
    number_swaps: Annotated[
        int,
        typer.Option(
            min=0,
            help='Places where each of a pair holds a few words of its own with a number the other holds nowhere ("Pay March 31" / "Pay April 30": one template filled in twice) from which the pair is parted; near-copies aside; 0 = no check.',
        ),
    ] = _DEFAULTS.number_swaps,
    drop_boilerplate: Annotated[
        bool,
        typer.Option(
            "--drop-boilerplate/--keep-boilerplate",
            help="Leave bylines, photo captions and credits, copyright / read-more footers and ad lines out of the shingles.",
        ),
    ] = _DEFAULTS.drop_boilerplate,
    min_tail_word_cosine: Annotated[
        float,
        typer.Option(
            help="Part a pair whose longer text runs on past the shared part, at least as long again, about other things: the content words of the two meet under this cosine (an article quoting another's paragraph, not an original its copy abridged). 0 turns the check off.",
        ),
    ] = _DEFAULTS.min_tail_word_cosine,
    semantic: Annotated[
        bool,
        typer.Option(
            help="Part a pair whose longer text runs on past the shared part about something else (an article quoting another's paragraph at its top), by an embedding model; needs the extra: pip install torch==2.13.0 'neardup\\[semantic]'.",
        ),
    ] = _DEFAULTS.semantic,
    min_tail_cosine: Annotated[
        float,
        typer.Option(
            help="With --semantic: the cosine of the shared part and the longer text's own tail under which a pair is parted."
        ),
    ] = _DEFAULTS.min_tail_cosine,
    kept_ratio: Annotated[
        float,
        typer.Option(
            help="A removed record must reach this share of --threshold and --min-jaccard with its kept copy (0: plain connected components)."
        ),
    ] = _DEFAULTS.kept_ratio,
    central_share: Annotated[
        float,
        typer.Option(
            help="A cluster's chosen copy with fewer verified links than this share of its best-linked record's, and no copy of the one chosen among the well-linked, keeps none of their members (a quote kept as the longest); 0 = off."
        ),
    ] = _DEFAULTS.central_share,
    lsh_threshold: Annotated[
        float | None,
        typer.Option(
            help="Jaccard at which LSH should find candidates (default: --threshold with "
            "jaccard; --min-jaccard, not below 0.1, with containment)."
        ),
    ] = None,
    num_perm: Annotated[
        int, typer.Option(help="MinHash permutations.")
    ] = _DEFAULTS.minhash.num_perm,
    seed: Annotated[int, typer.Option(help="MinHash seed.")] = _DEFAULTS.minhash.seed,
    sketch: Annotated[
        Sketch,
        typer.Option(help="classic: a hash per permutation; oph: one hash per shingle, densified."),
    ] = Sketch(_DEFAULTS.minhash.sketch),
    ngram: Annotated[
        int, typer.Option(help="Shingle size in words (or characters with --shingle-kind char).")
    ] = _DEFAULTS.shingle.size,
    shingle_kind: Annotated[
        ShingleKind, typer.Option(help="Word or character n-grams.")
    ] = ShingleKind(_DEFAULTS.shingle.kind),
    fold_ocr: Annotated[
        bool,
        typer.Option(
            "--fold-ocr/--no-fold-ocr",
            help="Read letters OCR confuses (c/e, l/1/i, o/0, n/u, h/b, t/f, s/5, g/q/9) as one.",
        ),
    ] = _DEFAULTS.shingle.fold_ocr,
    split_unspaced: Annotated[
        bool,
        typer.Option(
            "--split-unspaced/--no-split-unspaced",
            help="Read each character of Chinese, Japanese, Thai, Lao, Khmer or Myanmar text as a word (they put no spaces between words).",
        ),
    ] = _DEFAULTS.shingle.split_unspaced,
    bands: Annotated[
        int | None,
        typer.Option(help="LSH bands (with --rows; default: optimal for the threshold)."),
    ] = None,
    rows: Annotated[int | None, typer.Option(help="LSH rows per band (with --bands).")] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify/--no-verify", help="Check candidates against their exact similarity."
        ),
    ] = _DEFAULTS.verify,
    keep: Annotated[Keep, typer.Option(help="Which copy of a cluster stays.")] = Keep(
        _DEFAULTS.keep
    ),
    keep_field: Annotated[
        str | None, typer.Option(help="Field ranked by --keep field (e.g. date).")
    ] = None,
    keep_order: Annotated[
        Order, typer.Option(help="asc keeps the smallest / earliest value.")
    ] = Order.asc,
    on_error: Annotated[
        OnError,
        typer.Option(help="fail stops at the first bad record; skip writes it to errors.jsonl."),
    ] = OnError.fail,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes computing signatures (default: every core). Results do not depend on it.",
        ),
    ] = None,
    workdir: Annotated[
        Path | None,
        typer.Option(help="Directory for scratch files (default: the system temp dir)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars or summary.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Add a 'differences' summary to every removed record (one more read)."
        ),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            help="local: this machine; ray: Ray tasks over partitions (pip install 'neardup\\[ray]'), same results."
        ),
    ] = Engine.local,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="With --engine ray: 'auto', 'ray://host:port' or a GCS address (default: RAY_ADDRESS, else a new local instance with --workers CPUs)."
        ),
    ] = None,
    partition_mb: Annotated[
        float,
        typer.Option(
            min=0.001,
            help="With --engine ray: megabytes of plain JSONL per partition (other inputs: one per file).",
        ),
    ] = _RAY_DEFAULTS.partition_bytes / (1 << 20),
) -> None:
    """Deduplicate a corpus: clusters.jsonl, kept.jsonl, removed.jsonl and summary.json in OUTPUT_DIR."""
    options: dict[str, Any] = {
        "similarity": similarity.value,
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
        "min_tail_word_cosine": min_tail_word_cosine,
        "semantic": semantic,
        "min_tail_cosine": min_tail_cosine,
        "kept_ratio": kept_ratio,
        "central_share": central_share,
        "lsh_threshold": lsh_threshold,
        "num_perm": num_perm,
        "seed": seed,
        "sketch": sketch.value,
        "shingle_size": ngram,
        "shingle_kind": shingle_kind.value,
        "fold_ocr": fold_ocr,
        "split_unspaced": split_unspaced,
        "bands": bands,
        "rows": rows,
        "verify": verify,
        "keep": keep.value,
        "keep_field": keep_field,
        "keep_order": keep_order.value,
    }
    try:
        config = DedupConfig.from_options(**options)
        read = read_config(id_field, text_field, on_error)
        if engine is Engine.ray:
            ray_config = RayConfig(ray_address, workers, max(1, int(partition_mb * (1 << 20))))
            _dedup_on_ray(
                inputs,
                output_dir,
                config,
                read,
                output_format,
                input_format,
                ray_config,
                quiet,
                workdir,
                explain,
            )
            return
        keep_freed_memory_for_reuse()
        with progress_bars(quiet) as progress:
            result = dedup_files(
                inputs,
                output_dir,
                config,
                read,
                output_format=output_format.value,
                input_format=input_format.value if input_format else None,
                progress=progress,
                workers=workers,
                workdir=workdir,
                explain=explain,
            )
    except NeardupError as error:
        raise fail(error) from error
    _report(result.counts, output_dir, inputs, quiet, result.warnings)


def _report(
    counts: dict[str, int],
    output_dir: Path | str,
    inputs: list[str],
    quiet: bool,
    warnings: Sequence[str] = (),
) -> None:
    """The closing line, after the warnings, which --quiet does not silence (an empty run,
    a keep field no record has, are rarely meant)."""
    if counts["records"] == 0:
        warnings = [f"no records in {', '.join(inputs)}", *warnings]
    for warning in warnings:
        stderr().print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
    if quiet:
        return
    stderr().print(
        f"{counts['records']:,} records: kept {counts['kept']:,}, removed {counts['removed']:,} "
        f"in {counts['clusters_with_duplicates']:,} cluster(s); "
        f"{counts.get('skipped_errors', 0):,} skipped. Results in {output_dir}/",
        highlight=False,
    )


def _dedup_on_ray(
    inputs: list[str],
    output_dir: Path,
    config: DedupConfig,
    read: ReadConfig,
    output_format: OutputFormat,
    input_format: InputFormat | None,
    ray_config: RayConfig,
    quiet: bool,
    workdir: Path | None,
    explain: bool,
) -> None:
    """``--engine ray``: the Ray engine (imported only now), partitioned tables in OUTPUT_DIR."""
    from neardup.engines.ray import dedup_files_ray

    if explain or workdir is not None:
        option = "--explain" if explain else "--workdir"
        raise ConfigError(
            f"{option} is not available with --engine ray (its work files live in "
            "OUTPUT_DIR/_neardup); drop it, or use --engine local"
        )
    with progress_bars(quiet) as progress:
        run = dedup_files_ray(
            inputs,
            str(output_dir),
            config,
            read,
            output_format=output_format.value,
            input_format=input_format.value if input_format else None,
            ray_config=ray_config,
            progress=progress,
        )
    if not quiet:
        if run.resumed.get("run"):
            stderr().print("This run had already finished; nothing to do.", highlight=False)
        elif run.resumed:
            skipped = sum(run.resumed.values())
            stderr().print(
                f"Resumed an earlier run: {skipped:,} finished tasks skipped.", highlight=False
            )
    _report(run.counts, output_dir, inputs, quiet, run.warnings)

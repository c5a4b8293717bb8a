"""``neardup eval``: score clusters against a labelled corpus.

``--output-dir DIR`` alone scores a finished ``neardup dedup`` run. With a
``--``, eval first runs ``neardup dedup`` with the options that follow it,
into DIR, or into a temporary directory when no DIR is given (as it does when
neither is given)::

    neardup eval corpus.jsonl --level-field level -- --threshold 0.4 --ngram 2

The options after ``--`` are parsed by the ``dedup`` command itself and the
run is that command, in-process. That is why they are not re-declared here:
one list of options, one set of checks and error messages, one code path,
and nothing to keep in sync when dedup gains an option. The options that say
how to read the corpus (``--id-field``, ``--text-field``, ``--input-format``,
``--on-error``) belong to eval, which reads the corpus too, and are passed on.
A run into a temporary directory is quiet: its closing line would name a
directory that is gone by the time the scores print.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from neardup.cli._app import app, fail
from neardup.cli._options import InputFormat, OnError, read_config
from neardup.errors import ConfigError, NeardupError
from neardup.evaluate import EvalReport, evaluate_output

if TYPE_CHECKING:
    from typer._click import Context as ClickContext  # typer's own click, for the overrides

_TAIL = "dedup_options"  # ctx.meta key of the arguments after "--"
_READ_OPTIONS = ("--id-field", "--text-field", "--input-format", "--on-error")
_OWN_OPTIONS = ("-o", "--output-dir", "-q", "--quiet", *_READ_OPTIONS)


class _WithDedupOptions(TyperCommand):
    """Splits the arguments at the first ``--``: what follows is for ``neardup dedup``.

    Click would otherwise drop the ``--`` and hand every later argument to the
    CORPUS argument, losing where the corpus ended.
    """

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        ctx.meta[_TAIL] = None
        if "--" in args:
            split = args.index("--")
            args, ctx.meta[_TAIL] = args[:split], args[split + 1 :]
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: ClickContext) -> list[str]:
        return [*super().collect_usage_pieces(ctx), "[-- DEDUP_OPTIONS]"]


@app.command(name="eval", cls=_WithDedupOptions)
def eval_command(
    ctx: typer.Context,
    corpus: Annotated[
        list[str],
        typer.Argument(help="The labelled corpus: the same inputs neardup dedup reads."),
    ],
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="A finished neardup dedup output to score; with --, where to run dedup first. Default: run dedup into a temporary directory.",
        ),
    ] = None,
    truth_field: Annotated[str, typer.Option(help="Field holding the true cluster.")] = "cluster",
    level_field: Annotated[
        str | None,
        typer.Option(help="Field grouping records (e.g. level) for recall per group."),
    ] = None,
    id_field: Annotated[
        str | None, typer.Option(help="Field holding the record id, as in neardup dedup.")
    ] = None,
    text_field: Annotated[str, typer.Option(help="Field holding the text.")] = "text",
    input_format: Annotated[
        InputFormat | None,
        typer.Option(help="Read every input as this format instead of guessing from its name."),
    ] = None,
    on_error: Annotated[
        OnError,
        typer.Option(help="fail stops at a bad record; skip leaves it out, as dedup did."),
    ] = OnError.fail,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress bars from a dedup run into --output-dir (a temporary one is always quiet).",
        ),
    ] = False,
) -> None:
    """Score clusters against true labels: ARI, pairwise precision / recall / F1, recall per level."""
    read = read_config(id_field, text_field, on_error)
    read_args = _read_arguments(id_field, text_field, input_format, on_error)
    fmt = input_format.value if input_format else None
    try:
        run_options = _run_options(output_dir, ctx.meta.get(_TAIL))
        with _scored_dir(output_dir) as scored:
            if run_options is not None:
                run_quiet = quiet or output_dir is None
                _run_dedup(ctx, [*corpus, *read_args, *run_options], scored, run_quiet)
            report = evaluate_output(
                corpus, scored, truth_field, level_field, read, input_format=fmt
            )
    except NeardupError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps(_json(report, corpus, output_dir, run_options), indent=2))
    else:
        _print(report, Console())


def _run_options(output_dir: Path | None, tail: list[str] | None) -> list[str] | None:
    """The dedup options to run with, or ``None`` when a finished run is only scored."""
    if output_dir is not None and tail is None:
        return None
    for arg in tail or []:
        name = arg.split("=", 1)[0]
        if name in _OWN_OPTIONS:
            raise ConfigError(
                f"{name} after -- is an option of neardup eval: pass it before the --"
            )
    return tail or []


@contextmanager
def _scored_dir(output_dir: Path | None) -> Iterator[Path]:
    """The directory to score: the one given, or a temporary one for this run."""
    if output_dir is not None:
        yield output_dir
        return
    with tempfile.TemporaryDirectory(prefix="neardup-eval-") as tmp:
        yield Path(tmp)


def _read_arguments(
    id_field: str | None, text_field: str, input_format: InputFormat | None, on_error: OnError
) -> list[str]:
    """eval's read options as dedup arguments, so both read the corpus alike."""
    args = ["--text-field", text_field, "--on-error", on_error.value]
    if id_field is not None:
        args += ["--id-field", id_field]
    if input_format is not None:
        args += ["--input-format", input_format.value]
    return args


def _run_dedup(ctx: ClickContext, args: list[str], output_dir: Path, quiet: bool) -> None:
    """The ``dedup`` command itself, parsing ``args`` as if typed after ``neardup dedup``."""
    root = ctx.find_root()
    group = root.command
    assert isinstance(group, TyperGroup)
    command = group.get_command(root, "dedup")
    assert command is not None
    args = [*args, "--output-dir", str(output_dir), *(["--quiet"] if quiet else [])]
    with command.make_context("dedup", args, parent=root) as sub:
        command.invoke(sub)


def _json(
    report: EvalReport, corpus: list[str], output_dir: Path | None, run_options: list[str] | None
) -> dict[str, Any]:
    """The report, with what was scored: ``dedup_options`` is null when no run was made."""
    scored = {
        "corpus": corpus,
        "output_dir": str(output_dir) if output_dir else None,
        "dedup_options": run_options,
    }
    return {**scored, **report.to_json()}


def _print(report: EvalReport, console: Console) -> None:
    scores = report.scores
    table = Table(title=f"{scores.documents:,} documents", title_justify="left")
    table.add_column("ARI", justify="right")
    for name in ("precision", "recall", "F1", "true pairs", "predicted", "correct"):
        table.add_column(name, justify="right")
    table.add_row(
        f"{scores.ari:.4f}",
        f"{scores.precision:.4f}",
        f"{scores.recall:.4f}",
        f"{scores.f1:.4f}",
        f"{scores.true_pairs:,}",
        f"{scores.predicted_pairs:,}",
        f"{scores.correct_pairs:,}",
    )
    console.print(table)
    if report.recall_by_level is not None and report.wrongly_joined_by_level is not None:
        console.print(_level_table(report.recall_by_level, report.wrongly_joined_by_level))


def _level_table(recall: dict[str, float], wrong: dict[str, int]) -> Table:
    """Recall of true pairs touching each level, and its documents put in a wrong cluster."""
    table = Table(title="by level", title_justify="left")
    table.add_column("level")
    table.add_column("recall", justify="right")
    table.add_column("documents in a wrong cluster", justify="right")
    for level in sorted(set(recall) | set(wrong)):
        shown = f"{recall[level]:.4f}" if level in recall else "(no true pairs)"
        table.add_row(level, shown, f"{wrong.get(level, 0):,}")
    return table

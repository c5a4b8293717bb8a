"""``neardup explain A B``: why two documents match, and how each copy differs.

A and B are two files, two ids of a corpus (``--corpus``), or two ids of a
finished output directory (``--output-dir``). The library does the work
(:func:`neardup.explain.explain`); this module finds the texts and prints the
explanation as JSON with ``--json``, else through ``_explain_view``: the figures
and the aligned passages, in colour on a terminal, plain in a pipe.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from neardup.cli._app import app, fail
from neardup.config import DedupConfig, ReadConfig
from neardup.errors import ConfigError, InputError, NeardupError

if TYPE_CHECKING:
    from neardup.explain import LineCounts


@app.command("explain")
def explain_command(
    first: Annotated[
        str, typer.Argument(metavar="A", help="A file, or an id with --corpus / --output-dir.")
    ],
    second: Annotated[
        str, typer.Argument(metavar="B", help="A file, or an id with --corpus / --output-dir.")
    ],
    corpus: Annotated[
        list[str] | None,
        typer.Option(help="Read A and B as ids of this corpus (repeat for several files)."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir", help="Read A and B as ids of this finished neardup dedup output."
        ),
    ] = None,
    id_field: Annotated[str, typer.Option(help="With --corpus: the field holding the id.")] = "id",
    text_field: Annotated[
        str, typer.Option(help="With --corpus: the field holding the text.")
    ] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Print every passage whole.")] = False,
    semantic: Annotated[
        bool,
        typer.Option(
            "--semantic",
            help="Judge as `neardup dedup --semantic` does (the extra neardup\\[semantic]); with --output-dir, a run made with it is judged so anyway.",
        ),
    ] = False,
    min_tail_word_cosine: Annotated[
        float | None,
        typer.Option(
            help="Judge as `neardup dedup --min-tail-word-cosine` does; with --output-dir, a run made with it is judged so anyway.",
        ),
    ] = None,
) -> None:
    """Explain a match: similarity figures, then the two texts aligned, passage by passage."""
    # imported here, so that the other commands start without them
    from neardup.cli._explain_view import show
    from neardup.explain import explain

    try:
        text_a, text_b, counts, config = _texts(
            first, second, corpus, output_dir, id_field, text_field
        )
        config = replace(config, semantic=True) if semantic else config
        if min_tail_word_cosine is not None:
            config = replace(config, min_tail_word_cosine=min_tail_word_cosine)
        explanation = explain(text_a, text_b, config, counts=counts)
    except NeardupError as error:
        raise fail(error) from error
    if as_json:
        names = {
            "a": {"name": first, "chars": len(text_a)},
            "b": {"name": second, "chars": len(text_b)},
        }
        typer.echo(json.dumps({**names, **explanation.to_json()}, ensure_ascii=False, indent=2))
        return
    show(Console(highlight=False, soft_wrap=full), explanation, (first, second), full=full)


def _texts(
    first: str,
    second: str,
    corpus: list[str] | None,
    output_dir: Path | None,
    id_field: str,
    text_field: str,
) -> tuple[str, str, LineCounts | None, DedupConfig]:
    """The two texts, the corpus line counts (when there is a corpus) and the config."""
    from neardup.report.outputs import corpus_records, open_output_dir, texts_and_counts

    if corpus and output_dir:
        raise ConfigError("give --corpus or --output-dir, not both")
    ids = [first, second]
    if output_dir is not None:
        run = open_output_dir(output_dir)
        records = [*run.records("kept"), *run.records("removed")]
        found, counts = texts_and_counts(records, ids, str(output_dir))
        return found[first], found[second], counts, run.config()
    if corpus:
        read_config = ReadConfig(id_field=id_field, text_field=text_field, id_required=True)
        found, counts = texts_and_counts(
            corpus_records(corpus, read_config), ids, ", ".join(corpus)
        )
        return found[first], found[second], counts, DedupConfig()
    return _read_file(first), _read_file(second), None, DedupConfig()


def _read_file(name: str) -> str:
    path = Path(name)
    hint = "pass two text files, or ids with --corpus FILE or --output-dir DIR"
    if not path.is_file():
        raise InputError(name, "is a directory" if path.is_dir() else "no such file", hint=hint)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"is not UTF-8 text ({exc.reason})", hint=hint) from exc
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})", hint=hint) from exc

"""How ``neardup explain`` prints an explanation: the figures, then the passages, in colour
on a terminal and plain in a pipe. Imported only when the command runs."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from neardup.explain import Explanation, Passage
from neardup.explain.model import LABEL_TEXT, TYPOGRAPHY, Figures, Label, labels_of
from neardup.passages import MIN_REWRITES, NEAR_IDENTICAL, rewritten
from neardup.verify import MIN_MISSING_NUMBERS, TABLE_NUMBERS, numbers_agree

_SHORT = 100  # characters of a passage shown without --full
_STYLE = {"only_a": "red", "only_b": "green", "changed": "yellow", "shared": "dim"}
_MARK = {"only_a": "A", "only_b": "B", "changed": "~", "shared": "="}


def show(console: Console, explanation: Explanation, names: tuple[str, str], *, full: bool) -> None:
    """The figures, what each copy adds, what normalisation erased, then every passage."""
    console.print(f"A  {escape(names[0])}")
    console.print(f"B  {escape(names[1])}")
    if explanation.figures is not None:
        _figures(console, explanation)
    console.print()
    _summary_line(console, "Only in A", labels_of(explanation.only_in_a))
    _summary_line(console, "Only in B", labels_of(explanation.only_in_b))
    _summary_line(console, "Changed inside shared sentences", labels_of(explanation.changed))
    _erased_line(console, explanation)
    console.print()
    for passage in explanation.passages:
        _passage(console, passage, width=None if full else max(_SHORT // 2, console.width))


def _figures(console: Console, explanation: Explanation) -> None:
    figures = explanation.figures
    assert figures is not None
    measured = figures.containment if figures.similarity == "containment" else figures.jaccard
    verdict = "[bold green]one story[/]" if figures.same_story else "[bold red]different stories[/]"
    rule = f"{figures.similarity} {measured:.3f} {_vs(measured, figures.threshold)}"
    if figures.similarity == "containment":
        rule += f", Jaccard {figures.jaccard:.3f} {_vs(figures.jaccard, figures.min_jaccard)}"
    if figures.min_shared and figures.jaccard < NEAR_IDENTICAL:
        rule += f", shared {figures.shared} {_vs(figures.shared, figures.min_shared)}"
    if figures.passage is not None and figures.max_passage:
        rule += f", own passage {figures.passage} {_le(figures.passage, figures.max_passage)}"
    if figures.lead is not None and figures.max_lead:
        rule += f", own lead in both {figures.lead} {_le(figures.lead, figures.max_lead)}"
    if figures.lede:
        rule += (
            f", one opens with a {figures.lede}-word paragraph of which the other holds under "
            f"{figures.min_lede_share}"
        )
    if figures.figures is not None and figures.wording is not None:
        bound = figures.figure_ratio * figures.wording
        sign = ">=" if figures.figures >= bound else "<"
        rule += (
            f", figures shared {figures.figures:.3f} {sign} {figures.figure_ratio} x "
            f"wording {figures.wording:.3f}"
        )
    if figures.rewrites is not None and figures.aligned is not None:
        if figures.rewrites < MIN_REWRITES:
            rule += f", rewrites {figures.rewrites} < {MIN_REWRITES}"
        else:
            parted = rewritten(figures.rewrites, figures.aligned, figures.max_rewrite_rate)
            sign = ">" if parted else "<="
            rule += (
                f", rewrites {figures.rewrites} {sign} {figures.max_rewrite_rate} x "
                f"{figures.aligned} aligned"
            )
    if figures.swaps is not None and figures.number_swaps:
        rule += f", numbers swapped {figures.swaps} {_vs(figures.swaps, figures.number_swaps)}"
        if figures.table_kept and figures.swaps >= figures.number_swaps:
            rule += (
                f" in a table kept whole ({TABLE_NUMBERS}+ numbers shared, "
                f"under {MIN_MISSING_NUMBERS} missing)"
            )
    rule += _numbers_rule(figures)
    if figures.tail_words is not None:
        words, bound = figures.tail_words, figures.min_tail_word_cosine
        rule += f", tail words {words:.3f} {_vs(words, bound)}"
    if figures.tail_cosine is not None:
        rule += f", tail topic {figures.tail_cosine:.3f} {_vs(figures.tail_cosine, figures.min_tail_cosine)}"
    console.print(f"\nVerdict: {verdict} ({rule})")
    console.print(
        f"Jaccard {figures.jaccard:.3f} · containment {figures.containment:.3f} · "
        f"LSH estimate {figures.lsh_estimate:.3f} ({figures.num_perm} perm.)"
    )


def _numbers_rule(figures: Figures) -> str:
    """The number check as dedup applied it ("" when it did not)."""
    held, missing = figures.numbers, figures.numbers_missing
    if held is None or missing is None:
        return ""
    if missing < MIN_MISSING_NUMBERS:
        return f", numbers missing {missing} < {MIN_MISSING_NUMBERS}"
    sign = ">=" if numbers_agree(held, missing, figures.min_number_share) else "<"
    return f", numbers kept {held - missing} of {held} {sign} {figures.min_number_share} x {held}"


def _vs(value: float, bound: float) -> str:
    return f">= {bound}" if value >= bound else f"< {bound}"


def _le(value: int, bound: int) -> str:
    return f"<= {bound}" if value <= bound else f"> {bound}"


def _summary_line(console: Console, title: str, labels: list[Label]) -> None:
    described = ", ".join(_described(label) for label in labels) or "nothing"
    console.print(f"{title}: {escape(described)}")


def _described(label: Label) -> str:
    text = LABEL_TEXT[label]
    return label if text == label else f"{label} ({text})"


def _erased_line(console: Console, explanation: Explanation) -> None:
    counts = explanation.erased_counts()
    if not counts:
        console.print("Erased by normalisation: nothing (the shared text is identical)")
        return
    kinds = ", ".join(
        f"{kind} in {count} passage{'s' * (count > 1)}" for kind, count in counts.items()
    )
    title = "Typography only" if set(counts) <= TYPOGRAPHY else "Erased by normalisation"
    console.print(f"{title}: {kinds}")


def _passage(console: Console, passage: Passage, *, width: int | None) -> None:
    """One passage: a mark (= shared, ≈ shared but for typography, A, B, ~ changed), its
    label, its text; shortened to one line of ``width`` unless ``width`` is None."""
    style, mark = _STYLE[passage.kind], _MARK[passage.kind]
    tag = f"[{passage.label}] " if passage.label else ""
    if passage.kind == "shared" and passage.erased and passage.text_a != passage.text_b:
        tag, mark, style = f"[{', '.join(passage.erased)}] ", "≈", "cyan"
        lines = [f"A: {passage.text_a}", f"B: {passage.text_b}"]
    elif passage.kind == "changed":
        lines = [f"A: {passage.text_a}", f"B: {passage.text_b}"]
    else:
        lines = [passage.text_a or passage.text_b]
    lead = f"  {mark}  {tag}"
    for number, line in enumerate(lines):
        prefix = lead if number == 0 else " " * len(lead)
        body = _clip(line, None if width is None else width - len(prefix))
        console.print(
            f"[{style}]{escape(prefix + body)}[/]", overflow="ignore", crop=width is not None
        )


def _clip(text: str, width: int | None) -> str:
    """One line, shortened to ``width`` characters unless the user asked for everything."""
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    if width is None or len(flat) <= width:
        return flat
    return flat[: max(10, width - 1)].rstrip() + "…"

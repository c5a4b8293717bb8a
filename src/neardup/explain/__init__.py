"""Explain a match: how similar two documents are, and how each copy differs.

``explain(a, b)`` gives the similarity figures ``neardup dedup`` uses and the
two texts aligned into passages: shared (with what normalisation erased),
only in A, only in B (each labelled: headline, caption, footer, ...), and
small changes inside shared sentences (edited, ocr). ``differences(kept,
removed)`` is the short summary ``dedup --explain`` writes per removed record.

Pure functions of the texts (and, optionally, the corpus line frequencies of
:class:`LineCounts`); no I/O.
"""

from __future__ import annotations

from typing import Any

from neardup.config import DedupConfig, NormalizeConfig
from neardup.explain.build import compare
from neardup.explain.figures import figures
from neardup.explain.frequency import LineCounts
from neardup.explain.model import (
    LABELS,
    TYPOGRAPHY,
    Erased,
    Explanation,
    Figures,
    Label,
    Passage,
    labels_of,
)

_DEFAULT = DedupConfig()

__all__ = [
    "LABELS",
    "Erased",
    "Explanation",
    "Figures",
    "Label",
    "LineCounts",
    "Passage",
    "compare",
    "differences",
    "explain",
    "summarize",
]


def explain(
    text_a: str,
    text_b: str,
    config: DedupConfig = _DEFAULT,
    *,
    counts: LineCounts | None = None,
) -> Explanation:
    """Figures and aligned, labelled passages of ``text_a`` (A) against ``text_b`` (B)."""
    passages = compare(text_a, text_b, normalize_config=config.normalize, counts=counts)
    return Explanation(figures(text_a, text_b, config), passages)


def differences(
    kept_text: str,
    removed_text: str,
    *,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    counts: LineCounts | None = None,
) -> dict[str, Any]:
    """What a removed copy lacks and adds against the kept one, in a few words.

    ``{"only_in_kept": ["caption"], "only_in_removed": ["headline", "footer"],
    "changed": [], "typography": true, "wrapping": false}``
    """
    passages = compare(kept_text, removed_text, normalize_config=normalize_config, counts=counts)
    return summarize(Explanation(None, passages), kept="only_in_kept", removed="only_in_removed")


def summarize(
    explanation: Explanation, *, kept: str = "only_in_a", removed: str = "only_in_b"
) -> dict[str, Any]:
    """The labels on each side and whether typography or layout differ."""
    erased = set(explanation.erased_counts())
    return {
        kept: labels_of(explanation.only_in_a),
        removed: labels_of(explanation.only_in_b),
        "changed": labels_of(explanation.changed),
        "typography": bool(erased & TYPOGRAPHY),
        "wrapping": "wrapping" in erased,
    }

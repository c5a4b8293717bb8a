"""Similarity figures of one pair, measured exactly as ``neardup dedup`` measures them."""

from __future__ import annotations

import numpy as np

from neardup.boilerplate import shingled_texts
from neardup.config import DedupConfig
from neardup.explain.model import Figures
from neardup.minhash import Permutations, estimate_jaccard, signatures
from neardup.text.normalize import normalize
from neardup.text.shingle import shingle_batch
from neardup.verify import PairScores, pair_similarities

__all__ = ["figures"]


def figures(text_a: str, text_b: str, config: DedupConfig) -> Figures:
    """Jaccard and containment of the shingle sets, the MinHash estimate, and the verdict."""
    raw = [text_a, text_b]
    texts = shingled_texts(raw, [normalize(text, config.normalize) for text in raw], config)
    values, offsets = shingle_batch(texts, config.shingle)
    pair = np.array([[0, 1]], dtype=np.int64)
    jaccard = float(pair_similarities(pair, values, offsets, "jaccard").jaccard[0])
    containment = float(pair_similarities(pair, values, offsets, "containment").similarity[0])
    rows = signatures(values, offsets, Permutations.from_config(config.minhash))
    measured = containment if config.similarity == "containment" else jaccard
    scores = PairScores(np.array([measured]), np.array([jaccard]))
    return Figures(
        jaccard=jaccard,
        containment=containment,
        lsh_estimate=estimate_jaccard(rows[0], rows[1]),
        num_perm=config.minhash.num_perm,
        similarity=config.similarity,
        threshold=config.threshold,
        min_jaccard=config.min_jaccard,
        same_story=bool(scores.accepted(config)[0]),
    )

"""Similarity figures of one pair, measured exactly as ``neardup dedup`` measures them."""

from __future__ import annotations

import numpy as np

from neardup.config import DedupConfig
from neardup.explain.model import Figures
from neardup.features import Featurizer, tail_words_read
from neardup.minhash import estimate_jaccard, signatures
from neardup.passages import (
    ANCHOR,
    NEAR_IDENTICAL,
    pair_passages,
    placed,
)
from neardup.pipeline import choose_banding, passage_rule
from neardup.semantic import TailTopics
from neardup.verify import (
    NEAR_COPY,
    PairScores,
    figure_scores,
    numbers_agree,
    numbers_missing,
    pair_similarities,
    tail_cosines,
    template_checked_below,
    template_counts,
)

__all__ = ["figures"]


def figures(text_a: str, text_b: str, config: DedupConfig) -> Figures:
    """Jaccard and containment of the shingle sets, the MinHash estimate, and the verdict
    (with the passage, rewrite, figure and number checks, the tail check's words and, with
    ``config.semantic``, the tail's topic, as ``pipeline.duplicates`` decides)."""
    raw = [text_a, text_b]
    featurize = Featurizer.for_run(config, choose_banding(config))
    features = featurize(raw)  # as dedup reads them: one source of every figure below
    values, offsets = features.sets, features.set_offsets
    sequences, sequence_offsets = features.sequences, features.sequence_offsets
    pair = np.array([[0, 1]], dtype=np.int64)
    scored = pair_similarities(pair, values, offsets, "containment")
    jaccard, containment = float(scored.jaccard[0]), float(scored.similarity[0])
    rows = signatures(values, offsets, featurize.perms)
    measured = containment if config.similarity == "containment" else jaccard
    scores = PairScores(np.array([measured]), np.array([jaccard]), scored.shared)
    same_story = bool(scores.accepted(config)[0])
    passage = lead = lede = None
    rule = passage_rule(config, jaccard)
    checked = rule or config  # the limits it was read by (the settings' own if unread)
    if same_story and rule is not None:
        found = pair_passages(
            values,
            offsets,
            sequences,
            sequence_offsets,
            features.paragraphs,
            features.paragraph_offsets,
            pair[:, 0],
            pair[:, 1],
            ANCHOR,
            config.min_lede_share,
            config.sentence_lede_words,
        )
        passage, lead, lede = (int(measured[0]) for measured in found)
        same_story = bool(placed(passage, lead, lede, checked.max_passage, checked.max_lead))
    rewrites = aligned = swaps = None
    table_kept = False
    if jaccard < template_checked_below(config):
        counted = template_counts(
            pair,
            values,
            offsets,
            sequences,
            sequence_offsets,
            features.numbers,
            features.number_offsets,
            features.paragraphs,
            features.paragraph_offsets,
            config.shingle.size,
        )
        filled = bool(counted.filled_twice(np.array([jaccard]), config)[0])
        same_story = same_story and not filled
        if config.max_rewrite_rate and jaccard < NEAR_IDENTICAL:
            rewrites, aligned = int(counted.rewrites[0]), int(counted.aligned[0])
        if config.number_swaps:
            swaps = int(counted.swaps[0])
            table_kept = bool(counted.table_kept()[0])
    held = missing = None
    if config.verify and config.min_number_share and jaccard < NEAR_COPY:
        counts = numbers_missing(pair, features.numbers, features.number_offsets)
        held, missing = int(counts[0][0]), int(counts[1][0])
        same_story = same_story and bool(numbers_agree(held, missing, config.min_number_share))
    compared = None
    if config.verify and config.figure_ratio:
        compared = figure_scores(pair, values, offsets)
        same_story = same_story and bool(compared.agree(config)[0])
        if not compared.compared(config)[0]:
            compared = None
    tail_words = None
    if tail_words_read(config) and same_story and jaccard < NEAR_IDENTICAL:
        cosine = float(
            tail_cosines(
                pair, values, offsets, sequences, sequence_offsets, features.words,
                config.shingle.size - 1,
            )[0]
        )  # fmt: skip
        if not np.isnan(cosine):
            tail_words = cosine
            same_story = cosine >= config.min_tail_word_cosine
    tail_cosine = None
    if config.semantic and same_story and jaccard < NEAR_IDENTICAL:
        cosine = float(TailTopics(raw.__getitem__, config).tail_cosines(pair)[0])
        if not np.isnan(cosine):
            tail_cosine = cosine
            same_story = cosine >= config.min_tail_cosine
    return Figures(
        jaccard=jaccard,
        containment=containment,
        lsh_estimate=estimate_jaccard(rows[0], rows[1]),
        num_perm=config.minhash.num_perm,
        similarity=config.similarity,
        threshold=config.threshold,
        min_jaccard=config.min_jaccard,
        same_story=same_story,
        passage=passage,
        lead=lead,
        lede=lede,
        min_lede_share=config.min_lede_share,
        max_passage=checked.max_passage,
        max_lead=checked.max_lead,
        shared=round(float(scored.shared[0])),
        min_shared=config.min_shared,
        figures=None if compared is None else float(compared.figures[0]),
        wording=None if compared is None else float(compared.wording[0]),
        figure_ratio=config.figure_ratio,
        rewrites=rewrites,
        aligned=aligned,
        max_rewrite_rate=config.max_rewrite_rate,
        swaps=swaps,
        number_swaps=config.number_swaps,
        table_kept=table_kept,
        numbers=held,
        numbers_missing=missing,
        min_number_share=config.min_number_share,
        tail_cosine=tail_cosine,
        min_tail_cosine=config.min_tail_cosine,
        tail_words=tail_words,
        min_tail_word_cosine=config.min_tail_word_cosine,
    )

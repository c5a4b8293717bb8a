from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup import kernels
from neardup.lsh import Banding, band_keys, candidate_pairs, candidate_shards, optimal_banding


def _all(count: int) -> np.ndarray:
    return np.ones(count, dtype=bool)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_optimal_banding_fits_and_centres_near_threshold(threshold: float) -> None:
    banding = optimal_banding(threshold, 128)
    assert banding.bands * banding.rows <= 128
    steepest = (1 / banding.bands) ** (1 / banding.rows)
    assert abs(steepest - threshold) < 0.15


def test_higher_threshold_means_longer_bands() -> None:
    assert optimal_banding(0.9, 128).rows > optimal_banding(0.3, 128).rows


def test_weighting_false_negatives_raises_recall_at_the_threshold() -> None:
    def recall(b: Banding, s: float) -> float:
        return 1 - (1 - s**b.rows) ** b.bands

    even = optimal_banding(0.15, 256)
    recall_first = optimal_banding(0.15, 256, false_negative_weight=0.8)
    assert recall(recall_first, 0.15) > recall(even, 0.15)


def _banding_by_loop(threshold: float, num_perm: int, weight: float) -> Banding:
    """The definition, one shape at a time: the least weighted error area, the first of
    shapes within 1e-12 of each other."""
    below, above = np.linspace(0.0, threshold, 201), np.linspace(threshold, 1.0, 201)

    def area(ys: np.ndarray, xs: np.ndarray) -> float:
        return float(np.sum((ys[1:] + ys[:-1]) * np.diff(xs)) / 2.0)

    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = area(1.0 - (1.0 - below**rows) ** bands, below)
            fn = area((1.0 - above**rows) ** bands, above)
            error = (1.0 - weight) * fp + weight * fn
            if best is None or error < best[0] - 1e-12:
                best = (error, bands, rows)
    assert best is not None
    return Banding(best[1], best[2])


@settings(max_examples=40, deadline=None)
@given(
    threshold=st.floats(0.01, 0.99),
    num_perm=st.integers(1, 300),
    weight=st.sampled_from([0.2, 0.5, 0.8]),
)
def test_optimal_banding_scores_every_shape_as_the_definition(
    threshold: float, num_perm: int, weight: float
) -> None:
    chosen = optimal_banding(threshold, num_perm, false_negative_weight=weight)
    assert chosen == _banding_by_loop(threshold, num_perm, weight)


def test_candidates_share_a_band() -> None:
    sigs = np.array(
        [[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 3, 4], [5, 6, 7, 8]],
        dtype=np.uint32,
    )
    keys = band_keys(sigs, Banding(bands=2, rows=2))
    assert keys.shape == (2, 4) and keys.dtype == np.uint32
    pairs = candidate_pairs(keys, _all(4))
    assert pairs.tolist() == [[0, 1], [0, 2]]


def test_same_values_in_different_bands_do_not_collide() -> None:
    sigs = np.array([[1, 1, 2, 2], [2, 2, 1, 1]], dtype=np.uint32)
    pairs = candidate_pairs(band_keys(sigs, Banding(bands=2, rows=2)), _all(2))
    assert pairs.shape == (0, 2)


def test_band_keys_are_computed_per_document() -> None:
    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 3, size=(40, 8), dtype=np.uint32)
    banding = Banding(bands=4, rows=2)
    whole = band_keys(sigs, banding)
    parts = np.concatenate([band_keys(sigs[:13], banding), band_keys(sigs[13:], banding)], axis=1)
    np.testing.assert_array_equal(whole, parts)


def test_big_bucket_is_linked_in_linear_pairs() -> None:
    keys = np.zeros((1, 10), dtype=np.uint32)
    pairs = candidate_pairs(keys, _all(10), max_bucket=4)
    assert len(pairs) == 2 * 10 - 3
    assert {0} | {int(j) for i, j in pairs if i == 0} == set(range(10))


def test_inactive_documents_take_no_part() -> None:
    keys = np.zeros((2, 3), dtype=np.uint32)
    pairs = candidate_pairs(keys, np.array([True, False, True]))
    assert pairs.tolist() == [[0, 2]]


def test_shards_together_equal_candidate_pairs(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    keys = [rng.integers(0, 40, size=300).astype(np.uint32) for _ in range(6)]
    active = rng.random(300) < 0.9
    whole = candidate_pairs(keys, active, max_bucket=12)
    for shards in (1, 2, 7):
        parts = list(candidate_shards(keys, active, tmp_path, shards=shards, max_bucket=12))
        assert len(parts) == shards
        for index, part in enumerate(parts):  # each shard holds one range of first documents
            assert np.all(part[:, 0] * shards // 300 == index)
        assert np.array_equal(np.concatenate(parts), whole)
    assert not list(tmp_path.iterdir())  # shard files are removed once read


@settings(max_examples=150)
@given(
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), max_size=300),
    st.booleans(),
    st.integers(0, 3),
)
def test_band_entries_are_sorted_key_doc_pairs(
    rows: list[tuple[int, int]], ascending: bool, few_keys: int
) -> None:
    """``kernels.band_entries`` (radix sorted when the documents come ascending, as a band's
    do; np.sort when not) is ``np.sort(key << 32 | doc)``: a bucket is a run of equal keys,
    its documents ascending. ``few_keys`` folds the keys onto a few values, so buckets hold
    many documents."""
    docs = (
        sorted({doc for _, doc in rows}) if ascending else list(dict.fromkeys(d for _, d in rows))
    )
    keys = [key % (few_keys + 1) if few_keys else key for key, _ in rows][: len(docs)]
    key_array = np.array(keys, dtype=np.uint32)
    doc_array = np.array(docs[: len(keys)], dtype=np.uint64)
    expected = np.sort((key_array.astype(np.uint64) << np.uint64(32)) | doc_array)
    assert np.array_equal(kernels.band_entries(key_array, doc_array), expected)


def test_band_entries_of_a_large_band_are_sorted() -> None:
    rng = np.random.default_rng(3)
    distinct = rng.integers(0, 2**32, 50, dtype=np.uint64).astype(np.uint32)  # every byte
    keys = distinct[rng.integers(0, 50, 20_000)]  # buckets of ~400 documents
    docs = np.sort(rng.choice(10**6, 20_000, replace=False)).astype(np.uint64)
    expected = np.sort((keys.astype(np.uint64) << np.uint64(32)) | docs)
    assert np.array_equal(kernels.band_entries(keys, docs), expected)
    assert np.array_equal(kernels.band_entries(keys[::-1], docs[::-1]), expected)


@settings(max_examples=150)
@given(
    st.lists(st.integers(0, 2**63 - 1), max_size=300),
    st.sampled_from([2**8, 2**20, 2**40, 2**63]),
)
def test_unique_codes_are_np_unique(values: list[int], below: int) -> None:
    """``kernels.unique_codes`` (radix sorted on the bytes the largest code fills) is
    ``np.unique``, whatever the codes' range and however many repeat."""
    codes = np.array([value % below for value in values] * 2, dtype=np.int64)
    assert np.array_equal(kernels.unique_codes(codes), np.unique(codes))

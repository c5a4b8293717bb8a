import numpy as np
import pytest

from neardup.lsh import Banding, band_keys, candidate_pairs, optimal_banding


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_optimal_banding_fits_and_centres_near_threshold(threshold: float) -> None:
    banding = optimal_banding(threshold, 128)
    assert banding.bands * banding.rows <= 128
    steepest = (1 / banding.bands) ** (1 / banding.rows)
    assert abs(steepest - threshold) < 0.15


def test_higher_threshold_means_longer_bands() -> None:
    assert optimal_banding(0.9, 128).rows > optimal_banding(0.3, 128).rows


def test_candidates_share_a_band() -> None:
    sigs = np.array(
        [[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 3, 4], [5, 6, 7, 8]],
        dtype=np.uint32,
    )
    keys = band_keys(sigs, Banding(bands=2, rows=2))
    assert keys.shape == (4, 2)
    pairs = candidate_pairs(keys)
    assert pairs.tolist() == [[0, 1], [0, 2]]


def test_same_values_in_different_bands_do_not_collide() -> None:
    sigs = np.array([[1, 1, 2, 2], [2, 2, 1, 1]], dtype=np.uint32)
    pairs = candidate_pairs(band_keys(sigs, Banding(bands=2, rows=2)))
    assert pairs.shape == (0, 2)


def test_skipped_documents_take_no_part() -> None:
    sigs = np.zeros((3, 4), dtype=np.uint32)
    keys = band_keys(sigs, Banding(bands=2, rows=2))
    pairs = candidate_pairs(keys, skip=np.array([False, True, False]))
    assert pairs.tolist() == [[0, 2]]

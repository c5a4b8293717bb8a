import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neardup.arrays import sorted_unique


@given(
    hnp.arrays(
        np.int64,
        hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40),
        elements=st.integers(-50, 50),
    )
)
def test_sorted_unique_is_np_unique(values: np.ndarray) -> None:
    """The same values as ``np.unique``, pairs of documents (2-D) flattened as it does."""
    assert np.array_equal(sorted_unique(values), np.unique(values))

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neardup.arrays import sorted_unique, stable_order


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


@given(
    st.one_of(st.integers(0, 1 << 16), st.integers(-(1 << 62), 1 << 62)),
    hnp.arrays(np.int64, st.integers(0, 300), elements=st.integers(-(1 << 16), 1 << 16)),
)
def test_stable_order_is_a_stable_argsort(offset: int, keys: np.ndarray) -> None:
    """Narrow keys (radix sorted as 16 bits) or wide ones, anywhere in the int64 range: the
    order of ``np.argsort(kind="stable")``, ties in input order."""
    keys = keys + offset
    assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable"))

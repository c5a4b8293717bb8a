import pytest

from neardup.config import DedupConfig
from neardup.errors import ConfigError


def test_from_options_routes_nested_names() -> None:
    config = DedupConfig.from_options(
        num_perm=64, seed=3, shingle_size=5, casefold=False, threshold=0.7
    )
    assert config.minhash.num_perm == 64 and config.minhash.seed == 3
    assert config.shingle.size == 5 and not config.normalize.casefold
    assert config.threshold == 0.7


@pytest.mark.parametrize(
    "options, message",
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"bands": 4}, "both bands and rows"),
        ({"bands": 30, "rows": 10}, "exceeds num_perm"),
        ({"min_jaccard": 1.5}, "min_jaccard"),
        ({"shingle_size": 0}, "shingle size"),
        ({"num_perm": 0}, "num_perm"),
        ({"similarity": "cosine"}, "similarity"),
        ({"figure_ratio": -0.1}, "figure_ratio"),
        ({"figure_ratio": 1.5}, "figure_ratio"),
        ({"min_figures": 0}, "min_figures"),
        ({"max_rewrite_rate": -0.1}, "max_rewrite_rate"),
        ({"max_rewrite_rate": 1.5}, "max_rewrite_rate"),
    ],
)
def test_bad_settings_are_config_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DedupConfig.from_options(**options)


def test_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DedupConfig().threshold = 0.1  # type: ignore[misc]

import pytest

from neardup import dedup
from neardup.config import DedupConfig, ReadConfig
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
        ({"seed": -1}, "seed must be >= 0, got -1"),
        ({"seed": "x"}, "seed must be an integer, got 'x'"),
        ({"threshold": "high"}, "threshold must be a number, got 'high'"),
        ({"threshold": None}, "threshold must be a number, got None"),
        ({"kept_ratio": "0.5"}, "kept_ratio must be a number"),
        ({"central_share": 1.5}, r"central_share must be in \[0, 1\]"),
        ({"central_share": -0.1}, "central_share"),
        ({"number_swaps": -1}, r"number_swaps must be >= 0 \(0 turns the check off\), got -1"),
        ({"num_perm": 1.5}, "num_perm must be an integer, got 1.5"),
        ({"verify": "yes"}, "verify must be True or False"),
        ({"shingle_kind": "sentence"}, "shingle kind must be one of 'word', 'char'"),
        ({"keep_order": "up"}, "keep_order must be one of 'asc', 'desc', got 'up'"),
        ({"lsh_threshold": "0.3"}, "lsh_threshold must be a number or None"),
    ],
)
def test_bad_settings_are_config_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DedupConfig.from_options(**options)


def test_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DedupConfig().threshold = 0.1  # type: ignore[misc]


def test_read_settings_and_counts_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="on_error must be one of 'fail', 'skip', got 'ignore'"):
        ReadConfig(on_error="ignore")  # type: ignore[arg-type]
    for workers in (0, -3, 1.5):
        with pytest.raises(ConfigError, match="workers must be an integer >= 1"):
            dedup(["one text here", "another one"], workers=workers)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not one string"):
        dedup("one text here")
    assert DedupConfig.from_options(threshold=1).threshold == 1  # an int is a number

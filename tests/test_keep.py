import pytest

from neardup.config import DedupConfig
from neardup.errors import ConfigError
from neardup.keep import Candidate, choose_kept

MEMBERS = [
    Candidate("b", position=0, length=100, field_value="2024-03-02"),
    Candidate("a", position=1, length=300, field_value="2024-01-05"),
    Candidate("c", position=2, length=300, field_value=None),
]


def test_longest_breaks_ties_by_id() -> None:
    assert choose_kept(MEMBERS, DedupConfig(keep="longest")).id == "a"


def test_first_is_order_of_arrival() -> None:
    assert choose_kept(MEMBERS, DedupConfig(keep="first")).id == "b"


def test_field_ascending_and_descending() -> None:
    asc = DedupConfig(keep="field", keep_field="date", keep_order="asc")
    desc = DedupConfig(keep="field", keep_field="date", keep_order="desc")
    assert choose_kept(MEMBERS, asc).id == "a"
    assert choose_kept(MEMBERS, desc).id == "b"


def test_descending_string_prefers_longer_over_its_prefix() -> None:
    members = [Candidate("x", 0, 1, "2024"), Candidate("y", 1, 1, "2024-05")]
    desc = DedupConfig(keep="field", keep_field="date", keep_order="desc")
    assert choose_kept(members, desc).id == "y"


def test_numeric_field() -> None:
    members = [Candidate("x", 0, 1, 10), Candidate("y", 1, 1, 2.5), Candidate("z", 2, 1, "n/a")]
    assert choose_kept(members, DedupConfig(keep="field", keep_field="p")).id == "y"
    assert (
        choose_kept(members, DedupConfig(keep="field", keep_field="p", keep_order="desc")).id == "x"
    )


def test_field_policy_needs_a_field() -> None:
    with pytest.raises(ConfigError, match="keep_field"):
        DedupConfig(keep="field")


def test_a_field_without_the_field_policy_is_refused_not_ignored() -> None:
    with pytest.raises(ConfigError, match="--keep field"):
        DedupConfig(keep_field="date")
    with pytest.raises(ConfigError, match="keep='first'"):
        DedupConfig(keep="first", keep_field="date")

import pytest

import neardup
from neardup.errors import ConfigError, InputError


def test_dedup_plain_strings() -> None:
    result = neardup.dedup(
        ["the cat sat on the mat today", "The cat sat on the mat today!", "dogs"]
    )
    assert result.clusters() == {"1": ["0", "1"], "2": ["2"]}


def test_dedup_records_and_options() -> None:
    records = [
        {"doc": "x", "body": "one two three four five six seven"},
        {"doc": "y", "body": "one two three four five six eight"},
    ]
    loose = neardup.dedup(
        records, id_field="doc", text_field="body", threshold=0.3, similarity="jaccard"
    )
    strict = neardup.dedup(
        records, id_field="doc", text_field="body", threshold=0.9, similarity="jaccard"
    )
    assert len(loose.clusters()) == 1
    assert len(strict.clusters()) == 2
    assert loose.summary()["parameters"]["threshold"] == 0.3


def test_unknown_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown option"):
        neardup.dedup(["a"], treshold=0.5)


def test_bad_record_fails_or_is_skipped() -> None:
    with pytest.raises(InputError, match="<records>:2"):
        neardup.dedup([{"id": "a", "text": "x"}, {"id": "b"}])
    result = neardup.dedup([{"id": "a", "text": "x"}, {"id": "b"}], on_error="skip")
    assert [r.id for r in result.assignments] == ["a"]
    assert result.counts["skipped_errors"] == 1

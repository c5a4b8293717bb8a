"""The tail check: a text that runs on past what it shares, about other things, is no copy."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.api import dedup
from neardup.config import DedupConfig, ShingleConfig
from neardup.errors import ConfigError
from neardup.index import Index
from neardup.kernels import STOP_WORDS
from neardup.lsh import Banding
from neardup.passages import ANCHOR, TAIL_SHINGLES, tail_word_cosines
from neardup.store.base import IndexSettings, settings_from_json, settings_to_json
from neardup.text.normalize import normalize
from neardup.text.shingle import sequences_and_numbers, sets_of, utf8_batch
from tests.test_cli import neardup

CHECK = 0.035  # the bound measured on the syndication benchmark (docs/quality.md)

# Invented news: a council report, an abridged copy of it, and a story that quotes the
# report's opening paragraph and goes on with a story of its own about other things.
LEDE = (
    "The Northbrook council voted to close the river bridge to heavy lorries after engineers "
    "found cracks in two supporting piers of the bridge."
)
BODY = [
    "Engineers from the highways office said the cracks in the piers had widened since the "
    "spring survey and that the bridge needs steel bracing before lorries can cross it again.",
    "The council said the bridge repairs would cost the town most of its repair budget, and "
    "that lorries bound for the quarry would use the northern bypass while the piers are braced.",
    "Quarry owners told the council the bypass adds twenty minutes to each lorry journey and "
    "asked for the bridge works on the piers to be finished before the autumn haulage season.",
]
OTHER_STORY = [
    "The Harwick orchestra opened its winter season with Russian symphonies, drawing a packed "
    "audience to the concert hall for the first time since its refurbishment.",
    "Its conductor, recruited from a touring ensemble, led a brisk Tchaikovsky programme and the "
    "audience called the musicians back to the stage three times.",
    "Tickets for the remaining concerts, including a choral evening and a matinee for children, "
    "are on sale at the box office, and the orchestra reported its strongest subscriptions ever.",
]
RECORDS = [
    {"id": "report", "text": "\n\n".join([LEDE, *BODY])},
    {"id": "abridged", "text": "Bridge shut to lorries\n\n" + LEDE},
    {"id": "quoter", "text": "\n\n".join(["Elsewhere today: " + LEDE, *OTHER_STORY])},
]


def clusters(records: list[dict[str, str]], **options: object) -> dict[str, list[str]]:
    found = dedup(records, **options).clusters()
    return {key: sorted(ids) for key, ids in found.items()}


def _cosines(texts: list[str], pairs: list[tuple[int, int]]) -> np.ndarray:
    """The cosines of ``pairs`` of ``texts``, normalised and shingled as a run does."""
    config = ShingleConfig()
    texts = [normalize(text) for text in texts]
    seqs, seq_offsets, _, _, words = sequences_and_numbers(
        texts, config, utf8_batch(texts), with_words=True
    )
    sets, set_offsets = sets_of(seqs, seq_offsets)
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    return tail_word_cosines(
        sets, set_offsets, seqs, seq_offsets, words, left, right, ANCHOR, config.size - 1
    )


def _words(text: str) -> np.ndarray:
    _, _, _, _, words = sequences_and_numbers([text], ShingleConfig(), utf8_batch([text]), True)
    return words


def test_content_words_are_long_plain_words_outside_the_stop_list() -> None:
    text = "bridge cracks in 1986 the council said april quay bridge cracks"
    ids = _words(text)
    # one id per shingle, each its first word's: the last two words start none
    assert ids.size == len(text.split()) - 2
    bridge, cracks, in_, year, the, council, said, april, quay = ids.tolist()
    assert bridge and cracks and council and quay  # content words
    assert not (in_ or year or the or said or april)  # short, a figure, stop words
    assert len({bridge, cracks, council, quay}) == 4
    assert _words("bridge bridge bridge")[0] == bridge
    assert _words("café bridge cracks")[0] == 0  # a word of other letters says nothing here
    assert "said" in STOP_WORDS and "april" in STOP_WORDS


def test_words_are_only_read_when_asked() -> None:
    _, _, _, _, words = sequences_and_numbers(["a b c d"], ShingleConfig(), utf8_batch(["a b c d"]))
    assert words.size == 0


def test_the_quoters_own_story_shares_no_words_with_the_quote() -> None:
    texts = [record["text"] for record in RECORDS]
    report_abridged, abridged_quoter = _cosines(texts, [(0, 1), (1, 2)])
    assert report_abridged > 0.2  # the report goes on about its bridge, piers and lorries
    assert abridged_quoter < CHECK


def test_a_pair_without_a_long_tail_has_no_verdict() -> None:
    """Copies that end alike, and a tail shorter than the shared text, are not read."""
    text = "\n\n".join([LEDE, *BODY])
    short_tail = "\n\n".join([LEDE, *BODY, "Footer words about other matters entirely here."])
    cosines = _cosines([text, text + " Reuter", short_tail], [(0, 1), (0, 2)])
    assert np.isnan(cosines).all()
    assert TAIL_SHINGLES == 30


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(range(3)), min_size=1, max_size=6), st.randoms())
def test_the_cosine_is_a_property_of_the_pair(picks: list[int], rng: random.Random) -> None:
    """Either order of the two texts, anywhere in the batch, gives one cosine."""
    texts = [RECORDS[i]["text"] for i in picks] + [r["text"] for r in RECORDS]
    order = list(range(len(texts)))
    rng.shuffle(order)
    shuffled = [texts[i] for i in order]
    where = {i: order.index(i) for i in range(len(texts))}
    base = len(picks)
    pairs = [(base, base + 1), (base + 1, base + 2), (base, base + 2)]
    first = _cosines(texts, pairs)
    swapped = _cosines(shuffled, [(where[b], where[a]) for a, b in pairs])
    np.testing.assert_array_equal(first, swapped)


def test_the_rules_alone_join_the_quoter_and_the_check_parts_it() -> None:
    """Without the report to hold it, its abridged copy joins the story quoting its lede:
    by words and their places it is that story's opening; by what the rest is about, not."""
    without_report = RECORDS[1:]
    assert clusters(without_report, min_tail_word_cosine=0) == {"quoter": ["abridged", "quoter"]}
    parted = {"abridged": ["abridged"], "quoter": ["quoter"]}
    assert clusters(without_report) == parted  # the default
    assert clusters(without_report, min_tail_word_cosine=CHECK) == parted
    # the report and its copy stay together: the report runs on about its bridge
    together = {"report": ["abridged", "report"], "quoter": ["quoter"]}
    assert clusters(RECORDS, min_tail_word_cosine=CHECK) == together
    shuffled = list(reversed(RECORDS))
    assert clusters(shuffled, min_tail_word_cosine=CHECK, workers=2) == together


def test_the_check_is_off_for_character_shingles_and_unverified_runs() -> None:
    """No words are read there, and the run is as without the check."""
    for options in ({"shingle_kind": "char"}, {"verify": False}):
        assert clusters(RECORDS, min_tail_word_cosine=CHECK, **options) == clusters(
            RECORDS, **options
        )


def test_the_bound_is_checked() -> None:
    for wrong in (-0.1, 1.5):
        with pytest.raises(ConfigError, match="min_tail_word_cosine"):
            DedupConfig(min_tail_word_cosine=wrong)


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "sqlite"])
def test_an_index_answers_as_batch_dedup(tmp_path: Path, on_disk: bool) -> None:
    """Added one by one, or in one bulk load, and read again after reopening the file."""

    def index(check: float, name: str) -> Index:
        if on_disk:
            return Index(tmp_path / f"{name}.ndx", min_tail_word_cosine=check)
        return Index.in_memory(min_tail_word_cosine=check)

    without_report = RECORDS[1:]
    for check in (0.0, CHECK):
        expected = clusters(without_report, min_tail_word_cosine=check)
        one_by_one = index(check, f"each-{check}")
        for record in without_report:
            one_by_one.add([record])
        together = index(check, f"bulk-{check}")
        together.add(without_report)
        for built in (one_by_one, together):
            found = {key: sorted(ids) for key, ids in built.clusters().items()}
            assert found == expected, (check, on_disk)
    if on_disk:  # the words were stored: another abridged copy, added after reopening,
        # finds the first and not the quoter (whose stored words the check reads)
        reopened = Index(tmp_path / f"each-{CHECK}.ndx")
        assert reopened.config.min_tail_word_cosine == CHECK
        copy = {"id": "abridged2", "text": "Lorries barred from bridge\n\n" + LEDE}
        (outcome,) = reopened.add([copy])
        assert [match.id for match in outcome.matches] == ["abridged"]
        assert reopened.check() == []


def test_an_index_made_before_the_check_decides_without_it() -> None:
    stored = settings_to_json(IndexSettings(DedupConfig(), Banding(128, 2), False))
    assert "min_tail_word_cosine" in stored["config"]  # written, whatever its value
    del stored["config"]["min_tail_word_cosine"]  # as a file of format 6 or before holds it
    older = settings_from_json(stored)
    assert older.config.min_tail_word_cosine == 0
    assert "min_tail_word_cosine" in older.predates


def test_the_cli_runs_the_check(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in RECORDS))
    out = tmp_path / "out"
    neardup("dedup", str(corpus), "-o", str(out), "-q", "--min-tail-word-cosine", str(CHECK))
    rows = [json.loads(line) for line in (out / "clusters.jsonl").read_text().splitlines()]
    cluster = {row["id"]: row["cluster"] for row in rows}
    assert cluster["quoter"] == "quoter" and cluster["abridged"] == cluster["report"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["min_tail_word_cosine"] == CHECK


def test_explain_gives_the_checks_verdict(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in RECORDS))
    ids = ("abridged", "quoter", "--corpus", str(corpus), "--json")
    off = ("--min-tail-word-cosine", "0")
    rules = json.loads(neardup("explain", *ids, *off).stdout)["figures"]
    assert rules["same_story"] and rules["tail_words"] is None
    checked = json.loads(neardup("explain", *ids, "--min-tail-word-cosine", str(CHECK)).stdout)[
        "figures"
    ]
    assert not checked["same_story"] and checked["tail_words"] < CHECK
    assert checked["min_tail_word_cosine"] == CHECK

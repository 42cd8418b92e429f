"""The complaint detector's learning task: its examples, how it reads a message, and where its bands lie.
How it learns is core/learning.py's, shared with the other detectors.

The rules (handlers/complaint_rules.py) are precise but only know their words: "发来的比图片小一半" or "耍人呢"
slip through. The model learns from member messages labelled complaint or not (handlers/complaint_data/, whose
README says how they were written) and from the everyday messages of shop groups (handlers/everyday.py), which
it must leave alone: trained without them, it took a sticker, "+1" or "有没有灰色？" for a complaint in 1 message of
7 (issue #21).

The model reads a message as a member typed it, mentions out and marks evened ("？？？" is "？"). It once read
it as the rules do (praise and settled phrases blanked out, a denied problem as one mark, the rules' verdict as a
word), but measured on writers it had never seen (each of eight left out of the training in turn), the typed text
did better: complaints found at 2 false alarms in 1,000 everyday messages 0.644 rather than 0.576, everyday messages
taken for one at recall 0.95 6.4% rather than 7.1%. The rules' phrases fit the messages they were written from.
A complaint's reason is learned too (handlers/complaint_reasons.py); the rules decide alone when there is no model.

The bands are chosen on writers the model has not seen (WRITER_FOLDS, core/learning.py `out_of_fold`): a
complaint is acknowledged in public only above `sure`, chosen for precision PUBLIC_PRECISION, and only when the
rules name a problem in it too (an apology to "有没有灰色？" in front of the group is what ends a shop's trust);
the owner is asked in private above `doubt`, chosen for recall OWNER_RECALL of complaints. The frozen test split
is never trained or tuned on: the bench reads it, and so does the gate that lets a model retrained with the
owner's corrections replace the one in use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.learning import (
    Bands, Example, Scorer, Task, evened_marks, read_jsonl, threshold_for_false_alarms, threshold_for_precision,
    threshold_for_recall, without_mentions,
)
from handlers import everyday
from handlers.complaint_rules import ComplaintRules

DATA = Path(__file__).parent / "complaint_data"
TRAIN, VALIDATION, TEST = "train.jsonl", "validation.jsonl", "test_frozen.jsonl"
# Out of fold, of the complaints acknowledged in public: the goal itself, since out of fold is how the model reads
# writers it has never seen. 0.99 had no public apology on held-out rounds 6 to 8 (4,140 everyday messages), but
# acknowledged a third to a half of complaints in public, and "杯子收到是碎的，我要投诉" waited for the owner's
# word: over the writers out of fold, 0.98 lets 1 everyday message in 1,760 past (0.99: 1 in 9,660) and doubles the
# complaints acknowledged at once. Most of those few are long praise naming a problem it did not have.
PUBLIC_PRECISION = 0.98
# ... and never more than this share of everyday messages apologised to, out of fold (the goal: 1 in 500 unseen). A
# guard: near 0.98 precision is flat over a range of probabilities, so the lowest threshold reaching it moves much as
# data comes in (from 0.995 to 0.986 when round 9 joined; over 0.986, 1 everyday message in 1,460 out of fold).
EVERYDAY_APOLOGISED = 0.001
# ... and only when the rules name a problem in it too; the model's sure ones the rules read nothing in are asked of the
# owner. Chosen out of fold, the band met the goal on the writers it was chosen on, not on a new shop's words: rounds 17
# to 25, each read by a model trained on the rounds before it, gave 27 public apologies in 12,537 everyday messages (1 in
# 464) at public precision 0.939. The rules were written before any of those rounds and err elsewhere than the model
# ("谷子延期的好多" is a problem to both; "这包浆绝了" to the model alone): with them, 5 apologies (1 in 2,507, one of them
# the shop's own line, one a member chasing an unanswered question) at precision 0.982, for a third fewer complaints
# acknowledged at once (0.653 → 0.438 of them; the rest wait for the owner's /是投诉). A band chosen stricter, without
# the rules, to the same precision acknowledged fewer (0.99 out of fold and 1 in 2,000: 0.514 at 0.979; 0.995 and 1 in
# 5,000: 0.388 at 0.988).
OWNER_RECALL = 0.97  # out of fold, of the complaints that reach the owner (in public or asked): goal 0.95 unseen
# ... unless that asks the owner about more than this share of everyday messages: a bot that asks "可能是投诉？"
# about one chat message in ten is muted by the second day, and then it reaches nobody.
EVERYDAY_ASKED = 0.03
# ... and with a second opinion, it alone is asked about the messages under the doubtful band down to this share of
# everyday messages, out of fold: the cap above lets complaints under it pass unseen. A blind reader standing for the
# second opinion, on held-out rounds 13 and 14 (each read by a model that had not seen it): complaints reaching the
# owner recall 0.914 and 0.957 rather than 0.814 and 0.857 when it is asked about the doubtful band alone, everyday
# messages 5 and 9 of 1,380 rather than 2 and 5, for 152 and 184 questions to the service in a week of 1,500
# messages (bench/second_reader.py).
EVERYDAY_CONSULTED = 0.10
RULES_READ_AT_MOST = 100  # characters of a message the rules read (see `rules_reason`)
EVERYDAY = "everyday"  # the category of the everyday messages among the examples
# complaint_data/'s messages were written over several rounds, their writers not told apart: one writer in the folds
DATA_WRITERS = "complaint_data"
WRITER_FOLDS = 4  # the bands are chosen on writers the model has not seen (core/learning.py `out_of_fold`)
COMPLAINTS_IN_TRAFFIC = "complaints_*.jsonl"
# LogisticRegression's C. On writers left out in turn (see the top), 30 rather than 10: complaints found at 2 false
# alarms in 1,000 everyday messages 0.644 rather than 0.639; 100 trains three times slower for as much.
REGULARISATION = 30.0


def read_examples(path: Path) -> list[Example]:
    return read_jsonl(path, lambda row: row["complaint"], writer=DATA_WRITERS)


def traffic_examples(split: str) -> list[Example]:
    """The messages of data/traffic/ for that split: the everyday ones (none is a complaint), the complaints and
    adverts of the spent held-out rounds, and complaints written as members type them in a group beside everyday
    messages that only look like complaints (complaints_*.jsonl)."""
    return [Example(row["text"], False, EVERYDAY, row["writer"]) for row in everyday.messages(split)] + [
        Example(row["text"], row["kind"] == "complaint", row["kind"], row["writer"])
        for row in everyday.messages(split, ("complaint", "advert"))
        + everyday.messages(split, ("chat", "question", "complaint"), files=COMPLAINTS_IN_TRAFFIC)]


def model_text(text: str) -> str:
    """A message as the model reads it: mentions out, marks evened."""
    return evened_marks(without_mentions(text))


def choose_bands(probabilities: list[float], examples: list[Example]) -> Bands:
    labels = [e.label for e in examples]
    everyday_scores = [p for p, e in zip(probabilities, examples) if e.category == EVERYDAY]
    sure = max(threshold_for_precision(probabilities, labels, PUBLIC_PRECISION),
               threshold_for_false_alarms(everyday_scores, EVERYDAY_APOLOGISED))
    doubt = min(sure, max(threshold_for_recall(probabilities, labels, OWNER_RECALL),
                          threshold_for_false_alarms(everyday_scores, EVERYDAY_ASKED)))
    return Bands(sure=sure, doubt=doubt, consult=min(doubt, threshold_for_false_alarms(everyday_scores,
                                                                                       EVERYDAY_CONSULTED)))


def task(data: Path = DATA) -> Task:
    return Task(
        prepare=model_text,
        training=lambda: read_examples(data / TRAIN) + traffic_examples("train"),
        validation=lambda: read_examples(data / VALIDATION) + traffic_examples("validation"),
        frozen=lambda: read_examples(data / TEST) + traffic_examples("frozen"),
        choose_bands=choose_bands,
        regularisation=REGULARISATION,
        writer_folds=WRITER_FOLDS,
        sources=lambda: [data / TRAIN, data / VALIDATION, *everyday.source_files(),
                         *everyday.source_files(COMPLAINTS_IN_TRAFFIC)],
    )


@dataclass(frozen=True)
class Verdict:
    """What the detector makes of one message."""

    reason: str | None  # why (complaint_rules.REASONS): named for a message in a band (complaint_detection)
    band: str | None  # "sure": acknowledged in public; "doubt": the owner is asked; None: not a complaint
    # ("consult": only a second opinion is asked, see complaint_detection.worth_a_second_opinion)
    probability: float


def judge(rules: ComplaintRules, scorer: Scorer | None, bands: Bands | None, text: str) -> Verdict:
    """One message's verdict: the model's band, its reason left to be named (complaint_detection) for a message in a
    band alone. Without a model (`scorer` None) the rules decide alone, reason and all, and what they find is sure:
    that is how the bot worked before it learned."""
    if scorer is None or bands is None:
        reason = rules_reason(rules, text)
        return Verdict(reason, "sure" if reason else None, 1.0 if reason else 0.0)
    probability = scorer.probability(model_text(text))
    band = bands.of(probability)
    if band == "sure" and rules_reason(rules, text) is None:
        band = "doubt"  # an apology in public takes the rules' word too (see EVERYDAY_APOLOGISED)
    return Verdict(None, band, probability)


def rules_reason(rules: ComplaintRules, text: str) -> str | None:
    """The rules' reason: their phrases cost about 9 µs a character, so they read the first RULES_READ_AT_MOST."""
    return rules.reading(without_mentions(text)[:RULES_READ_AT_MOST]).reason


Judge = Callable[[str], Verdict]

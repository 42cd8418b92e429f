"""The complaint detector's learning task: its examples, how it reads a message, and where its bands lie.
How it learns is core/learning.py's, shared with the other detectors.

The rules (handlers/complaint_rules.py) are precise but only know their words: "发来的比图片小一半" or "耍人呢"
slip through. The model learns from member messages labelled complaint or not (handlers/complaint_data/, whose
README says how they were written) and from the everyday messages of shop groups (handlers/everyday.py), which
it must leave alone: trained without them, it took a sticker, "+1" or "有没有灰色？" for a complaint in 1 message of
7 (issue #21).

The model reads a message as the rules read it (`ComplaintRules.reading`): praise, settled and other harmless
phrases blanked out, a problem named only to deny it as one mark, "〇", and whether the rules found a complaint
as a word of its own. Character n-grams alone took "一个坏的都没有" (0.87) and "每次都不失望" (0.89) for complaints;
with the rules' verdict as a word, the model weighs the rules as it learns how far they can be trusted, and there is
one probability to put in a band.

The bands are chosen on the validation split: a complaint is acknowledged in public only above `sure`, chosen
for precision PUBLIC_PRECISION (an apology to "有没有灰色？" in front of the group is what ends a shop's trust); the
owner is asked in private above `doubt`, chosen for recall OWNER_RECALL of complaints. The frozen test split is
never trained or tuned on: the bench reads it, and so does the gate that lets a model retrained with the owner's
corrections replace the one in use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.learning import (
    Bands, Example, Scorer, Task, evened_marks, mark, read_jsonl, threshold_for_false_alarms, threshold_for_precision,
    threshold_for_recall, without_mentions,
)
from handlers import everyday
from handlers.complaint_rules import ComplaintRules, Reading

DATA = Path(__file__).parent / "complaint_data"
TRAIN, VALIDATION, TEST = "train.jsonl", "validation.jsonl", "test_frozen.jsonl"
# On validation, of the complaints acknowledged in public (the goal is 0.98 unseen). 0.995 was tried on rounds 2
# and 3, each left out of the training in turn: public apologies to everyday messages 1 and 1 rather than 1 and 3,
# public precision 0.964 and 0.929 rather than 0.973 and 0.889, but half the complaints acknowledged in public, and
# "快递三天了还没收到，差评" waited for the owner's word.
PUBLIC_PRECISION = 0.99
OWNER_RECALL = 0.97  # on validation, of the complaints that reach the owner (in public or asked): goal 0.95 unseen
# ... unless that asks the owner about more than this share of everyday messages: a bot that asks "可能是投诉？"
# about one chat message in ten is muted by the second day, and then it reaches nobody.
EVERYDAY_ASKED = 0.03
RULES_FOUND = mark("rules")
RULES_READ_AT_MOST = 100  # characters of a message the rules read (see `read`)
EVERYDAY = "everyday"  # the category of the everyday messages among the examples
COMPLAINTS_IN_TRAFFIC = "complaints_*.jsonl"
# LogisticRegression's C. With the second data round (3,189 messages), 5-fold cross-validation on train +
# validation: recall at precision 0.90 0.84 with C=5, 0.85 with 10 and 30, 0.85 with LinearSVC.
REGULARISATION = 10.0


def read_examples(path: Path) -> list[Example]:
    return read_jsonl(path, lambda row: row["complaint"])


def traffic_examples(split: str) -> list[Example]:
    """The messages of data/traffic/ for that split: the everyday ones (none is a complaint), the complaints and
    adverts of the spent held-out rounds, and complaints written as members type them in a group beside everyday
    messages that only look like complaints (complaints_*.jsonl)."""
    return [Example(row["text"], False, EVERYDAY) for row in everyday.messages(split)] + [
        Example(row["text"], row["kind"] == "complaint", row["kind"])
        for row in everyday.messages(split, ("complaint", "advert"))
        + everyday.messages(split, ("chat", "question", "complaint"), files=COMPLAINTS_IN_TRAFFIC)]


def model_text(reading: Reading) -> str:
    """A message as the model reads it: as the rules read it, marks evened out, and whether they found a complaint."""
    return evened_marks(reading.text) + (RULES_FOUND if reading.reason else "")


def read(rules: ComplaintRules, text: str) -> tuple[Reading, str]:
    """The rules' reading of a message and the text the model reads. The rules read its first RULES_READ_AT_MOST
    characters, the model up to core/learning.py's bound: the rules' phrases cost about 9 µs a character, so a long
    story's tail is read by the model's n-grams alone (a microsecond a character), and no message costs over a
    millisecond. 11 of the 16,824 labelled messages are longer than that."""
    text = without_mentions(text)
    reading = rules.reading(text[:RULES_READ_AT_MOST])
    return reading, model_text(reading) + evened_marks(text[RULES_READ_AT_MOST:])


def choose_bands(probabilities: list[float], examples: list[Example]) -> Bands:
    labels = [e.label for e in examples]
    sure = threshold_for_precision(probabilities, labels, PUBLIC_PRECISION)
    everyday_scores = [p for p, e in zip(probabilities, examples) if e.category == EVERYDAY]
    doubt = max(threshold_for_recall(probabilities, labels, OWNER_RECALL),
                threshold_for_false_alarms(everyday_scores, EVERYDAY_ASKED))
    return Bands(sure=sure, doubt=min(sure, doubt))


def task(rules: ComplaintRules, data: Path = DATA) -> Task:
    def prepare(text: str) -> str:
        return read(rules, text)[1]

    return Task(
        prepare=prepare,
        training=lambda: read_examples(data / TRAIN) + traffic_examples("train"),
        validation=lambda: read_examples(data / VALIDATION) + traffic_examples("validation"),
        frozen=lambda: read_examples(data / TEST) + traffic_examples("frozen"),
        choose_bands=choose_bands,
        regularisation=REGULARISATION,
    )


@dataclass(frozen=True)
class Verdict:
    """What the detector makes of one message."""

    reason: str | None  # the rules' reason, or None when only the model saw a complaint
    band: str | None  # "sure": acknowledged in public; "doubt": the owner is asked; None: not a complaint
    probability: float


def judge(rules: ComplaintRules, scorer: Scorer | None, bands: Bands | None, text: str) -> Verdict:
    """One message's verdict from one pass of the rules. Without a model (`scorer` None) the rules decide alone,
    and what they find is sure: that is how the bot worked before it learned."""
    reading, model_reads = read(rules, text)
    if scorer is None or bands is None:
        return Verdict(reading.reason, "sure" if reading.reason else None, 1.0 if reading.reason else 0.0)
    probability = scorer.probability(model_reads)
    return Verdict(reading.reason, bands.of(probability), probability)


Judge = Callable[[str], Verdict]

"""How well complaints are detected and sorted, on the labelled sets in tests/fixtures:

    python bench/complaint_accuracy.py

prints, per set, precision and recall of "is a complaint", their F1, the share of true complaints given the
right reason, and every message the detector gets wrong (text for an issue note).

complaints_labelled.jsonl was written from members' point of view before the rules were tuned on it;
complaints_holdout.jsonl was written after the rules were done and was never tuned on, so its figures say how
the rules do on wording they have not seen.

Then, on the frozen test split of handlers/complaint_data/ (never trained or tuned on: complaints against near
misses), the rules alone, the complaints acknowledged in public (the sure band) and those reaching the owner at all
(sure or doubt), the time the model takes to train at start (importing scikit-learn included), and the time one
message costs: the bot's detect() and the model's direct scorer, against scikit-learn's predict_proba on one text.
The figures on the traffic the bot really sees, mostly everyday chat, are bench/reading_accuracy.py's. The frozen split's mistakes are not printed, only counted in the figures: reading
them would be tuning on it by eye, the one thing it must never be used for.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.learning import Counted  # noqa: E402
from handlers import complaint_detection, complaint_model  # noqa: E402
from handlers.complaint_model import DATA, TEST, read_examples  # noqa: E402
from handlers.complaint_rules import classify  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
LABELLED = FIXTURES / "complaints_labelled.jsonl"
HOLDOUT = FIXTURES / "complaints_holdout.jsonl"


@dataclass(frozen=True)
class Verdict:
    text: str
    labelled: str | None
    classified: str | None


@dataclass(frozen=True)
class Scores:
    verdicts: tuple[Verdict, ...]

    @property
    def messages(self) -> int:
        return len(self.verdicts)

    @property
    def complaints(self) -> int:
        return sum(1 for v in self.verdicts if v.labelled)

    @property
    def precision(self) -> float:
        flagged = [v for v in self.verdicts if v.classified]
        return sum(1 for v in flagged if v.labelled) / len(flagged) if flagged else 0.0

    @property
    def recall(self) -> float:
        return sum(1 for v in self.verdicts if v.labelled and v.classified) / self.complaints

    @property
    def f1(self) -> float:
        both = self.precision + self.recall
        return 2 * self.precision * self.recall / both if both else 0.0

    @property
    def reason_accuracy(self) -> float:
        """Over all true complaints: a complaint that was missed counts as a wrong reason."""
        return sum(1 for v in self.verdicts if v.labelled and v.classified == v.labelled) / self.complaints

    @property
    def mistakes(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.classified != v.labelled)


def score(path: Path) -> Scores:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Scores(tuple(Verdict(row["text"], row["reason"], classify(row["text"])) for row in rows))


def report(sets: dict[str, Scores]) -> str:
    lines = [f"{'set':<12}{'messages':>9}{'complaints':>11}{'precision':>10}{'recall':>8}{'F1':>6}{'reason':>8}"]
    for name, s in sets.items():
        lines.append(f"{name:<12}{s.messages:>9}{s.complaints:>11}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>6.3f}"
                     f"{s.reason_accuracy:>8.3f}")
    for name, s in sets.items():
        lines.append(f"\n{name}: {len(s.mistakes)} wrong")
        lines += [f"  labelled {v.labelled or '-'}, classified {v.classified or '-'}: {v.text}" for v in s.mistakes]
    return "\n".join(lines)


def precision_recall(flagged: list[bool], labels: list[bool]) -> tuple[float, float]:
    hits = sum(f and label for f, label in zip(flagged, labels))
    return (hits / sum(flagged) if any(flagged) else 0.0), hits / sum(labels)


def per_message_ms(classify_one: Callable[[str], object], texts: list[str], rounds: int) -> tuple[float, float]:
    """p50 and p99 of one call, in milliseconds."""
    times = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter_ns()
            classify_one(text)
            times.append(time.perf_counter_ns() - start)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49] / 1e6, cuts[98] / 1e6


def frozen_split_report() -> str:
    started = time.perf_counter()
    model = complaint_detection.current_model()
    training = time.perf_counter() - started
    if model is None:
        return "frozen split: the model did not train (see the log); only the rules' figures above count"
    examples = read_examples(DATA / TEST)
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    verdicts = [complaint_detection.detect(text) for text in texts]
    by_rules = [classify(text) is not None for text in texts]
    lines = [f"\nfrozen test split: {len(texts)} messages, {sum(labels)} complaints; bands sure > {model.bands.sure:.3f},"
             f" doubt > {model.bands.doubt:.3f} (chosen on validation); trained in {training:.2f} s at start",
             f"{'detector':<24}{'precision':>10}{'recall':>8}"]
    for name, flagged in (("rules alone", by_rules),
                          ("acknowledged in public", [v is not None and v.band == "sure" for v in verdicts]),
                          ("reaching the owner", [v is not None for v in verdicts])):
        precision, recall = precision_recall(flagged, labels)
        lines.append(f"{name:<24}{precision:>10.3f}{recall:>8.3f}")
    pipeline_proba = _pipeline_proba(model)
    for name, one, rounds in (("detect()", complaint_detection.detect, 20), ("scorer", model.probability, 20),
                              ("predict_proba", pipeline_proba, 2)):
        p50, p99 = per_message_ms(one, texts, rounds)
        lines.append(f"{name:<14} per message p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    return "\n".join(lines)


def _pipeline_proba(model) -> Callable[[str], float]:
    """scikit-learn's own predict_proba on one text, fitted the same way, for comparison."""
    training = complaint_detection._task().training()
    counted = Counted.of([model.prepare(e.text) for e in training])
    fitted = counted.fit(range(len(training)), [e.label for e in training], complaint_model.REGULARISATION)
    return lambda text: fitted.regression.predict_proba(
        fitted.tfidf.transform(counted.transform([model.prepare(text)])))[0, 1]


def main() -> None:
    print(report({"labelled": score(LABELLED), "holdout": score(HOLDOUT)}))
    print(frozen_split_report())


if __name__ == "__main__":
    main()

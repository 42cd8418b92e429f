"""How well complaints are detected and sorted, on the labelled sets in tests/fixtures:

    python bench/complaint_accuracy.py

prints, per set, precision and recall of "is a complaint", their F1, the share of true complaints given the
right reason, and every message the detector gets wrong (text for an issue note).

complaints_labelled.jsonl was written from members' point of view before the rules were tuned on it;
complaints_holdout.jsonl was written after the rules were done and was never tuned on, so its figures say how
the rules do on wording they have not seen.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main() -> None:
    print(report({"labelled": score(LABELLED), "holdout": score(HOLDOUT)}))


if __name__ == "__main__":
    main()

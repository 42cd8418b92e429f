"""Precision and recall of complaint detection, and accuracy of the reasons, on the labelled sets in tests/fixtures.

    python bench/complaint_accuracy.py

complaints_labelled.jsonl was written (from members' point of view) before the rules were tuned on it;
complaints_holdout.jsonl was written after, and never tuned on: its figures say how the rules do on new wording.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.complaint_rules import classify  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
SETS = ("complaints_labelled.jsonl", "complaints_holdout.jsonl")


@dataclass(frozen=True)
class Scores:
    messages: int
    complaints: int
    precision: float
    recall: float
    reason_accuracy: float  # over the true complaints that were detected
    misses: tuple[tuple[str, str | None, str | None], ...]  # (text, labelled, classified)

    @property
    def f1(self) -> float:
        return 2 * self.precision * self.recall / (self.precision + self.recall)


def score(path: Path) -> Scores:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = [(row["text"], row["reason"], classify(row["text"])) for row in rows]
    true_pos = sum(1 for _, label, got in results if label and got)
    flagged = sum(1 for _, _, got in results if got)
    complaints = sum(1 for _, label, _ in results if label)
    right_reason = sum(1 for _, label, got in results if label and got == label)
    return Scores(
        messages=len(rows),
        complaints=complaints,
        precision=true_pos / flagged if flagged else 0.0,
        recall=true_pos / complaints if complaints else 0.0,
        reason_accuracy=right_reason / true_pos if true_pos else 0.0,
        misses=tuple(r for r in results if r[1] != r[2]),
    )


def main() -> None:
    print(f"{'set':<28}{'messages':>9}{'complaints':>11}{'precision':>10}{'recall':>8}{'F1':>6}{'reason':>8}")
    for name in SETS:
        s = score(FIXTURES / name)
        print(f"{name:<28}{s.messages:>9}{s.complaints:>11}{s.precision:>10.2f}{s.recall:>8.2f}{s.f1:>6.2f}"
              f"{s.reason_accuracy:>8.2f}")
        for text, label, got in s.misses:
            print(f"    labelled {label or '-'}, classified {got or '-'}: {text}")


if __name__ == "__main__":
    main()

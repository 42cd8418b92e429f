"""Is a member's message a complaint, and about what? Rules as data, in handlers/rules/complaints.toml.

Praise and negations are blanked out before the triggers are searched ("质量一点都不差" says nothing bad), and
when several reasons match, the rules' priority picks the root cause. Plain regular expressions rather than a word
segmenter: the phrases members use are short and the rules must stay readable to whoever extends them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_RULES = Path(__file__).parent / "rules" / "complaints.toml"
REASONS = ("物流", "品控", "发错货", "退款", "服务", "其他")


@dataclass(frozen=True)
class ComplaintRules:
    not_a_complaint: re.Pattern
    triggers: tuple[tuple[str, re.Pattern], ...]  # (reason, pattern), in priority order

    def classify(self, text: str) -> str | None:
        """The reason of a complaint, or None when the message is not one."""
        remaining = self.not_a_complaint.sub("　", text)
        return next((reason for reason, pattern in self.triggers if pattern.search(remaining)), None)


def load_rules(path: Path = DEFAULT_RULES) -> ComplaintRules:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = (set(data["priority"]) | set(data["triggers"])) - set(REASONS)
    if unknown:
        raise ValueError(f"{path}: unknown complaint reason(s) {sorted(unknown)}; known: {', '.join(REASONS)}")
    return ComplaintRules(
        not_a_complaint=re.compile("|".join(f"(?:{p})" for p in data["not_a_complaint"])),
        triggers=tuple(
            (reason, re.compile("|".join(f"(?:{p})" for p in data["triggers"][reason])))
            for reason in data["priority"]
            if reason in data["triggers"]
        ),
    )


classify = load_rules().classify

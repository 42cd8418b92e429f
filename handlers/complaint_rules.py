"""The complaint detector: is a member's message a complaint, and what is it about?

`classify(text)` answers with one of REASONS, or None for anything else (questions, praise, chat). It knows no
words itself: the rules are data, in handlers/rules/complaints.toml, whose comments say how a message is read
(spelling, praise and negations, priority between reasons). `load_rules(path)` reads another rules file, e.g.
a shop's extended copy. Plain regular expressions rather than a word segmenter: members' phrases are short,
and the rules must stay readable to whoever extends them.

`read(text)` is the message as the rules see it, for the model (handlers/complaint_model.py): its character
n-grams cannot tell "一个坏的都没有" or "每次都不失望" from a complaint, while the rules' phrases and negations
say which words are praise, settled or denied. So the model reads what the rules leave, a problem named only to
deny it as one mark: the rules' own lists, not a second copy of them.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_RULES = Path(__file__).parent / "rules" / "complaints.toml"
REASONS = ("物流", "品控", "发错货", "退款", "服务", "其他")

# What a blanked-out phrase becomes: a full stop ends the clause, so the text on either side cannot join into
# a trigger, and patterns that stay within a clause stop there.
BLANK = "。"
# What `read` makes of a problem named only to deny it ("没有破损" is "没有〇"): the model learns the mark.
DENIED = "〇"
READINGS_KEPT = 32_768  # readings a training remembers (ComplaintRules.remembering): more than the labelled messages
NEGATOR_REACH = 32  # characters: longer than any negator in complaints.toml (the longest, a worry, is 14)
NEVER = re.compile("(?!)")  # what an empty list of patterns matches
FRAGMENT_REFERENCE = re.compile(r"\{([A-Za-z_]\w*)\}")  # {name}; {2} and {1,3} stay regex repetitions


@dataclass(frozen=True)
class Spelling:
    """Rewrites a message the way the rules are written: simplified characters, typos corrected."""

    traditional: dict[int, str]  # a str.translate table
    typos: dict[str, str]
    typo_pattern: re.Pattern

    def normalise(self, text: str) -> str:
        return self.typo_pattern.sub(lambda typo: self.typos[typo.group()], text.translate(self.traditional))


@dataclass(frozen=True)
class ComplaintRules:
    spelling: Spelling
    settled: re.Pattern
    # blanked one after the other, in the file's order: one alternation of them all, tried at every position,
    # took twice as long (the phrases that start with a clause's worth of any characters defeat re's prefix search)
    not_a_complaint: tuple[re.Pattern, ...]
    negated_before: re.Pattern  # matches at the end of the text that precedes a problem
    negated_after: re.Pattern  # matches at the start of the text that follows a problem
    bare: re.Pattern  # a character that the completions make a problem ("坏" of "没坏过")
    not_bare: re.Pattern  # words in which such a character is no problem ("干净", "不停")
    problems: tuple[tuple[str, re.Pattern], ...]  # (reason, pattern), in priority order
    demands: tuple[tuple[str, re.Pattern], ...]  # likewise; consulted only when no problem is found

    # Whether readings are remembered (see `remembering`): never on the message path, where every member's
    # message is new and would only fill memory.
    remember: bool = field(default=False, compare=False)

    def __post_init__(self):
        remembered = functools.lru_cache(maxsize=READINGS_KEPT)(self._read) if self.remember else self._read
        object.__setattr__(self, "_remembered", remembered)

    def remembering(self) -> ComplaintRules:
        """The same rules, remembering their readings: each training (the nightly one with the owner's
        corrections, check-config's, the gate's look at the frozen split) reads the same twenty thousand labelled
        messages again. A bounded number (the rules read 100 characters at most: a few megabytes)."""
        return replace(self, remember=True)

    def classify(self, text: str) -> str | None:
        """The reason of a complaint, or None when the message is not one."""
        return self.reading(text).reason

    def read(self, text: str) -> str:
        """The text as the rules see it: the spelling theirs, settled and not_a_complaint phrases blanked out, and
        each problem or demand found right after a negator replaced by DENIED."""
        return self.reading(text).text

    def reading(self, text: str) -> Reading:
        """classify's reason and read's text, from one pass over the message (the bot needs both)."""
        return self._remembered(text)

    def _read(self, text: str) -> Reading:
        text = self.spelling.normalise(text)
        settled = self.settled.search(text) is not None
        text = self.settled.sub(BLANK, text) if settled else text
        for phrase in self.not_a_complaint:
            text = phrase.sub(BLANK, text)
        reason, denied = None, set()
        named = bytearray(len(text))  # 1 where a problem was found whole: one look per bare character
        for found_reason, pattern in (*self.problems, *self.demands):
            for found in pattern.finditer(text):
                named[found.start():found.end()] = b"\1" * (found.end() - found.start())
                if self._negated(text, *found.span()):
                    denied.add(self._denial(text, *found.span()))
                elif reason is None and not settled:
                    reason = found_reason  # the first reason, in priority order, with a problem not denied
        for found in self.bare.finditer(text):
            # inside a problem found whole ("破损", "坏了"), the character is that problem's, denied or not
            if named[found.start()] or self._in_other_word(text, found.start()):
                continue
            if self._negated(text, *found.span()):
                denied.add(self._denial(text, *found.span()))
        return Reading(reason, _marked(text, sorted(denied)))

    def _in_other_word(self, text: str, at: int) -> bool:
        """Whether the bare character at `at` is part of a word that is no problem: 干 of "不干净" is no 干了."""
        return any(word.start() <= at < word.end() for word in self.not_bare.finditer(text, max(0, at - 3), at + 4))

    def _denial(self, text: str, start: int, stop: int) -> tuple[int, int]:
        # a negation after the problem is part of the denial: "一个坏果都没有" is read "一个〇"
        after = self.negated_after.match(text, stop)
        return (start, after.end() if after else stop)

    def _negated(self, text: str, start: int, stop: int) -> bool:
        # The negators are a few words long: searching only the stretch just before the problem keeps a message
        # with thousands of problems named ("碎了碎了…") linear, where searching from the start was quadratic.
        return bool(self.negated_before.search(text, max(0, start - NEGATOR_REACH), start)
                    or self.negated_after.match(text, stop))


@dataclass(frozen=True)
class Reading:
    reason: str | None  # as classify() answers
    text: str  # as read() answers


def _marked(text: str, denied: list[tuple[int, int]]) -> str:
    parts, end = [], 0
    for start, stop in denied:
        if start >= end and stop > start:  # of overlapping spans, the first is marked; an empty match is nothing
            parts += [text[end:start], DENIED]
            end = stop
    return "".join(parts) + text[end:]


def load_rules(path: Path = DEFAULT_RULES) -> ComplaintRules:
    """The rules in a complaints.toml file; ValueError says what is wrong with a file that cannot be used."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    rules, priority = data["rules"], data["priority"]
    named = set(priority) | set(rules["problems"]) | set(rules["demands"])
    unknown = named - set(REASONS)
    if unknown:
        raise ValueError(f"{path}: unknown complaint reason(s) {sorted(unknown)}; known: {', '.join(REASONS)}")
    if named - set(priority):
        raise ValueError(f"{path}: reason(s) {sorted(named - set(priority))} missing from priority, so never chosen")

    def each(patterns: list[str]) -> tuple[str, ...]:
        return tuple(_expand(pattern, data["fragments"], path) for pattern in patterns)

    def either(patterns: list[str]) -> re.Pattern:
        if not patterns:
            return NEVER
        return re.compile("|".join(f"(?:{pattern})" for pattern in each(patterns)))

    def by_priority(table: dict[str, list[str]]) -> tuple[tuple[str, re.Pattern], ...]:
        return tuple((reason, either(table[reason])) for reason in priority if reason in table)

    problems = by_priority(rules["problems"])
    return ComplaintRules(
        spelling=_spelling(data["spellings"], path),
        settled=either(rules["settled"]),
        not_a_complaint=tuple(map(re.compile, each(rules["not_a_complaint"]))),
        negated_before=re.compile(f"(?:{either(rules['negators']).pattern})$"),
        negated_after=either(rules.get("negators_after", [])),
        bare=_bare(problems, rules.get("completions", [])),
        not_bare=either(rules.get("not_bare", [])),
        problems=problems,
        demands=by_priority(rules["demands"]),
    )


def _bare(problems: tuple[tuple[str, re.Pattern], ...], completions: list[str]) -> re.Pattern:
    """The characters of the problems' patterns that a completion makes a whole problem: "坏" ("坏了"), "臭"
    ("臭味"). Taken from the patterns themselves, so a word added to a problem is known bare too."""
    characters = {c for _, pattern in problems for c in pattern.pattern if "\u4e00" <= c <= "\u9fff"}
    bare = sorted(c for c in characters
                  if any(pattern.fullmatch(c + ending) for ending in completions for _, pattern in problems))
    return re.compile(f"[{''.join(bare)}]") if bare else NEVER


def _expand(pattern: str, fragments: dict[str, str], path: Path) -> str:
    def fragment(reference: re.Match) -> str:
        name = reference.group(1)
        if name not in fragments:
            raise ValueError(f"{path}: pattern {pattern!r} uses {{{name}}}, which [fragments] does not define")
        return f"(?:{fragments[name]})"

    return FRAGMENT_REFERENCE.sub(fragment, pattern)


def _spelling(spellings: dict, path: Path) -> Spelling:
    pairs = spellings["traditional"].split()
    odd = [pair for pair in pairs if len(pair) != 2]
    if odd:
        raise ValueError(f"{path}: traditional spellings are pairs of two characters (traditional, simplified): {odd}")
    typos = spellings["typos"]
    # Longest first, so that a typo containing a shorter one is replaced whole.
    alternatives = sorted(typos, key=len, reverse=True)
    return Spelling(
        traditional=str.maketrans({pair[0]: pair[1] for pair in pairs}),
        typos=typos,
        typo_pattern=re.compile("|".join(map(re.escape, alternatives))) if alternatives else NEVER,
    )


classify = load_rules().classify

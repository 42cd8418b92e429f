"""Which FAQ entry answers a member's question: the one whose keyword it names, else the one nearest to it in
meaning, if near enough. The entries and their answers are handlers/faq.py's; this module only reads them, so
that the bench (bench/faq_accuracy.py) measures exactly what the bot runs.

- Keywords first, as before: a keyword named still wins (the longest, 包邮 over 邮), since the owner chose it.
- Meaning: each entry is one text (its keywords, examples and answer), and a question goes to the entry with the
  highest cosine similarity of their tf-idf vectors of character 1-3-grams (core/learning.py), the idf fitted on
  the entries. The answer is in that text because it says most about what an entry covers: on the development
  set, the keywords and examples alone found half as many answers at the same precision.
- Not near enough is no answer: a wrong answer in front of the group is worse than none, where the owner is
  nudged. SIMILAR_AT_LEAST was chosen on data/faq/dev.json (a clothing shop) for precision.
- The owner's corrections (/faq not N): a question is kept from an entry when it is at least as near to one of
  the entry's counter-examples as to the entry's own questions (keywords and examples). The keyword path obeys
  them too: a question the owner said an entry must not answer is never answered by it again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.commands import plain
from core.learning import Index, Space, bounded, space_of, without_mentions

# On data/faq/dev.json, questions no keyword names: over 0.13, 28 of the 200 answerable are answered, none
# wrongly and none of the 100 unanswerable; 0.127, where precision first drops below 0.97, lets a wrong one in.
# bench/faq_accuracy.py prints the figures, and the threshold the development set would choose.
SIMILAR_AT_LEAST = 0.13
# Punctuation and spaces end an n-gram's word: "吗？" says how a member asks, not what.
NOT_WORD = re.compile(r"[^\w]+")


def reading(text: str) -> str:
    """A text as the matcher reads it: mentions gone, full-width letters plain, lower case, punctuation a gap."""
    return NOT_WORD.sub(" ", plain(without_mentions(text)).lower()).strip()


@dataclass(frozen=True)
class Entry:
    id: int
    keywords: tuple[str, ...]  # as stored: plain, lower case
    examples: tuple[str, ...]
    answer: str
    counterexamples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    entry: int
    by: str  # "keyword" or "meaning"
    similarity: float  # to the entry's text; 1.0 for a keyword


class Matcher:
    """The entries of one store, ready to match questions: built when they change, not for every message."""

    def __init__(self, entries: Sequence[Entry]):
        self.ids = [entry.id for entry in entries]
        # longest first: 退货地址 over 退货
        self.keywords = sorted(((k, entry.id) for entry in entries for k in entry.keywords), key=lambda kw: -len(kw[0]))
        texts = [reading(" ".join((*entry.keywords, *entry.examples, entry.answer))) for entry in entries]
        self.space: Space | None = space_of(texts) if entries else None
        self.entries = self._index(texts)
        self.own = self._owned([(entry.id, text) for entry in entries for text in (*entry.keywords, *entry.examples)])
        self.counter = self._owned([(entry.id, text) for entry in entries for text in entry.counterexamples])

    def _index(self, texts: list[str]) -> Index:
        return Index([self.space.vector(text) for text in texts] if self.space else [])

    def _owned(self, pairs: list[tuple[int, str]]) -> tuple[list[int], Index]:
        return [entry for entry, _ in pairs], self._index([reading(text) for _, text in pairs])

    def match(self, text: str) -> Match | None:
        """The entry that answers `text`; None when none does."""
        found = self.candidate(text)
        return found if found and (found.by == "keyword" or found.similarity > SIMILAR_AT_LEAST) else None

    def candidate(self, text: str) -> Match | None:
        """The entry whose keyword `text` names, else the nearest one however far (the bench chooses the threshold
        on these); None without entries, or when the owner's corrections keep `text` from every one."""
        if self.space is None:
            return None
        said = plain(bounded(text)).lower()
        vector = self.space.vector(reading(text))
        barred = self._barred(vector)
        for keyword, entry in self.keywords:
            if keyword in said and entry not in barred:
                return Match(entry, "keyword", 1.0)
        near = [Match(entry, "meaning", similarity)
                for entry, similarity in zip(self.ids, self.entries.similarities(vector)) if entry not in barred]
        return max(near, key=lambda found: found.similarity, default=None)

    def _barred(self, vector: dict[str, float]) -> set[int]:
        """The entries the owner's corrections keep from this question."""
        if not self.counter[0]:
            return set()  # most shops: no correction, nothing to compare
        counter, own = _nearest(*self.counter, vector), _nearest(*self.own, vector)
        return {entry for entry, similarity in counter.items() if similarity > 0 and similarity >= own.get(entry, 0.0)}


def _nearest(entries: list[int], index: Index, vector: dict[str, float]) -> dict[int, float]:
    """Per entry, the similarity of its nearest text in `index` (whose texts belong to `entries`, in order)."""
    found: dict[int, float] = {}
    for entry, similarity in zip(entries, index.similarities(vector)):
        found[entry] = max(found.get(entry, 0.0), similarity)
    return found

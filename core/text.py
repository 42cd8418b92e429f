"""How the bot quotes what people wrote: never more than a few words, never cut through a character.

Replies echo what was typed (an unknown command, a bad amount), reports quote members' messages: a reply must stay
short whatever was pasted into the chat, and a cut between an emoji and its skin tone shows as a broken glyph.
"""

from __future__ import annotations

import unicodedata

EXCERPT_CHARS = 30  # what a report quotes of a message: enough to recognise it, never the whole text
ZERO_WIDTH_JOINER = "\u200d"


def _clings(char: str) -> bool:
    """A character that belongs with the one before it: a combining mark, a variation selector, a skin tone."""
    code = ord(char)
    modifier = 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF
    return modifier or char == ZERO_WIDTH_JOINER or bool(unicodedata.combining(char))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters on one line, cut where a character ends (never between an emoji and its
    modifier or in a joined emoji), with "…" when something was cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = limit
    while cut > 0 and (_clings(flat[cut]) or flat[cut - 1] == ZERO_WIDTH_JOINER):
        cut -= 1
    return flat[:cut] + "…"


def quote(typed: str, limit: int = EXCERPT_CHARS) -> str:
    """What someone typed, quoted in a reply: “小王”, at most `limit` characters of it."""
    return f"“{excerpt(typed, limit)}”"

"""How the bot quotes what people wrote and names them: never more than a few words, never cut through a
character, never a character that acts instead of showing.

Replies echo what was typed (an unknown command, a bad amount), reports quote members' messages: a reply must stay
short whatever was pasted into the chat, and a cut between an emoji and its skin tone shows as a broken glyph.
A nickname is the member's own text too, and has no length WeChat enforces on what a service hands over: shown,
it is capped, so that an alert about a member with a 5,000-character name still ends with what to reply.
Control and format characters are kept in the store as they came, and shown as visible stand-ins: an escape
sequence would recolour or wipe the console, a right-to-left override would turn the quoted words around, a NUL
or a BEL is nothing the owner should have to guess at.
"""

from __future__ import annotations

import unicodedata

EXCERPT_CHARS = 30  # what a report quotes of a message: enough to recognise it, never the whole text
NAME_CHARS = 20  # of a nickname or a group's name, wherever a message shows one
ZERO_WIDTH_JOINER = "\u200d"
REPLACEMENT = "\ufffd"


def _stand_in(code: int) -> str:
    """What shows in place of a control character (the C0 ones and DEL have pictures: ␀ ␇ ␛ ␡), of a format
    character (a direction override, a zero-width space, an emoji tag) and of a lone surrogate: "�"."""
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else REPLACEMENT


# Cc, Cf and Cs live in these planes. The line break stays (a template's variable may hold several lines; quotes
# flatten theirs), and so does the zero-width joiner, which holds an emoji sequence (👨‍👩‍👧) together.
_STAND_INS = {
    code: _stand_in(code)
    for codes in (range(0x20000), range(0xE0000, 0xE1000)) for code in codes
    if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs") and chr(code) not in ("\n", ZERO_WIDTH_JOINER)
}


def visible(text: str) -> str:
    """The text with every control and format character shown as a stand-in (see _stand_in); the same length."""
    return text if text.isprintable() else text.translate(_STAND_INS)


def _clings(char: str) -> bool:
    """A character that belongs with the one before it: a combining mark, a variation selector, a skin tone."""
    code = ord(char)
    modifier = 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF
    return modifier or char == ZERO_WIDTH_JOINER or bool(unicodedata.combining(char))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters on one line, cut where a character ends (never between an emoji and its
    modifier or in a joined emoji), with "…" when something was cut, control and format characters visible."""
    flat = visible(" ".join(text.split()))
    if len(flat) <= limit:
        return flat
    cut = limit
    while cut > 0 and (_clings(flat[cut]) or flat[cut - 1] == ZERO_WIDTH_JOINER):
        cut -= 1
    return flat[:cut] + "…"


def quote(typed: str, limit: int = EXCERPT_CHARS) -> str:
    """What someone typed, quoted in a reply: “小王”, at most `limit` characters of it."""
    return f"“{excerpt(typed, limit)}”"


def shown_name(name: str) -> str:
    """A nickname or a group's name as a message shows it: at most NAME_CHARS characters, on one line, visible."""
    return excerpt(name, NAME_CHARS)

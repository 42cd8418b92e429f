"""Is a message meant for the shop? Shared by the off-hours reply and the response nudges.

A private message to the bot is; an @-mention of the bot is; a group message that asks about orders, delivery,
price or stock is (rules in handlers/rules/questions.toml). Chat between members is not, and neither is another
account's automatic reply, which must never be answered (two bots would answer each other for ever).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.context import Context
from core.events import Message

RULES = tomllib.loads((Path(__file__).parent / "rules" / "questions.toml").read_text(encoding="utf-8"))


def is_auto_reply(text: str) -> bool:
    return any(marker in text for marker in RULES["auto_replies"])


def is_shop_question(text: str) -> bool:
    return any(t in text for t in RULES["topics"]) and any(m in text for m in RULES["markers"])


def asks_the_shop(ctx: Context, message: Message) -> bool:
    """True when a member (not the owner, not a bot) addresses the shop with this message."""
    if ctx.is_shop(message.sender) or is_auto_reply(message.text):
        return False
    if message.room is None or ctx.bot_id in message.mentions:
        return True
    return is_shop_question(message.text)

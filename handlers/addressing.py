"""Is a message meant for the shop? Shared by the off-hours reply and the response nudges.

A private message to the bot is; an @-mention of the bot or of an owner is; a group message that asks the shop
something is (learned: handlers/shop_questions.py), and is answered in the group only when the model is sure. Chat
between members is not, and neither is another account's automatic reply, which must never be answered (two bots
would answer each other for ever).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.context import Context
from core.events import Message
from core.rules import from_member, mentions_shop, private, rule
from handlers.shop_questions import is_shop_question, is_surely_a_shop_question

RULES = tomllib.loads((Path(__file__).parent / "rules" / "questions.toml").read_text(encoding="utf-8"))


def is_auto_reply(text: str) -> bool:
    return any(marker in text for marker in RULES["auto_replies"])


@rule
def automatic_reply(ctx: Context, message: Message) -> bool:
    """Another account's automatic reply: never answered, or two bots would answer each other for ever."""
    return is_auto_reply(message.text)


@rule
def about_the_shop(ctx: Context, message: Message) -> bool:
    return is_shop_question(message.text)


@rule
def surely_about_the_shop(ctx: Context, message: Message) -> bool:
    return is_surely_a_shop_question(message.text)


# A member (not the owner, not a bot) addressing the shop: in private, by @-mentioning the bot or an owner, or by
# asking the shop a question in a group. What the owner is told of, if nobody answers.
asks_the_shop = from_member & ~automatic_reply & (private | mentions_shop | about_the_shop)
# The same, answered in the group itself: a group question only when the question model is sure of it. A reply to
# chat there ("明天降温吗" → "客服明天9:00上线") is seen by everyone; a doubtful question waits for the owner.
surely_asks_the_shop = from_member & ~automatic_reply & (private | mentions_shop | surely_about_the_shop)

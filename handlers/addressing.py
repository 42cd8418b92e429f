"""Is a message meant for the shop? Shared by the off-hours reply and the response nudges.

A private message to the bot is; an @-mention of the bot or of an owner is; a group message that asks the shop
something is (learned: handlers/shop_questions.py), and is answered in the group only when the model is sure. Chat
between members is not, nor a question that @-mentions members and not the shop ("@阿珍 座椅多少钱"), and neither is
another account's automatic reply, which must never be answered (two bots would answer each other for ever).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from core import directory
from core.context import Context
from core.events import Message
from core.learning import mentioned
from core.rules import from_member, mentions_shop, private, rule
from handlers.shop_questions import is_shop_question, is_surely_a_shop_question

RULES = tomllib.loads((Path(__file__).parent / "rules" / "questions.toml").read_text(encoding="utf-8"))


def is_auto_reply(text: str) -> bool:
    return any(marker in text for marker in RULES["auto_replies"])


@rule
def automatic_reply(ctx: Context, message: Message) -> bool:
    """Another account's automatic reply: never answered, or two bots would answer each other for ever."""
    return is_auto_reply(message.text)


def for_members_only(text: str, is_the_shop: Callable[[str], bool] = lambda name: False) -> bool:
    """Whether a group message @-mentions someone and none of them is the shop, by what members call it (店长, 客服…)
    or by `is_the_shop` (a name). Such a message is for the members it names, whatever it asks: of the 779 in
    data/traffic, 763 are chat and 16 adverts, none a question to the shop (nor did any second reader call one
    so), and the question model had read "@阿珍 座椅多少钱" as one: "客服明天9:00上线" in the group at night."""
    names = mentioned(text)
    return bool(names) and not any(
        is_the_shop(name) or any(word in name for word in RULES["shop_names"]) for name in names)


@rule
def to_members(ctx: Context, message: Message) -> bool:
    """A group message for the members it @-mentions, none of them the shop (`for_members_only`)."""
    return message.room is not None and not mentions_shop(ctx, message) and for_members_only(
        message.text, lambda name: any(map(ctx.is_shop, directory.contacts_reading_as(ctx.db, name))))


@rule
def about_the_shop(ctx: Context, message: Message) -> bool:
    return is_shop_question(message.text)


@rule
def surely_about_the_shop(ctx: Context, message: Message) -> bool:
    return is_surely_a_shop_question(message.text)


# A member (not the owner, not a bot) addressing the shop: in private, by @-mentioning the bot or an owner, or by
# asking the shop a question in a group, not of other members. What the owner is told of, if nobody answers.
asks_the_shop = from_member & ~automatic_reply & (private | mentions_shop | (about_the_shop & ~to_members))
# The same, answered in the group itself: a group question only when the question model is sure of it. A reply to
# chat there ("明天降温吗" → "客服明天9:00上线") is seen by everyone; a doubtful question waits for the owner.
surely_asks_the_shop = from_member & ~automatic_reply & (private | mentions_shop | (surely_about_the_shop & ~to_members))

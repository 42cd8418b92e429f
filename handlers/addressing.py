"""Is a message meant for the shop? Shared by the off-hours reply and the response nudges.

A private message to the bot is; an @-mention of the bot or of an owner is; a group message that opens by calling
the shop by name ("店主 今天的草莓底下好几颗都发霉了") is; a group message that asks the shop something is (learned:
handlers/shop_questions.py), and is answered in the group only when the model is sure. Chat
between members is not, nor a question that @-mentions members and not the shop ("@阿珍 座椅多少钱"), and neither is
another account's automatic reply, which must never be answered (two bots would answer each other for ever).
"""

from __future__ import annotations

import re
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
# A name members call the shop, then a pause: "店主 …", "老板，…", "客服：…"; not "店主说明天补寄", about the shop
CALLS_THE_SHOP = re.compile(rf"\s*(?:{'|'.join(map(re.escape, RULES['shop_names']))})(?:[\s，,！!：:。~～]|$)")


def is_auto_reply(text: str) -> bool:
    return any(marker in text for marker in RULES["auto_replies"])


@rule
def automatic_reply(ctx: Context, message: Message) -> bool:
    """Another account's automatic reply: never answered, or two bots would answer each other for ever."""
    return is_auto_reply(message.text)


def for_members_only(names: list[str], is_a_member: Callable[[str], bool]) -> bool:
    """Whether the names a group message @-mentions (core/learning.py `mentioned`) are all members': each one
    `is_a_member`, none what members call the shop (店长, 客服…). Such a message is for them, whatever it asks: of
    the 779 in data/traffic, 763 are chat and 16 adverts, none a question to the shop (nor did any second reader
    call one so), and the question model had read "@阿珍 座椅多少钱" as one: "客服明天9:00上线" in the group at night.
    A name the bot does not know may be what the group calls an owner: the message is read as before."""
    return bool(names) and all(
        is_a_member(name) and not any(word in name for word in RULES["shop_names"]) for name in names)


@rule
def to_members(ctx: Context, message: Message) -> bool:
    """A group message for the members it @-mentions (`for_members_only`), by their nicknames: one look-up for
    them all, however many a member types."""
    if message.room is None or mentions_shop(ctx, message):
        return False
    names = mentioned(message.text)
    known = directory.contacts_named(ctx.db, names) if names else {}
    return for_members_only(names, lambda name: bool(known.get(name)) and not any(map(ctx.is_shop, known[name])))


def calls_the_shop(text: str) -> bool:
    """Whether a message opens by calling the shop by name, as members address it without an @-mention. On held-out
    rounds 59 and 60, read by models trained without them, 313 messages did: all but two read as a question to the
    shop or a complaint already, and those two were for the shop too (an order, "店主 再来一份西冷 这次挑块好的哈",
    and mouldy strawberries, "店主 今天的草莓底下好几颗都发霉了[图片]", which the owner never heard of). The
    development traffic's 46 chat lines that open so are mostly for the owner as well: "群主 又来一个 踢了吧", an
    address to ship to."""
    return CALLS_THE_SHOP.match(text) is not None


@rule
def called_the_shop(ctx: Context, message: Message) -> bool:
    return calls_the_shop(message.text)


@rule
def about_the_shop(ctx: Context, message: Message) -> bool:
    return is_shop_question(message.text)


@rule
def surely_about_the_shop(ctx: Context, message: Message) -> bool:
    return is_surely_a_shop_question(message.text)


# A member (not the owner, not a bot) addressing the shop: in private, by @-mentioning the bot or an owner, or by
# calling it by name or asking it a question in a group, not of other members. What the owner is told of, if
# nobody answers.
asks_the_shop = from_member & ~automatic_reply & (
    private | mentions_shop | ((called_the_shop | about_the_shop) & ~to_members))
# The same, answered in the group itself: a group question only when the question model is sure of it. A reply to
# chat there ("明天降温吗" → "客服明天9:00上线") is seen by everyone; a doubtful question waits for the owner.
surely_asks_the_shop = from_member & ~automatic_reply & (
    private | mentions_shop | (surely_about_the_shop & ~to_members))

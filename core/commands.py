"""Admin commands in chat: `/name args…` (or the full-width `／`), from the owner only.

The owner is whoever has one of the WeChat ids in config, never whoever has the owner's nickname: a member who
renames himself "店主" is still a member. Anyone else is refused politely once, and every attempt is recorded.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from typing import TYPE_CHECKING

from core.clock import to_db
from core.events import Message
from core.registry import Refused, UsageError
from core.text import excerpt

if TYPE_CHECKING:  # a type name only: core/directory.py reads names with plain(), and the Context reads through it
    from core.context import Context

log = logging.getLogger(__name__)

# Format characters (Unicode category Cf: zero-width space and joiner, BOM, right-to-left overrides and isolates)
# are invisible, and WeChat and copy-paste scatter them into what the owner types. Cf lives only in these planes.
_FORMAT_CHARACTERS = dict.fromkeys(
    code for codes in (range(0x20000), range(0xE0000, 0xE1000)) for code in codes
    if unicodedata.category(chr(code)) == "Cf"
)
_PREFIXES = ("/", "／")


def plain(text: str) -> str:
    """Text as it reads, for comparing what was typed with what is stored: NFKC, without format characters."""
    return unicodedata.normalize("NFKC", text.translate(_FORMAT_CHARACTERS))


def parse(text: str) -> tuple[str, list[str]] | None:
    """Split a command into its name and arguments; None when the text is not a command.

    Format characters go. A word that NFKC turns into plain ASCII ("／ｓｔａｔｕｓ", "３０ｄ", "＠ｍｉｋｉ") is taken in
    that form; any other word keeps its characters, because NFKC would turn the Chinese punctuation of a campaign's
    text (！，：（）…) into ASCII. Leading @-mentions ("@小店助手 /help" in a group) are how WeChat addresses the bot.
    """
    if "/" not in text and "／" not in text:
        return None  # most messages: no command, and no need to look closer
    words = [_ascii_if_possible(word) for word in text.translate(_FORMAT_CHARACTERS).split()]
    while words and words[0].startswith(("@", "＠")):
        words.pop(0)
    if not words or not words[0].startswith(_PREFIXES):
        return None
    words = [words[0][1:], *words[1:]] if len(words[0]) > 1 else words[1:]
    if not words:
        return None
    return unicodedata.normalize("NFKC", words[0]).lower(), words[1:]


def _ascii_if_possible(word: str) -> str:
    normal = unicodedata.normalize("NFKC", word)
    return normal if normal.isascii() else word


def run(ctx: Context, message: Message, name: str, args: list[str]) -> None:
    """Answer a command typed in chat: an owner's is run (answered in private if typed in a group), anyone
    else's is refused and recorded."""
    if not ctx.is_owner(message.sender):
        _refuse(ctx, message)
        return
    if message.room is None:
        _answer(ctx, name, args)
        return
    # Typed in a group: the answer may name a member's spend, tier or complaint, which the group must not read.
    _answer(ctx.in_private(), name, args)
    ctx.reply("command_reply", "answered_in_private")


def _answer(ctx: Context, name: str, args: list[str]) -> None:
    command = ctx.find_command(name)
    if command is None:
        nearest = _nearest_command(ctx, name)
        guess = f"，您要的可能是 /{nearest}" if nearest else ""
        ctx.reply("command_reply", "command_error", problem=f"没有 /{excerpt(name, 20)} 这个指令{guess}", usage="/help")
        return
    try:
        command.run(ctx, args)
    except UsageError as error:
        ctx.reply("command_reply", "command_error", problem=str(error),
                  usage=None if isinstance(error, Refused) else command.usage)


def _nearest_command(ctx: Context, typed: str) -> str | None:
    """The command or alias nearest to a misspelt one (/staus → status), if one is near enough to be meant."""
    names = [word for command in ctx.commands() for word in (command.name, *command.aliases)]
    return next(iter(difflib.get_close_matches(typed, names, n=1, cutoff=0.75)), None)


def _refuse(ctx: Context, message: Message) -> None:
    refused_before = ctx.db.execute(
        "SELECT 1 FROM command_refusals WHERE contact = ? LIMIT 1", [message.sender]
    ).fetchone()
    ctx.db["command_refusals"].insert({"contact": message.sender, "at": to_db(ctx.now), "text": message.text})
    log.info("refused a command from %s (not an owner; what was typed is in command_refusals)", message.sender)
    if not refused_before:
        ctx.reply("command_reply", "command_refused")

"""Admin commands in chat: `/name args…` (or the full-width `／`), from the owner only.

The owner is whoever has one of the WeChat ids in config, never whoever has the owner's nickname: a member who
renames himself "店主" is still a member. Anyone else is refused politely once, and every attempt is recorded.
"""

from __future__ import annotations

import logging
import re

from core.clock import to_db
from core.context import Context
from core.events import Message
from core.registry import REGISTRY, UsageError

log = logging.getLogger(__name__)

# "@小店助手 /help" in a group: the mention in front is how WeChat addresses the bot, not part of the command.
_LEADING_MENTIONS = re.compile(r"^(?:@\S+[\s\u2005]+)*")
_PREFIXES = ("/", "／")


def parse(text: str) -> tuple[str, list[str]] | None:
    """Split a command into its name and arguments; None when the text is not a command."""
    text = _LEADING_MENTIONS.sub("", text.strip())
    if not text.startswith(_PREFIXES):
        return None
    words = text[1:].split()
    if not words:
        return None
    return words[0].lower(), words[1:]


def run(ctx: Context, message: Message, name: str, args: list[str]) -> None:
    if not ctx.is_owner(message.sender):
        _refuse(ctx, message)
        return
    command = REGISTRY.find_command(name)
    if command is None:
        ctx.reply("command_reply", "command_error", problem=f"没有 /{name} 这个指令", usage="/help")
        return
    try:
        command.run(ctx, args)
    except UsageError as error:
        ctx.reply("command_reply", "command_error", problem=str(error), usage=command.usage)


def _refuse(ctx: Context, message: Message) -> None:
    refused_before = ctx.db.execute(
        "SELECT 1 FROM command_refusals WHERE contact = ? LIMIT 1", [message.sender]
    ).fetchone()
    ctx.db["command_refusals"].insert({"contact": message.sender, "at": to_db(ctx.now), "text": message.text})
    log.info("refused a command from %s (not an owner; what was typed is in command_refusals)", message.sender)
    if not refused_before:
        ctx.reply("command_reply", "command_refused")

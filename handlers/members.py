"""Who the owner means: a member named in a command ("@小王", a WeChat id or a nickname). Never a guess: a name
two members share is an error that lists them. The contacts are read through core/directory.py.
"""

from __future__ import annotations

from core import directory
from core.text import quote
from core.context import Context
from core.events import Message
from core.registry import UsageError

def find_member(ctx: Context, word: str) -> str:
    """The contact a command's argument names, by @-mention, WeChat id or nickname; UsageError when not exactly one.

    Nicknames are compared as they read (core.commands.plain): WeChat nicknames often carry invisible format
    characters or full-width letters that the owner cannot see, let alone type.
    """
    name = word.lstrip("@＠")
    if not name:
        raise UsageError("请写出是哪位成员：@昵称 或微信号，例如 @小王")
    message = ctx.event
    if word.startswith(("@", "＠")) and isinstance(message, Message):
        mentioned = [m for m in message.mentions if m != ctx.bot_id]
        if len(mentioned) == 1:  # the transport knows exactly whom the owner tapped on
            return mentioned[0]
    if directory.is_contact(ctx.db, name):
        return name
    same_name = directory.contacts_reading_as(ctx.db, name)
    if not same_name:
        raise UsageError(f"没有找到{quote(name)}：请用群里的昵称或微信号")
    if len(same_name) > 1:
        raise UsageError(f"有 {len(same_name)} 位成员都叫{quote(name)}（{'、'.join(same_name)}），请改用微信号")
    return same_name[0]

"""Who the owner means: a member named in a command ("@小王", a WeChat id or a nickname). Never a guess: a name
two members share is an error that lists them. The contacts are read through core/directory.py.
"""

from __future__ import annotations

from core import directory
from core.text import quote
from core.context import Context
from core.events import Message
from core.registry import UsageError

# A nickname with spaces is written between quotes, as a Chinese or an English keyboard types them.
CLOSING_QUOTES = {"“": "”", '"': '"', "＂": "＂", "「": "」", "『": "』"}
NAME_WORDS_AT_MOST = 8  # more words than any nickname has: a pasted sentence is not searched word by word


def named_member(ctx: Context, args: list[str]) -> tuple[str, list[str]]:
    """The member a command's first words name, and the words after them.

    A nickname with spaces is named between quotes (“小 张”, "小 张", 「小 张」, after an @ or not), or after an
    @ as it reads (@小 张): the longest run of words that is someone's nickname is taken, so that /order @小 张 100
    reads 小 张 and 100 whether or not a member is called 小.
    """
    if not args:
        raise UsageError("请写出是哪位成员：@昵称 或微信号，例如 @小王")
    words = [args[0].lstrip("@＠"), *args[1:]]
    closing = CLOSING_QUOTES.get(words[0][:1])
    if closing:
        inside = " ".join(words)[1:]
        if closing not in inside:
            raise UsageError(f"昵称的引号没有配对：{words[0][0]}后面少了{closing}")
        name, _, after = inside.partition(closing)
        return find_member(ctx, name), after.split()
    mentioned = _mentioned(ctx, args[0])
    if mentioned is not None:  # the transport knows whom the owner tapped on, and so how many words the @ spans
        return mentioned, args[len(ctx.name_of(mentioned).split()) or 1:]
    for count in range(min(len(words), NAME_WORDS_AT_MOST), 1, -1):
        name = " ".join(words[:count])
        if directory.is_contact(ctx.db, name) or directory.contacts_reading_as(ctx.db, name):
            return find_member(ctx, name), args[count:]
    return find_member(ctx, args[0]), args[1:]


def find_member(ctx: Context, word: str) -> str:
    """The contact a command's argument names, by @-mention, WeChat id or nickname; UsageError when not exactly one.

    Nicknames are compared as they read (core.commands.plain): WeChat nicknames often carry invisible format
    characters or full-width letters that the owner cannot see, let alone type.
    """
    name = word.lstrip("@＠")
    if not name:
        raise UsageError("请写出是哪位成员：@昵称 或微信号，例如 @小王")
    if (mentioned := _mentioned(ctx, word)) is not None:
        return mentioned
    if directory.is_contact(ctx.db, name):
        return name
    same_name = directory.contacts_reading_as(ctx.db, name)
    if not same_name:
        raise UsageError(f"没有找到{quote(name)}：请用群里的昵称或微信号（昵称有空格请加引号，例如 “小 张”）")
    if len(same_name) > 1:
        raise UsageError(f"有 {len(same_name)} 位成员都叫{quote(name)}（{'、'.join(same_name)}），请改用微信号")
    return same_name[0]


def _mentioned(ctx: Context, word: str) -> str | None:
    """The one member the owner @-mentioned in WeChat, when `word` is that @."""
    message = ctx.event
    if word.startswith(("@", "＠")) and isinstance(message, Message):
        mentioned = [m for m in message.mentions if m != ctx.bot_id]
        if len(mentioned) == 1:  # the transport knows exactly whom the owner tapped on
            return mentioned[0]
    return None

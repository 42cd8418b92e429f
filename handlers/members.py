"""Who the owner means: a member named in a command ("@小王" or a WeChat id), and the buyers' nicknames of
imported orders that no member is tied to yet. Never a guess: a name two members share is an error that lists
them, and a nickname is tied to a member only by the owner's /link.
"""

from __future__ import annotations

from core.commands import plain
from core.text import quote
from core.context import Context
from core.events import Message
from core.registry import UsageError

UNLINKED_SHOWN = 10


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
    if ctx.db.execute("SELECT 1 FROM contacts WHERE id = ?", [name]).fetchone():
        return name
    same_name = [row[0] for row in with_plain(ctx.db).execute(
        "SELECT id FROM contacts WHERE plain(name) = ? ORDER BY id", [plain(name)])]
    if not same_name:
        raise UsageError(f"没有找到{quote(name)}：请用群里的昵称或微信号")
    if len(same_name) > 1:
        raise UsageError(f"有 {len(same_name)} 位成员都叫{quote(name)}（{'、'.join(same_name)}），请改用微信号")
    return same_name[0]


def with_plain(db):
    """The store, with SQL's plain(text): names compared as they read, in a query."""
    db.conn.create_function("plain", 1, _plain_or_null, deterministic=True)
    return db


def _plain_or_null(text: str | None) -> str | None:
    return None if text is None else plain(text)


def unlinked_buyers(db) -> list[dict]:
    """Nicknames with counted orders but no WeChat id and no /link, most orders first, with the members of that
    name (none, one to suggest, or several to choose from)."""
    rows = db.execute(
        """SELECT o.buyer_name, count(*) AS orders, sum(o.amount) AS spend,
             (SELECT group_concat(c.id, '、') FROM contacts c WHERE c.name = o.buyer_name) AS members
           FROM orders o
           WHERE o.buyer_id IS NULL AND o.counts = 1 AND o.buyer_name NOT IN (SELECT name FROM buyer_links)
           GROUP BY o.buyer_name ORDER BY orders DESC, o.buyer_name"""
    ).fetchall()
    return [
        {"name": name, "orders": orders, "spend": spend, "members": members.split("、") if members else []}
        for name, orders, spend, members in rows
    ]

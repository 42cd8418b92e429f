"""The owner's basic commands: what the bot can do (/help) and how the shop's assistant is doing (/status).

/status answers what the owner checks at a glance, in words: whether the bot is connected to WeChat and since
when, when each campaign posts next and where, the complaints waiting (and overdue), the outbox, the groups.
It names no job, key or table: those are the bot's business.
"""

from __future__ import annotations

import json
import logging

from core.clock import from_db, to_db
from core.context import Context
from core.registry import REGISTRY, Command, UsageError, command
from handlers.campaigns import load_all, planned_post, target_rooms
from handlers.timewords import moment_words

log = logging.getLogger(__name__)

ROOMS_NAMED = 3  # a campaign going to this many groups or fewer names them; more are counted


@command("help", usage="/help [指令名]", summary="列出全部指令，或查看某个指令的用法和例子", aliases=("帮助",),
         examples=("/help", "/help campaign"))
def show_help(ctx: Context, args: list[str]) -> None:
    if len(args) > 1:
        raise UsageError("一次只能查看一个指令")
    if not args:
        shown = sorted(REGISTRY.commands.values(), key=lambda c: c.name)
        ctx.reply("command_reply", "help", detailed=False, commands=[_help_entry(c) for c in shown])
        return
    word = args[0].lstrip("/／").lower()
    found = REGISTRY.find_command(word)
    if found is None:
        raise UsageError(f"没有 /{word[:20]} 这个指令")
    # /campaign and /campaigns, /tier and /tiers: the owner cannot know which of a pair holds what, so both show.
    family = sorted((c for c in REGISTRY.commands.values() if c.name.rstrip("s") == found.name.rstrip("s")),
                    key=lambda c: c.name)
    ctx.reply("command_reply", "help", detailed=True, commands=[_help_entry(c) for c in family])


def _help_entry(found: Command) -> dict:
    actions = [{"usage": a.usage, "summary": a.summary, "examples": list(a.examples)} for a in found.actions]
    return {"usage": found.usage, "summary": found.summary, "examples": list(found.examples), "actions": actions}


@command("status", usage="/status", summary="查看机器人运行状态：微信连接、活动推送、投诉、待发消息、群和成员", aliases=("状态",),
         examples=("/status",))
def show_status(ctx: Context, args: list[str]) -> None:
    if args:
        raise UsageError("/status 不需要参数")
    now = ctx.now
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = "SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?"
    open_complaints, overdue = ctx.db.execute(
        "SELECT count(*), coalesce(sum(contacted_at IS NULL AND deadline_at <= ?), 0) FROM complaints WHERE resolved_at IS NULL",
        [to_db(now)],
    ).fetchone()
    next_send = ctx.assistant.outbox.next_send_time()
    ctx.reply(
        "command_reply",
        "status",
        connection=_connection(ctx),
        campaigns=_next_posts(ctx),
        complaints=open_complaints,
        overdue=overdue,
        sent_today=ctx.db.execute(sent_today, [to_db(midnight)]).fetchone()[0],
        queued=ctx.assistant.outbox.queued_count(),
        next_send=None if next_send is None else "马上" if next_send <= now else moment_words(next_send, now),
        rooms=ctx.db.execute("SELECT count(*) FROM rooms").fetchone()[0],
        members=ctx.db.execute("SELECT members FROM member_count").fetchone()[0],
    )


def _connection(ctx: Context) -> dict | None:
    """{online, since} from meta `connection`, which the transport writes at login and logout; None if unknown."""
    row = ctx.db.execute("SELECT value FROM meta WHERE key = 'connection'").fetchone()
    if row is None:
        return None
    try:
        state = json.loads(row[0])
        return {"online": bool(state["online"]), "since": moment_words(from_db(state["since"], ctx.config.tz), ctx.now)}
    except (ValueError, KeyError, TypeError):
        log.warning("meta 'connection' is not {online, since}: %r", row[0])
        return None


def _next_posts(ctx: Context) -> list[dict]:
    """Each active campaign's next post: when, and to which groups (named when few, counted when many)."""
    planned = sorted(((at, campaign) for campaign in load_all(ctx.db) if (at := planned_post(ctx, campaign))),
                     key=lambda pair: pair[0])
    shown = []
    for at, campaign in planned:
        topics = [topic or room for room, topic in target_rooms(ctx, campaign)]
        shown.append({"title": campaign.title, "at": moment_words(at, ctx.now), "rooms": len(topics),
                      "named": topics if len(topics) <= ROOMS_NAMED else []})
    return shown

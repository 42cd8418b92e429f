"""The owner's basic commands: what the bot can do (/help) and how the shop's assistant is doing (/status).

The owner who writes to the bot in words ("帮我看看今天有几个投诉") is pointed to the commands: nothing else
answers the owner's words in private, and an owner who gets no answer takes the bot for broken.

/status answers what the owner checks at a glance, in words: whether the bot is connected to WeChat and since
when, when each campaign posts next and where, the complaints waiting (and overdue), when the complaint model was
trained and on how many of the owner's corrections, the outbox, the groups.
It names no job, key or table: those are the bot's business.
"""

from __future__ import annotations

import datetime as dt

from core.context import Context
from core.directory import member_count, shop_room_count
from core.events import Message
from core.registry import Command, UsageError, command, on_message
from core.rules import from_owner, private, rule
from core.text import excerpt
from core.timewords import moment_words
from handlers import second_opinion
from handlers.campaigns import load_all, planned_post, target_rooms
from handlers.complaint_detection import training_facts
from handlers.complaints import open_complaint_counts, waiting_doubt_count
from handlers.response_nudges import waiting_count

ROOMS_NAMED = 3  # a campaign going to this many groups or fewer names them; more are counted
HINTED_EVERY = dt.timedelta(hours=1)  # the owner writing several lines in a row is pointed to the commands once
SUGGESTED = 2  # commands named after "您要的可能是"
MEMO = "admin"  # ctx.memo: when the owner was last pointed to the commands


@command("help", usage="/help [指令名]", summary="列出全部指令，或查看某个指令的用法和例子", aliases=("帮助",),
         examples=("/help", "/help campaign"))
def show_help(ctx: Context, args: list[str]) -> None:
    if len(args) > 1:
        raise UsageError("一次只能查看一个指令")
    if not args:
        ctx.reply("command_reply", "help", detailed=False, commands=[_help_entry(c) for c in ctx.commands()])
        return
    word = args[0].lstrip("/／").lower()
    found = ctx.find_command(word)
    if found is None:
        raise UsageError(f"没有 /{excerpt(word, 20)} 这个指令")
    # /campaign and /campaigns, /tier and /tiers: the owner cannot know which of a pair holds what, so both show.
    family = [c for c in ctx.commands() if c.name.rstrip("s") == found.name.rstrip("s")]
    ctx.reply("command_reply", "help", detailed=True, commands=[_help_entry(c) for c in family])


def _help_entry(found: Command) -> dict:
    actions = [{"usage": a.usage, "summary": a.summary, "examples": list(a.examples)} for a in found.actions]
    return {"usage": found.usage, "summary": found.summary, "examples": list(found.examples), "actions": actions}


@command("status", usage="/status", summary="查看机器人运行状态：微信连接、活动推送、投诉、待回复的提问、待发消息、群和成员",
         aliases=("状态",), examples=("/status",))
def show_status(ctx: Context, args: list[str]) -> None:
    if args:
        raise UsageError("/status 不需要参数")
    now = ctx.now
    open_complaints, overdue = open_complaint_counts(ctx)
    next_send = ctx.next_send_time()
    connection = ctx.connection()
    model = training_facts(ctx)
    ctx.reply(
        "command_reply",
        "status",
        now=f"{now:%Y-%m-%d %H:%M}",
        connection=_connection_words(connection, now),
        owner_robot={"after": f"{ctx.config.wecom.alert_after_minutes:g}"} if ctx.config.wecom.owner_robot else None,
        campaigns=_next_posts(ctx),
        complaints=open_complaints,
        overdue=overdue,
        doubts=waiting_doubt_count(ctx),
        waiting=waiting_count(ctx),
        model={**model, "at": moment_words(model["at"], now)} if model else None,
        second_opinion=second_opinion.status(ctx),
        sent_today=ctx.sent_since(now.replace(hour=0, minute=0, second=0, microsecond=0)),
        queued=ctx.queued_count(),
        next_send=None if next_send is None else "马上" if next_send <= now else moment_words(next_send, now),
        rooms=shop_room_count(ctx.db, ctx.config),
        members=member_count(ctx.db, ctx.config, ctx.bot_id),
    )


def _connection_words(connection: dict | None, now: dt.datetime) -> dict | None:
    """The connection as /status says it. Online as an earlier run last knew is not online now: that run stopped
    (a stop or a crash stores no logout), and this one has not logged in yet."""
    if connection is None:
        return None
    if connection["online"] and not connection["this_run"]:
        return {"online": False, "since": None}
    return {"online": connection["online"], "since": moment_words(connection["since"], now)}


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


@rule
def in_words(ctx: Context, event: Message) -> bool:
    """Text typed, not a picture, a file or a voice message (other features answer those)."""
    return event.media == "text" and bool(event.text.strip())


@on_message(priority=90, rule=from_owner & private & in_words)
def point_to_the_commands(ctx: Context, message: Message) -> None:
    if not ctx.first_in(MEMO, "hinted_at", HINTED_EVERY):
        return
    ctx.reply("command_reply", "command_hint", commands=[_help_entry(c) for c in _named_in(ctx, message.text)])


def _named_in(ctx: Context, text: str) -> list[Command]:
    """The commands whose Chinese names (aliases: 投诉, 状态, 待回复 …) the owner's words hold, the longest name first
    ("不是投诉" is /notcomplaint, not /complaints), at most SUGGESTED."""
    names = sorted(((alias, found) for found in ctx.commands() for alias in found.aliases if not alias.isascii()),
                   key=lambda pair: -len(pair[0]))
    named: list[Command] = []
    for alias, found in names:
        if alias in text and found not in named:
            named.append(found)
            text = text.replace(alias, " ")
    return named[:SUGGESTED]

"""The owner's basic commands: what the bot can do (/help) and how it is doing (/status)."""

from __future__ import annotations

from core.clock import to_db
from core.context import Context
from core.registry import UsageError, command

UPCOMING_JOBS_SHOWN = 5


@command("help", usage="/help [指令名]", summary="列出全部指令，或查看某个指令的用法", aliases=("帮助",))
def show_help(ctx: Context, args: list[str]) -> None:
    if len(args) > 1:
        raise UsageError("一次只能查看一个指令")
    if args:
        found = ctx.find_command(args[0].lstrip("/／").lower())
        if found is None:
            raise UsageError(f"没有 /{args[0].lstrip('/／')} 这个指令")
        shown = [found]
    else:
        shown = ctx.commands()
    ctx.reply("command_reply", "help", commands=[{"usage": c.usage, "summary": c.summary} for c in shown])


@command("status", usage="/status", summary="查看机器人运行状态：群、成员、待发消息、下一个任务", aliases=("状态",))
def show_status(ctx: Context, args: list[str]) -> None:
    if args:
        raise UsageError("/status 不需要参数")
    midnight = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = "SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?"
    ctx.reply(
        "command_reply",
        "status",
        now=ctx.now.strftime("%Y-%m-%d %H:%M"),
        rooms=ctx.db.execute("SELECT count(*) FROM rooms").fetchone()[0],
        members=ctx.db.execute("SELECT members FROM member_count").fetchone()[0],
        queued=ctx.assistant.outbox.queued_count(),
        sent_today=ctx.db.execute(sent_today, [to_db(midnight)]).fetchone()[0],
        jobs=[{"job": t.job, "at": t.due_at.strftime("%m-%d %H:%M")} for t in ctx.assistant.timers.upcoming(UPCOMING_JOBS_SHOWN)],
    )

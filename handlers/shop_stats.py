"""The figures a private-traffic playbook watches: members per tier, buyers, repeat-purchase rate (复购率: of the
buyers of the last 90 days, those with two or more orders; against `[goals] repurchase_rate`, 15% by default, now
and at the end of each of the last months), average order value, and the most active groups.
On `/stats [30d]`, and in the owner's weekly review. `/stats` also shows each group's week, in private to the owner
only: messages, who spoke, the top five speakers (发言排行) and the members silent for 30 days (潜水), a page of
groups at a time (`/stats 群 2`), busiest first.
"""

from __future__ import annotations

import datetime as dt
import re

from core.clock import to_db
from core.context import Context
from core.numbers import page_count, page_number, whole_number
from core.registry import UsageError, command
from core import directory
from core.directory import member_count
from core.text import excerpt
from handlers import order_book
from handlers.charts import chart_picture
from handlers.periods import Period, last_days
from handlers.tiers import active_groups, groups_by_activity, messages_per_day, silent_members, tier_counts, top_speakers

REPURCHASE_DAYS = 90
REPURCHASE_MONTHS = 3  # whole months shown before the current figure
ACTIVE_GROUPS_SHOWN = 3
PERIOD = re.compile(r"^([0-9]+)(?:d|天)?$")  # the number is bounded by whole_number
GROUP_WEEK = 7  # days of each group's activity
SILENT_DAYS = 30
GROUPS_PAGE = 5  # groups per page: with their names, what fits a chat message
SPEAKERS_SHOWN = 5
SILENT_SHOWN = 5
NAME_CHARS = 8  # of a nickname in the lists
GROUP_WORDS = ("群", "groups")


def shop_figures(ctx: Context, period: Period) -> dict:
    """The period's figures, counted as its chart counts them (handlers/periods.py); members and tiers as of now."""
    tiers = tier_counts(ctx)
    buyers, orders, revenue = order_book.sales_figures(ctx.db, period.start, period.end)
    return {
        "days": len(period.days),
        "members": member_count(ctx.db, ctx.config, ctx.bot_id),
        "vips": tiers["vip"],
        "regulars": tiers["regular"],
        "buyers": buyers,
        **repurchase(ctx),
        "orders": orders,
        "average_order": revenue / orders if orders else None,
        "group_messages": sum(messages_per_day(ctx, period).values()),
        "active_groups": active_groups(ctx, period, ACTIVE_GROUPS_SHOWN),
    }


def repurchase(ctx: Context) -> dict:
    """复购率 now (the last REPURCHASE_DAYS days) and at the end of each of the last REPURCHASE_MONTHS months,
    oldest first, with the shop's goal: the share of those days' buyers with two or more orders."""
    tz = ctx.config.tz
    now = ctx.now.astimezone(tz)
    month_starts = []
    first = now.date().replace(day=1)
    for _ in range(REPURCHASE_MONTHS):
        month_starts.insert(0, first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    ends = [dt.datetime.combine(day, dt.time(), tz) for day in month_starts] + [now]
    spans = [(to_db(end - dt.timedelta(days=REPURCHASE_DAYS)), to_db(end)) for end in ends]
    rates = [repeaters / buyers if buyers else None for buyers, repeaters in order_book.repurchase_rates(ctx.db, spans)]
    months = [{"month": f"{(day - dt.timedelta(days=1)).month}月", "rate": rate}
              for day, rate in zip(month_starts, rates) if rate is not None]
    return {"repeat_rate": rates[-1], "repeat_target": ctx.config.goals.repurchase_rate,
            "repeat_days": REPURCHASE_DAYS, "repeat_months": months}


@command("stats", usage="/stats [天数，如 30d] 或 /stats 群 [页码]",
         summary="店铺数据：各等级人数、买家、复购率、客单价；各群近7天发言、排行和潜水成员", aliases=("数据",),
         examples=("/stats", "/stats 7d", "/stats 群 2"))
def show_stats(ctx: Context, args: list[str]) -> None:
    if args and args[0].lower() in GROUP_WORDS:
        ctx.reply("command_reply", "group_activity", **group_activity(ctx, page_number(args, 1)))
        return
    if len(args) > 1 or (args and not PERIOD.match(args[0])):
        raise UsageError("天数写成 30d 或 30天；各群活跃写 /stats 群")
    period = last_days(ctx, whole_number(PERIOD.match(args[0])[1], "天数", at_most=365) if args else 30)
    ctx.reply("command_reply", "shop_stats", **shop_figures(ctx, period), **group_activity(ctx, 1),
              image=chart_picture(ctx, period))


def group_activity(ctx: Context, page: int) -> dict:
    """A page of the shop's groups, busiest first: each one's week (messages, people who spoke, the top speakers)
    and its members silent for SILENT_DAYS, by nickname."""
    week = last_days(ctx, GROUP_WEEK)
    month = ctx.now.astimezone(ctx.config.tz).date() - dt.timedelta(days=SILENT_DAYS)
    rows, total = groups_by_activity(ctx, week, GROUPS_PAGE, (page - 1) * GROUPS_PAGE)
    pages = page_count(total, GROUPS_PAGE)
    if not 1 <= page <= pages:
        raise UsageError(f"各群活跃只有 {pages} 页")
    groups = []
    for room, messages, people in rows:
        speakers = top_speakers(ctx, room, week, SPEAKERS_SHOWN)
        silent, silent_count = silent_members(ctx, room, month, SILENT_SHOWN)
        names = directory.names_of(ctx.db, [contact for contact, _ in speakers] + silent)
        groups.append({
            "topic": ctx.topic_of(room), "messages": messages, "people": people,
            "top": [{"name": excerpt(names.get(c, c), NAME_CHARS), "messages": n} for c, n in speakers],
            "silent": silent_count, "silent_names": [excerpt(names.get(c, c), NAME_CHARS) for c in silent],
        })
    return {"groups": groups, "group_page": page, "group_pages": pages, "group_total": total,
            "week_days": GROUP_WEEK, "silent_days": SILENT_DAYS}

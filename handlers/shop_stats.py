"""The figures a private-traffic playbook watches: members per tier, buyers, repeat-purchase rate (复购率: buyers
with two or more orders over all buyers, healthy above 15%), average order value, and the most active groups.
On `/stats [30d]`, and in the owner's weekly review.
"""

from __future__ import annotations

import datetime as dt
import re

from core.context import Context
from core.registry import UsageError, command
from core.directory import member_count
from handlers import order_book
from handlers.tiers import active_groups, tier_counts

REPEAT_TARGET = 0.15
ACTIVE_GROUPS_SHOWN = 3
PERIOD = re.compile(r"^(\d{1,3})(?:d|天)?$")


def shop_figures(ctx: Context, days: int) -> dict:
    since = ctx.now - dt.timedelta(days=days)
    tiers = tier_counts(ctx)
    buyers, repeat_buyers, orders, revenue = order_book.sales_figures(ctx.db, since)
    return {
        "days": days,
        "members": member_count(ctx.db, ctx.config, ctx.bot_id),
        "vips": tiers["vip"],
        "regulars": tiers["regular"],
        "buyers": buyers,
        "repeat_rate": repeat_buyers / buyers if buyers else None,
        "repeat_target": REPEAT_TARGET,
        "orders": orders,
        "average_order": revenue / orders if orders else None,
        "active_groups": active_groups(ctx, since.date(), ACTIVE_GROUPS_SHOWN),
    }


@command("stats", usage="/stats [天数，如 30d]", summary="店铺数据：各等级人数、买家、复购率、客单价、活跃群", aliases=("数据",),
         examples=("/stats", "/stats 7d"))
def show_stats(ctx: Context, args: list[str]) -> None:
    if len(args) > 1 or (args and not PERIOD.match(args[0])):
        raise UsageError("天数写成 30d 或 30天")
    days = int(PERIOD.match(args[0])[1]) if args else 30
    if not 1 <= days <= 365:
        raise UsageError("天数在 1 到 365 之间")
    ctx.reply("command_reply", "shop_figures", **shop_figures(ctx, days))

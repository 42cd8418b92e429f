"""The figures a private-traffic playbook watches: members per tier, buyers, repeat-purchase rate (复购率: buyers
with two or more orders over all buyers, healthy above 15%), average order value, and the most active groups.
On `/stats [30d]`, and in the owner's weekly review.
"""

from __future__ import annotations

import datetime as dt
import re

from core.clock import to_db
from core.context import Context
from core.registry import UsageError, command
from core.directory import member_count, query_params
from handlers.tiers import IN_SHOP_GROUPS, tier_counts

REPEAT_TARGET = 0.15
ACTIVE_GROUPS_SHOWN = 3
PERIOD = re.compile(r"^(\d{1,3})(?:d|天)?$")


def shop_figures(ctx: Context, days: int) -> dict:
    since = ctx.now - dt.timedelta(days=days)
    tiers = tier_counts(ctx)
    # A buyer is a member (by WeChat id or the owner's link) or, until linked, a nickname of the export.
    buyers, repeat_buyers, orders, revenue = ctx.db.execute(
        """WITH per_buyer AS (
            SELECT coalesce(o.buyer_id, l.contact, 'name:' || o.buyer_name) AS buyer, count(*) AS orders, sum(o.amount) AS spend
            FROM orders o LEFT JOIN buyer_links l ON o.buyer_id IS NULL AND l.name = o.buyer_name
            WHERE o.counts = 1 AND o.placed_at >= ? GROUP BY 1)
        SELECT count(*), coalesce(sum(orders >= 2), 0), coalesce(sum(orders), 0), coalesce(sum(spend), 0) FROM per_buyer""",
        [to_db(since)],
    ).fetchone()
    groups = ctx.db.execute(
        f"""SELECT coalesce(r.topic, a.room), sum(a.messages), count(DISTINCT a.contact) FROM activity a
        LEFT JOIN rooms r ON r.id = a.room WHERE a.day > :since AND {IN_SHOP_GROUPS}
        GROUP BY a.room ORDER BY 2 DESC LIMIT :shown""",
        {"since": since.date().isoformat(), "shown": ACTIVE_GROUPS_SHOWN, **query_params(ctx.config, ctx.bot_id)},
    ).fetchall()
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
        "active_groups": [{"topic": topic, "messages": messages, "people": people} for topic, messages, people in groups],
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

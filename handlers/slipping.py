"""Members slipping away, for the owner to reach personally, once a week after the review (never in a group):
VIPs with no order in VIP_QUIET_DAYS days, and first-time buyers whose one order is SECOND_ORDER_DAYS days old or
more (and at most REPURCHASE_DAYS: older ones are no longer among the buyers 复购率 counts), each with their last
order and the last day they wrote in a group. Who is a VIP is the tiers' word; orders the order book's. The owner
asks for them any day with /slipping, and pages through either list whole."""

from __future__ import annotations

import datetime as dt

from core import directory
from core.clock import from_db, to_db
from core.context import Context
from core.numbers import page_count, page_number
from core.registry import UsageError, command
from core.text import shown_name
from handlers import order_book
from handlers.shop_stats import REPURCHASE_DAYS
from handlers.tiers import last_active_days, vip_contacts

VIP_QUIET_DAYS = 60
SECOND_ORDER_DAYS = 30
SHOWN = 10  # per list: the message stays short, the rest is counted, and /slipping pages through it
PAGE = 20
LISTS = {**dict.fromkeys(("vip", "VIP"), "vips"), **dict.fromkeys(("首单", "new"), "first_timers")}


def slipping(ctx: Context) -> dict:
    """The two lists, each person as {"name", "last_order", "last_amount", "orders", "last_message"}: quiet VIPs
    longest quiet first, first-time buyers the most recent first (the likeliest to come back)."""
    shop_people = {*ctx.config.owner.ids, ctx.bot_id}
    quiet_since = ctx.now - dt.timedelta(days=VIP_QUIET_DAYS)
    vips = [c for c in vip_contacts(ctx) if c not in shop_people]
    vip_orders = order_book.buyers_history(ctx.db, vips)
    quiet = [c for c in vips if c not in vip_orders or vip_orders[c]["last_at"] < to_db(quiet_since)]
    candidates = order_book.buyers_between(ctx.db, to_db(ctx.now - dt.timedelta(days=REPURCHASE_DAYS)),
                                           to_db(ctx.now - dt.timedelta(days=SECOND_ORDER_DAYS)))
    history = order_book.buyers_history(ctx.db, [c for c in candidates if c not in shop_people])
    once = [c for c, h in history.items() if h["orders"] == 1]
    quiet.sort(key=lambda c: (vip_orders[c]["last_at"] if c in vip_orders else "", c))
    once.sort(key=lambda c: (history[c]["last_at"], c), reverse=True)
    return {"vips": _people(ctx, quiet, vip_orders), "first_timers": _people(ctx, once, history),
            "vip_days": VIP_QUIET_DAYS, "second_days": SECOND_ORDER_DAYS, "shown": SHOWN}


def tell_owner_weekly(ctx: Context) -> None:
    """The week's list, to the owner in private; nothing when nobody is slipping."""
    lists = slipping(ctx)
    if lists["vips"] or lists["first_timers"]:
        ctx.tell_owner("slipping_members", "slipping_members", weekly=True, **lists)


@command("slipping", usage="/slipping [vip|首单] [页码]",
         summary="值得您亲自联系的顾客：久未下单的 VIP、只买过一次的顾客；vip 或 首单 列出全部", aliases=("跟进",),
         examples=("/slipping", "/slipping vip", "/slipping 首单 2"))
def show_slipping(ctx: Context, args: list[str]) -> None:
    lists = slipping(ctx)
    if not args:
        ctx.reply("command_reply", "slipping_members", weekly=False, **lists)
        return
    which = LISTS.get(args[0])
    if which is None:
        raise UsageError("只能跟 vip 或 首单，例如 /slipping vip 2")
    page = page_number(args, 1)
    people = lists[which]
    first = (page - 1) * PAGE
    ctx.reply("command_reply", "slipping_list", which=which, people=people[first:first + PAGE], total=len(people),
              page=page, pages=page_count(len(people), PAGE), first=first + 1, vip_days=lists["vip_days"],
              second_days=lists["second_days"])


def _people(ctx: Context, contacts: list[str], orders: dict[str, dict]) -> list[dict]:
    names = directory.names_of(ctx.db, contacts)
    written = last_active_days(ctx, contacts)
    people = []
    for contact in contacts:
        bought = orders.get(contact)
        people.append({
            "name": shown_name(names.get(contact) or contact),
            "last_order": from_db(bought["last_at"], ctx.config.tz).date().isoformat() if bought else None,
            "last_amount": bought["last_amount"] if bought else None,
            "orders": bought["orders"] if bought else 0,
            "last_message": written[contact].isoformat() if contact in written else None,
        })
    return people

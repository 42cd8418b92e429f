"""What each campaign post earned: `/campaign stats [名称]`, and the weekly review's best and worst post and window.

A post here is one occurrence of a campaign (闪购日 on Friday 12月4日), whatever the number of groups it went to.
Its figures, read through the modules that own the tables (campaigns, the order book, the event log):
- the counted orders of the posted groups' members in the 24 hours after the post they saw (each group's post
  from the moment it was sent: 2,000 groups take the outbox two hours), with their sum and their buyers; an order
  counts once however many of the groups its buyer is in, and a nickname nobody linked (/link) is nobody's;
- the baseline: the same figures for the same hours of the week before, averaged over the days of that week whose
  24 hours no other post to those groups came near (a weekly flash sale's day a week earlier is not one: it had
  the last sale); none when every day of the week had one;
- the members who wrote in the groups in the hour after (while the event log keeps the messages: [store]
  retention_days);
- for a member day, the coupons used, when the order export has a coupon column (优惠券).
Orders imported later change the figures: they are computed when asked, never stored.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from core.clock import from_db, to_db
from core.context import Context
from core.history import writers
from core.numbers import page_count, page_number
from core.registry import UsageError
from core.text import quote
from core.timewords import clock_words
from handlers import order_book
from handlers.campaigns import (Occurrence, coupon_codes, days_with_other_posts, group_posts, load, load_all,
                                occurrences, remember_sent)
from handlers.periods import Period
from handlers.windows import LABELS, window_at

AFTER = dt.timedelta(hours=24)  # the hours an order is put down to a post
WROTE_AFTER = dt.timedelta(hours=1)
BASELINE_DAYS = 7
PAGE = 5  # posts a page of /campaign stats: each takes four lines
MONTH_DAYS = 30  # the review's best time of day looks this far back
NAMES_SHOWN = 10  # campaign names listed when one typed is unknown


@dataclass(frozen=True)
class Figures:
    orders: float  # a baseline's are averages
    revenue: float
    buyers: float


@dataclass(frozen=True)
class Earned:
    title: str
    kind: str
    first_sent: dt.datetime | None  # None: no group post went out (given up, or still waiting)
    groups: int
    groups_sent: int
    after: Figures
    baseline: Figures | None
    baseline_days: int
    wrote: int | None  # None: the messages of then are no longer kept
    coupons: dict | None  # {"issued", "orders", "codes"}: a member day whose orders carry the coupon column
    complete: bool  # its 24 hours are over

    @property
    def extra_revenue(self) -> float:
        """What it brought in beyond an ordinary day: the ranking of the weekly review."""
        return self.after.revenue - (self.baseline.revenue if self.baseline else 0)


def earned(ctx: Context, found: list[Occurrence]) -> list[Earned]:
    """The figures of these posts, in their order: their orders read together (order_book.orders_after_posts)."""
    shop_people = [*ctx.config.owner.ids, *([ctx.bot_id] if ctx.bot_id else [])]
    posted = {occurrence: _posted(ctx, occurrence) for occurrence in found}
    usable = {occurrence: _baseline_days(ctx, occurrence, sent) for occurrence, (_, sent) in posted.items()}
    figures = order_book.orders_after_posts(ctx.db, {o: sent for o, (_, sent) in posted.items()}, shop_people,
                                            {o: [0, *days] for o, days in usable.items()})
    return [_earned(ctx, o, groups, sent, usable[o], figures.get(o, {}), shop_people)
            for o, (groups, sent) in posted.items()]


def _posted(ctx: Context, occurrence: Occurrence) -> tuple[int, list[tuple[str, str]]]:
    """How many groups a post was queued to, and (room, moment sent, as stored) of those it went out to."""
    posts = group_posts(ctx.db, occurrence)
    sent = [(room, at) for room, _, at in posts if at]
    unknown = {outbox_id: room for room, outbox_id, at in posts if not at}
    if unknown:  # not asked since they went: the outbox still says when, for [store] retention_days
        learned = {unknown[outbox_id]: at for outbox_id, at in ctx.sent_moments(list(unknown)).items()}
        remember_sent(ctx.db, occurrence, learned)
        sent += learned.items()
    return len(posts), sent


def _earned(ctx: Context, occurrence: Occurrence, groups: int, sent: list[tuple[str, str]], usable: list[int],
            figures: dict[int, tuple], shop_people: list[str]) -> Earned:
    campaign = load(ctx.db, occurrence.campaign)
    first, last = _first_and_last(ctx, sent)
    baseline = None
    if usable:
        totals = [figures.get(day, (0, 0.0, 0)) for day in usable]
        baseline = Figures(*(sum(column) / len(usable) for column in zip(*totals)))
    orders, revenue, buyers = figures.get(0, (0, 0.0, 0))
    return Earned(
        title=campaign.title if campaign else occurrence.campaign,
        kind=campaign.kind if campaign else "",
        first_sent=first, groups=groups, groups_sent=len(sent),
        after=Figures(orders, revenue or 0.0, buyers), baseline=baseline, baseline_days=len(usable),
        wrote=_wrote(ctx, sent, shop_people, first),
        coupons=_coupons(ctx, occurrence, first, last) if campaign and campaign.kind == "member_day" and sent else None,
        complete=last is not None and ctx.now >= last + AFTER,
    )


def _first_and_last(ctx: Context, sent: list[tuple[str, str]]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the first and the last of a post's groups saw it (None, None: none did yet)."""
    if not sent:
        return None, None
    return from_db(min(at for _, at in sent), ctx.config.tz), from_db(max(at for _, at in sent), ctx.config.tz)


def _baseline_days(ctx: Context, occurrence: Occurrence, sent: list[tuple[str, str]]) -> list[int]:
    """The days of the week before (1 … 7 days back) whose same 24 hours no other post to these groups touched:
    none queued within a day either side of them."""
    if not sent:
        return []
    first, last = _first_and_last(ctx, sent)
    spans = [(day, to_db(first - dt.timedelta(days=day) - AFTER), to_db(last - dt.timedelta(days=day) + AFTER))
             for day in range(1, BASELINE_DAYS + 1)]
    touched = days_with_other_posts(ctx.db, occurrence, [room for room, _ in sent], spans)
    return [day for day, _, _ in spans if day not in touched]


def _wrote(ctx: Context, sent: list[tuple[str, str]], shop_people: list[str], first: dt.datetime | None) -> int | None:
    """How many members wrote in the posted groups in the hour after each group's post; None when the event log
    no longer keeps those messages ([store] retention_days)."""
    kept = ctx.config.store.retention_days
    if first is None or (kept and first < ctx.now - dt.timedelta(days=kept)):
        return None
    # Stored times are UTC with a fixed format (core.clock.to_db): an hour later is written the same way.
    hour_after = [(room, at, (dt.datetime.fromisoformat(at) + WROTE_AFTER).isoformat(timespec="microseconds"))
                  for room, at in sent]
    return writers(ctx.db, hour_after, shop_people)


def _coupons(ctx: Context, occurrence: Occurrence, first: dt.datetime, last: dt.datetime) -> dict | None:
    start, end = to_db(first), to_db(last + AFTER)
    if not order_book.coupons_exported(ctx.db, start, end):
        return None
    codes = coupon_codes(ctx.db, occurrence)
    orders, used = order_book.coupon_uses(ctx.db, codes, start, end)
    return {"issued": len(codes), "orders": orders, "codes": used}


def shown(result: Earned) -> dict:
    """An Earned as a template reads it (plain values, so that a message queued with it can be worded again as
    it goes out: its moment is said with the `moment` filter)."""
    return {"title": result.title, "sent_at": result.first_sent, "groups": result.groups,
            "groups_sent": result.groups_sent, "after": vars(result.after),
            "baseline": vars(result.baseline) if result.baseline else None, "baseline_days": result.baseline_days,
            "wrote": result.wrote, "coupons": result.coupons, "complete": result.complete,
            "extra": result.extra_revenue}


def show_stats(ctx: Context, args: list[str]) -> None:
    """/campaign stats [名称] [页码]: the last posts, newest first, PAGE a page."""
    named = len(args) == 2 or (len(args) == 1 and not unicodedata.normalize("NFKC", args[0]).isdigit())
    name = args[0] if named else None
    if name is not None and load(ctx.db, name) is None:
        names = "、".join(c.name for c in load_all(ctx.db)[:NAMES_SHOWN])
        raise UsageError(f"没有名为{quote(name, 20)}的活动。现有的活动：{names or '还没有'}")
    page = page_number(args[1:] if named else args)
    found, total = occurrences(ctx.db, campaign=name, limit=PAGE, offset=(page - 1) * PAGE)
    pages = page_count(total, PAGE)
    if not 1 <= page <= pages:
        raise UsageError(f"推送效果只有 {pages} 页")
    ctx.reply("command_reply", "campaign_stats", posts=[shown(result) for result in earned(ctx, found)], name=name,
              page=page, pages=pages, total=total)


def for_review(ctx: Context, week: Period) -> tuple[dict, list[Earned]]:
    """The weekly review's figures: the best and the worst post of the week (by what they brought in beyond an
    ordinary day), and which window did best on average over the last MONTH_DAYS days, posts whose 24 hours are
    over only; and the week's posts, oldest first, for the chart's panel."""
    found, _ = occurrences(ctx.db, since=to_db(ctx.now - dt.timedelta(days=MONTH_DAYS)), until=week.end)
    month = [result for result in earned(ctx, found) if result.complete]
    week_start = from_db(week.start, ctx.config.tz)
    week_posts = sorted((r for r in month if r.first_sent >= week_start), key=lambda r: r.first_sent)
    ranked = sorted(week_posts, key=lambda r: r.extra_revenue, reverse=True)
    by_window: dict[str, list[Earned]] = {}
    for result in month:
        by_window.setdefault(_window_words(ctx, result), []).append(result)
    averages = sorted(((sum(r.extra_revenue for r in rs) / len(rs), len(rs), words) for words, rs in by_window.items()),
                      reverse=True)
    figures = {
        "posts_week": len(week_posts),
        "best_post": shown(ranked[0]) if ranked else None,
        "worst_post": shown(ranked[-1]) if len(ranked) > 1 else None,
        "best_window": {"words": averages[0][2], "average": averages[0][0], "posts": averages[0][1]}
        if len(averages) > 1 else None,
        "windows_compared": len(averages),
        "month_days": MONTH_DAYS,
    }
    return figures, week_posts


def _window_words(ctx: Context, result: Earned) -> str:
    """'20:00-22:00': the window of [windows] the post went in (its clock, when no window of today's holds it)."""
    moment = result.first_sent.astimezone(ctx.config.tz)
    window = window_at(ctx.config, result.kind, moment) if result.kind in LABELS else None
    return window.spoken() if window else clock_words(moment)

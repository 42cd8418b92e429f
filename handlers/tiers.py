"""Regular and VIP tiers, from what members spend (imported orders), how many orders, and how active they are.

The rules live in [tiers] of config.toml. Tiers are computed in SQL over the whole store, nightly and on
`/tiers refresh`, never by loading members into Python: a shop has 100,000 of them (bench/tiers.py). A VIP who
stops qualifying keeps the tier for `grace_days` after the last time they qualified, so one quiet week does not
demote anyone. Every change is recorded with its reason, and the owner gets one `tier_change` message: who became
VIP and which VIP group to invite them to, who dropped, and who sits in a VIP group without being VIP. The bot
removes nobody from a group; that stays the owner's call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import NamedTuple

from apscheduler.triggers.cron import CronTrigger

from core import directory
from core.clock import from_db, to_db
from core.context import Context
from core.directory import (GROUP_MEMBERS, IN_ANY_GROUP, MEMBERS, ROOM_MEMBERS_SINCE, SHOP_MEMBERSHIPS, SHOP_ROOMS,
                            STILL_IN_ROOM, query_params)
from core.events import Message
from core.numbers import page_count, page_number
from core.registry import UsageError, command, on_message, recurring
from core.rules import from_member, in_group
from core.text import shown_name
from handlers import complaints, order_book
from handlers.members import named_member
from handlers.periods import Period

NAMES_SHOWN = 20  # per list in a tier_change message: the rest is counted, and /vip or /tiers pages through them
VIP_PAGE = 20
DROPPED_LISTED_FOR = dt.timedelta(days=7)  # /tiers dropped: the week's tier_change messages, all of their names
ROOMS_SHOWN = 15  # the biggest groups, in /tiers
TEMPORARY = ("spend", "active", "tiering")  # the recompute's working tables
# Activity counts in the shop's groups (core/directory.py), not in the family group the shop's account also sits
# in. Applied when reading, to keep the hot path one write. Takes directory.query_params().
IN_SHOP_GROUPS = f"room IN (SELECT id FROM ({SHOP_ROOMS}))"
# How many people of a group spoke (rows of activity as `a`): those still in it, as its member count counts.
PEOPLE = f"count(DISTINCT CASE WHEN {STILL_IN_ROOM} THEN a.contact END)"


class Tier(NamedTuple):
    tier: str  # 'vip' or 'regular'
    since: str  # stored time
    reason: str  # in words, for the owner


@on_message(priority=5, rule=in_group & from_member)
def count_activity(ctx: Context, message: Message) -> None:
    """One row per member, group and day: active days are counted without rereading the events (hot path)."""
    ctx.db.execute(
        "INSERT INTO activity (contact, day, room, messages) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (contact, day, room) DO UPDATE SET messages = messages + 1",
        [message.sender, ctx.now.date().isoformat(), message.room],
    )


def _nightly(config) -> CronTrigger:
    at = config.tiers.recompute_time
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=config.tz)


@recurring("tier_recompute", trigger=_nightly)
def recompute_nightly(ctx: Context, due_at: dt.datetime) -> None:
    tell_changes(ctx, recompute(ctx))


def tell_changes(ctx: Context, changes: dict[str, list[dict]]) -> None:
    """One tier_change message to the owner with what a recompute changed, if it changed anything."""
    if any(changes.values()):
        ctx.tell_owner("tier_change", "tier_change", shown=NAMES_SHOWN, vip_rooms=ctx.config.tiers.vip_rooms, **changes)


def recompute(ctx: Context) -> dict[str, list[dict]]:
    """Every member's tier, in a few set-based statements; returns who rose, who dropped, and VIP-group outsiders."""
    rules, db, now = ctx.config.tiers, ctx.db, ctx.now
    params = {
        "now": to_db(now),
        **_windows_start(ctx),
        "grace_since": to_db(now - dt.timedelta(days=rules.grace_days)),
        "min_spend": rules.vip_min_spend, "min_orders": rules.vip_min_orders, "min_days": rules.vip_min_active_days,
        "spend_days": rules.spend_window_days, "active_days": rules.activity_window_days,
        **query_params(ctx.config, ctx.bot_id),
    }
    for table in TEMPORARY:
        db.execute(f"DROP TABLE IF EXISTS temp.{table}")
    _gather_figures(db, params)
    _judge(db, params)
    changed = _record_changes(db, params)
    for table in TEMPORARY:
        db.execute(f"DROP TABLE temp.{table}")
    risen = [p for p in changed if p["tier"] == "vip"]
    # A new VIP is no outsider any more; should they drop again one day, the owner hears of it again.
    db.conn.executemany("DELETE FROM vip_room_outsiders WHERE contact = ?", [(p["contact"],) for p in risen])
    for person in risen:
        person["invite_to"] = _vip_rooms_missing(ctx, person["contact"])
    return {
        "risen": risen,
        "dropped": [p for p in changed if p["tier"] == "regular"],
        "outsiders": _new_vip_room_outsiders(ctx),
    }


def _gather_figures(db, params: dict) -> None:
    """Each member's spend, orders and active days, in temporary tables keyed by contact: joined as plain
    subqueries, SQLite would scan every buyer for every member. The spend is the order book's to sum."""
    order_book.fill_spend(db, params)
    db.execute("CREATE TEMP TABLE active (contact TEXT PRIMARY KEY, days INTEGER)")
    db.execute(
        f"INSERT INTO active SELECT contact, count(DISTINCT day) FROM activity"
        f" WHERE day >= :active_since AND {IN_SHOP_GROUPS} GROUP BY contact",
        params,
    )


def _judge(db, params: dict) -> None:
    """The temporary table `tiering`: every member's figures, old tier, new tier and the reason, in words."""
    db.execute(
        f"""CREATE TEMP TABLE tiering AS
        WITH everyone AS (
            {IN_ANY_GROUP} UNION SELECT contact FROM spend UNION SELECT contact FROM member_tiers),
        judged AS (
            SELECT e.contact, coalesce(s.spend, 0) AS spend, coalesce(s.orders, 0) AS orders, coalesce(a.days, 0) AS days,
                t.tier AS old_tier, t.last_qualified_at AS old_qualified
            FROM everyone e LEFT JOIN spend s USING (contact) LEFT JOIN active a USING (contact)
                LEFT JOIN member_tiers t USING (contact)
            WHERE e.contact NOT IN (SELECT value FROM json_each(:shop_people))),
        qualified AS (
            SELECT *, (spend >= :min_spend OR orders >= :min_orders OR (:min_days > 0 AND days >= :min_days)) AS qualifies
            FROM judged)
        SELECT *,
            CASE WHEN qualifies THEN 'vip'
                 WHEN old_tier = 'vip' AND old_qualified >= :grace_since THEN 'vip'
                 ELSE 'regular' END AS tier,
            CASE WHEN spend >= :min_spend THEN printf('近%d天消费¥%.2f', :spend_days, spend)
                 WHEN orders >= :min_orders THEN printf('近%d天%d单', :spend_days, orders)
                 WHEN qualifies THEN printf('近%d天活跃%d天', :active_days, days)
                 WHEN old_tier = 'vip' AND old_qualified >= :grace_since
                     THEN printf('保留期内（近%d天消费¥%.2f、%d单）', :spend_days, spend, orders)
                 ELSE printf('近%d天消费¥%.2f、%d单', :spend_days, spend, orders) END AS reason
        FROM qualified""",
        params,
    )


def _record_changes(db, params: dict) -> list[dict]:
    """Write the new tiers and the history of changes; return the members whose tier changed."""
    changed = _people(db, "SELECT contact, old_tier, tier, reason FROM tiering WHERE coalesce(old_tier, 'regular') != tier")
    db.execute(
        """INSERT INTO tier_changes (contact, at, from_tier, to_tier, reason)
        SELECT contact, :now, coalesce(old_tier, 'regular'), tier, reason FROM tiering
        WHERE coalesce(old_tier, 'regular') != tier""",
        params,
    )
    db.execute(
        """INSERT INTO member_tiers (contact, tier, since, last_qualified_at, reason)
        SELECT contact, tier, :now, CASE WHEN qualifies THEN :now END, reason FROM tiering WHERE true
        ON CONFLICT (contact) DO UPDATE SET
            since = CASE WHEN tier != excluded.tier THEN excluded.since ELSE since END,
            tier = excluded.tier,
            last_qualified_at = coalesce(excluded.last_qualified_at, last_qualified_at),
            reason = excluded.reason""",
        params,
    )
    return changed


def _windows_start(ctx: Context) -> dict[str, str]:
    """Where the spend window (a stored time) and the activity window (a local day, today included) begin."""
    rules = ctx.config.tiers
    return {
        "spend_since": to_db(ctx.now - dt.timedelta(days=rules.spend_window_days)),
        "active_since": (ctx.now.date() - dt.timedelta(days=rules.activity_window_days - 1)).isoformat(),
    }


def _people(db, sql: str, params=()) -> list[dict]:
    """The rows of a query that selects `contact`, in its order, each with the person's name (else their id) as
    a message shows it."""
    rows = db.execute(sql, params)
    columns = [column[0] for column in rows.description]
    people = [dict(zip(columns, row)) for row in rows]
    names = directory.names_of(db, [person["contact"] for person in people])
    for person in people:
        person["name"] = shown_name(names.get(person["contact"]) or person["contact"])
    return people


def _vip_rooms_missing(ctx: Context, contact: str) -> list[str]:
    """The VIP groups (by name, from config) this member is not in yet."""
    inside = directory.rooms_of(ctx.db, contact)
    return [topic for topic in ctx.config.tiers.vip_rooms if topic not in inside]


def _new_vip_room_outsiders(ctx: Context) -> list[dict]:
    """Members of a VIP group who are not VIP and of whom the owner has not been told yet (then marked told)."""
    outsiders = _people(ctx.db, _OUTSIDERS + """
          AND NOT EXISTS (SELECT 1 FROM vip_room_outsiders o WHERE o.room = g.room_id AND o.contact = g.contact)
        ORDER BY g.room, g.contact""", _outsider_params(ctx))
    ctx.db.conn.executemany(
        "INSERT INTO vip_room_outsiders (room, contact, told_at) VALUES (?, ?, ?)",
        [(p["room_id"], p["contact"], to_db(ctx.now)) for p in outsiders],
    )
    return outsiders


# Members of the VIP groups (config's tiers.vip_rooms) who are not VIP now. Takes _outsider_params().
_OUTSIDERS = f"""SELECT g.contact, g.room, g.room_id FROM ({GROUP_MEMBERS}) g
        WHERE coalesce((SELECT tier FROM member_tiers t WHERE t.contact = g.contact), 'regular') != 'vip'"""


def _outsider_params(ctx: Context) -> dict:
    return {"group_topics": json.dumps(ctx.config.tiers.vip_rooms), **query_params(ctx.config, ctx.bot_id)}


# Commands

@command("tier", usage="/tier @昵称|微信号", summary="查看某位成员的等级、消费、订单、活跃度和投诉", aliases=("等级",),
         examples=("/tier @小王", "/tier wxid_abc123"))
def show_tier(ctx: Context, args: list[str]) -> None:
    contact, rest = named_member(ctx, args)
    if rest:
        raise UsageError("请只写一位成员（昵称有空格请加引号，例如 /tier “小 张”）")
    rules = ctx.config.tiers
    since = _windows_start(ctx)
    spend, orders = order_book.member_spend(ctx.db, contact, since["spend_since"])
    days, messages = ctx.db.execute(
        f"SELECT count(DISTINCT day), coalesce(sum(messages), 0) FROM activity"
        f" WHERE contact = :contact AND day >= :since AND {IN_SHOP_GROUPS}",
        {"contact": contact, "since": since["active_since"], **query_params(ctx.config, ctx.bot_id)},
    ).fetchone()
    tier = tier_of(ctx, contact)
    ctx.reply(
        "command_reply", "tier",
        name=ctx.name_of(contact), contact=contact,
        tier=tier.tier if tier else None, since=_local_day(ctx, tier.since) if tier else None,
        reason=tier.reason if tier else None,
        spend=spend, orders=orders, spend_days=rules.spend_window_days,
        days=days, messages=messages, active_days=rules.activity_window_days,
        complaints=complaints.member_complaints(ctx, contact),
        same_name_buyer=_same_name_buyer(ctx, contact),
    )


def _same_name_buyer(ctx: Context, contact: str) -> dict | None:
    """An order nickname not yet linked that this member alone is named: their spend may be sitting there (an
    export with nicknames only is the usual case), and /tier would say ¥0.00 as if they had bought nothing."""
    name = ctx.name_of(contact)
    orders, spend = order_book.nickname_orders(ctx.db, [name])
    if not orders or order_book.linked_to(ctx.db, [name]) or directory.contacts_named(ctx.db, [name]).get(name) != [contact]:
        return None
    return {"name": name, "orders": orders, "spend": spend}


@command("vip", usage="/vip [页码]", summary="列出 VIP 成员（每页20位）", examples=("/vip", "/vip 2"))
def list_vips(ctx: Context, args: list[str]) -> None:
    page = page_number(args)
    total = ctx.db.execute("SELECT count(*) FROM member_tiers WHERE tier = 'vip'").fetchone()[0]
    vips = _people(
        ctx.db,
        "SELECT contact, since, reason FROM member_tiers WHERE tier = 'vip' ORDER BY since, contact LIMIT ? OFFSET ?",
        [VIP_PAGE, (page - 1) * VIP_PAGE],
    )
    for vip in vips:
        vip["since"] = _local_day(ctx, vip["since"])
    ctx.reply("command_reply", "vip_list", vips=vips, total=total, page=page, pages=page_count(total, VIP_PAGE),
              unlinked=len(order_book.unlinked_buyers(ctx.db)) if not total else 0,
              orders=not total and order_book.has_counted_orders(ctx.db))


@command("tiers", usage="/tiers [refresh] 或 /tiers dropped|outsiders [页码]",
         summary="各等级人数和各群的 VIP 人数；refresh 立即重算等级；dropped 近7天降为普通的会员，outsiders 在 VIP 群里但不是 VIP 的成员",
         examples=("/tiers", "/tiers refresh", "/tiers dropped", "/tiers outsiders 2"))
def show_tiers(ctx: Context, args: list[str]) -> None:
    listing = _LISTINGS.get(args[0]) if args else None
    if listing:
        _list_people(ctx, listing, page_number(args, 1))
        return
    if args not in ([], ["refresh"], ["刷新"]):
        raise UsageError("只能跟 refresh、dropped（降级）或 outsiders（非VIP）")
    refreshed = recompute(ctx) if args else None
    rooms = ctx.db.execute(
        f"""SELECT m.topic, count(*), coalesce(sum(t.tier = 'vip'), 0) FROM ({SHOP_MEMBERSHIPS}) m
        LEFT JOIN member_tiers t USING (contact) GROUP BY m.room ORDER BY count(*) DESC LIMIT :shown""",
        {**query_params(ctx.config, ctx.bot_id), "shown": ROOMS_SHOWN},
    ).fetchall()
    counts = tier_counts(ctx)
    ctx.reply(
        "command_reply", "tiers",
        vip=counts["vip"], regular=counts["regular"],
        refreshed={kind: len(people) for kind, people in refreshed.items()} if refreshed else None,
        rooms=[{"topic": topic, "members": members, "vips": vips} for topic, members, vips in rooms],
        vip_rooms=ctx.config.tiers.vip_rooms,
    )
    if refreshed:  # the owner's answer first, then what it caused
        tell_changes(ctx, refreshed)


class Listing(NamedTuple):
    """A list a tier_change message counts beyond its NAMES_SHOWN, which /tiers pages through whole."""

    kind: str  # tier_list.j2's word for it
    sql: str  # selects `contact` and what the list shows of each, in its order
    params: Callable[[Context], dict]


# Who dropped (and is still regular), newest first.
_DROPPED = """SELECT c.contact, c.reason FROM tier_changes c JOIN member_tiers t USING (contact)
        WHERE c.from_tier = 'vip' AND c.to_tier = 'regular' AND c.at >= :since AND t.tier = 'regular'
          AND c.id = (SELECT max(id) FROM tier_changes l WHERE l.contact = c.contact)
        ORDER BY c.at DESC, c.contact"""
_LISTINGS = {
    **dict.fromkeys(("dropped", "降级"), Listing("dropped", _DROPPED,
                                                lambda ctx: {"since": to_db(ctx.now - DROPPED_LISTED_FOR)})),
    **dict.fromkeys(("outsiders", "非VIP", "非vip"), Listing("outsiders", _OUTSIDERS + " ORDER BY g.room, g.contact",
                                                           _outsider_params)),
}


def _list_people(ctx: Context, listing: Listing, page: int) -> None:
    params = listing.params(ctx)
    total = ctx.db.execute(f"SELECT count(*) FROM ({listing.sql})", params).fetchone()[0]
    people = _people(ctx.db, f"{listing.sql} LIMIT :limit OFFSET :offset",
                     {**params, "limit": VIP_PAGE, "offset": (page - 1) * VIP_PAGE})
    ctx.reply("command_reply", "tier_list", kind=listing.kind, people=people, total=total, page=page,
              pages=page_count(total, VIP_PAGE), first=(page - 1) * VIP_PAGE + 1, vip_rooms=ctx.config.tiers.vip_rooms)


def tier_counts(ctx: Context) -> dict[str, int]:
    """Members (core/directory.py) per tier; a member not tiered yet (joined since the last recompute) is regular."""
    counts = dict(ctx.db.execute(
        f"SELECT coalesce(t.tier, 'regular'), count(*) FROM ({MEMBERS}) m LEFT JOIN member_tiers t USING (contact) GROUP BY 1",
        query_params(ctx.config, ctx.bot_id),
    ).fetchall())
    return {"vip": counts.get("vip", 0), "regular": counts.get("regular", 0)}


def tier_of(ctx: Context, contact: str) -> Tier | None:
    """The member's tier as the last recompute left it (since when, and why); None before their first."""
    row = ctx.db.execute("SELECT tier, since, reason FROM member_tiers WHERE contact = ?", [contact]).fetchone()
    return Tier(*row) if row else None


def vip_contacts(ctx: Context) -> list[str]:
    """Every VIP's contact, by id: whom a member day's private coupons go to."""
    return [row[0] for row in ctx.db.execute("SELECT contact FROM member_tiers WHERE tier = 'vip' ORDER BY contact")]


def active_groups(ctx: Context, period: Period, shown: int) -> list[dict]:
    """The shop's groups with the most messages in the period: topic, messages, people who spoke (and are still
    in the group)."""
    rows = ctx.db.execute(
        f"""SELECT room, sum(messages), {PEOPLE} FROM activity a
        WHERE day BETWEEN :first AND :last AND {IN_SHOP_GROUPS} GROUP BY room ORDER BY 2 DESC LIMIT :shown""",
        {**_days(period), "shown": shown, **query_params(ctx.config, ctx.bot_id)},
    ).fetchall()
    topics = directory.topics_of(ctx.db, [room for room, _, _ in rows])
    return [{"topic": shown_name(topics.get(room, room)), "messages": messages, "people": people} for room, messages, people in rows]


def groups_by_activity(ctx: Context, period: Period, limit: int, offset: int) -> tuple[list[tuple[str, int, int]], int]:
    """A page of the shop's groups, the most messages in the period first, those without any last: (room,
    messages, people who spoke and are still in it); and how many groups there are. The period's rows are read
    by day (+room: not through activity_by_room, which would walk every group's whole history in group order)."""
    params = {**_days(period), "limit": limit, "offset": offset, **query_params(ctx.config, ctx.bot_id)}
    rows = ctx.db.execute(
        f"""SELECT r.id, coalesce(g.messages, 0), coalesce(g.people, 0) FROM ({SHOP_ROOMS}) r LEFT JOIN
        (SELECT room, sum(messages) AS messages, {PEOPLE} AS people FROM activity a
         WHERE day BETWEEN :first AND :last GROUP BY +room) g ON g.room = r.id
        ORDER BY 2 DESC, r.topic, r.id LIMIT :limit OFFSET :offset""", params
    ).fetchall()
    return rows, directory.shop_room_count(ctx.db, ctx.config)


def top_speakers(ctx: Context, room: str, period: Period, shown: int) -> list[tuple[str, int]]:
    """(contact, messages) of the members still in a group who wrote most there in the period."""
    return ctx.db.execute(
        f"""SELECT contact, sum(messages) FROM activity a WHERE room = :room AND day BETWEEN :first AND :last
        AND {STILL_IN_ROOM} GROUP BY contact ORDER BY 2 DESC, contact LIMIT :shown""",
        {"room": room, **_days(period), "shown": shown},
    ).fetchall()


def silent_members(ctx: Context, room: str, since: dt.date, shown: int) -> tuple[list[str], int]:
    """Members of a group since before `since` (a local day) who have not written there after it: a few of
    them, and how many."""
    params = {"room": room, "since": since.isoformat(), "shown": shown, **query_params(ctx.config, ctx.bot_id),
              "joined_before": to_db(dt.datetime.combine(since, dt.time(), tzinfo=ctx.config.tz))}
    silent = f"""SELECT s.contact FROM ({ROOM_MEMBERS_SINCE}) s WHERE NOT EXISTS
        (SELECT 1 FROM activity a WHERE a.contact = s.contact AND a.day > :since AND a.room = :room)"""
    count = ctx.db.execute(f"SELECT count(*) FROM ({silent})", params).fetchone()[0]
    return [row[0] for row in ctx.db.execute(f"{silent} ORDER BY s.contact LIMIT :shown", params)], count


def messages_per_day(ctx: Context, period: Period) -> dict[dt.date, int]:
    """Members' messages in the shop's groups on each day of the period, for a chart (summed, the words' total);
    a quiet day is missing."""
    rows = ctx.db.execute(
        f"""SELECT day, sum(messages) FROM activity WHERE day BETWEEN :first AND :last AND {IN_SHOP_GROUPS}
        GROUP BY day""",
        {**_days(period), **query_params(ctx.config, ctx.bot_id)},
    )
    return {dt.date.fromisoformat(day): messages for day, messages in rows}


def _days(period: Period) -> dict[str, str]:
    """The period's first and last day as activity rows name a day."""
    return {"first": period.first.isoformat(), "last": period.last.isoformat()}


def _local_day(ctx: Context, stored: str) -> str:
    return from_db(stored, ctx.config.tz).strftime("%Y-%m-%d")


def last_active_days(ctx: Context, contacts: list[str]) -> dict[str, dt.date]:
    """{contact: the last local day they wrote in one of the shop's groups} of these members; one who never
    wrote there is missing."""
    rows = ctx.db.execute(
        f"""SELECT w.value, (SELECT max(day) FROM activity WHERE contact = w.value AND {IN_SHOP_GROUPS})
        FROM json_each(:contacts) w""",
        {"contacts": json.dumps(contacts), **query_params(ctx.config, ctx.bot_id)},
    )
    return {contact: dt.date.fromisoformat(day) for contact, day in rows if day}

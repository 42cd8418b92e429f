"""The orders and buyer_links tables: every read and write of them is here, for the import, /order, /link,
the tiers and the shop's figures to call.

An order counts for a member by the WeChat id the export carries, or, when it carries only a nickname, through a
link the owner made with /link: never by a guess (handlers/orders.py says why). `counts` is 0 for the statuses
config calls not counted (refunded, cancelled), decided when the order is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np

from core import directory
from core.clock import to_db
from core.commands import plain
from core.context import Context

FIELDS = "id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at, coupon"
# The member an order counts for, with buyer_links joined as `l` (LEFT JOIN buyer_links l ON o.buyer_id IS NULL AND
# l.name = o.buyer_name): by WeChat id, else by the owner's link; NULL for a nickname nobody linked.
BUYER = "coalesce(o.buyer_id, l.contact)"
LINKED = "LEFT JOIN buyer_links l ON o.buyer_id IS NULL AND l.name = o.buyer_name"
DAY_MICROSECONDS = 86_400_000_000
NEVER = np.iinfo(np.int64).max  # a post a group never saw


def save_import(db, rows: list[tuple]) -> tuple[int, int]:
    """Write an export's orders (tuples in FIELDS order) in one transaction: new ones added, changed ones updated,
    the same ones left alone; returns how many were new and how many updated. Through a temporary table, so that
    100,000 rows are compared and written in a few set-based statements (bench/tiers.py)."""
    # A file without a coupon column (NULL) leaves the coupon an earlier export gave as it was.
    changed = ("(o.placed_at, o.buyer_id, o.buyer_name, o.amount, o.status, o.coupon)"
               " IS NOT (i.placed_at, i.buyer_id, i.buyer_name, i.amount, i.status, coalesce(i.coupon, o.coupon))")
    with db.atomic():
        db.execute("CREATE TEMP TABLE incoming AS SELECT * FROM orders WHERE 0")
        try:
            db.conn.executemany(f"INSERT INTO incoming ({FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            new = db.execute("SELECT count(*) FROM incoming WHERE id NOT IN (SELECT id FROM orders)").fetchone()[0]
            updated = db.execute(f"SELECT count(*) FROM incoming i JOIN orders o USING (id) WHERE {changed}").fetchone()[0]
            db.execute(
                f"""INSERT INTO orders ({FIELDS}) SELECT {FIELDS} FROM incoming WHERE true
                ON CONFLICT (id) DO UPDATE SET placed_at = excluded.placed_at, buyer_id = excluded.buyer_id,
                buyer_name = excluded.buyer_name, amount = excluded.amount, status = excluded.status,
                counts = excluded.counts, saved_at = excluded.saved_at, coupon = coalesce(excluded.coupon, coupon)
                WHERE (placed_at, buyer_id, buyer_name, amount, status, coupon)
                IS NOT (excluded.placed_at, excluded.buyer_id, excluded.buyer_name, excluded.amount, excluded.status,
                        coalesce(excluded.coupon, coupon))"""
            )
        finally:
            db.execute("DROP TABLE temp.incoming")
    return new, updated


def has_counted_orders(db) -> bool:
    """Whether any order counts toward spend: an empty VIP list then means nobody qualifies, not nothing imported."""
    return db.execute("SELECT 1 FROM orders WHERE counts = 1 LIMIT 1").fetchone() is not None


def has_order(db, order_id: str) -> bool:
    """Whether an order of this id is recorded: an id is recorded once, imported or typed."""
    return db.execute("SELECT 1 FROM orders WHERE id = ?", [order_id]).fetchone() is not None


def add_chat_order(ctx: Context, order_id: str, contact: str, amount: float) -> None:
    """An order the owner typed (/order): completed and counted, placed now, tied to the member by WeChat id."""
    ctx.db.execute(
        "INSERT INTO orders (id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at)"
        " VALUES (?, ?, ?, ?, ?, '已完成', 1, 'chat', ?)",
        [order_id, to_db(ctx.now), contact, directory.name_of(ctx.db, contact), amount, to_db(ctx.now)],
    )


def buyer_spellings(db, typed: str) -> list[str]:
    """How the exports spell the nickname the owner typed: the same as it reads, though an invisible character or
    a full-width letter in it could not be typed; just as typed when no order carries it (yet)."""
    rows = directory.with_plain(db).execute(
        "SELECT DISTINCT buyer_name FROM orders WHERE buyer_id IS NULL AND plain(buyer_name) = ?", [plain(typed)]
    )
    return [row[0] for row in rows] or [typed]


def linked_to(db, names: list[str]) -> str | None:
    """The member these spellings of a buyer nickname are linked to, if any."""
    row = db.execute(f"SELECT contact FROM buyer_links WHERE name IN ({_marks(names)}) LIMIT 1", names).fetchone()
    return row[0] if row else None


def link(db, names: list[str], contact: str, now: dt.datetime) -> None:
    """Tie these spellings of a buyer nickname to a member, replacing any earlier link."""
    db.conn.executemany(
        "INSERT INTO buyer_links (name, contact, linked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET contact = excluded.contact, linked_at = excluded.linked_at",
        [(name, contact, to_db(now)) for name in names],
    )


def unlink(db, names: list[str]) -> None:
    """Untie these spellings of a buyer nickname: their orders count for no member from now on."""
    db.conn.executemany("DELETE FROM buyer_links WHERE name = ?", [(name,) for name in names])


def nickname_orders(db, names: list[str]) -> tuple[int, float]:
    """The counted orders a buyer nickname carries when the export has no WeChat id: what a link ties to a member."""
    return db.execute(
        f"SELECT count(*), coalesce(sum(amount), 0) FROM orders WHERE buyer_id IS NULL AND counts = 1"
        f" AND buyer_name IN ({_marks(names)})", names
    ).fetchone()


def unlinked_buyers(db) -> list[dict]:
    """Nicknames with counted orders but no WeChat id and no /link, most orders first, with the members of that
    name (none, one to suggest, or several to choose from)."""
    rows = db.execute(
        """SELECT o.buyer_name, count(*) AS orders, sum(o.amount) AS spend FROM orders o
           WHERE o.buyer_id IS NULL AND o.counts = 1 AND o.buyer_name NOT IN (SELECT name FROM buyer_links)
           GROUP BY o.buyer_name ORDER BY orders DESC, o.buyer_name"""
    ).fetchall()
    members = directory.contacts_named(db, [name for name, _, _ in rows])
    return [{"name": name, "orders": orders, "spend": spend, "members": members.get(name, [])}
            for name, orders, spend in rows]


def member_spend(db, contact: str, since: str) -> tuple[float, int]:
    """What a member spent and in how many counted orders since `since` (a stored time): by WeChat id, and by the
    nicknames linked to them."""
    return db.execute(
        """SELECT coalesce(sum(o.amount), 0), count(*) FROM orders o
        WHERE o.counts = 1 AND o.placed_at >= ?
          AND (o.buyer_id = ? OR (o.buyer_id IS NULL AND o.buyer_name IN (SELECT name FROM buyer_links WHERE contact = ?)))""",
        [since, contact, contact],
    ).fetchone()


def fill_spend(db, params: dict) -> None:
    """The temporary table `spend` (contact, spend, orders) of every buyer since :spend_since, for the tier
    recompute to join by contact: joined as a plain subquery, SQLite would scan every buyer for every member."""
    db.execute("CREATE TEMP TABLE spend (contact TEXT PRIMARY KEY, spend REAL, orders INTEGER)")
    # By WeChat id, then by the nicknames the owner linked: two statements, so that the first reads an index in
    # buyer order instead of sorting a million orders by an expression.
    db.execute(
        """INSERT INTO spend SELECT buyer_id, sum(amount), count(*) FROM orders
        WHERE buyer_id IS NOT NULL AND counts = 1 AND placed_at >= :spend_since GROUP BY buyer_id""",
        params,
    )
    db.execute(
        """INSERT INTO spend SELECT l.contact, sum(o.amount), count(*) FROM buyer_links l CROSS JOIN orders o
        ON o.buyer_id IS NULL AND o.buyer_name = l.name WHERE o.counts = 1 AND o.placed_at >= :spend_since
        GROUP BY l.contact
        ON CONFLICT (contact) DO UPDATE SET spend = spend + excluded.spend, orders = orders + excluded.orders""",
        params,
    )


def sales_figures(db, start: str, end: str) -> tuple[int, int, float]:
    """Of the orders placed from `start` to before `end` (stored times): how many buyers, the orders and the
    revenue. A buyer is a member (by WeChat id or the owner's link) or, until linked, a nickname of the export
    (复购率 counts them the same way: repurchase_rates)."""
    return db.execute(
        """WITH per_buyer AS (
            SELECT coalesce(o.buyer_id, l.contact, 'name:' || o.buyer_name) AS buyer, count(*) AS orders, sum(o.amount) AS spend
            FROM orders o LEFT JOIN buyer_links l ON o.buyer_id IS NULL AND l.name = o.buyer_name
            WHERE o.counts = 1 AND o.placed_at >= ? AND o.placed_at < ? GROUP BY 1)
        SELECT count(*), coalesce(sum(orders), 0), coalesce(sum(spend), 0) FROM per_buyer""",
        [start, end],
    ).fetchone()


def orders_per_day(db, days: list[tuple[str, str]]) -> list[int]:
    """The counted orders placed in each span (start, end) of stored times, in order: one a local day, for a chart."""
    return [row[0] for row in db.execute(
        """SELECT (SELECT count(*) FROM orders WHERE placed_at >= d.value ->> 0 AND placed_at < d.value ->> 1
        AND counts = 1) FROM json_each(?) d ORDER BY d.key""",
        [json.dumps(days)],
    )]


def _marks(names: list[str]) -> str:
    return ", ".join("?" * len(names))


# What campaigns earned (handlers/campaign_results.py)

def orders_after_posts(db, posts: dict, shop_people: list[str], days: dict) -> dict:
    """For each post (a key of `posts`, whose value lists (room, moment sent, as stored) of its groups): the
    counted orders of the members of its groups in the 24 hours after the post they saw first (day 0), and in the
    same 24 hours `day` days earlier for the other days `days[key]` asks: {key: {day: (orders, revenue, buyers)}}, a
    post or a day without orders missing. An order counts once for a post, however many of its groups its buyer is
    in; a nickname nobody linked is nobody's, and the shop's own people are left out.

    All the posts at once, from one read: the orders of the days asked (orders_by_time covers them, each read once
    however many posts' days it falls in), once a group their buyer is in. When each buyer first saw each post, and
    so each order's day, is then worked out on arrays (numpy), in microseconds, exactly: in SQL, the lookups of each
    group's post for every post an order might belong to, and the sort to keep the first, took most of /campaign
    stats's time, and a loop in Python as long (bench/campaign_stats.py)."""
    keys = [key for key, sent in posts.items() if sent]
    if not keys:
        return {}
    rooms = {room: n for n, room in enumerate(sorted({room for key in keys for room, _ in posts[key]}))}
    # When each group saw each post; a last row for the groups no post went to (NEVER: not seen)
    seen = np.full((len(rooms) + 1, len(keys)), NEVER, dtype=np.int64)
    posted = [(rooms[room], post, at) for post, key in enumerate(keys) for room, at in posts[key]]
    groups, post_numbers, moments = zip(*posted)
    np.minimum.at(seen, (list(groups), list(post_numbers)), _microseconds(moments))  # posted twice: the earlier
    asked = [sorted(set(days[key])) for key in keys]
    spans = [span for key, wanted in zip(keys, asked) for span in _day_ranges([at for _, at in posts[key]], wanted)]
    rows = db.execute(
        f"""SELECT o.n, o.placed_at, o.amount, o.buyer, m.room FROM (
            SELECT o.rowid AS n, o.placed_at, o.amount, CASE WHEN o.buyer_id IS NULL
                THEN (SELECT contact FROM buyer_links WHERE name = o.buyer_name) ELSE o.buyer_id END AS buyer
            FROM json_each(:ranges) r CROSS JOIN orders o ON o.placed_at >= r.value ->> 0 AND o.placed_at < r.value ->> 1
            WHERE +o.counts = 1) o  -- +: read by time (orders_by_time), never by an index on counts
        CROSS JOIN ({directory.MEMBERSHIPS}) m ON m.contact = o.buyer
        WHERE o.buyer NOT IN (SELECT value FROM json_each(:shop_people))""",
        {"ranges": json.dumps(_merged(spans)), "shop_people": json.dumps(shop_people)},
    ).fetchall()
    if not rows:
        return {}
    numbers, placed, amounts, buyers, groups = zip(*rows)
    numbers = np.array(numbers)
    firsts = np.flatnonzero(np.r_[True, numbers[1:] != numbers[:-1]])  # an order's groups come together
    # Post by post, when the buyer of each order first saw it, in any of their groups
    first_seen = np.minimum.reduceat(seen[[rooms.get(room, len(rooms)) for room in groups]], firsts, axis=0)
    placed = _microseconds(placed)[firsts]
    amounts = np.array(amounts)[firsts]
    codes: dict[str, int] = {}
    buyers = np.array([codes.setdefault(buyer, len(codes)) for buyer in buyers])[firsts]  # to count them
    # Whole days from the post, rounded down: -1 is the 24 hours before it, asked as day 1
    day = -((placed[:, None] - first_seen) // DAY_MICROSECONDS)
    figures: dict = {}
    for post, key in enumerate(keys):
        for wanted in asked[post]:
            counted = (first_seen[:, post] != NEVER) & (day[:, post] == wanted)
            if counted.any():
                figures.setdefault(key, {})[wanted] = (
                    int(counted.sum()), math.fsum(amounts[counted]), len(np.unique(buyers[counted])))
    return figures


def _microseconds(stored: list[str]) -> np.ndarray:
    """Stored times (UTC, core.clock.to_db) as microseconds since 1970."""
    return np.array([moment[:26] for moment in stored], dtype="datetime64[us]").astype(np.int64)


def _day_ranges(sent: list[str], days: list[int]) -> list[tuple[str, str]]:
    """The stored-time ranges an order of a post's days may have been placed in, from the first group's post to
    the last one's (stored times sort as they read), a minute wider each side."""
    first, last = dt.datetime.fromisoformat(min(sent)), dt.datetime.fromisoformat(max(sent))
    return [(to_db(first - dt.timedelta(days=day, minutes=1)), to_db(last - dt.timedelta(days=day - 1, minutes=-1)))
            for day in days]


def _merged(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ranges of stored times to read orders from, overlapping ones merged: an order is read once."""
    spans = sorted(spans)
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(span) for span in merged]


def coupons_exported(db, start: str, end: str) -> bool:
    """Whether the orders placed from `start` to before `end` came from an export with a coupon column."""
    return db.execute("SELECT 1 FROM orders WHERE placed_at >= ? AND placed_at < ? AND coupon IS NOT NULL LIMIT 1",
                      [start, end]).fetchone() is not None


def coupon_uses(db, codes: list[str], start: str, end: str) -> tuple[int, int]:
    """Of the counted orders placed from `start` to before `end`, how many used one of these coupon codes, and how
    many of the codes were used: an export may write the code alone or with the coupon's name ("会员日券 K7M2Q9XA")."""
    return db.execute(
        """SELECT count(DISTINCT o.id), count(DISTINCT c.value) FROM orders o JOIN json_each(:codes) c
        ON instr(upper(o.coupon), c.value) > 0
        WHERE o.placed_at >= :start AND o.placed_at < :end AND o.counts = 1 AND o.coupon != ''""",
        {"codes": json.dumps(codes), "start": start, "end": end},
    ).fetchone()


def buyers_history(db, contacts: list[str]) -> dict[str, dict]:
    """{contact: {"orders", "last_at", "last_amount"}} of these members' counted orders, ever: whom a member
    slipping away last bought from, and when. Members with no order are missing."""
    rows = db.execute(
        f"""WITH wanted AS (SELECT value AS contact FROM json_each(:contacts)),
        theirs AS (
            SELECT w.contact, o.placed_at, o.amount FROM wanted w CROSS JOIN orders o ON o.buyer_id = w.contact
            WHERE o.counts = 1
            UNION ALL
            SELECT w.contact, o.placed_at, o.amount FROM wanted w CROSS JOIN buyer_links l ON l.contact = w.contact
            CROSS JOIN orders o ON o.buyer_id IS NULL AND o.buyer_name = l.name WHERE o.counts = 1)
        SELECT contact, count(*), max(placed_at), amount FROM theirs GROUP BY contact""",  # amount: max()'s row's (SQLite)
        {"contacts": json.dumps(contacts)},
    )
    return {contact: {"orders": orders, "last_at": last_at, "last_amount": amount}
            for contact, orders, last_at, amount in rows}


def buyers_between(db, start: str, end: str) -> list[str]:
    """The members (by WeChat id or the owner's link) with a counted order placed from `start` to before `end`."""
    return [row[0] for row in db.execute(
        f"""SELECT DISTINCT {BUYER} FROM orders o {LINKED}
        WHERE o.placed_at >= ? AND o.placed_at < ? AND o.counts = 1 AND {BUYER} IS NOT NULL""", [start, end])]


def repurchase_rates(db, spans: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """For each span (start, end) of stored times: its buyers, and how many of them placed two or more counted
    orders in it (复购率's two figures), buyers counted as sales_figures counts them. One pass over the orders of
    all the spans, however many."""
    if not spans:
        return []
    sums = ", ".join(f"sum(o.placed_at >= :start{n} AND o.placed_at < :end{n}) AS n{n}" for n in range(len(spans)))
    totals = ", ".join(f"sum(n{n} >= 1), sum(n{n} >= 2)" for n in range(len(spans)))
    params = {f"{edge}{n}": span[i] for n, span in enumerate(spans) for i, edge in enumerate(("start", "end"))}
    row = db.execute(
        f"""WITH per_buyer AS (
            SELECT coalesce(o.buyer_id, l.contact, 'name:' || o.buyer_name) AS buyer, {sums} FROM orders o {LINKED}
            WHERE o.counts = 1 AND o.placed_at >= :first AND o.placed_at < :last GROUP BY 1)
        SELECT {totals} FROM per_buyer""",
        {**params, "first": min(s for s, _ in spans), "last": max(e for _, e in spans)},
    ).fetchone()
    return [(row[2 * n] or 0, row[2 * n + 1] or 0) for n in range(len(spans))]

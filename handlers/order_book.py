"""The orders and buyer_links tables: every read and write of them is here, for the import, /order, /link,
the tiers and the shop's figures to call.

An order counts for a member by the WeChat id the export carries, or, when it carries only a nickname, through a
link the owner made with /link: never by a guess (handlers/orders.py says why). `counts` is 0 for the statuses
config calls not counted (refunded, cancelled), decided when the order is saved.
"""

from __future__ import annotations

import datetime as dt
import json

from core import directory
from core.clock import to_db
from core.commands import plain
from core.context import Context

FIELDS = "id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at"


def save_import(db, rows: list[tuple]) -> tuple[int, int]:
    """Write an export's orders (tuples in FIELDS order) in one transaction: new ones added, changed ones updated,
    the same ones left alone; returns how many were new and how many updated. Through a temporary table, so that
    100,000 rows are compared and written in a few set-based statements (bench/tiers.py)."""
    changed = "(o.placed_at, o.buyer_id, o.buyer_name, o.amount, o.status) IS NOT (i.placed_at, i.buyer_id, i.buyer_name, i.amount, i.status)"
    with db.atomic():
        db.execute("CREATE TEMP TABLE incoming AS SELECT * FROM orders WHERE 0")
        try:
            db.conn.executemany(f"INSERT INTO incoming ({FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            new = db.execute("SELECT count(*) FROM incoming WHERE id NOT IN (SELECT id FROM orders)").fetchone()[0]
            updated = db.execute(f"SELECT count(*) FROM incoming i JOIN orders o USING (id) WHERE {changed}").fetchone()[0]
            db.execute(
                f"""INSERT INTO orders ({FIELDS}) SELECT {FIELDS} FROM incoming WHERE true
                ON CONFLICT (id) DO UPDATE SET placed_at = excluded.placed_at, buyer_id = excluded.buyer_id,
                buyer_name = excluded.buyer_name, amount = excluded.amount, status = excluded.status,
                counts = excluded.counts, saved_at = excluded.saved_at
                WHERE (placed_at, buyer_id, buyer_name, amount, status)
                IS NOT (excluded.placed_at, excluded.buyer_id, excluded.buyer_name, excluded.amount, excluded.status)"""
            )
        finally:
            db.execute("DROP TABLE temp.incoming")
    return new, updated


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


def sales_figures(db, start: str, end: str) -> tuple[int, int, int, float]:
    """Of the orders placed from `start` to before `end` (stored times): how many buyers, how many of them with
    two or more orders, the orders and the revenue. A buyer is a member (by WeChat id or the owner's link) or,
    until linked, a nickname of the export."""
    return db.execute(
        """WITH per_buyer AS (
            SELECT coalesce(o.buyer_id, l.contact, 'name:' || o.buyer_name) AS buyer, count(*) AS orders, sum(o.amount) AS spend
            FROM orders o LEFT JOIN buyer_links l ON o.buyer_id IS NULL AND l.name = o.buyer_name
            WHERE o.counts = 1 AND o.placed_at >= ? AND o.placed_at < ? GROUP BY 1)
        SELECT count(*), coalesce(sum(orders >= 2), 0), coalesce(sum(orders), 0), coalesce(sum(spend), 0) FROM per_buyer""",
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

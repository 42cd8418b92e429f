"""How long the owner waits for what campaigns earned, on a big shop's store.

Builds a store of 2,000 groups (200 of them VIP groups) and 100,000 members (one in ten in a second group), a year of
1,000,000 orders (a fifth by nickname only, half of those linked to a member; member-day orders carry a coupon
column), five weeks of campaign posts to every group (the Friday flash sale, Wednesday light content, the Saturday
live notice, the member day to the VIP groups with a coupon each) sent over their windows, and 500,000 group
messages over those weeks. Then times, through the whole bot (the command as the owner sends it):
`/campaign stats` (the last five posts), `/campaign stats 闪购日`, and a later page (the first time, each post
also keeps when its groups' posts went out, learned from the outbox); and, as the weekly review
computes them, the week's best and worst post with the month's best window, 复购率 month by month, and the slipping
members' lists. Goal: /campaign stats under a second.

    python bench/campaign_stats.py [--rooms N] [--members N] [--orders N] [--messages N] [--store FILE]

Each figure is given as wall time and as the process's CPU time: on a machine shared with other work the first
waits for the cores, the second is what the work itself costs. `--store FILE` keeps the store built (minutes) and
times an existing one again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import features  # noqa: E402
from core.assistant import Assistant  # noqa: E402
from core.clock import VirtualClock, to_db  # noqa: E402
from core.config import load_config  # noqa: E402
from core.context import Context  # noqa: E402
from core.events import Message  # noqa: E402
from core.store import open_store  # noqa: E402
from handlers import campaign_results, shop_stats, slipping  # noqa: E402
from handlers.periods import days_before_today  # noqa: E402

OWNER = "wxid_owner"
NOW = dt.datetime(2026, 12, 7, 9, 30)  # a Monday: the weekly review's moment
VIP_SHARE = 10  # one group in ten is a VIP group
WEEKS = 5
ROUNDS = 5  # each figure is timed this many times: the median and the slowest are printed
BATCH = 50_000
# name, kind, weekday (Monday 0), clock, VIP groups only
CAMPAIGNS = (("闪购日", "flash_sale", 4, dt.time(20, 0), False), ("轻内容1", "light_content", 2, dt.time(12, 30), False),
             ("直播预告1", "live_notice", 5, dt.time(15, 30), False))
SEND_SECONDS = 3.6  # between two groups' posts: 2,000 groups over two hours


def build_store(db, config, rooms: int, members: int, orders: int, messages: int, rng: random.Random) -> None:
    tz = config.tz
    topics = _topics(rooms)
    ids = [f"wxid_m{n}" for n in range(members)]
    db["rooms"].insert_all(({"id": f"{n}@chatroom", "topic": t} for n, t in enumerate(topics)), batch_size=BATCH)
    db["contacts"].insert_all(({"id": c, "name": f"会员{n}"} for n, c in enumerate(ids)), batch_size=BATCH)
    memberships = [(f"{n % rooms}@chatroom", c) for n, c in enumerate(ids)]
    memberships += [(f"{rng.randrange(rooms)}@chatroom", c) for c in ids[::10]]
    db.conn.executemany("INSERT OR IGNORE INTO room_members (room, contact, joined_at) VALUES (?, ?, '2026-01-01T00:00:00')",
                        memberships)
    posts = _posts(config, rooms)
    outbox_id = 0
    for name, kind, occurrence, room, sent in posts:
        outbox_id += 1
        db.execute("INSERT INTO outbox (id, created_at, not_before, kind, text, status, sent_at, attempts, lane)"
                   " VALUES (?, ?, ?, ?, '…', 'sent', ?, 1, 4)", [outbox_id, to_db(sent), to_db(sent), kind, to_db(sent)])
        db.execute("INSERT INTO campaign_posts (campaign, room, occurrence, post_day, outbox_id, queued_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)", [name, room, occurrence, occurrence, outbox_id, to_db(sent)])
        if kind == "member_day":
            db.execute("INSERT INTO coupons (code, campaign, occurrence, room, value, issued_at) VALUES (?, ?, ?, ?, 10, ?)",
                       [f"C{outbox_id:07d}", name, occurrence, room, to_db(sent)])
    for name, kind, *_ in (*CAMPAIGNS, ("会员日", "member_day")):
        db.execute("INSERT OR IGNORE INTO campaigns (name, kind, weekday, day_of_month, time, details, status, source,"
                   " created_at) VALUES (?, ?, NULL, 18, '20:00', ?, 'active', 'chat', '2026-01-01')",
                   [name, kind, json.dumps({"text": "…", "topic": "…", "discount": "8折", "products": [],
                                            "duration_hours": 2, "coupon_value": 10, "coupon_condition": "满99可用"})])
    codes = [row[0] for row in db.execute("SELECT code FROM coupons")]
    start = NOW.replace(tzinfo=tz) - dt.timedelta(days=365)

    def order_rows():
        for n in range(orders):
            buyer = rng.randrange(members)
            by_name = rng.random() < 0.2
            placed = start + dt.timedelta(seconds=rng.randrange(365 * 24 * 3600))
            yield (f"O{n:08d}", to_db(placed), None if by_name else ids[buyer], f"会员{buyer}",
                   rng.choice((39.0, 99.0, 129.5, 299.0)), "已完成" if rng.random() > 0.03 else "已退款",
                   "import", to_db(NOW.replace(tzinfo=tz)), rng.choice(codes) if rng.random() < 0.05 else "")

    db.conn.executemany(
        "INSERT INTO orders (id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at, coupon)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)", order_rows())
    db.execute("UPDATE orders SET counts = 0 WHERE status = '已退款'")
    db.conn.executemany("INSERT OR IGNORE INTO buyer_links (name, contact, linked_at) VALUES (?, ?, '2026-06-01')",
                        ((f"会员{n}", ids[n]) for n in range(0, members, 2)))
    first_post = min(sent for *_, sent in posts)
    span = int((NOW.replace(tzinfo=tz) - first_post).total_seconds())

    def events():
        for _ in range(messages):
            room, contact = memberships[rng.randrange(len(memberships))]
            yield (to_db(first_post + dt.timedelta(seconds=rng.randrange(span))), room, contact)

    db.conn.executemany("INSERT INTO events (at, type, room, contact, text) VALUES (?, 'message', ?, ?, '好')",
                        sorted(events()))
    db.conn.executemany("INSERT INTO member_tiers (contact, tier, since, reason) VALUES (?, 'vip', '2026-06-01', '')",
                        ((c,) for c in ids[::20]))
    db.conn.commit()


def _topics(rooms: int) -> list[str]:
    return [f"{'VIP' if n % VIP_SHARE == 0 else '会员'}群{n}" for n in range(rooms)]


def _posts(config, rooms: int) -> list[tuple]:
    """(campaign, kind, occurrence, room, moment sent) of every post of the WEEKS before NOW."""
    tz, posts = config.tz, []
    first_day = NOW.date() - dt.timedelta(weeks=WEEKS)
    for offset in range(WEEKS * 7):
        day = first_day + dt.timedelta(days=offset)
        planned = [(name, kind, clock, vip_only) for name, kind, weekday, clock, vip_only in CAMPAIGNS
                   if day.weekday() == weekday]
        if day.day == 18:
            planned.append(("会员日", "member_day", dt.time(20, 0), True))
        for name, kind, clock, vip_only in planned:
            targets = [n for n in range(rooms) if n % VIP_SHARE == 0 or not vip_only]
            opens = dt.datetime.combine(day, clock, tz)
            posts += [(name, kind, day.isoformat(), f"{n}@chatroom", opens + dt.timedelta(seconds=i * SEND_SECONDS))
                      for i, n in enumerate(targets)]
    return posts


def run(rooms: int = 2_000, members: int = 100_000, orders: int = 1_000_000, messages: int = 500_000,
        store: Path | None = None) -> dict:
    rng = random.Random(25)
    config = load_config().with_owners([OWNER])
    topics = _topics(rooms)
    config = config.model_copy(update={"tiers": config.tiers.model_copy(update={
        "vip_rooms": [t for t in topics if t.startswith("VIP")], "regular_rooms": [t for t in topics if not t.startswith("VIP")]})})
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        path = store or Path(scratch) / "store.db"
        built = None
        if not path.exists():
            db = open_store(path)
            began = time.perf_counter()
            build_store(db, config, rooms, members, orders, messages, rng)
            built = time.perf_counter() - began
            db.execute("ANALYZE")
        else:
            db = open_store(path)
        clock = VirtualClock(NOW.replace(tzinfo=config.tz), config.tz)
        assistant = Assistant(config, db, clock, features.load(), seed=1)
        timings = {}
        for command in ("/campaign stats", "/campaign stats 闪购日", "/campaign stats 3"):
            timings[command] = _timed(lambda: assistant.handle(Message(OWNER, command)))
        ctx = Context(assistant)
        week = days_before_today(ctx, 7)
        timings["review: best, worst, best window"] = _timed(lambda: campaign_results.for_review(ctx, week))
        timings["复购率 now and 3 months"] = _timed(lambda: shop_stats.repurchase(ctx))
        timings["slipping members"] = _timed(lambda: slipping.slipping(ctx))
        answer = db.execute("SELECT text FROM outbox WHERE kind = 'command_reply' ORDER BY id LIMIT 1").fetchone()[0]
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("orders", "campaign_posts", "events", "room_members")}
        db.close()
    return {"bench": "campaign_stats", "rooms": rooms, "members": members, **counts, "build_seconds": built,
            "timings": timings, "first_answer": answer, "load": os.getloadavg()[0], "cores": os.cpu_count(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _timed(action) -> dict:
    seconds, cpu = [], []
    for _ in range(ROUNDS):
        began, began_cpu = time.perf_counter(), time.process_time()
        action()
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return {"first": seconds[0], "median": statistics.median(seconds), "slowest": max(seconds),
            "cpu_median": statistics.median(cpu)}


def report(result: dict) -> str:
    lines = [f"campaign_stats: {result['rooms']} groups, {result['room_members']:,} memberships, {result['orders']:,} orders,"
             f" {result['campaign_posts']:,} campaign posts, {result['events']:,} events"
             + (f" (built in {result['build_seconds']:.0f} s)" if result["build_seconds"] else "")]
    lines += [f"  {name:30} median {t['median'] * 1000:7.1f} ms (CPU {t['cpu_median'] * 1000:6.1f} ms),"
              f" slowest {t['slowest'] * 1000:7.1f} ms, first {t['first'] * 1000:7.1f} ms"
              for name, t in result["timings"].items()]
    lines.append(f"  load average during the run: {result['load']:.1f} on {result['cores']} cores")
    lines.append(f"  peak memory {result['peak_rss_mb']:.0f} MB; the first answer:")
    lines += [f"    {line}" for line in result["first_answer"].splitlines()]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=2_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--store", type=Path, help="keep the store built here, or time the one already here")
    options = parser.parse_args()
    print(report(run(options.rooms, options.members, options.orders, options.messages, options.store)))

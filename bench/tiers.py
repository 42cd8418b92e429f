"""How long the tier recompute and the order import take on a big shop's store.

Builds a store of 100,000 members in 1,000 groups, 1,000,000 orders and the activity of 5,000,000 group messages,
then times a full recompute of every tier (the nightly job, or /tiers refresh) and the import of an export of
100,000 orders. Activity is written as the per member, day and group counts that count_activity keeps, which is
all the recompute reads: 5,000,000 messages folded into those rows, not 5,000,000 events.

    python bench/tiers.py [--members N] [--orders N] [--messages N] [--import-rows N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
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
from core.store import open_store  # noqa: E402
from handlers.tiers import recompute, tell_changes  # noqa: E402
from imports.orders import read_orders, save_orders  # noqa: E402

NOW = dt.datetime(2026, 11, 25, 3, 30)
ROOMS = 1_000
BATCH = 50_000


def build_store(db, members: int, orders: int, messages: int, rng: random.Random) -> None:
    ids = [f"wxid_m{n}" for n in range(members)]
    db["rooms"].insert_all(({"id": f"{n}@chatroom", "topic": f"会员群{n}"} for n in range(ROOMS)), batch_size=BATCH)
    db["contacts"].insert_all(({"id": c, "name": f"会员{n}"} for n, c in enumerate(ids)), batch_size=BATCH)
    db["room_members"].insert_all(
        ({"room": f"{n % ROOMS}@chatroom", "contact": c, "joined_at": "2026-01-01T00:00:00"} for n, c in enumerate(ids)),
        batch_size=BATCH,
    )
    start = NOW - dt.timedelta(days=120)

    def order_rows():
        for n in range(orders):
            buyer = rng.randrange(members)
            by_name = rng.random() < 0.2
            yield (f"O{n:08d}", to_db(start + dt.timedelta(minutes=rng.randrange(120 * 24 * 60))),
                   None if by_name else ids[buyer], f"会员{buyer}", rng.choice((39.0, 99.0, 129.5, 299.0)),
                   "已完成" if rng.random() > 0.03 else "已退款", 1, "import", to_db(NOW))

    db.conn.executemany(
        "INSERT INTO orders (id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", order_rows())
    db.execute("UPDATE orders SET counts = 0 WHERE status = '已退款'")
    # Activity of the last 60 days: about 50 messages a member, over the days they were active.
    per_row = 4
    def activity_rows():
        seen = set()
        for _ in range(messages // per_row):
            n = rng.randrange(members)
            key = (n, rng.randrange(60))
            if key not in seen:
                seen.add(key)
                yield (ids[n], (NOW.date() - dt.timedelta(days=key[1])).isoformat(), f"{n % ROOMS}@chatroom", per_row)

    db.conn.executemany("INSERT INTO activity (contact, day, room, messages) VALUES (?, ?, ?, ?)", activity_rows())
    db.conn.commit()


def write_export(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["订单号", "下单时间", "买家昵称", "买家微信号", "实付金额", "订单状态"])
        for n in range(rows):
            placed = NOW - dt.timedelta(minutes=rng.randrange(90 * 24 * 60))
            writer.writerow([f"N{n:08d}", placed.strftime("%Y-%m-%d %H:%M:%S"), f"会员{n}", f"wxid_m{n}",
                             f"{rng.choice((39, 99, 129.5)):.2f}", "已完成"])


def run(members: int = 100_000, orders: int = 1_000_000, messages: int = 5_000_000, import_rows: int = 100_000) -> dict:
    rng = random.Random(11)
    config = load_config().with_owners(["wxid_owner"])
    # all the bench's groups are the shop's, so that their activity counts
    config = config.model_copy(update={"tiers": config.tiers.model_copy(
        update={"vip_rooms": [], "regular_rooms": [f"会员群{n}" for n in range(ROOMS)]})})
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        db = open_store(Path(scratch) / "store.db")
        began = time.perf_counter()
        build_store(db, members, orders, messages, rng)
        built = time.perf_counter() - began
        activity_rows = db.execute("SELECT count(*) FROM activity").fetchone()[0]
        assistant = Assistant(config, db, VirtualClock(NOW.replace(tzinfo=config.tz), config.tz), features.load())
        began = time.perf_counter()
        with db.atomic():
            first = _recompute_and_tell(Context(assistant))
        first_seconds = time.perf_counter() - began
        began = time.perf_counter()
        with db.atomic():
            _recompute_and_tell(Context(assistant))
        again_seconds = time.perf_counter() - began
        vips = db.execute("SELECT count(*) FROM member_tiers WHERE tier = 'vip'").fetchone()[0]
        export = Path(scratch) / "export.csv"
        write_export(export, import_rows, rng)
        began = time.perf_counter()
        read = read_orders(export, config)
        save_orders(db, read.orders, config, NOW.replace(tzinfo=config.tz))
        import_seconds = time.perf_counter() - began
        db.close()
    return {
        "bench": "tiers", "members": members, "orders": orders, "messages": messages, "activity_rows": activity_rows,
        "build_seconds": built, "recompute_first_seconds": first_seconds, "recompute_again_seconds": again_seconds,
        "vips": vips, "first_changes": first, "import_rows": import_rows, "import_seconds": import_seconds,
        "import_rows_per_second": import_rows / import_seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _recompute_and_tell(ctx: Context) -> dict:
    """What the nightly job does: the recompute, then the owner's tier_change message."""
    changes = recompute(ctx)
    tell_changes(ctx, changes)
    return {kind: len(people) for kind, people in changes.items()}


def report(result: dict) -> str:
    return "\n".join([
        f"tiers: {result['members']} members, {result['orders']} orders, {result['messages']} messages"
        f" ({result['activity_rows']} activity rows; store built in {result['build_seconds']:.0f} s)",
        f"  recompute  {result['recompute_first_seconds']:6.2f} s first run ({result['vips']} VIPs),"
        f" {result['recompute_again_seconds']:.2f} s the night after   (goal < 5 s)",
        f"  import     {result['import_rows_per_second']:8.0f} rows/s ({result['import_rows']} rows in"
        f" {result['import_seconds']:.2f} s, read, checked and written)   (goal > 20,000 rows/s)",
        f"  peak memory {result['peak_rss_mb']:.0f} MB   (goal < 300 MB)",
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    options = parser.parse_args()
    print(report(run(options.members, options.orders, options.messages, options.import_rows)))

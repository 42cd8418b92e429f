"""How long a month of campaigns takes to plan and to play, on 2,000 groups.

The shop has 2,000 groups (200 of them VIP groups), the weekly flash sale, the monthly member day, weekly light
content and a weekly live notice. Planning is the bot's start: config's campaigns brought into the store and their
timers set. The month is then replayed on the virtual clock through the real outbox, at its real pace (6 posts a
minute): the figures say how long that takes to compute, how many posts went out, and how many had to move to a
later window because 2,000 groups do not fit in two hours at that pace.

    python bench/campaigns.py [--rooms N] [--days N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import features  # noqa: E402
from core.assistant import Assistant  # noqa: E402
from core.clock import VirtualClock  # noqa: E402
from core.config import load_config  # noqa: E402
from core.events import Login, Message, RoomSeen  # noqa: E402
from core.store import open_store  # noqa: E402
from transports.replay import replay  # noqa: E402

OWNER = "wxid_owner"
START = dt.datetime(2026, 11, 30, 9, 0)
VIP_SHARE = 10  # one group in ten is a VIP group


def run(rooms: int = 2_000, days: int = 31) -> dict:
    config = load_config().with_owners([OWNER])
    topics = [f"{'VIP' if n % VIP_SHARE == 0 else '会员'}群{n}" for n in range(rooms)]
    config = config.model_copy(update={"tiers": config.tiers.model_copy(update={
        "vip_rooms": [t for t in topics if t.startswith("VIP")], "regular_rooms": [t for t in topics if not t.startswith("VIP")]})})
    start = START.replace(tzinfo=config.tz)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        db = open_store(Path(scratch) / "store.db")
        clock = VirtualClock(start, config.tz)
        began = time.perf_counter()
        assistant = Assistant(config, db, clock, features.load(), seed=1)
        planning = time.perf_counter() - began
        setup = [Login("wxid_bot", "小店助手")] + [RoomSeen(f"{n}@chatroom", t, (OWNER,)) for n, t in enumerate(topics)]
        assistant.handle_many(setup)
        commands = ["/campaign add 轻内容 周三 12:30 降温了，围巾的三种系法", "/campaign add 直播 周六 15:30 冬季新品试穿"]
        timeline = [(start, Message(OWNER, text)) for text in commands]
        out = io.StringIO()
        began = time.perf_counter()
        asyncio.run(replay(assistant, clock, timeline, start + dt.timedelta(days=days), out))
        month = time.perf_counter() - began
        sent = [json.loads(line) for line in out.getvalue().splitlines()]
        expired = db.execute("SELECT count(*) FROM outbox WHERE status = 'expired'").fetchone()[0]
        db.close()
    kinds = Counter(m["kind"] for m in sent)
    return {
        "bench": "campaigns", "rooms": rooms, "days": days, "planning_seconds": planning, "month_seconds": month,
        "messages_sent": len(sent), "by_kind": dict(kinds), "expired": expired,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(result: dict) -> str:
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(result["by_kind"].items()))
    return "\n".join([
        f"campaigns: {result['rooms']} groups, {result['days']} days",
        f"  planning at start   {result['planning_seconds'] * 1000:8.1f} ms",
        f"  the month replayed  {result['month_seconds']:8.1f} s  ({result['messages_sent']} messages: {kinds};"
        f" {result['expired']} given up at a window's end)",
        f"  peak memory {result['peak_rss_mb']:.0f} MB",
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=31)
    options = parser.parse_args()
    print(report(run(options.rooms, options.days)))

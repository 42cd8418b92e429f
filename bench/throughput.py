"""How many messages a second the whole core takes, against what SQLite itself allows on the same file.

A shop with hundreds of groups sees bursts (a flash sale starting, a live stream). This pushes N mixed group
messages (chat, questions, complaints, admin commands) through Assistant.handle on a store of 1,000 rooms and
100,000 members, and times each one from event in to reply queued. The floor is a plain loop writing the same
number of rows to the same SQLite file, in the same journal mode, one transaction per row: the ratio says how
much of the bot's time is its own rather than the disk's.

The aged run does the same on a store with a year of history behind it (1,000,000 sent messages, 5,000,000
events), and also times the sends, whose pacing looks up the latest sends before each one; then it runs the
night's pruning ([store] retention_days) and reports how long it took, its longest batch (the write lock is held
that long), and the store's size before and after. The models are kept and read as `bot.py run` keeps them
(trained in a child process at a first start), so that the peak memory is a running bot's, not training's.

    python bench/throughput.py [--messages N] [--rooms R] [--members M] [--aged-sent N] [--aged-events N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot  # noqa: E402
import features  # noqa: E402
from core.assistant import Assistant  # noqa: E402
from core.clock import VirtualClock, to_db  # noqa: E402
from core.config import load_config  # noqa: E402
from core.events import Login, Message  # noqa: E402
from core.runner import MAX_BURST  # noqa: E402  (the largest group commit the live runner makes)
from core.store import open_store  # noqa: E402
from schedules.maintenance import PRUNING_KEY, QUIET_HOUR  # noqa: E402
from transports.replay import ReplayOutput  # noqa: E402

OWNER = "wxid_owner"
START = dt.datetime(2026, 11, 25, 10, 0)  # a Wednesday morning: working hours, so questions are watched
SPACING = dt.timedelta(milliseconds=20)  # virtual time between two messages: a busy burst
YEAR = dt.timedelta(days=365)
AGED_SENDS = 2_000  # sends timed on the aged store

# A burst as a busy group sees it: mostly chat, some questions, a few complaints, the odd owner command.
MIX = {"chat": 0.80, "questions": 0.14, "complaints": 0.05, "commands": 0.01}
CHAT = ["哈哈哈", "早上好", "今天的包裹收到啦", "这个颜色好看", "+1", "谢谢群主", "我也想要", "晚上直播几点开始"]
QUESTIONS = ["请问什么时候发货？", "这款还有货吗", "多少钱一件？", "快递几天能到？"]
COMPLAINTS = ["收到的杯子是碎的，太差了", "等了一个星期快递还没到，我要投诉", "发错货了，我要的是红色"]
COMMANDS = ["/status", "/complaints", "/help"]


def build_shop(db, rooms: int, members: int) -> list[tuple[str, str]]:
    """Fill the store with rooms and members, as months of running would; return (member, room) pairs."""
    now = to_db(START.replace(tzinfo=dt.timezone.utc))
    room_ids = [f"{n}@chatroom" for n in range(rooms)]
    db["rooms"].insert_all(({"id": r, "topic": f"会员群{n}"} for n, r in enumerate(room_ids)), batch_size=5_000)
    db["contacts"].insert_all(({"id": f"wxid_m{n}", "name": f"会员{n}"} for n in range(members)), batch_size=5_000)
    placement = [(f"wxid_m{n}", room_ids[n % rooms]) for n in range(members)]
    db["room_members"].insert_all(
        ({"room": room, "contact": member, "joined_at": now} for member, room in placement), batch_size=5_000
    )
    return placement


def mixed_messages(placement: list[tuple[str, str]], count: int, rng: random.Random) -> list[Message]:
    messages = []
    for _ in range(count):
        member, room = rng.choice(placement)
        roll = rng.random()
        if roll < MIX["chat"]:
            messages.append(Message(member, rng.choice(CHAT), room))
        elif roll < MIX["chat"] + MIX["questions"]:
            messages.append(Message(member, rng.choice(QUESTIONS), room))
        elif roll < 1 - MIX["commands"]:
            messages.append(Message(member, rng.choice(COMPLAINTS), room))
        else:
            messages.append(Message(OWNER, rng.choice(COMMANDS), room))
    return messages


def bench_bot(path: Path, rooms: int, members: int, count: int, burst: int) -> dict:
    """Handle `count` messages `burst` at a time, one transaction per burst (1: one transaction per message).

    Latency is counted from the start of a message's burst to its commit: an upper bound for every message of it.
    """
    config = load_config().with_owners([OWNER])
    db = open_store(path)
    placement = build_shop(db, rooms, members)
    clock = VirtualClock(START.replace(tzinfo=config.tz), config.tz)
    assistant = Assistant(config, db, clock, features.load(), seed=1)
    assistant.handle(Login("wxid_bot", "小店助手"))
    messages = mixed_messages(placement, count, random.Random(7))
    queued_before = assistant.outbox.queued_count()
    latencies = []
    started = time.perf_counter()
    for first in range(0, count, burst):
        batch = messages[first : first + burst]
        clock.set(clock.now() + SPACING * len(batch))
        began = time.perf_counter()
        assistant.fire_due_timers()
        assistant.handle_many(batch)
        latencies += [time.perf_counter() - began] * len(batch)
    elapsed = time.perf_counter() - started
    replies = assistant.outbox.queued_count() - queued_before
    db.close()
    latencies.sort()
    return {
        "burst": burst,
        "messages": count,
        "seconds": elapsed,
        "per_second": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "replies_queued": replies,
    }


def add_history(db, rooms: int, members: int, sent: int, events: int) -> None:
    """A year of history before START, generated inside SQLite (a recursive CTE): sent messages and raw events,
    spread evenly over the year, in time order as the bot would have written them."""
    start = START.replace(tzinfo=dt.timezone.utc) - YEAR
    moment = "strftime('%Y-%m-%dT%H:%M:%S', :start + n * :step, 'unixepoch') || '.000000+00:00'"
    numbers = "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < :count)"
    with db.atomic():
        db.execute(
            f"""{numbers} INSERT INTO outbox (created_at, not_before, room, kind, text, status, sent_at, attempts,
            pause_seconds) SELECT {moment}, {moment}, (n % :rooms) || '@chatroom', 'command_reply', '好的，已为您登记',
            'sent', {moment}, 0, 4.0 FROM seq""",
            {"start": start.timestamp(), "step": YEAR.total_seconds() / sent, "count": sent, "rooms": rooms},
        )
        db.execute(
            f"""{numbers} INSERT INTO events (at, type, room, contact, text) SELECT {moment}, 'message',
            (n % :rooms) || '@chatroom', 'wxid_m' || (n % :members), '今天的包裹收到啦' FROM seq""",
            {"start": start.timestamp(), "step": YEAR.total_seconds() / events, "count": events, "rooms": rooms,
             "members": members},
        )


def store_mb(db) -> float:
    pages, page_size = (db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "page_size"))
    return pages * page_size / 1e6


def free_mb(db) -> float:
    return db.execute("PRAGMA freelist_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0] / 1e6


def bench_aged(path: Path, rooms: int, members: int, count: int, sent: int, events: int) -> dict:
    """Messages and sends on a store with a year behind it, then the night's pruning of that year."""
    config = load_config().with_owners([OWNER])
    db = open_store(path)
    placement = build_shop(db, rooms, members)
    started = time.perf_counter()
    add_history(db, rooms, members, sent, events)
    filled = time.perf_counter() - started
    size_before = store_mb(db)
    clock = VirtualClock(START.replace(tzinfo=config.tz), config.tz)
    assistant = Assistant(config, db, clock, features.load(), seed=1)
    assistant.handle(Login("wxid_bot", "小店助手"))
    handling = []
    for message in mixed_messages(placement, count, random.Random(7)):
        clock.set(clock.now() + SPACING)
        began = time.perf_counter()
        assistant.handle_many([message])
        handling.append(time.perf_counter() - began)
    output, sending = ReplayOutput(clock, io.StringIO()), []
    while len(sending) < AGED_SENDS and (next_send := assistant.outbox.next_send_time(clock.now())) is not None:
        clock.set(max(next_send, clock.now()))
        began = time.perf_counter()
        asyncio.run(assistant.send_due(output))
        sending.append(time.perf_counter() - began)
    pruning = prune_overnight(assistant, clock)
    result = {
        "messages": count, "history_sent": sent, "history_events": events, "fill_seconds": filled,
        "message_p99_ms": percentile(handling, 0.99) * 1000, "sends": len(sending),
        "send_p99_ms": percentile(sending, 0.99) * 1000, "store_mb_before": size_before,
        "store_mb_after": store_mb(db), "free_mb_after": free_mb(db), **pruning,
    }
    db.close()
    return result


def prune_overnight(assistant: Assistant, clock: VirtualClock) -> dict:
    """Run the clock to the next night's maintenance, then time each job until the pruning is done: each is one
    transaction, so its time is about how long the write lock is held."""
    night = (clock.now() + dt.timedelta(days=1)).replace(hour=QUIET_HOUR, minute=0, second=0, microsecond=0)
    while (wake := assistant.timers.next_due_at()) is not None and wake < night:
        clock.set(max(wake, clock.now()))
        assistant.fire_due_timers()
    left = {table: assistant.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("events", "outbox")}
    batches, moment = [], night
    while moment is not None:
        clock.set(moment)
        began = time.perf_counter()
        assistant.fire_due_timers()
        batches.append(time.perf_counter() - began)
        moment = pending.due_at if (pending := assistant.timers.get(PRUNING_KEY)) else None
    kept = {table: assistant.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in left}
    return {
        "pruned_rows": sum(left.values()) - sum(kept.values()), "pruning_batches": len(batches),
        "pruning_seconds": sum(batches), "pruning_p50_batch_ms": percentile(batches, 0.5) * 1000,
        "pruning_p99_batch_ms": percentile(batches, 0.99) * 1000, "pruning_max_batch_ms": max(batches) * 1000,
        "pruning_minutes_on_the_clock": (clock.now() - night).total_seconds() / 60,
    }


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def bench_floor(path: Path, count: int) -> dict:
    """The same number of rows, the same file and journal mode, one transaction each: SQLite's own pace."""
    db = open_store(path)
    db.execute("CREATE TABLE floor (id INTEGER PRIMARY KEY, at TEXT, room TEXT, contact TEXT, text TEXT)")
    conn = db.conn
    started = time.perf_counter()
    for n in range(count):
        with db.atomic():
            conn.execute("INSERT INTO floor (at, room, contact, text) VALUES (?, ?, ?, ?)", ("t", "r", f"c{n}", "x"))
    elapsed = time.perf_counter() - started
    db.close()
    return {"rows": count, "seconds": elapsed, "per_second": count / elapsed}


def run(
    messages: int = 20_000, rooms: int = 1_000, members: int = 100_000, bursts: tuple[int, ...] = (1, MAX_BURST),
    aged_sent: int = 1_000_000, aged_events: int = 5_000_000,
) -> dict:
    bot.keep_models(None, say_when_training=True)  # as `bot.py run` does: trained apart at a first start, then read
    bots = []
    for burst in bursts:
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            bots.append(bench_bot(Path(scratch) / "store.db", rooms, members, messages, burst))
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        path = Path(scratch) / "store.db"
        build_shop(open_store(path), rooms, members)  # the same file size and mode as the bot's
        floor = bench_floor(path, messages)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        aged = bench_aged(Path(scratch) / "store.db", rooms, members, messages, aged_sent, aged_events)
    for figures in bots:
        figures["ratio_to_floor"] = figures["per_second"] / floor["per_second"]
    return {
        "bench": "throughput",
        "rooms": rooms,
        "members": members,
        "bot": bots,
        "floor": floor,
        "aged": aged,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(result: dict) -> str:
    floor = result["floor"]
    lines = [f"throughput: {result['rooms']} rooms, {result['members']} members, {floor['rows']} messages"]
    for figures in result["bot"]:
        mode = "one transaction a message" if figures["burst"] == 1 else f"group commit of {figures['burst']}"
        lines.append(
            f"  bot    {figures['per_second']:>8.0f} msg/s  {figures['ratio_to_floor']:>5.0%} of floor"
            f"  p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:6.2f} ms  ({mode}; {figures['replies_queued']} replies queued)"
        )
    lines.append(f"  floor  {floor['per_second']:>8.0f} rows/s (plain inserts, one transaction a row, same file and mode)")
    aged = result["aged"]
    lines.append(
        f"  aged   a year of history ({aged['history_sent']:,} sent, {aged['history_events']:,} events; made in"
        f" {aged['fill_seconds']:.0f} s): message p99 {aged['message_p99_ms']:.2f} ms,"
        f" send p99 {aged['send_p99_ms']:.2f} ms ({aged['sends']} sends)"
    )
    lines.append(
        f"  prune  {aged['pruned_rows']:,} rows in {aged['pruning_seconds']:.1f} s of work over"
        f" {aged['pruning_batches']} batches ({aged['pruning_minutes_on_the_clock']:.0f} min on the clock); a batch,"
        f" commit and WAL checkpoint included: p50 {aged['pruning_p50_batch_ms']:.1f} ms,"
        f" p99 {aged['pruning_p99_batch_ms']:.1f} ms, longest {aged['pruning_max_batch_ms']:.1f} ms;"
        f" store {aged['store_mb_before']:.0f} MB before,"
        f" {aged['store_mb_after']:.0f} MB after ({aged['free_mb_after']:.0f} MB of it free pages, reused by new rows)"
    )
    lines.append(
        f"  goals: >= 50% of floor, p99 < 20 ms (aged store too), pruning batches < 50 ms, memory < 200 MB;"
        f" peak memory {result['peak_rss_mb']:.0f} MB"
    )
    return "\n".join(lines)


def positive(value: str) -> int:
    """argparse type: every size of the bench divides by itself somewhere, so 0 is refused up front."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=positive, default=20_000)
    parser.add_argument("--rooms", type=positive, default=1_000)
    parser.add_argument("--members", type=positive, default=100_000)
    parser.add_argument("--aged-sent", type=positive, default=1_000_000)
    parser.add_argument("--aged-events", type=positive, default=5_000_000)
    options = parser.parse_args()
    print(report(run(options.messages, options.rooms, options.members, aged_sent=options.aged_sent,
                     aged_events=options.aged_events)))

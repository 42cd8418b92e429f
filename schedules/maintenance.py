"""Nightly care of the store, so that a bot left running for months keeps its queries quick and its file bounded.

At 04:00 the history older than [store] retention_days goes: the raw event log (`events`, kept for inquiry only;
activity and tiers have their own tables) and the outbox's finished messages (sent, expired, uncertain, refused;
never one still queued), then the pictures of media/ kept before then that nothing uses any more (core/history.py,
core/media.py). Orders, complaints, tier history, coupons and campaign posts are the shop's records and
are kept. Then SQLite's planner statistics are brought up to date (PRAGMA optimize). The WAL file needs no job:
SQLite checkpoints it by itself as it grows.

Deleting a year of history in one go would hold SQLite's write lock for seconds, and the bot answers nothing
meanwhile. So it goes in batches, each its own job and its own transaction, a quarter second apart, so that the bot
handles what arrived in between. Each batch is a span of row ids (old rows come first: ids grow with time), timed,
and the next span is sized for its DELETE to take about BATCH_SECONDS. The commit then writes the pages the
delete dirtied (scattered index pages, mostly), which takes about as long again, and now and then SQLite
checkpoints the WAL after it (bench/throughput.py): so the target is well under half of the 50 ms the write lock
may be held.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from apscheduler.triggers.cron import CronTrigger

from core import history
from core.clock import from_db, to_db
from core.context import Context
from core.registry import job, recurring

log = logging.getLogger(__name__)

QUIET_HOUR = 4
PRUNING_KEY = "store_pruning"
BATCH_SECONDS = 0.010
FIRST_SPAN, MIN_SPAN, MAX_SPAN = 1_000, 100, 200_000  # row ids per batch
BETWEEN_BATCHES = dt.timedelta(seconds=0.25)
ANALYSIS_LIMIT = 1_000  # rows PRAGMA optimize's ANALYZE reads per index: its time stays small on a big store


@recurring("store_maintenance", trigger=lambda config: CronTrigger(hour=QUIET_HOUR, minute=0, timezone=config.tz))
def maintain_store(ctx: Context, due_at: dt.datetime) -> None:
    days = ctx.config.store.retention_days
    if not days:  # 0: keep everything
        optimize(ctx)
        return
    before = to_db(ctx.now - dt.timedelta(days=days))
    prune_batch.schedule(ctx, ctx.now, key=PRUNING_KEY, before=before, table="events", after=0, span=FIRST_SPAN, deleted=0)


@job("store_pruning")
def prune_batch(ctx: Context, step: dict) -> None:
    """Delete one span of old rows, then come back shortly for the next; at the end, PRAGMA optimize."""
    table, after = step["table"], step["after"]
    while (first := history.first_old_row(ctx.db, table, after, step["before"])) is None:
        if table == history.TABLES[-1]:
            log.info("pruned %d rows of history from before %s", step["deleted"], step["before"])
            history.prune_pictures(ctx.db, from_db(step["before"], ctx.config.tz))
            optimize(ctx)
            return
        table, after = history.TABLES[history.TABLES.index(table) + 1], 0
    span = step["span"]
    started = time.perf_counter()
    deleted = history.delete_span(ctx.db, table, first, span, step["before"])
    took = time.perf_counter() - started
    prune_batch.schedule(ctx, ctx.now + BETWEEN_BATCHES, key=PRUNING_KEY, before=step["before"], table=table,
                         after=first + span - 1, span=next_span(span, took), deleted=step["deleted"] + deleted)


def optimize(ctx: Context) -> None:
    ctx.db.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    ctx.db.execute("PRAGMA optimize")


def next_span(span: int, took: float) -> int:
    """The span that should take BATCH_SECONDS, going by the last one; at most doubled, at least quartered, since
    one batch's time is noisy (the disk, the page cache)."""
    wanted = span * BATCH_SECONDS / max(took, 1e-4)
    return int(min(MAX_SPAN, max(MIN_SPAN, span / 4, min(wanted, span * 2))))

"""Nightly care of the store, so that a bot left running for months keeps its queries quick.

SQLite's planner statistics only follow the data when asked to (PRAGMA optimize); a quiet hour of the night is
the time for it. The WAL file needs no job: SQLite checkpoints it by itself as it grows.
"""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.cron import CronTrigger

from core.context import Context
from core.registry import recurring

QUIET_HOUR = 4


@recurring("store_maintenance", trigger=lambda config: CronTrigger(hour=QUIET_HOUR, minute=0, timezone=config.tz))
def optimize_store(ctx: Context, due_at: dt.datetime) -> None:
    ctx.db.execute("PRAGMA optimize")

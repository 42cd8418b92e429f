"""Jobs that fall due at a time, kept in the store so that a restart forgets none of them.

Why not APScheduler's own scheduler loop: APScheduler 3 reads the wall clock itself (datetime.now in its scheduler
and executors), so a replay could not drive it on a virtual clock. The bot keeps due times here, in the same
SQLite store as everything else, and uses APScheduler's triggers for the calendar arithmetic of recurring jobs
(see core/registry.py). Each timer has a key: scheduling the same key again moves it instead of adding a twin.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.clock import from_db, to_db


@dataclass(frozen=True)
class Timer:
    """A job due at a time, with its payload, as stored; the key names it, for moving or cancelling it."""

    key: str
    job: str
    due_at: dt.datetime
    payload: dict


class Timers:
    """The store's timers table: the jobs that fall due, kept across restarts (see the top)."""

    def __init__(self, db: Database, tz: ZoneInfo):
        self.db = db
        self.tz = tz

    def schedule(self, key: str, job: str, due_at: dt.datetime, payload: dict | None = None) -> None:
        """Set the timer under `key`; one already there is moved, its job and payload replaced, never twinned."""
        self.db.execute(
            "INSERT INTO timers (key, job, due_at, payload) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET job = excluded.job, due_at = excluded.due_at, payload = excluded.payload",
            [key, job, to_db(due_at), json.dumps(payload or {}, ensure_ascii=False)],
        )

    def cancel_prefix(self, prefix: str) -> None:
        """Cancel every timer whose key starts with prefix (compared as text: ids hold '_', which LIKE would not)."""
        self.db.execute("DELETE FROM timers WHERE substr(key, 1, length(:p)) = :p", {"p": prefix})

    def get(self, key: str) -> Timer | None:
        """The timer under `key`, if one is set: whether a job waits, and when."""
        return next(iter(self._select("WHERE key = ?", [key], 1)), None)

    def next_due_at(self) -> dt.datetime | None:
        """When the earliest timer falls due (None: no timer): how long the live loop may sleep."""
        due_at = self.db.execute("SELECT min(due_at) FROM timers").fetchone()[0]
        return from_db(due_at, self.tz) if due_at else None

    def due(self, now: dt.datetime, limit: int = 20) -> list[Timer]:
        """The timers due by `now`, earliest first, at most `limit`: the caller fires them and asks again."""
        return self._select("WHERE due_at <= ?", [to_db(now)], limit)

    def _select(self, where: str, params: list, limit: int) -> list[Timer]:
        rows = self.db.query(f"SELECT * FROM timers {where} ORDER BY due_at, key LIMIT ?", [*params, limit])
        return [Timer(r["key"], r["job"], from_db(r["due_at"], self.tz), json.loads(r["payload"])) for r in rows]

    def remove(self, timer: Timer) -> None:
        """Remove a timer that has fired, unless its job already moved it to a later time under the same key."""
        self.db.execute("DELETE FROM timers WHERE key = ? AND due_at = ?", [timer.key, to_db(timer.due_at)])

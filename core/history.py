"""The store's history: the raw event log and the outbox's finished messages, and which of their old rows may go.

Both grow with every message for as long as the bot runs; neither is the shop's record (orders, complaints, tier
history, coupons and campaign posts are, and are kept). The nightly job (schedules/maintenance.py) decides when
and how fast; this module, beside the tables' writers in core/, decides what: never a message still queued.
"""

from __future__ import annotations

from sqlite_utils import Database

# Per table: the column that says how old a row is, and which rows may go at all.
PRUNED = {
    "events": ("at", "1"),
    "outbox": ("created_at", "status IN ('sent', 'expired', 'uncertain', 'refused')"),
}
TABLES = tuple(PRUNED)


def first_old_row(db: Database, table: str, after: int, before: str) -> int | None:
    """The first row id past `after`, if that row is older than the cut-off: past it, everything is recent
    (ids grow with time)."""
    column, _ = PRUNED[table]
    row = db.execute(f"SELECT rowid, {column} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1", [after]).fetchone()
    return row[0] if row and row[1] < before else None


def delete_span(db: Database, table: str, first: int, span: int, before: str) -> int:
    """Delete the rows that may go among ids first … first + span - 1; return how many went."""
    column, which = PRUNED[table]
    return db.execute(
        f"DELETE FROM {table} WHERE rowid >= ? AND rowid < ? AND {column} < ? AND {which}",
        [first, first + span, before],
    ).rowcount


def latest_message(db: Database, contact: str) -> tuple[str | None, str, str] | None:
    """What `contact` last wrote, in a group or in private, as (room, text, stored time); None when the log
    holds nothing of theirs (they never wrote, or it is older than the retention)."""
    return db.execute(
        "SELECT room, text, at FROM events WHERE contact = ? AND type = 'message' AND text IS NOT NULL"
        " ORDER BY at DESC, id DESC LIMIT 1",
        [contact],
    ).fetchone()


def joined_at(db: Database, room: str, contact: str) -> str | None:
    """When `contact` last joined `room` while the bot watched (a join event), as a stored time; None when the
    log holds no join (a member since before the bot, or one who joined while it was offline)."""
    row = db.execute(
        "SELECT max(at) FROM events WHERE contact = ? AND type = 'join' AND room = ?", [contact, room]
    ).fetchone()
    return row[0] if row else None

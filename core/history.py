"""The store's history: the raw event log and the outbox's finished messages, and which of their old rows may go;
and the pictures of the media folder, which go with them.

All grow with every message for as long as the bot runs; none is the shop's record (orders, complaints, tier
history, coupons and campaign posts are, and are kept). The nightly job (schedules/maintenance.py) decides when
and how fast; this module, beside the tables' writers in core/, decides what: never a message still queued, nor
a picture one waits to send or a feature holds (core/media.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from sqlite_utils import Database

from core import media
from core.clock import to_db

log = logging.getLogger(__name__)

# Per table: the column that says how old a row is, and which rows may go at all.
PRUNED = {
    "events": ("at", "1"),
    "outbox": ("created_at", "status IN ('sent', 'expired', 'uncertain', 'refused', 'withdrawn')"),
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


def prune_pictures(db: Database, before: dt.datetime) -> int:
    """Delete the media folder's pictures older than `before`, but those a queued message is to send and those a
    feature holds; return how many went."""
    folder = media.folder_of(db)
    if folder is None:
        return 0
    waiting = {row[0] for row in db.execute(
        "SELECT image FROM outbox WHERE status IN ('queued', 'sending') AND image IS NOT NULL")}
    deleted = media.prune(folder, before, waiting | media.held(db))
    log.info("pruned %d pictures kept before %s", deleted, before.isoformat())
    return deleted


def latest_message(db: Database, contact: str) -> tuple[str | None, str, str] | None:
    """What `contact` last wrote, in a group or in private, as (room, text, stored time); None when the log
    holds nothing of theirs (they never wrote, or it is older than the retention). Only messages with words: a
    picture or a voice message alone has none to quote or classify."""
    return db.execute(
        "SELECT room, text, at FROM events WHERE contact = ? AND type = 'message' AND text != ''"
        " ORDER BY at DESC, id DESC LIMIT 1",
        [contact],
    ).fetchone()


# A member's thread: what they wrote in the same chat in the half hour before a message, two lines at most. A
# thread's later line says what it is about only beside the one before it ("要么补个新的 要么退钱" six minutes after
# "折叠滤杯卡扣断的那个 昨天发了图 到现在没人回", held-out round 29), and a pitch is told over several lines ("我表弟开了
# 个摄影工作室", then "全家福 写真都拍 群里的优惠"). Shown under a complaint alert or question within half an hour rather
# than ten minutes, the readers' complaint messages on rounds 26 to 30 that the owner heard of nowhere else fell
# from 71 to 61 of 760 (`bench/held_out_week.py --readers N`), for no more questions.
THREAD_WITHIN, THREAD_LINES = dt.timedelta(minutes=30), 2


def thread_before(db: Database, contact: str, room: str | None, now: dt.datetime) -> list[str]:
    """What `contact` wrote in that chat (a group, or None: in private) within THREAD_WITHIN before the message
    being handled at `now`, which the log holds already: the latest THREAD_LINES of those with words, oldest first."""
    rows = db.execute(
        "SELECT text FROM events WHERE contact = ? AND room IS ? AND type = 'message' AND at >= ? AND text != ''"
        " ORDER BY at DESC, id DESC LIMIT ?",
        [contact, room, to_db(now - THREAD_WITHIN), THREAD_LINES + 1],
    ).fetchall()
    return [text for (text,) in reversed(rows[1:])]


# A logged message as a feature reads it: what it was (text messages are logged without a media) and its picture.
_MESSAGE_COLUMNS = ("id, room, text, at, coalesce(json_extract(data, '$.media'), 'text') AS media,"
                    " json_extract(data, '$.image') AS image")


def recent_messages(db: Database, contact: str, count: int) -> list[dict]:
    """The last `count` messages of `contact`, newest first, of any kind (a picture too): for the owner to point
    at one. Each: id (the log's), room, text, at (stored), media, image (a picture's kept file)."""
    return list(db.query(
        f"SELECT {_MESSAGE_COLUMNS} FROM events WHERE contact = ? AND type = 'message'"
        " ORDER BY at DESC, id DESC LIMIT ?",
        [contact, count],
    ))


def messages_by_id(db: Database, ids: list[int]) -> dict[int, dict]:
    """{id: message} of those of these log ids still kept, as recent_messages() gives them."""
    return {row["id"]: row for row in db.query(
        f"SELECT {_MESSAGE_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)],
    )}


def watched_before(db: Database, moment: str) -> bool:
    """Whether the log holds an event from before `moment` (a stored time): whether the bot watched the shop by
    then, as far as the log still goes back (core/history.py keeps its last months)."""
    return db.execute("SELECT 1 FROM events WHERE at < ? LIMIT 1", [moment]).fetchone() is not None


def joined_at(db: Database, room: str, contact: str) -> str | None:
    """When `contact` last joined `room` while the bot watched (a join event), as a stored time; None when the
    log holds no join (a member since before the bot, or one who joined while it was offline)."""
    row = db.execute(
        "SELECT max(at) FROM events WHERE contact = ? AND type = 'join' AND room = ?", [contact, room]
    ).fetchone()
    return row[0] if row else None


def writers(db: Database, spans: list[tuple[str, str, str]], leave_out: list[str]) -> int:
    """How many people wrote in a group within its span, (room, start, end) as stored, counted once across the
    spans; the people of `leave_out` (the owner, the bot) are not counted. One index range a span (room, at)."""
    return db.execute(
        """SELECT count(DISTINCT e.contact) FROM json_each(:spans) s CROSS JOIN events e
        ON e.room = s.value ->> 0 AND e.at >= s.value ->> 1 AND e.at < s.value ->> 2
        WHERE e.type = 'message' AND e.contact NOT IN (SELECT value FROM json_each(:leave_out))""",
        {"spans": json.dumps(spans), "leave_out": json.dumps(leave_out)},
    ).fetchone()[0]

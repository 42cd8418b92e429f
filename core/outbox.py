"""The one way out: every message the bot sends is queued here, in the store, and paced.

An account ban is this product's real outage, and WeChat bans accounts that post like machines. So messages leave
one at a time, in the order they were queued, no faster than the limits in config (one every few seconds to the
same chat, a random pause when switching chats, a ceiling per minute for the whole account). The pacing reads the
send times recorded in the store, so a restart or a long outage never ends in a burst.

Over the limit a message waits; it is never dropped, unless it carries an `expires_at` and can no longer go out
before it (the clock is past it, or the pacing would only let it go after it): then it is marked expired and
reported to the owner rather than sent late. Every message that does not go out (expired, uncertain after a
crash, refused by the backend) stays in the store, given up, for the owner's /skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.clock import from_db, to_db
from core.config import OutboxConfig

MAX_RETRY_DELAY = dt.timedelta(minutes=10)
GIVEN_UP = ("expired", "uncertain", "refused")
# Not a message: removing the member `to` from the group `room` (text empty). Queued like a message so that it is
# paced, kept across restarts and reported when WeChat refuses it; each transport acts on it in send().
REMOVE_MEMBER = "remove_member"

@dataclass(frozen=True)
class Outgoing:
    """A queued message as a transport sends it, and as the owner's report names it when it does not go out."""

    id: int
    room: str | None
    to: str | None  # the contact of a private chat, or the member addressed in a room
    kind: str
    text: str
    expires_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    about: str | None = None  # the beginning of the member's message this one answers, if it answers one
    image: str | None = None  # a picture in the media folder, sent right after the text (the text may be empty)


def _ceil_to_second(moment: dt.datetime) -> dt.datetime:
    return moment if not moment.microsecond else moment.replace(microsecond=0) + dt.timedelta(seconds=1)


class Outbox:
    """The queue every message leaves by (see the top): enqueued by the features, taken as the pacing allows,
    and marked with how its send ended."""

    def __init__(self, db: Database, limits: OutboxConfig, rng: random.Random, tz: ZoneInfo):
        self.db = db
        self.limits = limits
        self.rng = rng
        self.tz = tz

    def enqueue(
        self,
        *,
        now: dt.datetime,
        kind: str,
        text: str,
        room: str | None = None,
        to: str | None = None,
        expires_at: dt.datetime | None = None,
        about: str | None = None,
        broadcast: bool = False,
        image: str | None = None,
    ) -> int:
        """Queue a message; its id is returned so that a campaign post can record it. A broadcast (a campaign
        post) waits behind every answer to a person, queued before or after it. A picture goes with its text as
        one message: one place in the queue, one send in the pacing."""
        if not (room or to):
            raise ValueError("a message needs a room or a contact to go to")
        if not (text or image or kind == REMOVE_MEMBER):
            raise ValueError("a message needs a text or a picture")
        # Plain SQL: every reply passes here, and sqlite-utils' insert reads the table's schema each time.
        cursor = self.db.execute(
            "INSERT INTO outbox (created_at, not_before, expires_at, room, to_contact, kind, text, status, attempts,"
            " pause_seconds, about, broadcast, image) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)",
            [
                to_db(now),
                to_db(now),
                to_db(expires_at) if expires_at else None,
                room,
                to,
                kind,
                text,
                # Drawn now, not when sending, so that a seeded replay paces identically on every run.
                self.rng.uniform(*self.limits.switch_pause_seconds),
                about,
                int(broadcast),
                str(image) if image else None,
            ],
        )
        return cursor.lastrowid

    def sent_since(self, moment: dt.datetime) -> int:
        """How many messages went out since `moment`: /status's sends of the day."""
        return self.db.execute("SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?", [to_db(moment)]).fetchone()[0]

    def queued_count(self) -> int:
        """How many messages wait: what a campaign's fit and the drain at shutdown must allow for."""
        return self.db.execute("SELECT count(*) FROM outbox WHERE status = 'queued'").fetchone()[0]

    def _head(self) -> dict | None:
        # Conversation first, then broadcasts; each in the order queued (the index outbox_queue).
        rows = self.db.query("SELECT * FROM outbox WHERE status = 'queued' ORDER BY broadcast, id LIMIT 1")
        return next(rows, None)

    def _sent_times(self, limit: int, chat: str | None = None) -> list[tuple[dt.datetime, str]]:
        # Written to match the indexes outbox_sends and outbox_sends_by_chat (core/store.py), so that the lookup
        # reads a few index entries however long the sent history is.
        where = "status = 'sent'" + (" AND coalesce(room, to_contact) = :chat" if chat else "")
        rows = self.db.execute(
            f"SELECT sent_at, coalesce(room, to_contact) FROM outbox WHERE {where} ORDER BY sent_at DESC LIMIT :n",
            {"chat": chat, "n": limit},
        ).fetchall()
        return [(from_db(sent_at, self.tz), sent_chat) for sent_at, sent_chat in rows]

    def _earliest(self, row: dict) -> dt.datetime:
        """The first moment the pacing rules let this message go."""
        chat = row["room"] or row["to_contact"]
        earliest = from_db(row["not_before"], self.tz)
        recent = self._sent_times(self.limits.account_per_minute)
        if recent:
            last_at, last_chat = recent[0]
            gap = self.limits.per_chat_interval_seconds if last_chat == chat else row["pause_seconds"]
            earliest = max(earliest, last_at + dt.timedelta(seconds=gap))
        if len(recent) == self.limits.account_per_minute:
            earliest = max(earliest, recent[-1][0] + dt.timedelta(minutes=1))
        if same_chat := self._sent_times(1, chat):
            earliest = max(earliest, same_chat[0][0] + dt.timedelta(seconds=self.limits.per_chat_interval_seconds))
        return _ceil_to_second(earliest)

    def _deadline(self, row: dict) -> dt.datetime | None:
        return from_db(row["expires_at"], self.tz) if row["expires_at"] else None

    def next_send_time(self) -> dt.datetime | None:
        """When the next message may go, or when it must be given up; None when nothing waits."""
        row = self._head()
        if row is None:
            return None
        earliest, deadline = self._earliest(row), self._deadline(row)
        return min(earliest, deadline) if deadline else earliest

    def take_due(self, now: dt.datetime) -> tuple[Outgoing | None, list[Outgoing]]:
        """Return the message that may go now (marked as sending) and those given up on the way as too late.

        A message is given up when the clock has reached its deadline, or the pacing would only let it go at or
        after it: what counts is max(now, earliest), since after a restart the pacing's earliest lies in the past.
        The deadline itself is too late, as a window's end is outside the window.
        """
        expired = self.expire_overdue(now)
        while (row := self._head()) is not None:
            earliest, deadline = self._earliest(row), self._deadline(row)
            if deadline and max(now, earliest) >= deadline:
                self._give_up(row["id"], "expired")
                expired.append(self._outgoing(row))
                continue
            if earliest > now:
                return None, expired
            self.db.execute("UPDATE outbox SET status = 'sending' WHERE id = ?", [row["id"]])
            return self._outgoing(row), expired
        return None, expired

    def expire_overdue(self, now: dt.datetime) -> list[Outgoing]:
        """Give up every queued message whose deadline the clock has passed, wherever it is in the queue: after
        days down they are all found at once, and the owner gets one report rather than one per send."""
        # Through the index outbox_deadlines (the few overdue rows, sorted here): ORDER BY id in SQL would
        # make SQLite walk every queued message instead, before every send.
        rows = sorted(self.db.query(
            "SELECT * FROM outbox WHERE status = 'queued' AND expires_at <= ?", [to_db(now)]
        ), key=lambda row: row["id"])
        for row in rows:
            self._give_up(row["id"], "expired")
        return [self._outgoing(row) for row in rows]

    def mark_sent(self, message: Outgoing, now: dt.datetime) -> None:
        """Record that the transport sent the message: the pacing counts from its sent_at."""
        # Plain SQL, as on every send path here: sqlite-utils' update() reads the table's schema on each call
        # (bench/campaigns.py).
        self.db.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?", [to_db(now), message.id])

    def retry_later(self, message: Outgoing, now: dt.datetime) -> None:
        """The transport could not send: keep the message at the head, and back off before trying again."""
        attempts = self.db.execute("SELECT attempts FROM outbox WHERE id = ?", [message.id]).fetchone()[0] + 1
        delay = min(dt.timedelta(seconds=self.limits.retry_seconds * 2 ** (attempts - 1)), MAX_RETRY_DELAY)
        self.db.execute("UPDATE outbox SET status = 'queued', attempts = ?, not_before = ? WHERE id = ?",
                        [attempts, to_db(now + delay), message.id])

    def withdraw(self, *, kind: str, room: str, to: str) -> int:
        """Take back the queued messages of `kind` addressed to `to` in `room`, because what they say no longer
        holds (a welcome to a member who has left the group): 'withdrawn', neither sent nor reported as given up,
        since the owner has nothing to do about them. How many is returned, for the log."""
        return self.db.execute(
            "UPDATE outbox SET status = 'withdrawn' WHERE status = 'queued' AND kind = ? AND room = ? AND to_contact = ?",
            [kind, room, to],
        ).rowcount

    def give_up(self, message: Outgoing, why: str) -> None:
        """Mark a message taken for sending as not to be tried again: 'uncertain' or 'refused' (GIVEN_UP)."""
        self._give_up(message.id, why)

    def _give_up(self, message_id: int, status: str) -> None:
        self.db.execute("UPDATE outbox SET status = ? WHERE id = ?", [status, message_id])

    def given_up(self, *, limit: int, offset: int = 0) -> tuple[list[tuple[str, Outgoing]], int]:
        """A page of the messages that did not go out, newest first, each with why; and how many there are."""
        marks = ", ".join("?" * len(GIVEN_UP))
        rows = self.db.query(
            f"SELECT * FROM outbox WHERE status IN ({marks}) ORDER BY id DESC LIMIT ? OFFSET ?", [*GIVEN_UP, limit, offset]
        )
        page = [(row["status"], self._outgoing(row)) for row in rows]
        total = self.db.execute(f"SELECT count(*) FROM outbox WHERE status IN ({marks})", GIVEN_UP).fetchone()[0]
        return page, total

    def interrupted_sends(self) -> list[Outgoing]:
        """Messages a crash caught in the middle of sending: WeChat may or may not have delivered them.

        They are not sent again (a duplicate in a group is worse than asking the owner to check), but marked
        uncertain and returned, so that the owner is told.
        """
        interrupted = [self._outgoing(row) for row in self.db.query("SELECT * FROM outbox WHERE status = 'sending'")]
        for message in interrupted:
            self.give_up(message, "uncertain")
        return interrupted

    def _outgoing(self, row: dict) -> Outgoing:
        return Outgoing(
            row["id"], row["room"], row["to_contact"], row["kind"], row["text"], self._deadline(row),
            from_db(row["created_at"], self.tz), row["about"], row["image"],
        )

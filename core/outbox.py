"""The one way out: every message the bot sends is queued here, in the store, and paced.

An account ban is this product's real outage, and WeChat bans accounts that post like machines. So messages leave
one at a time, in the order they were queued, no faster than the limits in config (one every few seconds to the
same chat, a random pause when switching chats, a ceiling per minute for the whole account). The pacing reads the
send times recorded in the store, so a restart or a long outage never ends in a burst.

Over the limit a message waits in its lane (OWNER_REPLY … LIGHT below); it is never dropped, unless it carries an
`expires_at` and can no longer go out before it (the clock is past it, or the pacing would only let it go after it):
then it is marked expired and reported to the owner rather than sent late. Every message that does not go out
(expired, uncertain after a crash, refused by the backend) stays in the store, given up, for the owner's /skipped.

Beside the account, a message may go by a channel of its own (`channel`: a WeCom group robot, core/transport.py),
which has its own queue and its own limit (ROBOT_PER_MINUTE) and leaves the account's minute alone: a robot is an
official channel, with no account to ban. Sends to one chat keep their interval whichever channel they went by.

The pacing reads times the store recorded, which a clock set back (an NTP step, a run with --pretend-time on the
same store) can put in the future: a send recorded after now does not count, and a message held further ahead than
the bot ever holds one goes as if not held, so that the bot never waits for hours, or weeks, on a time yet to come.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core.clock import from_db, to_db
from core.config import ROBOT_TEXT_BYTES, OutboxConfig
from core.templates import TemplateProblem

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = dt.timedelta(minutes=10)
MAX_HOLD = dt.timedelta(hours=1)  # the furthest ahead the bot holds a message: a summary kept to one an hour
# A message held back (not_before ahead) steps aside until its time, rather than hold up the queue behind it; one
# backing off after a failed try keeps its place, since what follows would fail as well. A hold beyond MAX_HOLD is
# none (see the top).
HELD = "attempts = 0 AND not_before > :now AND not_before <= :horizon"
GIVEN_UP = ("expired", "uncertain", "refused")
# Not a message: removing the member `to` from the group `room` (text empty). Queued like a message so that it is
# paced, kept across restarts and reported when WeChat refuses it; each transport acts on it in send().
REMOVE_MEMBER = "remove_member"
# The queue's lanes, served in this order, each in the order queued: the owner, answered in private, must not wait
# behind anyone; then what is urgent to someone (a complaint acknowledged, the owner alerted); then conversation;
# then campaign posts to hundreds of groups, and last the light content nobody waits for.
OWNER_REPLY, URGENT, CONVERSATION, BROADCAST, LIGHT = range(1, 6)
# Before them all, and past the account's minute limit (the chat's own interval still holds): the one line telling the
# owner that their answer waits, when it does. Without it a full minute leaves them staring at a silent chat, and
# typing the command again; the Context sends one at most a minute (core/context.py).
NOTICE = 0
PUPPET = None  # the channel of the account itself
ROBOT_PER_MINUTE = 20  # WeCom's limit for one group robot, in its messages; a robot's channel counts its own only
_ANY = object()  # every channel: the interval between two sends to one chat


def lane_of(kind: str, *, room: str | None, to_owner: bool, broadcast: bool, answering: bool = False) -> int:
    """The lane a message queues in (see OWNER_REPLY …): `to_owner` when it goes to an owner in private,
    `answering` when it answers what that owner just typed (the alert `/是投诉 3` opens is its answer: behind the
    replies to the owner's next commands, it came after "已撤销投诉 #3")."""
    if kind == "light_content":
        return LIGHT
    if broadcast:
        return BROADCAST
    if to_owner and room is None:
        return OWNER_REPLY if kind == "command_reply" or answering else URGENT
    return URGENT if kind == "complaint_ack" else CONVERSATION


def robot_parts(text: str, image: str | None) -> int:
    """How many robot messages one outbox message makes at most: its text in pieces of ROBOT_TEXT_BYTES (cut
    between characters, each piece loses at most 3 bytes), then its picture."""
    size = len(text.encode())
    return -(-size // (ROBOT_TEXT_BYTES - 3)) + (1 if image else 0)


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
    channel: str | None = PUPPET  # how it goes: the account, or a WeCom group robot (core/transport.py)


# How a message that speaks of moments is worded: its template and variables, as of the moment given.
Render = Callable[[str, dict, dt.datetime], str]
MOMENT = "$moment"  # how a moment among a message's stored variables is marked


def _holds_a_moment(value: object) -> bool:
    if isinstance(value, dict):
        return any(map(_holds_a_moment, value.values()))
    if isinstance(value, list | tuple):
        return any(map(_holds_a_moment, value))
    return isinstance(value, dt.datetime)


def _stored_variables(variables: dict) -> str | None:
    """The variables as stored for rendering again, or None when none is a moment: then the text says nothing
    that ages, and stays as queued (and its variables, whatever they are, need not be kept)."""
    if not _holds_a_moment(variables):
        return None
    return json.dumps(variables, ensure_ascii=False, default=lambda moment: {MOMENT: to_db(moment)})


def _ceil_to_second(moment: dt.datetime) -> dt.datetime:
    return moment if not moment.microsecond else moment.replace(microsecond=0) + dt.timedelta(seconds=1)


class Outbox:
    """The queue every message leaves by (see the top): enqueued by the features, taken as the pacing allows,
    and marked with how its send ended."""

    def __init__(self, db: Database, limits: OutboxConfig, rng: random.Random, tz: ZoneInfo, render: Render):
        self.db = db
        self.limits = limits
        self.rng = rng
        self.tz = tz
        self.render = render

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
        lane: int = CONVERSATION,
        image: str | None = None,
        template: str | None = None,
        variables: dict | None = None,
        not_before: dt.datetime | None = None,
        channel: str | None = PUPPET,
    ) -> int:
        """Queue a message in its lane (lane_of); its id is returned so that a campaign post can record it. A
        picture goes with its text as one message: one place in the queue, one send in the pacing. Given the
        `template` and `variables` its text was rendered from, a message whose variables hold a moment is rendered
        again as it goes out (see the top). `not_before` holds it back, as a summary kept to one an hour."""
        if not (room or to):
            raise ValueError("a message needs a room or a contact to go to")
        if not (text or image or kind == REMOVE_MEMBER):
            raise ValueError("a message needs a text or a picture")
        # Plain SQL: every reply passes here, and sqlite-utils' insert reads the table's schema each time.
        cursor = self.db.execute(
            "INSERT INTO outbox (created_at, not_before, expires_at, room, to_contact, kind, text, status, attempts,"
            " pause_seconds, about, lane, image, template, variables, channel)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?)",
            [
                to_db(now),
                to_db(max(now, not_before) if not_before else now),
                to_db(expires_at) if expires_at else None,
                room,
                to,
                kind,
                text,
                # Drawn now, not when sending, so that a seeded replay paces identically on every run.
                self.rng.uniform(*self.limits.switch_pause_seconds),
                about,
                lane,
                str(image) if image else None,
                *self._renderable(template, variables),
                channel,
            ],
        )
        return cursor.lastrowid

    @staticmethod
    def _renderable(template: str | None, variables: dict | None) -> tuple[str | None, str | None]:
        stored = _stored_variables(variables) if template and variables else None
        return (template, stored) if stored else (None, None)

    def waiting(self, message_id: int) -> dict | None:
        """The variables of a message still queued, to add to them (a summary that grows while it waits); None
        once it has gone, or when it was not queued to be rendered again."""
        row = self.db.execute(
            "SELECT variables FROM outbox WHERE id = ? AND status = 'queued'", [message_id]
        ).fetchone()
        return self._loaded(row[0]) if row and row[0] else None

    def revise(self, message_id: int, text: str, template: str, variables: dict) -> bool:
        """Rewrite a message still queued, in place in the queue; False once it has gone."""
        return self.db.execute(
            "UPDATE outbox SET text = ?, template = ?, variables = ? WHERE id = ? AND status = 'queued'",
            [text, *self._renderable(template, variables), message_id],
        ).rowcount > 0

    def sent_at(self, message_id: int, now: dt.datetime) -> dt.datetime | None:
        """When a message went out, `now` if it is going out this moment; None while it waits, or if it never went."""
        row = self.db.execute("SELECT status, sent_at FROM outbox WHERE id = ?", [message_id]).fetchone()
        match row:
            case ("sent", sent_at):
                return from_db(sent_at, self.tz)
            case ("sending", _):
                return now
        return None

    def sent_moments(self, message_ids: list[int], now: dt.datetime) -> dict[int, str]:
        """{message: when it went out, as stored} of those of these messages that went (or go this moment: now):
        sent_at for thousands of messages at once, as a campaign's figures need them."""
        return dict(self.db.execute(
            "SELECT id, CASE status WHEN 'sent' THEN sent_at ELSE :now END FROM outbox"
            " WHERE id IN (SELECT value FROM json_each(:ids)) AND status IN ('sent', 'sending')",
            {"ids": json.dumps(message_ids), "now": to_db(now)},
        ).fetchall())

    def _loaded(self, stored: str) -> dict:
        return json.loads(stored, object_hook=lambda d: from_db(d[MOMENT], self.tz) if MOMENT in d else d)

    def _as_of(self, row: dict, now: dt.datetime) -> dict:
        """The row as it goes out: rendered again when it speaks of moments, and kept so (what was sent)."""
        if not row["variables"]:
            return row
        try:
            text = self.render(row["template"], self._loaded(row["variables"]), now)
        except TemplateProblem:  # a template edited since it was queued: the words of then beat no message at all
            log.exception("message %s could not be rendered again: sent as queued", row["id"])
            return row
        self.db.execute("UPDATE outbox SET text = ? WHERE id = ?", [text, row["id"]])
        return {**row, "text": text}

    def sent_since(self, moment: dt.datetime, *, until: dt.datetime | None = None, kind: str | None = None) -> int:
        """How many messages went out since `moment` (and before `until`), of one kind or all: /status's sends of
        the day, the week's answers of a feature for the weekly review."""
        return self.db.execute(
            """SELECT count(*) FROM outbox
            WHERE status = 'sent' AND sent_at >= ? AND sent_at < ? AND coalesce(kind = ?, 1)""",
            [to_db(moment), to_db(until) if until else "9999", kind]).fetchone()[0]

    def queued_count(self) -> int:
        """How many messages wait: what a campaign's fit and the drain at shutdown must allow for."""
        return self.db.execute("SELECT count(*) FROM outbox WHERE status = 'queued'").fetchone()[0]

    def _channels(self) -> list[str | None]:
        """The account's queue, then each robot's that holds a message (the index outbox_channels)."""
        robots = self.db.execute(
            "SELECT DISTINCT channel FROM outbox WHERE status = 'queued' AND channel IS NOT NULL").fetchall()
        return [PUPPET, *(channel for channel, in robots)]

    def _head(self, now: dt.datetime, channel: str | None = PUPPET) -> dict | None:
        # Lane by lane, each in the order queued (the index outbox_channels).
        rows = self.db.query(
            f"SELECT * FROM outbox WHERE status = 'queued' AND channel IS :channel AND NOT ({HELD})"
            " ORDER BY lane, id LIMIT 1",
            {**self._hold_bounds(now), "channel": channel},
        )
        return next(rows, None)

    def _held_until(self, now: dt.datetime) -> dt.datetime | None:
        # Through the index outbox_holds.
        until = self.db.execute(
            f"SELECT min(not_before) FROM outbox WHERE status = 'queued' AND {HELD}", self._hold_bounds(now)
        ).fetchone()[0]
        return from_db(until, self.tz) if until else None

    @staticmethod
    def _hold_bounds(now: dt.datetime) -> dict:
        return {"now": to_db(now), "horizon": to_db(now + MAX_HOLD)}

    def _sent_times(self, now: dt.datetime, limit: int, chat: str | None = None,
                    channel: object = PUPPET) -> list[tuple[dt.datetime, str]]:
        # Written to match the indexes outbox_sends_by_channel and outbox_sends_by_chat (core/store.py), so that
        # the lookup reads a few index entries however long the sent history is.
        where = ("status = 'sent'" + (" AND coalesce(room, to_contact) = :chat" if chat else "")
                 + (" AND channel IS :channel" if channel is not _ANY else "") + " AND sent_at <= :now")
        rows = self.db.execute(
            f"SELECT sent_at, coalesce(room, to_contact) FROM outbox WHERE {where} ORDER BY sent_at DESC LIMIT :n",
            {"chat": chat, "n": limit, "now": to_db(now), "channel": None if channel is _ANY else channel},
        ).fetchall()
        return [(from_db(sent_at, self.tz), sent_chat) for sent_at, sent_chat in rows]

    def _earliest(self, row: dict, now: dt.datetime) -> dt.datetime:
        """The first moment the pacing rules let this message go: never further from `now` than a minute's pace
        or MAX_HOLD, whatever times the store holds (see the top)."""
        chat = row["room"] or row["to_contact"]
        earliest = from_db(row["not_before"], self.tz)
        if earliest > now + MAX_HOLD:
            earliest = now
        if row["channel"] is not PUPPET:  # a robot: its own minute, no pause between chats
            if freed := self._robot_room(row, now):
                earliest = max(earliest, freed)
        elif recent := self._sent_times(now, self.limits.account_per_minute):
            last_at, last_chat = recent[0]
            gap = self.limits.per_chat_interval_seconds if last_chat == chat else row["pause_seconds"]
            earliest = max(earliest, last_at + dt.timedelta(seconds=gap))
            if len(recent) == self.limits.account_per_minute and row["lane"] != NOTICE:
                earliest = max(earliest, recent[-1][0] + dt.timedelta(minutes=1))
        if same_chat := self._sent_times(now, 1, chat, channel=_ANY):
            earliest = max(earliest, same_chat[0][0] + dt.timedelta(seconds=self.limits.per_chat_interval_seconds))
        return _ceil_to_second(earliest)

    def _robot_room(self, row: dict, now: dt.datetime) -> dt.datetime | None:
        """When the robot's minute has room for this message's parts (robot_parts), None when it has now: the sends
        of the last minute counted by theirs, the oldest leaving first."""
        rows = self.db.execute(
            "SELECT sent_at, text, image FROM outbox WHERE status = 'sent' AND channel = ? AND sent_at > ?"
            " AND sent_at <= ? ORDER BY sent_at DESC",
            [row["channel"], to_db(now - dt.timedelta(minutes=1)), to_db(now)],
        ).fetchall()
        used = sum(robot_parts(text, image) for _, text, image in rows)
        room = ROBOT_PER_MINUTE - robot_parts(row["text"], row["image"])
        freed = None
        for sent_at, text, image in reversed(rows):  # oldest first: each frees its parts a minute after it went
            if used <= room:
                break
            used -= robot_parts(text, image)
            freed = from_db(sent_at, self.tz) + dt.timedelta(minutes=1)
        return freed

    def _deadline(self, row: dict) -> dt.datetime | None:
        return from_db(row["expires_at"], self.tz) if row["expires_at"] else None

    def next_send_time(self, now: dt.datetime) -> dt.datetime | None:
        """When the next message may go (by any channel), or when it must be given up; None when nothing waits."""
        times = [self._next_on(channel, now) for channel in self._channels()] + [self._held_until(now)]
        return min((t for t in times if t), default=None)

    def _next_on(self, channel: str | None, now: dt.datetime) -> dt.datetime | None:
        row = self._head(now, channel)
        if row is None:
            return None
        earliest, deadline = self._earliest(row, now), self._deadline(row)
        return min(t for t in (earliest, deadline) if t)

    def estimated_sends(self, count: int, now: dt.datetime) -> list[dt.datetime]:
        """Roughly when the next `count` queued messages go: a figure for the owner (how long until the answer, how
        long the queue takes to drain), so rough on purpose: every gap is taken as the average pause between chats."""
        # the account's queue: what the owner's answers wait in
        first = min((t for t in (self._next_on(PUPPET, now), self._held_until(now)) if t), default=None)
        if first is None:
            return []
        limits = self.limits
        gap = dt.timedelta(seconds=max(limits.per_chat_interval_seconds, sum(limits.switch_pause_seconds) / 2))
        sends = sorted(sent_at for sent_at, _ in self._sent_times(now, limits.account_per_minute))
        already = len(sends)
        for n in range(count):
            at = max(first, sends[-1] + gap) if n else first
            if len(sends) >= limits.account_per_minute:  # no more than account_per_minute in any minute
                at = max(at, sends[-limits.account_per_minute] + dt.timedelta(minutes=1))
            sends.append(at)
        return sends[already:]

    def ahead_of(self, message_id: int) -> int:
        """How many queued messages go before this one: what the owner is told when their answer waits."""
        lane = self.db.execute("SELECT lane FROM outbox WHERE id = ?", [message_id]).fetchone()[0]
        return self.db.execute(
            "SELECT count(*) FROM outbox WHERE status = 'queued' AND (lane < :lane OR lane = :lane AND id < :id)",
            {"lane": lane, "id": message_id},
        ).fetchone()[0]

    def take_due(self, now: dt.datetime) -> tuple[Outgoing | None, list[Outgoing]]:
        """Return the message that may go now (marked as sending) and those given up on the way as too late.

        A message is given up when the clock has reached its deadline, or the pacing would only let it go at or
        after it: what counts is max(now, earliest), since after a restart the pacing's earliest lies in the past.
        The deadline itself is too late, as a window's end is outside the window.
        """
        expired = self.expire_overdue(now)
        for channel in self._channels():  # each channel's head in turn: a robot's limit holds up no one else
            while (row := self._head(now, channel)) is not None:
                earliest, deadline = self._earliest(row, now), self._deadline(row)
                if deadline and max(now, earliest) >= deadline:
                    self._give_up(row["id"], "expired")
                    expired.append(self._outgoing(row))
                    continue
                if earliest > now:
                    break
                self.db.execute("UPDATE outbox SET status = 'sending' WHERE id = ?", [row["id"]])
                return self._outgoing(self._as_of(row, now)), expired
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

    def retry_now(self, now: dt.datetime) -> None:
        """WeChat is back: what backed off while it could not be reached goes now, in its place, not at the end of
        a back-off that doubled all the while it was away."""
        self.db.execute("UPDATE outbox SET not_before = ? WHERE status = 'queued' AND attempts > 0 AND not_before > ?",
                        [to_db(now), to_db(now)])

    def withdraw(self, *, kind: str, room: str | None, to: str) -> int:
        """Take back the queued messages of `kind` addressed to `to` in `room`, because what they say no longer
        holds (a welcome to a member who has left the group): 'withdrawn', neither sent nor reported as given up,
        since the owner has nothing to do about them. How many is returned, for the log."""
        return self.db.execute(
            "UPDATE outbox SET status = 'withdrawn' WHERE status = 'queued' AND kind = ? AND room IS ? AND to_contact = ?",
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
            from_db(row["created_at"], self.tz), row["about"], row["image"], row["channel"],
        )

"""The core: takes events from a transport, hands them to the features, fires due jobs, and sends from the outbox.

It is synchronous and reads time only from its clock, so the live runner and the replay drive the very same code;
only how time passes differs. Each event or job is handled in one transaction together with what it queues, so
a crash leaves either all of its effects in the store or none of them.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import random
import sqlite3
import uuid
from collections.abc import Callable

from sqlite_utils import Database

from core import commands, media
from core.clock import Clock, from_db, to_db
from core.config import Config
from core.context import Context, render_message
from core.events import ContactSeen, Event, Join, Leave, Login, Logout, Message, RoomSeen, Tick
from core.outbox import REMOVE_MEMBER, Outbox, Outgoing
from core.registry import Handler, Registry
from core.store import disk_full, savepoint
from core.templates import TemplateProblem, Templates
from core.timers import Timer, Timers
from core.transport import (OWNER_ROBOT, ChannelGone, DeliveryUncertain, SendRefused, Transport, TransportUnavailable,
                            robot_group)
from core.given_up import report_given_up

log = logging.getLogger(__name__)

RECURRING_PREFIX = "recurring:"
ERROR_REPORTS = "error_reported"  # memo namespace, per feature: when the owner was last told it failed (keys as before)
ERROR_REPORT_EVERY = dt.timedelta(hours=1)
STORE_FULL_RETRY = dt.timedelta(minutes=1)  # how often a full disk is tried again: one failed write, cheap
STORE_FULL = "store_full"  # the notice of a full disk: sent past the outbox, which lives on that disk
ROBOTS_GONE = "robots_gone"  # memo namespace: the WeCom robots (channel and key) the owner was told to add again
EVENT_TYPES = {
    Login: "login", Logout: "logout", ContactSeen: "contact", RoomSeen: "room", Message: "message", Join: "join",
    Leave: "leave",
}


class Assistant:
    """One shop's bot: its config, its store, its clock, and the features it runs (a Registry: the core knows none)."""

    def __init__(
        self,
        config: Config,
        db: Database,
        clock: Clock,
        features: Registry,
        *,
        seed: int | None = None,
        templates: Templates | None = None,
    ):
        self.config = config
        self.features = features
        self.db = db
        self.clock = clock
        self.templates = templates or Templates()
        if problems := self.templates.check():
            raise TemplateProblem("templates/ 里的模板不能用：\n" + "\n".join(f"  - {p}" for p in problems))
        self.outbox = Outbox(db, config.outbox, random.Random(seed), config.tz,
                             functools.partial(render_message, self.templates))
        self.timers = Timers(db, config.tz)
        self.bot_id = self._stored_bot_id()  # known before the next login, so that its echoes are still ignored
        # Events taken from the transport while the disk was full: held here until the store takes them. Lost only
        # if the bot stops meanwhile, which the owner's notice warns of.
        self.unstored: list[Event] = []
        self._full_retry_at: dt.datetime | None = None  # set while the disk is full
        self._full_told = False
        # Where work that must not hold the loop runs (Context.off_loop): a worker thread when live (core/runner.py);
        # None runs it at once, as a replay's virtual clock wants: its steps take no time.
        self.off_loop: concurrent.futures.Executor | None = None
        self.off_loop_work: dict[str, concurrent.futures.Future] = {}
        # This run of the bot, in the stored connection state: "online" stored by an earlier run is not ours
        self._run = uuid.uuid4().hex
        with db.atomic():
            for feature in features.on_start:
                self._guarded(feature.run, Context(self))
            self._plan_recurring_jobs()
            # What a crash caught mid-send, and what expired while the bot was down: one report for both.
            interrupted, expired = self.outbox.interrupted_sends(), self.outbox.expire_overdue(self.clock.now())
            if interrupted or expired:
                self._report_to_owner(uncertain=interrupted, expired=expired)

    def _stored_bot_id(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'bot_id'").fetchone()
        return row[0] if row else None

    # Events in

    def handle(self, event: Event) -> None:
        """Take one event from the transport: its record, the directory's update and whatever the features
        queue are kept or undone together (a savepoint), so a crash never leaves half of it."""
        ctx = Context(self, event)
        with savepoint(self.db):
            if not isinstance(event, Tick):
                self._record(event, ctx.now)
            self._update_directory(event, ctx.now)
            # A picture not kept (the features still see it); a file not kept is for the feature that reads files.
            if isinstance(event, Message) and event.unreadable and event.media == "image":
                self._guarded(media.report_unreadable, ctx, event)
            match event:
                # The transports drop the bot's own messages echoed back. What still comes from the bot's account
                # was typed on the shop's phone: the shop speaking (features see it), but never a command.
                case Message(text=text, sender=sender) if sender != self.bot_id and (parsed := commands.parse(text)):
                    self._guarded(commands.run, ctx, event, *parsed)
                case Message():
                    self._call_each(self.features.on_message, ctx, event)
                case Join():
                    self._call_each(self.features.on_join, ctx, event)
                case Leave():
                    self._call_each(self.features.on_leave, ctx, event)
                case Login() | Logout():
                    self._call_each(self.features.on_connection, ctx, event)

    def handle_many(self, events: list[Event]) -> None:
        """Handle a burst of events in one transaction: group commit, one disk sync for all of them.

        Nothing is riskier than handling them one by one: the events were only in memory until now anyway, and
        each keeps its replies in the same transaction, so after a crash an event and what it queued are either
        both stored or both absent. One event that fails is undone alone (its savepoint) and logged. On a full
        disk the whole burst is undone and kept in memory, with those before it, until the store takes them.
        """
        self.unstored.extend(events)
        with self._unless_disk_full():
            with self.db.atomic():
                for event in self.unstored:
                    try:
                        self.handle(event)
                    except Exception as error:
                        if disk_full(error):
                            raise
                        log.exception("could not handle %r", event)
                if self._full_retry_at is not None:
                    log.warning("the disk has room again: %d events kept in memory are stored", len(self.unstored))
                    Context(self).tell_owner("store_notice", "store_resumed", kept=len(self.unstored))
            self.unstored, self._full_retry_at, self._full_told = [], None, False

    @contextlib.contextmanager
    def _unless_disk_full(self):
        """Around a write: a full disk is noted (the events in memory are tried again in STORE_FULL_RETRY, the
        owner told at the next send) instead of raised. SQLite has undone the write; nothing half-done stays."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if not disk_full(error):
                raise
            if self._full_retry_at is None:
                log.warning("the disk is full: %d events kept in memory until it has room", len(self.unstored))
            self._full_retry_at = self.clock.now() + STORE_FULL_RETRY

    def _record(self, event: Event, now: dt.datetime) -> None:
        # Plain SQL on the hot path: every message passes here (see bench/throughput.py).
        data = dict(vars(event))  # events are flat; asdict() would deep-copy each one
        room = data.pop("room", None)
        contact = data.pop("sender", None) or data.pop("contact", None) or data.get("id")
        text = data.pop("text", None)
        if data.get("media") == "text":
            del data["media"]
        extra = {key: value for key, value in data.items() if value}  # most messages have none: no JSON to write
        row = (to_db(now), EVENT_TYPES[type(event)], room, contact, text, json.dumps(extra, ensure_ascii=False) if extra else None)
        self.db.execute("INSERT INTO events (at, type, room, contact, text, data) VALUES (?, ?, ?, ?, ?, ?)", row)

    def _update_directory(self, event: Event, now: dt.datetime) -> None:
        """Keep who is who and who is in which room, for names in messages and for the features' queries."""
        match event:
            case Login(id=bot_id, name=name):
                self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bot_id', ?)", [bot_id])
                self.bot_id = bot_id
                self._name_contact(bot_id, name)
                self._record_connection(online=True, now=now)
                self.outbox.retry_now(now)
            case Logout():
                self._record_connection(online=False, now=now)
            case ContactSeen(id=contact, name=name):
                self._name_contact(contact, name)
            case RoomSeen(id=room, topic=topic, members=listed):
                self.db.execute("INSERT INTO rooms (id, topic) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET topic = excluded.topic", [room, topic])
                if listed:  # a full member list: whoever is not on it has left
                    marks = ",".join("?" * len(listed))
                    self.db.execute(f"DELETE FROM room_members WHERE room = ? AND contact NOT IN ({marks})", [room, *listed])
                    for contact in listed:
                        self._add_member(room, contact, now)
            case Message(sender=sender, room=room, sender_name=name):
                if name:
                    self._name_contact(sender, name)
                if room:  # a message in a room proves membership, whatever the transport told us before
                    self._add_member(room, sender, now)
            case Join(room=room, contact=contact, contact_name=name):
                if name:
                    self._name_contact(contact, name)
                self._add_member(room, contact, now)
            case Leave(room=room, contact=contact):
                self.db.execute("DELETE FROM room_members WHERE room = ? AND contact = ?", [room, contact])

    def _record_connection(self, *, online: bool, now: dt.datetime) -> None:
        """Meta 'connection': whether the account is online and since when (for /status), and in which run. A
        login while online in the same run (the service telling it again) keeps the moment it came online; the
        first login of a run starts afresh: the bot was down before it (a stop or a crash leaves "online" stored,
        with no logout to end it), and that outage must not hide behind the earlier run's moment."""
        known = self.connection()
        if known is None or known["online"] != online or (online and known["run"] != self._run):
            state = json.dumps({"online": online, "since": to_db(now), "run": self._run})
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('connection', ?)", [state])

    def connection(self) -> dict | None:
        """{"online": bool, "since": datetime, "run": str, "this_run": bool} as the transport last told, or None
        before any login. "this_run": told in this run; "online" told by an earlier run is no longer true (it
        stopped since), and says nothing of this one until its own login."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'connection'").fetchone()
        if row is None:
            return None
        state = json.loads(row[0])
        return {"online": bool(state["online"]), "since": from_db(state["since"], self.config.tz),
                "run": state.get("run"),  # stored before runs were told apart: none
                "this_run": state.get("run") == self._run}

    def _name_contact(self, contact: str, name: str) -> None:
        self.db.execute("INSERT INTO contacts (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name", [contact, name])

    def _add_member(self, room: str, contact: str, now: dt.datetime) -> None:
        added = self.db.execute(
            "INSERT OR IGNORE INTO room_members (room, contact, joined_at) VALUES (?, ?, ?)", [room, contact, to_db(now)]
        ).rowcount
        if added:  # a room is known once it has a member; most messages come from known members of known rooms
            self.db.execute("INSERT OR IGNORE INTO rooms (id) VALUES (?)", [room])

    def _call_each(self, handlers: list[Handler], ctx: Context, event: Event) -> None:
        """Call the handlers whose rule accepts the event, in order, until one says it has dealt with the event for
        good (returns True)."""
        for handler in handlers:
            if handler.rule is not None and not self._guarded(handler.rule, ctx, event, writes=False):
                continue
            if self._guarded(handler.run, ctx, event) is True:
                return

    def _guarded(self, feature: Callable, *args, writes: bool = True):
        """Run one feature in a savepoint: a failing feature is logged and undone, the others still run, and the
        owner hears of it (whatever it was about to say is lost with its savepoint). A rule only reads, so it has
        nothing to undo and runs without one: savepoints for every rule of every handler were over half the SQL
        statements a message cost (bench/throughput.py)."""
        try:
            with savepoint(self.db) if writes else contextlib.nullcontext():
                return feature(*args)
        except Exception as error:
            if disk_full(error):  # no feature's fault: the whole event waits for room (handle_many)
                raise
            # Named by the event (whose repr holds ids only) or the timer's key: never a command's words or a
            # timer's payload, which may hold what a member wrote (see core/logs.py).
            subject = args[1] if len(args) > 1 else None
            name = self._feature_name(feature, args)
            log.exception("%s failed on %r", name, getattr(subject, "key", subject))
            self._tell_owner_of_failure(name, subject)
            return None

    def _feature_name(self, feature: Callable, args: tuple) -> str:
        """The failing feature as a developer finds it in the code: a command, a job, or a module's function."""
        if feature is commands.run and (command := self.features.find_command(args[2])):
            return f"/{command.name}"
        if args and isinstance(args[-1], Timer):
            return f"job {args[-1].job}"
        return f"{getattr(feature, '__module__', '?')}.{getattr(feature, '__qualname__', feature)}"

    def _tell_owner_of_failure(self, name: str, about: object) -> None:
        """At most once an hour per feature: a broken feature fails on every message, and the owner needs to hear
        it once, in words, without a traceback or what a member wrote."""
        ctx = Context(self)
        reported = ctx.memo(ERROR_REPORTS)
        told = reported.get(name)
        if told and from_db(told, self.config.tz) > ctx.now - ERROR_REPORT_EVERY:
            return
        try:
            with savepoint(self.db):
                reported.set(name, to_db(ctx.now))
                ctx.tell_owner("error_report", "error_report", doing=_doing(ctx, about), feature=name)
        except Exception:
            log.exception("could not tell the owner that %s failed", name)

    # Jobs

    def _plan_recurring_jobs(self) -> None:
        """Give every recurring job a timer. A due time missed while the bot was down is kept (it fires at once);
        otherwise the next time is recomputed, so that a changed time in config takes effect."""
        now = self.clock.now()
        for name in self.features.recurring:
            planned = self.timers.get(RECURRING_PREFIX + name)
            if planned is None or planned.due_at > now:
                self._schedule_next(name, after=now)

    def _schedule_next(self, name: str, after: dt.datetime) -> None:
        trigger = self.features.recurring[name].trigger(self.config)
        # Strictly after: a virtual clock fires exactly on time, and the same moment must not come round again.
        next_at = trigger.get_next_fire_time(None, after + dt.timedelta(microseconds=1))
        if next_at is not None:
            self.timers.schedule(RECURRING_PREFIX + name, name, next_at)

    def fire_due_timers(self) -> None:
        """Run every job due by now, and those the jobs make due by now; each commits with its timer's
        removal, so that a crash neither loses nor repeats one. A recurring job gets its next time."""
        if self._full_retry_at is not None:
            if self.clock.now() < self._full_retry_at:
                return  # a job's writes would fail too: it stays due, and runs once the disk has room
            # The events kept in memory come first, as they came first; with the owner's notice that the disk has
            # room again, a write that tells whether it has.
            self.handle_many([])
            if self._full_retry_at is not None:
                return
        now = self.clock.now()
        with self._unless_disk_full():
            while due := self.timers.due(now):
                for timer in due:
                    with self.db.atomic():
                        self._guarded(self._run_timer, Context(self), timer)
                        self.timers.remove(timer)
                        if timer.key.startswith(RECURRING_PREFIX) and timer.job in self.features.recurring:
                            self._schedule_next(timer.job, after=max(now, timer.due_at))

    def _run_timer(self, ctx: Context, timer: Timer) -> None:
        if timer.key.startswith(RECURRING_PREFIX) and timer.job in self.features.recurring:
            self.features.recurring[timer.job].run(ctx, timer.due_at)
        elif timer.job in self.features.jobs:
            self.features.jobs[timer.job](ctx, timer.payload)
        else:
            log.warning("dropping timer %s: no feature handles job %r any more", timer.key, timer.job)

    # Messages out

    def next_wakeup(self) -> dt.datetime | None:
        """The next moment something is due: a job, or the outbox's next send."""
        now = self.clock.now()
        times = [t for t in (self.timers.next_due_at(), self.outbox.next_send_time(now), self._full_retry_at) if t]
        return min(times, default=None)

    async def send_due(self, transport: Transport) -> bool:
        """Send the outbox's next message if the pacing allows it now; True when one went out."""
        if self._full_retry_at is not None:
            await self._tell_owner_disk_full(transport)
            return False
        message = None
        with self._unless_disk_full():
            with self.db.atomic():
                message, expired = self.outbox.take_due(self.clock.now())
                if expired:
                    self._report_to_owner(expired=expired)
        if message is None:
            return False
        failure = None
        try:
            await transport.send(message)
        except (TransportUnavailable, DeliveryUncertain, SendRefused) as error:
            failure = error
        # Should the disk fill just now, the outcome goes unrecorded: the message stays 'sending', never sent again,
        # and is reported uncertain at the next start, as after a crash.
        with self._unless_disk_full():
            self._record_send(message, failure)
        return failure is None

    def _record_send(self, message: Outgoing, failure: Exception | None) -> None:
        """How the transport's send ended, in the outbox: sent, to retry, or given up."""
        match failure:
            case None:
                self.outbox.mark_sent(message, self.clock.now())
                if message.kind == REMOVE_MEMBER:  # out of the group: the directory hears it whether WeChat tells or not
                    self.handle(Leave(message.room, message.to))
            case TransportUnavailable():
                log.warning("could not send message %s (%s): will try again", message.id, failure)
                self.outbox.retry_later(message, self.clock.now())
            case DeliveryUncertain():  # it may or may not have gone out: the owner checks, it is not re-sent
                self._give_up(message, "uncertain", failure)
            case ChannelGone():
                self._give_up(message, "refused", failure)
                self._tell_owner_robot_gone(failure.channel)
            case SendRefused():
                self._give_up(message, "refused", failure)

    def _tell_owner_robot_gone(self, channel: str) -> None:
        """Once per robot key: the robot is gone from its group (or its key is wrong), and only the owner can add
        it again; every message for it is refused (and reported) until then."""
        wecom = self.config.wecom
        group = robot_group(channel)
        key = wecom.owner_robot if channel == OWNER_ROBOT else wecom.group_robots.get(group, "")
        told = Context(self).memo(ROBOTS_GONE)
        mark = f"{channel}:{hashlib.sha256(key.encode()).hexdigest()[:12]}"  # a new key that fails is told again
        if told.get(mark):
            return
        with self.db.atomic():
            told.set(mark, to_db(self.clock.now()))
            Context(self).tell_owner("robot_gone", "robot_gone", group=group)

    async def _tell_owner_disk_full(self, transport: Transport) -> None:
        """Once per full disk, straight through the transport: the outbox cannot queue anything on a full disk."""
        if self._full_told:
            return
        text = self.templates.render(STORE_FULL, self.clock.now(), waiting=len(self.unstored))
        try:
            for owner in self.config.owner.ids:
                await transport.send(Outgoing(0, None, owner, STORE_FULL, text))  # 0: no row of the outbox
        except (TransportUnavailable, DeliveryUncertain, SendRefused) as error:
            log.warning("could not tell the owner that the disk is full (%s): will try again", error)
            return
        self._full_told = True

    def _give_up(self, message: Outgoing, why: str, error: Exception) -> None:
        """A message that will not be tried again: marked, and told to the owner, in one transaction."""
        log.warning("message %s given up as %s (%s): telling the owner", message.id, why, error)
        with self.db.atomic():
            self.outbox.give_up(message, why)
            if message.kind == REMOVE_MEMBER and why == "refused":  # what to do is plain: remove them by hand
                ctx = Context(self)
                ctx.tell_owner("outbox_report", "remove_refused", topic=ctx.topic_of(message.room),
                               who=ctx.name_of(message.to))
            else:
                self._report_to_owner(**{why: [message]})

    def _report_to_owner(self, **given_up: list[Outgoing]) -> None:
        report_given_up(Context(self), **given_up)


def _doing(ctx: Context, about: object) -> str:
    """What the bot was doing, in the owner's words: where, never what anyone wrote."""
    match about:
        case Message(room=None):
            return "处理一条私聊消息"
        case Message(room=room):
            return f"处理“{ctx.topic_of(room)}”里的一条消息"
        case Join():
            return "处理新成员入群"
        case Leave():
            return "处理成员退群"
        case Timer():
            return "执行定时任务"
    return "启动"

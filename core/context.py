"""What a handler, command or job is given: the time, the config, the store, and the ways to speak.

Handlers speak only through here, so every message is rendered from a template, linted, and queued in the outbox.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from core import directory
from core.clock import from_db, to_db
from core.events import Message
from core.memo import Memo
from core.outbox import NOTICE, OWNER_REPLY, PUPPET, REMOVE_MEMBER, URGENT, Outgoing, lane_of
from core.transport import OWNER_ROBOT, RELAYED_WHILE_DOWN, group_robot
from core.text import excerpt, shown_name

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from core.assistant import Assistant
    from core.registry import Command
    from core.templates import Templates
    from core.timers import Timer

# How long a message stays worth sending when its caller gives no deadline of its own. An answer to a person goes
# stale: a complaint acknowledged days late, or an owner's /status from yesterday, is worse than the owner being
# told it was given up. Posts and notices to the owner carry none: late, they are still true.
DEFAULT_LIFETIMES = {
    "complaint_ack": dt.timedelta(minutes=30),
    "welcome": dt.timedelta(hours=1),
    "off_hours_reply": dt.timedelta(hours=1),  # its caller gives the next opening; this is for when none is known
    "command_reply": dt.timedelta(days=1),
}

OWNER_WAIT_SAID = dt.timedelta(seconds=15)  # an answer later than this, the owner is told it is coming
OWNER_WAIT_SAID_EVERY = dt.timedelta(minutes=1)
OWNER_WAITS = "owner_waits"  # memo namespace: for each owner, when they were last told their answer waits

MESSAGE_AT_MOST = 2000  # characters: a longer chat message is not read; long lists are paged (/vip 2, /skipped 2)
CUT_NOTE = "\n…（内容太长，后面的省略了）"


def render_message(templates: Templates, template: str, variables: dict, now: dt.datetime) -> str:
    """A message's text as of `now`, when queued and again when it goes out (core/outbox.py): a template that renders
    past MESSAGE_AT_MOST (a list someone forgot to page) is cut at a line, visibly, rather than sent as a wall of
    text; the log says which template, to page it properly."""
    text = templates.render(template, now, **variables)
    if len(text) <= MESSAGE_AT_MOST:
        return text
    log.warning("template %s rendered %d characters: cut to %d", template, len(text), MESSAGE_AT_MOST)
    room = MESSAGE_AT_MOST - len(CUT_NOTE)
    cut = text.rfind("\n", 0, room)
    return text[:cut if cut > room // 2 else room] + CUT_NOTE


class Context:
    """What a feature is given for one event or job: one fixed `now`, the config, the store, and its only
    ways to speak and to schedule."""

    def __init__(self, assistant: Assistant, event: object = None):
        self._assistant = assistant  # private: features speak through the methods below, never around them
        self.event = event
        self.config = assistant.config
        self.db = assistant.db
        self.now: dt.datetime = assistant.clock.now()

    def say(
        self,
        kind: str,
        template: str | None,
        /,
        *,
        room: str | None = None,
        to: str | None = None,
        expires_at: dt.datetime | None = None,
        about: str | None = None,
        broadcast: bool = False,
        image: str | None = None,
        not_before: dt.datetime | None = None,
        **variables,
    ) -> int:
        """Render `template` and queue it for a room (addressing `to` there, if given) or a private chat with `to`.

        `kind` names the feature that speaks (command_reply, welcome, …): it is what replay prints and what the
        owner's reports count. Without `expires_at`, the kind's lifetime in DEFAULT_LIFETIMES gives the deadline.
        `about` is what the message answers, for the owner's report should it not go out. A `broadcast` (a
        campaign post) lets every answer to a person go before it. `image`, a picture kept in the media folder
        (core/media.py), goes right after the text, as part of the same message; with no template it goes alone.
        The message queues in its lane (core/outbox.py: the owner's replies in private first); `not_before` holds it.
        Moments among the variables are said with the templates' time filters, as of when the message goes out.
        A broadcast to a group with a WeCom robot goes by the robot; running on robots alone ([transport] kind
        "wecom"), what goes to the owner in private goes to the owner robot; and while the account is offline, a
        complaint alert or reminder goes by the owner robot, marked as relayed (RELAYED_WHILE_DOWN).
        """
        text = render_message(self._assistant.templates, template, variables, self.now) if template else ""
        channel = self._channel(room, to, broadcast)
        if channel is PUPPET and self._relayed(kind, room, to):  # said now, by the owner robot, as it reads now
            channel, template, text = OWNER_ROBOT, None, self.render("relayed_by_robot", text=text)
        if expires_at is None and kind in DEFAULT_LIFETIMES:
            expires_at = self.now + DEFAULT_LIFETIMES[kind]
        answering = isinstance(self.event, Message) and self.event.sender == to  # what they typed, answered
        lane = lane_of(kind, room=room, to_owner=self.is_owner(to), broadcast=broadcast, answering=answering)
        message_id = self._assistant.outbox.enqueue(
            now=self.now, kind=kind, text=text, room=room, to=to, expires_at=expires_at, about=about, lane=lane,
            image=image, template=template, variables=variables, not_before=not_before,
            channel=channel,
        )
        if lane == OWNER_REPLY and channel is PUPPET:  # the account's pace is what an answer may wait for
            self._say_if_it_waits(message_id, to)
        return message_id

    def _channel(self, room: str | None, to: str | None, broadcast: bool) -> str | None:
        wecom = self.config.wecom
        if broadcast and room and (topic := directory.topic_of(self.db, room)) in wecom.group_robots:
            return group_robot(topic)
        if self._owner_by_robot() and room is None and self.is_owner(to):
            return OWNER_ROBOT
        return PUPPET

    def _relayed(self, kind: str, room: str | None, to: str | None) -> bool:
        """An alert the owner must have within the hour while the account is down: by the owner robot instead
        (the first owner's only: the robot's group is one chat)."""
        if kind not in RELAYED_WHILE_DOWN or room or to != self.config.owner.ids[0] or not self.config.wecom.owner_robot:
            return False
        connection = self.connection()
        return connection is not None and not connection["online"]

    def _owner_by_robot(self) -> bool:
        """Whether the owner hears everything through the owner robot: on robots alone, there is no account."""
        return self.config.transport.kind == "wecom" and bool(self.config.wecom.owner_robot)

    def tell_owner_robot(self, kind: str, template: str, /, **variables) -> int | None:
        """Tell the owner through the owner robot of [wecom] (a staff group in WeCom), beside the account: what
        must reach them when WeChat cannot. None, and nothing queued, when no owner robot is set."""
        if not self.config.wecom.owner_robot:
            return None
        text = render_message(self._assistant.templates, template, variables, self.now)
        return self._assistant.outbox.enqueue(
            now=self.now, kind=kind, text=text, to=self.config.owner.ids[0], lane=URGENT, template=template,
            variables=variables, channel=OWNER_ROBOT)

    def _say_if_it_waits(self, reply_id: int, owner: str) -> None:
        """An owner's answer that will wait more than a few seconds: tell them at once, and how long (NOTICE in
        core/outbox.py). Once a minute at most, however many commands they send."""
        outbox = self._assistant.outbox
        ahead = outbox.ahead_of(reply_id)
        goes_at = outbox.estimated_sends(ahead + 1, self.now)[-1]
        if goes_at - self.now <= OWNER_WAIT_SAID:
            return
        told = self.memo(OWNER_WAITS)
        if (last := told.get(owner)) and from_db(last, self.config.tz) > self.now - OWNER_WAIT_SAID_EVERY:
            return
        told.set(owner, to_db(self.now))
        seconds = int((goes_at - self.now).total_seconds())
        text = render_message(self._assistant.templates, "please_wait", {"ahead": ahead, "seconds": seconds}, self.now)
        outbox.enqueue(now=self.now, kind="please_wait", text=text, to=owner, lane=NOTICE)

    def revise(self, message_id: int, template: str, /, **variables) -> bool:
        """Reword a message this feature queued and that still waits, keeping its place; False once it has gone."""
        text = render_message(self._assistant.templates, template, variables, self.now)
        return self._assistant.outbox.revise(message_id, text, template, variables)

    def waiting(self, message_id: int) -> dict | None:
        """The variables of a message queued to be rendered again that still waits (core/outbox.py), else None."""
        return self._assistant.outbox.waiting(message_id)

    def remove_member(self, room: str, contact: str) -> int:
        """Queue the removal of `contact` from the group `room`: it leaves at the outbox's pace like a message, and
        the owner is told should WeChat refuse it (the account is not the group's owner or an admin)."""
        return self._assistant.outbox.enqueue(now=self.now, kind=REMOVE_MEMBER, text="", room=room, to=contact)

    def withdraw(self, kind: str, /, *, room: str | None, to: str) -> int:
        """Take back what this feature queued for `to` in `room` and no longer means to say (core/outbox.py)."""
        return self._assistant.outbox.withdraw(kind=kind, room=room, to=to)

    def reply(self, kind: str, template: str, /, **variables) -> int:
        """Answer the message being handled, where it was said: in its room addressing the sender, or in private."""
        message = self.event
        if not isinstance(message, Message):
            raise TypeError("reply() answers a message; use say() or tell_owner() elsewhere")
        return self.say(kind, template, room=message.room, to=message.sender, about=excerpt(message.shown), **variables)

    def find_command(self, word: str) -> Command | None:
        """The owner's command named `word` (or one of its aliases) among the features this bot runs."""
        return self._assistant.features.find_command(word)

    def commands(self) -> list[Command]:
        """Every command of this bot, by name: what /help lists."""
        return sorted(self._assistant.features.commands.values(), key=lambda command: command.name)

    def in_private(self) -> Context:
        """The same moment and message, answered in a private chat with its sender rather than where it was said:
        how an owner's command typed in a group is answered, since replies about members never go into a group."""
        message = self.event
        if not isinstance(message, Message):
            raise TypeError("in_private() answers a message")
        return Context(self._assistant, dataclasses.replace(message, room=None))

    def tell_owner(self, kind: str, template: str, /, **variables) -> None:
        """Tell every owner, in private (through the owner robot's group, once, when running on robots alone)."""
        owners = self.config.owner.ids
        for owner in owners[:1] if self._owner_by_robot() else owners:
            self.say(kind, template, to=owner, **variables)

    def schedule(self, key: str, job: str, at: dt.datetime, /, **payload) -> None:
        """The timer under a job's handle: features write `that_job.schedule(ctx, at, key=…)` (core/registry.py)."""
        self._assistant.timers.schedule(key, job, at, payload)

    def is_scheduled(self, key: str) -> bool:
        """Whether a job waits under `key`: in a burst (joins, questions) the first timer stays, not moved."""
        return self._assistant.timers.get(key) is not None

    def timer(self, key: str) -> Timer | None:
        """The job scheduled under `key`, with its due time and payload, if there is one."""
        return self._assistant.timers.get(key)

    def off_loop(self, key: str, work: Callable, /, *args) -> concurrent.futures.Future:
        """`work(*args)` run away from the bot's loop, under `key` (the same one while it runs, or until
        forget_off_loop): in a worker thread when live, so that reading a big file holds no other message; at once
        on a replay's virtual clock. The work must not touch the store, which the loop's thread owns: a job asks
        for its result again until it is done (handlers/order_files.py)."""
        assistant = self._assistant
        if key not in assistant.off_loop_work:
            if assistant.off_loop is not None:
                assistant.off_loop_work[key] = assistant.off_loop.submit(work, *args)
            else:
                done: concurrent.futures.Future = concurrent.futures.Future()
                try:
                    done.set_result(work(*args))
                except Exception as error:
                    done.set_exception(error)
                assistant.off_loop_work[key] = done
        return assistant.off_loop_work[key]

    def forget_off_loop(self, key: str) -> concurrent.futures.Future | None:
        """Let go of the work under `key` (its result, once read): the next off_loop under it starts afresh. The
        work let go, if there was any: none after a restart."""
        return self._assistant.off_loop_work.pop(key, None)

    def render(self, template: str, /, **variables) -> str:
        """A template's text without sending it: what a preview shows."""
        return self._assistant.templates.render(template, self.now, **variables)

    def queued_count(self) -> int:
        """How many messages wait in the outbox: what a campaign's fit estimate must leave room for."""
        return self._assistant.outbox.queued_count()

    def next_send_time(self) -> dt.datetime | None:
        """When the outbox's next message may go, or None when nothing waits: for /status."""
        return self._assistant.outbox.next_send_time(self.now)

    def sent_at(self, message_id: int) -> dt.datetime | None:
        """When a message this feature queued went out (now, if it is going); None while it waits, or if it never
        did."""
        return self._assistant.outbox.sent_at(message_id, self.now)

    def sent_moments(self, message_ids: list[int]) -> dict[int, str]:
        """sent_at for many messages at once: {message: when it went, as stored (core.clock.to_db)}, those that
        went only."""
        return self._assistant.outbox.sent_moments(message_ids, self.now)

    def sent_since(self, moment: dt.datetime, *, until: dt.datetime | None = None, kind: str | None = None) -> int:
        """How many messages the bot has sent since `moment` (and before `until`), of one kind or all."""
        return self._assistant.outbox.sent_since(moment, until=until, kind=kind)

    def given_up(self, *, limit: int, offset: int = 0) -> tuple[list[tuple[str, Outgoing]], int]:
        """A page of the messages that did not go out, newest first, each with why; and how many there are."""
        return self._assistant.outbox.given_up(limit=limit, offset=offset)

    def connection(self) -> dict | None:
        """{"online": bool, "since": datetime, "run": str, "this_run": bool} as the transport last told the core at
        login or logout (the first login of each run starts "since" afresh); None before."""
        return self._assistant.connection()

    def cancel_all(self, prefix: str) -> None:
        """Cancel every job whose key starts with prefix: end keys' parts with ':' so that 'r1:' spares 'r10:'."""
        self._assistant.timers.cancel_prefix(prefix)

    @property
    def bot_id(self) -> str | None:
        """The bot's own WeChat id, once it has logged in (or from the store, before the next login)."""
        return self._assistant.bot_id

    def is_owner(self, contact: str) -> bool:
        """Whether `contact` is one of the owner's WeChat ids in config: never judged by nickname."""
        return contact in self.config.owner.ids

    def is_shop(self, contact: str) -> bool:
        """The shop speaking: an owner, or someone typing on the phone of the shop account the bot runs on."""
        return self.is_owner(contact) or contact == self.bot_id

    def name_of(self, contact: str) -> str:
        """The contact's nickname, else the id, as a message shows it (core/text.py shown_name: capped, visible).
        What is compared or stored reads core/directory.py, where the name is whole."""
        return shown_name(directory.name_of(self.db, contact))

    def topic_of(self, room: str) -> str:
        """The group's topic, else its id, as a message shows it (like name_of)."""
        return shown_name(directory.topic_of(self.db, room))

    def memo(self, namespace: str) -> Memo:
        """A feature's own notes in the store (core/memo.py): namespace is the feature's, e.g. "campaigns"."""
        return Memo(self.db, namespace)

    def first_in(self, namespace: str, key: str, span: dt.timedelta) -> bool:
        """Whether nothing was done under `key` in the last `span` (a reply given at most once an hour, a group
        answered about a campaign once in ten minutes); if so, it is noted as done now."""
        notes = self.memo(namespace)
        last = notes.get(key)
        if last is not None and from_db(last, self.config.tz) > self.now - span:
            return False
        notes.set(key, to_db(self.now))
        return True

"""What a handler, command or job is given: the time, the config, the store, and the ways to speak.

Handlers speak only through here, so every message is rendered from a template, linted, and queued in the outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.events import Message
from core.outbox import excerpt

if TYPE_CHECKING:
    from core.assistant import Assistant

# How long a message stays worth sending when its caller gives no deadline of its own. An answer to a person goes
# stale: a complaint acknowledged days late, or an owner's /status from yesterday, is worse than the owner being
# told it was given up. Posts and notices to the owner carry none: late, they are still true.
DEFAULT_LIFETIMES = {
    "complaint_ack": dt.timedelta(minutes=30),
    "welcome": dt.timedelta(hours=1),
    "off_hours_reply": dt.timedelta(hours=1),  # its caller gives the next opening; this is for when none is known
    "command_reply": dt.timedelta(days=1),
}


class Context:
    def __init__(self, assistant: Assistant, event: object = None):
        self.assistant = assistant
        self.event = event
        self.config = assistant.config
        self.db = assistant.db
        self.now: dt.datetime = assistant.clock.now()

    def say(
        self,
        kind: str,
        template: str,
        /,
        *,
        room: str | None = None,
        to: str | None = None,
        expires_at: dt.datetime | None = None,
        about: str | None = None,
        **variables,
    ) -> int:
        """Render `template` and queue it for a room (addressing `to` there, if given) or a private chat with `to`.

        `kind` names the feature that speaks (command_reply, welcome, …): it is what replay prints and what the
        owner's reports count. Without `expires_at`, the kind's lifetime in DEFAULT_LIFETIMES gives the deadline.
        `about` is what the message answers, for the owner's report should it not go out.
        """
        text = self.assistant.templates.render(template, **variables)
        if expires_at is None and kind in DEFAULT_LIFETIMES:
            expires_at = self.now + DEFAULT_LIFETIMES[kind]
        return self.assistant.outbox.enqueue(
            now=self.now, kind=kind, text=text, room=room, to=to, expires_at=expires_at, about=about
        )

    def reply(self, kind: str, template: str, /, **variables) -> int:
        """Answer the message being handled, where it was said: in its room addressing the sender, or in private."""
        message = self.event
        if not isinstance(message, Message):
            raise TypeError("reply() answers a message; use say() or tell_owner() elsewhere")
        return self.say(kind, template, room=message.room, to=message.sender, about=excerpt(message.text), **variables)

    def tell_owner(self, kind: str, template: str, /, **variables) -> None:
        """Tell every owner, in private."""
        for owner in self.config.owner.ids:
            self.say(kind, template, to=owner, **variables)

    def schedule(self, key: str, job: str, at: dt.datetime, /, **payload) -> None:
        self.assistant.timers.schedule(key, job, at, payload)

    def is_scheduled(self, key: str) -> bool:
        return self.assistant.timers.get(key) is not None

    def cancel_all(self, prefix: str) -> None:
        """Cancel every job whose key starts with prefix: end keys' parts with ':' so that 'r1:' spares 'r10:'."""
        self.assistant.timers.cancel_prefix(prefix)

    def is_owner(self, contact: str) -> bool:
        return contact in self.config.owner.ids

    def is_shop(self, contact: str) -> bool:
        """The shop speaking: an owner, or someone typing on the phone of the shop account the bot runs on."""
        return self.is_owner(contact) or contact == self.assistant.bot_id

    def name_of(self, contact: str) -> str:
        row = self.db.execute("SELECT name FROM contacts WHERE id = ?", [contact]).fetchone()
        return row[0] if row and row[0] else contact

    def topic_of(self, room: str) -> str:
        row = self.db.execute("SELECT topic FROM rooms WHERE id = ?", [room]).fetchone()
        return row[0] if row and row[0] else room

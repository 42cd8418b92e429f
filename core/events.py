"""What a transport tells the core. Plain data, the same whichever transport saw it.

What members wrote and their nicknames are left out of the events' repr: an event in a log line (a feature that
failed on it) then names ids only, and the log holds no member's words (see core/logs.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Login:
    """The bot's own account is online; its id tells its own messages and @-mentions apart."""

    id: str
    name: str


@dataclass(frozen=True)
class Logout:
    """The bot's account is offline: logged out of WeChat, or the puppet service dropped."""


@dataclass(frozen=True)
class ContactSeen:
    """A contact's nickname, as a transport learnt it (or a replay declares it): what texts name people by."""

    id: str
    name: str = field(repr=False)


@dataclass(frozen=True)
class RoomSeen:
    """A group the account is in, with its topic; `members`, when given, is the full list: whoever is not on it
    has left."""

    id: str
    topic: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    """A message in a group or a private chat. One from the bot's own account was typed on the shop's
    phone: the shop speaking, never a command."""

    sender: str
    text: str = field(repr=False)
    room: str | None = None  # None: a private chat with the sender
    mentions: tuple[str, ...] = ()
    # given by transports that know it; replays declare names with ContactSeen
    sender_name: str | None = field(default=None, repr=False)
    to: str | None = None  # typed on the shop account's own phone in a private chat: the member it was written to


@dataclass(frozen=True)
class Join:
    """A member joined a group: the on_join features hear of it, and the directory counts them from now."""

    room: str
    contact: str
    contact_name: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Leave:
    """A member left a group: the directory stops counting them there."""

    room: str
    contact: str


@dataclass(frozen=True)
class Tick:
    """Only moves the clock: jobs due by then fire."""


Event = Login | Logout | ContactSeen | RoomSeen | Message | Join | Leave | Tick

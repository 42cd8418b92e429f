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
    id: str
    name: str = field(repr=False)


@dataclass(frozen=True)
class RoomSeen:
    id: str
    topic: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    sender: str
    text: str = field(repr=False)
    room: str | None = None  # None: a private chat with the sender
    mentions: tuple[str, ...] = ()
    # given by transports that know it; replays declare names with ContactSeen
    sender_name: str | None = field(default=None, repr=False)
    to: str | None = None  # typed on the shop account's own phone in a private chat: the member it was written to


@dataclass(frozen=True)
class Join:
    room: str
    contact: str
    contact_name: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Leave:
    room: str
    contact: str


@dataclass(frozen=True)
class Tick:
    """Only moves the clock: jobs due by then fire."""


Event = Login | Logout | ContactSeen | RoomSeen | Message | Join | Leave | Tick

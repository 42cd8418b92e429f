"""What a transport tells the core. Plain data, the same whichever transport saw it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Login:
    """The bot's own account is online; its id tells its own messages and @-mentions apart."""

    id: str
    name: str


@dataclass(frozen=True)
class ContactSeen:
    id: str
    name: str


@dataclass(frozen=True)
class RoomSeen:
    id: str
    topic: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    sender: str
    text: str
    room: str | None = None  # None: a private chat with the sender
    mentions: tuple[str, ...] = ()
    sender_name: str | None = None  # given by transports that know it; replays declare names with ContactSeen
    to: str | None = None  # typed on the shop account's own phone in a private chat: the member it was written to


@dataclass(frozen=True)
class Join:
    room: str
    contact: str
    contact_name: str | None = None


@dataclass(frozen=True)
class Leave:
    room: str
    contact: str


@dataclass(frozen=True)
class Tick:
    """Only moves the clock: jobs due by then fire."""


Event = Login | ContactSeen | RoomSeen | Message | Join | Leave | Tick

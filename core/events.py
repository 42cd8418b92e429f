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
    """The bot's account is offline: logged out of WeChat (`logged_out`: someone must log in again), or the puppet
    service dropped (it may come back by itself)."""

    logged_out: bool = False


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


# What kind of message it was. Only a text message has text the features read; the others come with an empty
# text (a link's or a mini program's title is not the member's words). A picture comes with `image`, the file kept
# in the media folder (core/media.py), or, when it could not be kept, with `unreadable` saying why; a file (an
# order export, a PDF) likewise with `file`, or `unreadable`.
MEDIA = ("text", "image", "voice", "video", "file", "url", "mini_program", "emoticon", "other")
MEDIA_WORDS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "file": "[文件]", "url": "[链接]",
               "mini_program": "[小程序]", "emoticon": "[表情]", "other": "[消息]"}


@dataclass(frozen=True)
class Message:
    """A message in a group or a private chat. One from the bot's own account was typed on the shop's
    phone: the shop speaking, never a command. `media` says what kind it was (MEDIA)."""

    sender: str
    text: str = field(repr=False)
    room: str | None = None  # None: a private chat with the sender
    mentions: tuple[str, ...] = ()
    # given by transports that know it; replays declare names with ContactSeen
    sender_name: str | None = field(default=None, repr=False)
    to: str | None = None  # typed on the shop account's own phone in a private chat: the member it was written to
    media: str = "text"
    image: str | None = field(default=None, repr=False)  # a picture: its path in the media folder
    unreadable: str | None = None  # a picture or file that could not be kept: why (core/media.py REASONS)
    file: str | None = field(default=None, repr=False)  # a file: its path in the media folder (media.keep_file)

    @property
    def shown(self) -> str:
        """The message as a quote of it reads: its text, or what it was ([语音], [图片]) when it has none."""
        return self.text or MEDIA_WORDS.get(self.media, "")


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

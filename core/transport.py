"""The seam between the core and a chat backend (console, replay, wechaty, WeCom robots), in the manner of Errbot's
backends.

A transport turns what it sees into core events and delivers them; it sends what the outbox hands it. Only a
transport module knows its backend: the core and the features never import one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from core.events import Event
from core.outbox import Outgoing


class TransportUnavailable(Exception):
    """The backend cannot send right now (disconnected, logged out, refused): the message surely did not go out,
    so the outbox keeps it and tries again later."""


class DeliveryUncertain(Exception):
    """The connection broke during the send: WeChat may or may not have the message. The outbox does not send it
    again (a duplicate in a group is worse) and asks the owner to check instead."""


class SendRefused(Exception):
    """The backend refused the message for good (the account is no longer in that group, the contact is unknown):
    trying again would fail again. The outbox gives it up and the owner is told."""


class ChannelGone(SendRefused):
    """A channel that will not work again until the owner acts: a WeCom group robot whose key is invalid or was
    removed from its group (errcode 93000). Its message is refused like any other, and the owner is told once what
    to do (core/assistant.py)."""

    def __init__(self, channel: str, reason: str):
        super().__init__(reason)
        self.channel = channel


# A message's channel (core/outbox.py): None for the account itself, else one of the WeCom robots of [wecom].
ROBOT_PREFIX = "wecom:"
OWNER_ROBOT = ROBOT_PREFIX + "@owner"  # the robot of the owner's staff group; "@" starts no group name WeCom allows


# What the owner must hear even while the account is down: sent by the owner robot instead, marked as relayed.
RELAYED_WHILE_DOWN = ("complaint_alert", "complaint_reminder", "complaint_overdue")


def group_robot(group: str) -> str:
    """The channel of the robot config's [wecom.group_robots] maps this group (by its name) to."""
    return ROBOT_PREFIX + group


def robot_group(channel: str) -> str | None:
    """The group a group robot's channel posts to; None for the owner robot."""
    return None if channel == OWNER_ROBOT else channel.removeprefix(ROBOT_PREFIX)


class Transport(Protocol):
    """What a chat backend gives the core (core/runner.py): events in, as they come; one message out at a time."""

    async def run(self, deliver: Callable[[Event], None]) -> None:
        """Deliver events until the backend ends (console input closed, service stopped). A picture that comes in
        is kept in the media folder first (core/media.py keep()), and its Message names the kept file, or says
        why it could not be kept (`unreadable`)."""

    async def send(self, message: Outgoing) -> None:
        """Send one message: its text, then its picture if it has one (either may be alone); or raise
        TransportUnavailable, DeliveryUncertain or SendRefused."""

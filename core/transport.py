"""The seam between the core and a chat backend (console, replay, wechaty), in the manner of Errbot's backends.

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


class Transport(Protocol):
    """What a chat backend gives the core (core/runner.py): events in, as they come; one message out at a time."""

    async def run(self, deliver: Callable[[Event], None]) -> None:
        """Deliver events until the backend ends (console input closed, service stopped). A picture that comes in
        is kept in the media folder first (core/media.py keep()), and its Message names the kept file, or says
        why it could not be kept (`unreadable`)."""

    async def send(self, message: Outgoing) -> None:
        """Send one message: its text, then its picture if it has one (either may be alone); or raise
        TransportUnavailable, DeliveryUncertain or SendRefused."""

"""The WeChat transport: python-wechaty against a Wechaty puppet service (a token, and an endpoint if given).

The only module that imports wechaty. It turns Wechaty's events into the core's (login, messages in rooms and in
private, joins and leaves) and says what the outbox hands it to a room or a contact.

Two things this module does that python-wechaty does not do for us:
- It drops the bot's own messages: the puppet service echoes every message the account sends, and a bot that
  answered its own answers would flood a group in seconds. Other messages from the account were typed by a person
  on the shop's phone; they reach the core as the shop speaking (an answer that clears a waiting question).
- It reconnects with back-off when the service drops (Wechaty.start() itself would sleep a fixed minute inside a
  recursive restart). While disconnected, send() raises TransportUnavailable: the outbox keeps the message and
  sends it, once, after the reconnection. A send cut off midway (or left unanswered) raises DeliveryUncertain
  instead: the service may have delivered it, so it is not sent again and the owner is asked to check.
- A watchdog pings the service (ding) while logged in. A service that stops answering without closing the
  connection would otherwise leave the bot deaf for good, since nothing ever ends the event stream.
- At login it reads the list of groups and their members, so that features know every group at once rather than
  from its first message.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

import transports.wechaty_compat  # noqa: F401  (must come before wechaty)
from grpclib.exceptions import GRPCError
from wechaty import Contact, Message, Room, Wechaty, WechatyOptions
from wechaty_puppet import MessageType

from core.config import Config, ConfigError
from core.events import ContactSeen, Event, Join, Leave, Login
from core.events import Message as ChatMessage
from core.events import RoomSeen
from core.outbox import Outgoing
from core.transport import DeliveryUncertain, TransportUnavailable

log = logging.getLogger(__name__)

TOKEN_VARIABLE = "WECHATY_PUPPET_SERVICE_TOKEN"
ENDPOINT_VARIABLE = "WECHATY_PUPPET_SERVICE_ENDPOINT"
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0
ECHOES_REMEMBERED = 200  # far more than the outbox sends before the echoes of its sends come back
ANSWER_TIMEOUT_SECONDS = 10.0  # a ding, a send or a goodbye the service has not answered by then never will


class WechatyTransport:
    def __init__(self, config: Config):
        settings = config.transport.wechaty
        self.token = settings.token or os.environ.get(TOKEN_VARIABLE, "")
        self.endpoint = settings.endpoint or os.environ.get(ENDPOINT_VARIABLE, "")
        if not self.token:
            raise ConfigError(
                f"transport.wechaty.token: empty, and {TOKEN_VARIABLE} is not set: the puppet service needs a token"
            )
        # wechaty keeps a scheduler job store under CACHE_DIR (default: ./.wechaty in the working directory);
        # keep it beside the shop's store instead of wherever the bot was started.
        os.environ.setdefault("CACHE_DIR", str(Path(config.store.path).resolve().parent / ".wechaty"))
        self.watchdog_seconds = settings.watchdog_seconds
        self.bot: Wechaty | None = None
        self.self_id: str | None = None
        self.online = False
        self.topics: dict[str, str] = {}  # room id -> the topic the core was last told
        # (chat, text) of what the bot said lately, to tell its echoes from what someone typed on the shop's phone
        self.said_lately: collections.deque[tuple[str, str]] = collections.deque(maxlen=ECHOES_REMEMBERED)

    async def run(self, deliver: Callable[[Event], None]) -> None:
        """Stay connected for good: each time the service drops or stops answering, wait (1 s, doubling to a
        minute) and reconnect."""
        delay = FIRST_RETRY_SECONDS
        while True:
            options = WechatyOptions(
                token=self.token,
                endpoint=self.endpoint or None,
                # wechaty checks this port for its plugin web server at every login, and fails the login if it
                # is taken (default 5000): give it a free one on loopback. No plugin is used, nothing listens.
                host="127.0.0.1",
                port=_free_port(),
            )
            self.bot = _Bot(self, deliver, options)
            listening = asyncio.ensure_future(self._listen())
            watching = asyncio.ensure_future(self._watch())
            try:
                await asyncio.wait({listening, watching}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (listening, watching):
                    task.cancel()
                await asyncio.gather(listening, watching, return_exceptions=True)
            if self.online:
                delay = FIRST_RETRY_SECONDS  # we had a working connection: start the back-off afresh
            self.online = False
            await self._close()
            log.info("reconnecting to the puppet service in %.0f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)

    async def _listen(self) -> None:
        """What Wechaty.start() does, without its own fixed one-minute retry around it: puppet.start() listens to
        the service's event stream until that stream ends."""
        try:
            await self.bot.init_puppet()
            # wechaty's Contact, Room and Tag classes keep the objects they load in pools shared by every
            # connection: objects loaded before a reconnection would still speak through the old, closed one.
            for kind in (self.bot.Contact, self.bot.ContactSelf, self.bot.Room, self.bot.Tag):
                kind._pool = {}
            await self.bot.init_puppet_event_bridge(self.bot.puppet)
            await self.bot.puppet.start()
            log.warning("the puppet service closed the event stream")
        except Exception as error:  # grpclib, socket and wechaty errors alike mean "not connected"
            log.warning("puppet service unreachable or dropped (%s: %s)", type(error).__name__, error)

    async def _watch(self) -> None:
        """Return when the service, once logged in, leaves a ding unanswered."""
        while True:
            await asyncio.sleep(self.watchdog_seconds)
            if not self.online:
                continue  # before login the service may rightly wait (a QR code to scan): nothing to check
            try:
                await asyncio.wait_for(self.bot.puppet.ding("watchdog"), self._answer_timeout())
            except Exception as error:
                log.warning("the puppet service stopped answering (%s): reconnecting", type(error).__name__)
                return

    def _answer_timeout(self) -> float:
        return min(ANSWER_TIMEOUT_SECONDS, self.watchdog_seconds)

    async def _close(self) -> None:
        """Close the connection and what wechaty started with it, without waiting on a service that is gone."""
        puppet = self.bot.puppet
        try:
            await asyncio.wait_for(puppet.stop(), self._answer_timeout())
        except Exception:  # already gone; closing is best effort
            if puppet.channel is not None:
                puppet.channel.close()
        # Each Wechaty starts an APScheduler of its own for plugins at login; it would outlive the connection.
        scheduler = self.bot._plugin_manager.scheduler
        if scheduler.running:
            scheduler.shutdown(wait=False)

    async def send(self, message: Outgoing) -> None:
        if not self.online or self.bot is None:
            raise TransportUnavailable("not connected to the puppet service")
        self.said_lately.append((message.room or message.to, message.text))
        try:
            await asyncio.wait_for(self._say(message), ANSWER_TIMEOUT_SECONDS)
        except GRPCError as error:  # the service answered, and refused: nothing went out
            raise TransportUnavailable(f"refused by the puppet service: {error}") from error
        except Exception as error:  # the connection broke mid-call: the service may have sent it already
            raise DeliveryUncertain(f"{type(error).__name__}: {error}") from error

    async def _say(self, message: Outgoing) -> None:
        if message.room:
            room = self.bot.Room.load(message.room)
            await room.ready()
            await room.say(message.text, [message.to] if message.to else None)
        else:
            contact = self.bot.Contact.load(message.to)
            await contact.ready()
            await contact.say(message.text)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Bot(Wechaty):
    """Wechaty's callbacks, translated into core events."""

    def __init__(self, transport: WechatyTransport, deliver: Callable[[Event], None], options: WechatyOptions):
        super().__init__(options)
        self.transport = transport
        self.deliver = deliver

    async def on_login(self, contact: Contact) -> None:
        self.transport.self_id = contact.contact_id
        self.transport.online = True
        log.info("logged in to WeChat")
        self.deliver(Login(contact.contact_id, contact.name))
        try:
            await self._tell_groups()
        except Exception as error:  # groups are then learnt from their messages, as before
            log.warning("could not read the list of groups (%s: %s)", type(error).__name__, error)

    async def _tell_groups(self) -> None:
        """Tell the core every group the account is in, with its members: who joined or left while the bot was
        away is then known too (a full member list replaces the stored one)."""
        for room in await self.Room.find_all():
            members = [m for m in await room.member_list() if m.contact_id != self.transport.self_id]
            for member in members:
                if member.name:
                    self.deliver(ContactSeen(member.contact_id, member.name))
            topic = await room.topic()
            self.transport.topics[room.room_id] = topic
            self.deliver(RoomSeen(room.room_id, topic, tuple(m.contact_id for m in members)))
        log.info("read the list of groups and their members")

    async def on_logout(self, contact: Contact) -> None:
        self.transport.online = False
        log.warning("logged out of WeChat: messages wait in the outbox until the account is back")

    async def on_message(self, msg: Message) -> None:
        if msg.type() != MessageType.MESSAGE_TYPE_TEXT:
            return  # pictures, stickers and the like carry no text the features read
        talker, room, text = msg.talker(), msg.room(), msg.text()
        to = None
        if msg.is_self() or talker.contact_id == self.transport.self_id:
            listener = None if room else msg.to()
            to = listener.contact_id if listener else None
            if self._is_echo(room.room_id if room else to, text):
                return
        if room is not None:
            await self._tell_topic(room)
        mentions = (self.transport.self_id,) if room is not None and await msg.mention_self() else ()
        self.deliver(ChatMessage(talker.contact_id, text, room.room_id if room else None, mentions, talker.name, to))

    def _is_echo(self, chat: str, text: str) -> bool:
        """Whether the bot itself said this lately (the service may put "@name " before it). Each send echoes
        once, so a match is used up."""
        for said in self.transport.said_lately:
            if said[0] == chat and text.endswith(said[1]):
                self.transport.said_lately.remove(said)
                return True
        return False

    async def on_room_join(self, room: Room, invitees: list[Contact], inviter: Contact, date) -> None:
        await self._tell_topic(room)
        for contact in invitees:
            self.deliver(Join(room.room_id, contact.contact_id, contact.name))

    async def on_room_leave(self, room: Room, leavers: list[Contact], remover: Contact, date) -> None:
        for contact in leavers:
            self.deliver(Leave(room.room_id, contact.contact_id))

    async def _tell_topic(self, room: Room) -> None:
        """Tell the core a room's name the first time it is seen, and whenever it changes."""
        topic = await room.topic()
        if topic and self.transport.topics.get(room.room_id) != topic:
            self.transport.topics[room.room_id] = topic
            self.deliver(RoomSeen(room.room_id, topic))

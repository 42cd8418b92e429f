"""The WeChat transport: python-wechaty against a Wechaty puppet service (a token, and an endpoint if given).

The only module that imports wechaty. It turns Wechaty's events into the core's (login, messages in rooms and in
private, joins and leaves) and says what the outbox hands it to a room or a contact.

Two things this module does that python-wechaty does not do for us:
- It drops the bot's own messages: the puppet service echoes every message the account sends, and a bot that
  answered its own answers would flood a group in seconds. Other messages from the account were typed by a person
  on the shop's phone; they reach the core as the shop speaking (an answer that clears a waiting question).
- It connects stage by stage, each with a deadline: finding the service by its token (when no endpoint is
  given), then asking the service to stop and start the account's puppet. python-wechaty's puppet.start() has
  none (its lookup and its check of the port even block the event loop), so a service that accepts the
  connection and never answers held the bot there for good.
- It reconnects with back-off, for as long as it takes, when the service drops or does not answer (Wechaty.start()
  itself would sleep a fixed minute inside a recursive restart); each attempt is logged. While disconnected,
  send() raises TransportUnavailable: the outbox keeps the message and sends it, once, after the reconnection. A
  send cut off midway (or left unanswered) raises DeliveryUncertain instead: the service may have delivered it,
  so it is not sent again and the owner is asked to check.
- A watchdog pings the service (ding) from the moment the event stream is open, before the login too (the
  service answers a ding while it waits for a QR code to be scanned, if only with an error). A service that stops
  answering without closing the connection would otherwise leave the bot deaf for good, since nothing ever ends
  the event stream.
- Pictures: one that comes in is fetched and kept in the media folder beside the store (core/media.py); one that
  cannot be fetched or kept reaches the core as a picture not kept, and the owner is told. The service hands a
  picture over as a file box in JSON: small ones inline (base64), some as a URL, and those over 20 KB as a UUID
  whose bytes come through the service's Download stream (wechaty-puppet-service 1.x). python-wechaty 0.10.7
  reads neither today's JSON nor UUID boxes, so the transport asks the wechaty-grpc stub itself and reads each
  kind, never more than media.MAX_BYTES and one chunk. The log names a picture by its content's sha256 only: the
  name it came with ("身份证.jpg") is the member's, and stays out of the log.
  A message with a picture is sent as its text, then the picture (FileBox.from_file); a picture that fails after
  its text went out is reported as uncertain, never sent again with its text. Voice, video, links, mini programs
  and stickers reach the core by kind, without text (the features read no words in them).
- Files (an order export the owner sends): fetched the same way (MessageFile rather than Message.to_file_box(),
  whose python-wechaty 0.10.7 reads neither kind of box either) and kept like a picture (media.keep_file, named by
  the content's hash and real format, at most 20 MB); one that cannot be fetched or kept reaches the core as a
  file not kept, with why. The file's name stays out of the log and out of the core.
- At login it reads the list of groups and their members, so that features know every group at once rather than
  from its first message.
- It tells the core when the account goes offline (Logout): logged out, or the service dropped.
- The token never reaches a log: it is handed to core.logs' filter, and python-wechaty's own loggers (which write
  to stderr by themselves, and log the token) are routed through it.

doctor() is `bot.py doctor`: one connection, wait for the login, tell what the account sees, and leave.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import json
import logging
import os
import socket
import sys
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeVar

import transports.wechaty_compat  # noqa: F401  (must come before wechaty)
import betterproto
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from wechaty import Contact, Message, Room, Wechaty, WechatyOptions
from wechaty_grpc.wechaty import PuppetStub
from wechaty_grpc.wechaty.puppet import ImageType
from wechaty_puppet import FileBox, MessageType
# wechaty would import wechaty_puppet_service only at the first connection: too late for logs to adopt its loggers
from wechaty_puppet_service.utils import extract_host_and_port

from core import logs, media
from core.config import Config, ConfigError
from core.events import ContactSeen, Event, Join, Leave, Login, Logout
from core.events import Message as ChatMessage
from core.events import RoomSeen
from core.outbox import REMOVE_MEMBER, Outgoing
from core.transport import DeliveryUncertain, SendRefused, TransportUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
logs.adopt_library_loggers()  # python-wechaty's loggers, each with a stderr handler of its own, are made at import

TOKEN_VARIABLE = "WECHATY_PUPPET_SERVICE_TOKEN"
ENDPOINT_VARIABLE = "WECHATY_PUPPET_SERVICE_ENDPOINT"
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0
ECHOES_REMEMBERED = 200  # far more than the outbox sends before the echoes of its sends come back
ANSWER_TIMEOUT_SECONDS = 10.0  # a ding, a send, a goodbye or a stage of connecting unanswered by then never will
DIRECTORY = "https://api.chatie.io/v0/hosties"  # Wechaty's directory of services by token
DOCTOR_ROOMS_LISTED = 20
PICTURE_FETCH_SECONDS = 60.0  # a picture of 20 MB from a slow service
# file-box 1.x's FileBoxType, as its JSON gives it; a QR code box (3) carries a QR code's text, never a member's
# picture (only a stub puppet answers a picture with one), so it is read as no picture.
BOX_BASE64, BOX_URL, BOX_UUID = 1, 2, 7
# What each WeChat message type is to the core (core/events.py MEDIA); any other (a contact card, a location, a
# transfer, a recalled message) is "other".
MEDIA_OF = {
    MessageType.MESSAGE_TYPE_TEXT: "text",
    MessageType.MESSAGE_TYPE_IMAGE: "image",
    MessageType.MESSAGE_TYPE_AUDIO: "voice",
    MessageType.MESSAGE_TYPE_VIDEO: "video",
    MessageType.MESSAGE_TYPE_ATTACHMENT: "file",
    MessageType.MESSAGE_TYPE_URL: "url",
    MessageType.MESSAGE_TYPE_MINI_PROGRAM: "mini_program",
    MessageType.MESSAGE_TYPE_EMOTICON: "emoticon",
}


class WechatyTransport:
    def __init__(self, config: Config, media_folder: Path | None = None):
        settings = config.transport.wechaty
        self.media_folder = media_folder or media.folder_for(config.store.path)
        self.token = settings.token or os.environ.get(TOKEN_VARIABLE, "")
        self.endpoint = settings.endpoint or os.environ.get(ENDPOINT_VARIABLE, "")
        if not self.token:
            raise ConfigError(
                f"transport.wechaty.token: empty, and {TOKEN_VARIABLE} is not set: the puppet service needs a token"
            )
        logs.keep_secret(self.token)
        self.watchdog_seconds = settings.watchdog_seconds
        self.bot: Wechaty | None = None
        self.self_id: str | None = None
        self.online = False
        self.ready = asyncio.Event()  # set once logged in and the groups are read (doctor waits for it)
        self.streaming = asyncio.Event()  # set once the connection's event stream is open (the watchdog waits)
        self.topics: dict[str, str] = {}  # room id -> the topic the core was last told
        # (chat, text) of what the bot said lately, to tell its echoes from what someone typed on the shop's phone;
        # (chat, None) for a picture
        self.said_lately: collections.deque[tuple[str, str | None]] = collections.deque(maxlen=ECHOES_REMEMBERED)

    async def run(self, deliver: Callable[[Event], None]) -> None:
        """Stay connected for good: each time the service drops, stops answering or cannot be reached, wait (1 s,
        doubling to a minute) and connect again."""
        delay, attempt = FIRST_RETRY_SECONDS, 1
        while True:
            log.info("connecting to the puppet service at %s (attempt %d)", self.endpoint or "its token's address",
                     attempt)
            self.bot = _Bot(self, deliver, self._options())
            self.streaming = asyncio.Event()
            listening = asyncio.ensure_future(self._listen())
            watching = asyncio.ensure_future(self._watch())
            try:
                await asyncio.wait({listening, watching}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (listening, watching):
                    task.cancel()
                await asyncio.gather(listening, watching, return_exceptions=True)
            if self.online:
                delay, attempt = FIRST_RETRY_SECONDS, 0  # we had a working connection: start the back-off afresh
            self.went_offline(deliver)
            await self._close()
            log.info("connecting to the puppet service again in %.0f s", delay)
            await asyncio.sleep(delay)
            delay, attempt = min(delay * 2, LONGEST_RETRY_SECONDS), attempt + 1

    def _options(self) -> WechatyOptions:
        return WechatyOptions(
            token=self.token,
            endpoint=self.endpoint or None,
            # wechaty checks this port for its plugin web server at every login, and fails the login if it is
            # taken (default 5000): give it a free one on loopback. No plugin is used, nothing listens.
            host="127.0.0.1",
            port=_free_port(),
            # Wechaty's scheduler for plugins would keep its jobs in CACHE_DIR/job.db, a file readable by every
            # user; no plugin runs, so there are no jobs to keep: in memory.
            scheduler=AsyncIOScheduler(),
        )

    def went_offline(self, deliver: Callable[[Event], None], logged_out: bool = False) -> None:
        """Tell the core once that the account is offline (a logout and the drop after it are one outage)."""
        if self.online:
            self.online = False
            deliver(Logout(logged_out))

    async def _listen(self) -> None:
        try:
            await self._connect()
            log.warning("the puppet service closed the event stream")
        except Exception as error:  # grpclib, socket and wechaty errors alike mean "not connected"
            log.warning("puppet service unreachable or dropped (%s: %s)", type(error).__name__, error)

    async def _connect(self) -> None:
        """What Wechaty.start() does, each stage within a deadline, and without its own fixed one-minute retry
        around it; then listen to the service's event stream until that stream ends."""
        await self.bot.init_puppet()
        # wechaty's Contact, Room and Tag classes keep the objects they load in pools shared by every connection:
        # objects loaded before a reconnection would still speak through the old, closed one.
        for kind in (self.bot.Contact, self.bot.ContactSelf, self.bot.Room, self.bot.Tag):
            kind._pool = {}
        await self.bot.init_puppet_event_bridge(self.bot.puppet)
        puppet = self.bot.puppet
        endpoint = self.endpoint or await self._within(
            "finding the service by its token", asyncio.to_thread(_discover, self.token, self._answer_timeout()))
        # The channel python-wechaty's _init_puppet() would open, without its blocking check of the port first:
        # the first call connects, within its deadline.
        puppet.channel = Channel(*extract_host_and_port(endpoint))
        puppet.channel._authority = self.token  # how the service is handed the token
        puppet._puppet_stub = PuppetStub(puppet.channel)
        # Stopped first, as python-wechaty does, so that the account's puppet starts afresh on the service.
        await self._within("stopping the puppet", puppet.puppet_stub.stop())
        await self._within("starting the puppet", puppet.puppet_stub.start())
        self.streaming.set()
        await puppet._listen_for_event()

    async def _within(self, stage: str, step: Awaitable[T]) -> T:
        """A stage of connecting, given up (ServiceSilent) once the service has left it unanswered too long."""
        try:
            return await asyncio.wait_for(step, self._answer_timeout())
        except asyncio.TimeoutError:
            raise ServiceSilent(f"no answer within {self._answer_timeout():g} s, {stage}") from None

    async def _watch(self) -> None:
        """Return when the service, once its event stream is open, leaves a ding unanswered."""
        await self.streaming.wait()
        while True:
            await asyncio.sleep(self.watchdog_seconds)
            try:
                await asyncio.wait_for(self.bot.puppet.ding("watchdog"), self._answer_timeout())
            except GRPCError:
                continue  # an answer, if a refusal: the service is there
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
        """The text, then the picture if there is one: one message of the outbox, two in WeChat."""
        if not self.online or self.bot is None:
            raise TransportUnavailable("not connected to the puppet service")
        if message.kind == REMOVE_MEMBER:
            await self._remove(message)
            return
        if message.image and not Path(message.image).is_file():  # gone from the media folder: it will not come back
            raise SendRefused(f"picture {Path(message.image).name} is no longer in the media folder")
        if message.text:
            await self._send_part(message, message.text, first=True)
        if message.image:
            await self._send_part(message, None, first=not message.text)

    async def _send_part(self, message: Outgoing, text: str | None, *, first: bool) -> None:
        """Send the text, or (text None) the picture. A part that fails after the first went out leaves the
        message half delivered: uncertain, so that the text is never sent twice."""
        self.said_lately.append((message.room or message.to, text))
        try:
            await asyncio.wait_for(self._say(message, text), ANSWER_TIMEOUT_SECONDS)
        except GRPCError as error:  # the service answered, and refused: nothing (more) went out
            if first:
                raise TransportUnavailable(f"refused by the puppet service: {error}") from error
            raise DeliveryUncertain(f"the text went out, its picture was refused: {error}") from error
        except Exception as error:  # the connection broke mid-call: the service may have sent it already
            raise DeliveryUncertain(f"{type(error).__name__}: {error}") from error

    async def _remove(self, message: Outgoing) -> None:
        """Remove a member from a group. Only the group's owner or an admin may: the service refuses anyone else,
        and that refusal is for good (SendRefused), so the owner is told to remove the member by hand."""
        try:
            room = self.bot.Room.load(message.room)
            contact = self.bot.Contact.load(message.to)
            await asyncio.wait_for(room.delete(contact), ANSWER_TIMEOUT_SECONDS)
        except GRPCError as error:
            raise SendRefused(f"the puppet service refused the removal: {error}") from error
        except Exception as error:
            raise DeliveryUncertain(f"{type(error).__name__}: {error}") from error

    async def _say(self, message: Outgoing, text: str | None) -> None:
        content = text if text is not None else FileBox.from_file(message.image)
        if message.room:
            room = self.bot.Room.load(message.room)
            await room.ready()
            await room.say(content, [message.to] if message.to and text is not None else None)
        else:
            contact = self.bot.Contact.load(message.to)
            await contact.ready()
            await contact.say(content)


@dataclass(eq=False, repr=False)
class _DownloadRequest(betterproto.Message):
    """wechaty-grpc 1.x's puppet.DownloadRequest: the stubs python-wechaty ships (0.20) predate Download."""

    id: str = betterproto.string_field(1)


@dataclass(eq=False, repr=False)
class _DownloadResponse(betterproto.Message):
    chunk: bytes = betterproto.bytes_field(1)


async def _picture(stub: PuppetStub, message_id: str) -> bytes:
    """A picture message's bytes, the original rather than a thumbnail: PictureUnreadable when the service hands
    over no picture, or one over media.MAX_BYTES."""
    response = await stub.message_image(id=message_id, type=ImageType.IMAGE_TYPE_ARTWORK)
    return await _box_content(stub, json.loads(response.filebox))


async def _file(stub: PuppetStub, message_id: str) -> bytes:
    """A file message's bytes (an attachment: an order export, a PDF), at most media.MAX_BYTES."""
    response = await stub.message_file(id=message_id)
    return await _box_content(stub, json.loads(response.filebox))


# What is fetched and kept of a message, by kind (ChatMessage's field of the same name): how, and how it is kept.
KEPT = {"image": (_picture, media.keep), "file": (_file, media.keep_file)}


async def _box_content(stub: PuppetStub, box: dict) -> bytes:
    """A file box's bytes, whichever way the service serialised it: file-box 1.x writes `type` (and `boxType`
    beside it only until its authors drop it), 0.x wrote `boxType` and a URL as `remoteUrl`."""
    kind = box.get("type", box.get("boxType"))
    if kind == BOX_BASE64:  # inline, so already whole in memory: media.keep refuses it if too large
        return base64.b64decode(box["base64"])
    if kind == BOX_URL:
        return await asyncio.to_thread(_fetch_url, box.get("url") or box["remoteUrl"], box.get("headers") or {})
    if kind == BOX_UUID:
        return await _download(stub, box["uuid"])
    raise media.PictureUnreadable("unavailable", f"a file box of type {kind} holds no picture")


def _fetch_url(url: str, headers: dict) -> bytes:
    """A URL box's bytes, from the service (not from a member: no redirect to elsewhere matters)."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=PICTURE_FETCH_SECONDS) as response:
        return _at_most_the_cap(response.read(media.MAX_BYTES + 1))


async def _download(stub: PuppetStub, uuid: str) -> bytes:
    """A UUID box's bytes, streamed by the service's Download in chunks; a stream past the cap is closed there
    (aclosing cancels the call), so a huge file is never read whole."""
    content = bytearray()
    stream = stub._unary_stream("/wechaty.Puppet/Download", _DownloadRequest(id=uuid), _DownloadResponse)
    async with contextlib.aclosing(stream) as chunks:
        async for response in chunks:
            content += response.chunk
            _at_most_the_cap(content)
    return bytes(content)


def _at_most_the_cap(content: bytes | bytearray) -> bytes | bytearray:
    if len(content) > media.MAX_BYTES:
        raise media.PictureUnreadable("too_large")
    return content


class ServiceSilent(ConnectionError):
    """The service accepted the connection, and left a stage of connecting unanswered."""


def _discover(token: str, timeout: float) -> str:
    """The service's host:port for a token, from Wechaty's directory (as python-wechaty asks it, with a timeout)."""
    with urllib.request.urlopen(f"{DIRECTORY}/{token}", timeout=timeout) as response:
        found = json.load(response)
    if found.get("ip") in (None, "", "0.0.0.0") or not found.get("port"):
        raise ConnectionError("Wechaty's directory has no address for this token")
    return f"{found['ip']}:{found['port']}"


def _error_kind(error: Exception) -> str:
    """What went wrong, without the error's text: a GRPCError's status, or the exception's class."""
    return error.status.name if isinstance(error, GRPCError) else type(error).__name__


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
        log.info("logged in to WeChat as %s", contact.contact_id)
        self.deliver(Login(contact.contact_id, contact.name))
        try:
            await self._tell_groups()
        except Exception as error:  # groups are then learnt from their messages, as before
            log.warning("could not read the list of groups (%s: %s)", type(error).__name__, error)
        self.transport.ready.set()

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
        self.transport.went_offline(self.deliver, logged_out=True)
        log.warning("logged out of WeChat: messages wait in the outbox until the account is back")

    async def on_message(self, msg: Message) -> None:
        kind = MEDIA_OF.get(msg.type(), "other")
        talker, room = msg.talker(), msg.room()
        text = msg.text() if kind == "text" else None  # a link's or a file's "text" is no one's words
        to = None
        if msg.is_self() or talker.contact_id == self.transport.self_id:
            listener = None if room else msg.to()
            to = listener.contact_id if listener else None
            if kind in ("text", "image") and self._is_echo(room.room_id if room else to, text):
                return
        if kind != "text":
            log.info("received a %s message %s from %s", kind, msg.message_id, talker.contact_id)
        if room is not None:
            await self._tell_topic(room)
        mentions = (self.transport.self_id,) if room is not None and await msg.mention_self() else ()
        kept, unreadable = await self._keep(msg, kind) if kind in KEPT else (None, None)
        self.deliver(ChatMessage(talker.contact_id, text or "", room.room_id if room else None, mentions, talker.name,
                                 to, media=kind, unreadable=unreadable, **({kind: kept} if kind in KEPT else {})))

    async def _keep(self, msg: Message, kind: str) -> tuple[str | None, str | None]:
        """The picture or file fetched and kept in the media folder, as (path, None); or (None, why) when it
        cannot be."""
        fetch, keep = KEPT[kind]
        try:
            content = await asyncio.wait_for(fetch(self.puppet.puppet_stub, msg.message_id), PICTURE_FETCH_SECONDS)
            kept = await asyncio.to_thread(keep, self.transport.media_folder, content)
        except media.PictureUnreadable as error:
            return None, error.reason
        except Exception as error:  # the service did not hand it over: still a picture (a file), the owner is told
            # The error's text is left out: the service's may quote the file box, and with it the picture's name.
            log.warning("could not fetch %s %s (%s)", kind, msg.message_id, _error_kind(error))
            return None, "unavailable"
        log.info("kept %s %s of message %s", kind, kept.stem, msg.message_id)
        return str(kept), None

    def _is_echo(self, chat: str, text: str | None) -> bool:
        """Whether the bot itself said this lately (the service may put "@name " before it), or sent a picture
        there (text None). Each send echoes once, so a match is used up."""
        for said in self.transport.said_lately:
            same = said[1] is None if text is None else said[1] is not None and text.endswith(said[1])
            if said[0] == chat and same:
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


async def doctor(config: Config, wait_seconds: float, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Connect once with the configured token and endpoint, wait for the login (at most wait_seconds), print the
    account and its groups, and disconnect; 1 with the reason (in Chinese) when that fails. Sends nothing.

    python-wechaty asks the service to stop and start the account's puppet at every connection: a bot running on
    the same token is disturbed (it reconnects by itself). Run it before starting the bot, or with the bot stopped."""
    try:
        transport = WechatyTransport(config)
    except ConfigError:
        print(f"没有设置令牌：请设置环境变量 {TOKEN_VARIABLE}（或在本地配置的 [transport.wechaty] token 中填写）。", file=err)
        return 1
    seen: list[Event] = []
    transport.bot = _Bot(transport, seen.append, transport._options())
    connecting = asyncio.ensure_future(transport._connect())
    logged_in = asyncio.ensure_future(transport.ready.wait())
    try:
        await asyncio.wait({connecting, logged_in}, timeout=wait_seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (connecting, logged_in):
            task.cancel()
        outcome = (await asyncio.gather(connecting, logged_in, return_exceptions=True))[0]
        await transport._close()
    if not transport.ready.is_set():
        print(_why_no_login(transport, outcome, wait_seconds), file=err)
        return 1
    _describe_account(seen, out)
    return 0


def _why_no_login(transport: WechatyTransport, outcome: object, wait_seconds: float) -> str:
    where = transport.endpoint or "（按令牌查找的地址）"
    if isinstance(outcome, asyncio.CancelledError):
        return (f"{wait_seconds:g} 秒内账号没有登录：请按服务商的说明扫码登录，再运行一次；"
                "或用 --wait 多等一会儿。")
    if isinstance(outcome, GRPCError) and outcome.status in (Status.UNAUTHENTICATED, Status.PERMISSION_DENIED):
        return "puppet 服务拒绝了这个令牌：请核对令牌是否写全、是否已过期（可向服务商确认）。"
    if isinstance(outcome, GRPCError):
        return f"puppet 服务 {where} 返回了错误（{outcome.status.name}）：请把这行发给服务商。"
    if outcome is None:
        return f"puppet 服务 {where} 在账号登录前断开了连接：请稍后再试，或联系服务商。"
    if not transport.endpoint:
        return f"没有设置服务地址，按令牌也没找到：请向服务商要地址，设置 {ENDPOINT_VARIABLE}=主机:端口。"
    reason = logs.REDACTOR.redact(f"{type(outcome).__name__}: {outcome}")
    return f"连接不上 puppet 服务 {where}：请检查地址、端口和网络（{reason}）。"


def _describe_account(seen: list[Event], out: TextIO) -> None:
    account = next(event for event in seen if isinstance(event, Login))
    topics = list({event.id: event.topic or event.id for event in seen if isinstance(event, RoomSeen)}.values())
    print(f"连接正常：已登录 {account.name}（{account.id}）。", file=out)
    print(f"账号所在的群：{len(topics)} 个", file=out)
    for topic in topics[:DOCTOR_ROOMS_LISTED]:
        print(f"  {topic}", file=out)
    if len(topics) > DOCTOR_ROOMS_LISTED:
        print(f"  ……（只列出前 {DOCTOR_ROOMS_LISTED} 个）", file=out)
    print("检查完毕：没有发送任何消息，已断开连接。", file=out)

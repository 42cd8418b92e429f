"""WeCom (企业微信) group robots: an official channel beside the puppet, or instead of it for broadcasts alone.

A group robot is added by hand to a WeCom group (外部群 hold ordinary WeChat users too) and gives a webhook: an
HTTP POST of JSON to {api_base}/cgi-bin/webhook/send?key=KEY, answered {"errcode": 0, "errmsg": "ok"} or an
error code. A robot cannot read its group, and WeCom allows it 20 messages a minute (the outbox paces each robot
within that, core/outbox.py). The limits this module keeps (WeCom's 群机器人配置说明):
- text: at most 2,048 bytes of UTF-8; a longer text to the owner robot (a report) goes in several pieces. Campaign
  texts are refused when written if they would not fit in one (handlers/campaign_commands.py, core/config.py);
  one that still does not (a template edited since) is refused when sent, never cut in a customer group.
- image: JPG or PNG, at most 2 MB before encoding, sent as base64 with the md5 of the raw bytes. A campaign's
  picture is re-encoded to fit once, when it is set (core/media.py fit_for_robots).

What an answer means for the outbox (core/transport.py):
- errcode 0: sent.
- no connection made (the request never left): TransportUnavailable, tried again later; 45009 (over the rate
  limit) too: it waits and is tried again.
- 93000 (the key is invalid or the robot was removed): ChannelGone: refused, and the owner told once which
  group's robot to add again (core/assistant.py).
- any other errcode, or an HTTP error: refused, and reported.
- a request sent and never answered (timeout, connection cut): DeliveryUncertain, never sent twice.
The key is a secret: it is masked in every log line (core/logs.py) and never printed.

Three transports live here: WithRobots (the puppet, and the robots beside it: campaign posts by robot where a group
has one, and the owner's complaint alerts by the owner robot while the puppet is down), RobotsAlone ([transport]
kind = "wecom": no account at all) and doctor's check of the owner robot.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import http.client
import json
import logging
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.config import ROBOT_TEXT_BYTES, Config, WecomConfig
from core.logs import REDACTOR
from core.media import ROBOT_PICTURE_BYTES
from core.events import Event, RoomSeen
from core.outbox import Outgoing
from core.templates import Templates
from core.transport import (OWNER_ROBOT, RELAYED_WHILE_DOWN, ChannelGone, DeliveryUncertain, SendRefused, Transport,
                            TransportUnavailable, robot_group)

log = logging.getLogger(__name__)

SEND_PATH = "/cgi-bin/webhook/send"
ANSWER_TIMEOUT_SECONDS = 10
RATE_LIMITED, KEY_GONE = 45009, 93000
ROOM_PREFIX = "wecom-group:"  # the rooms of a bot on robots alone: it knows the shop's groups by their robots only


class RobotAnswer(Exception):
    """The robot API answered with an error code."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode


def post(api_base: str, key: str, body: dict) -> None:
    """One webhook call; RobotAnswer for an error code. urllib raises URLError when the request never left (no
    connection), and anything else (a timeout, a cut connection, an HTTP error) once it had."""
    request = urllib.request.Request(
        f"{api_base}{SEND_PATH}?key={key}", data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=ANSWER_TIMEOUT_SECONDS) as response:
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", -1) != 0:
        raise RobotAnswer(int(answer.get("errcode", -1)), str(answer.get("errmsg", "")))


def text_pieces(text: str) -> list[str]:
    """The text in pieces of at most ROBOT_TEXT_BYTES, cut between characters (robot_parts in core/outbox.py
    counts them)."""
    pieces, piece, size = [], [], 0
    for char in text:
        width = len(char.encode())
        if size + width > ROBOT_TEXT_BYTES:
            pieces.append("".join(piece))
            piece, size = [], 0
        piece.append(char)
        size += width
    return [*pieces, "".join(piece)] if piece else pieces


def image_body(path: Path) -> dict:
    """A picture as the robot API takes it: base64 of the raw bytes and their md5. SendRefused for one it would
    refuse (campaign pictures were made to fit when set: core/media.py fit_for_robots)."""
    raw = path.read_bytes()
    if len(raw) > ROBOT_PICTURE_BYTES or not raw.startswith((b"\x89PNG", b"\xff\xd8")):
        raise SendRefused(f"picture {path.name} is not a JPG or PNG of at most 2 MB")
    return {"msgtype": "image", "image": {"base64": base64.b64encode(raw).decode(), "md5": hashlib.md5(raw).hexdigest()}}


class Robots:
    """The robots of [wecom]: sends a message whose channel is one of theirs."""

    def __init__(self, settings: WecomConfig):
        self.settings = settings

    def key_of(self, channel: str) -> str | None:
        if channel == OWNER_ROBOT:
            return self.settings.owner_robot or None
        return self.settings.group_robots.get(robot_group(channel) or "")

    async def send(self, message: Outgoing) -> None:
        """The text (in pieces, if long), then the picture: what fails after the first part went is uncertain."""
        key = self.key_of(message.channel)
        if key is None:  # config changed since it was queued: nothing to send it by
            raise SendRefused(f"no robot in [wecom] for {message.channel}")
        if message.channel != OWNER_ROBOT and len(message.text.encode()) > ROBOT_TEXT_BYTES:
            # refused when written (handlers/campaign_commands.py, core/config.py): never cut in a customer group
            raise SendRefused(f"text of {len(message.text.encode())} bytes, over what a group robot takes")
        bodies = [{"msgtype": "text", "text": {"content": piece}} for piece in text_pieces(message.text)]
        if message.image:
            if not Path(message.image).is_file():
                raise SendRefused(f"picture {Path(message.image).name} is no longer in the media folder")
            bodies.append(image_body(Path(message.image)))
        for number, body in enumerate(bodies):
            try:
                await self._post(message.channel, key, body)
            except (TransportUnavailable, SendRefused) as error:
                if number == 0:
                    raise
                raise DeliveryUncertain(f"part {number + 1} of {len(bodies)} failed after the first went: {error}") from error

    async def _post(self, channel: str, key: str, body: dict) -> None:
        try:
            await asyncio.to_thread(post, self.settings.api_base, key, body)
        except RobotAnswer as answer:
            if answer.errcode == RATE_LIMITED:
                raise TransportUnavailable(f"robot {channel} over its rate limit ({answer})") from None
            if answer.errcode == KEY_GONE:
                raise ChannelGone(channel, f"robot {channel}: key invalid or robot removed ({answer})") from None
            raise SendRefused(f"robot {channel} refused the message ({answer})") from None
        except urllib.error.HTTPError as error:  # the server answered: the message was not taken
            raise SendRefused(f"robot API answered HTTP {error.code}") from None
        except urllib.error.URLError as error:  # the request never left
            raise TransportUnavailable(f"robot API unreachable ({error.reason})") from None
        except (OSError, http.client.HTTPException, ValueError) as error:  # sent, and no (readable) answer
            raise DeliveryUncertain(f"robot API gave no answer ({type(error).__name__}: {error})") from None


class WithRobots:
    """The puppet, with the robots of [wecom] beside it: a message queued for a robot goes by it; the owner's
    complaint alerts and reminders queued before the puppet went down go by the owner robot when the puppet cannot
    send them, marked as relayed (those queued while it is down are queued for the owner robot: core/context.py)."""

    def __init__(self, config: Config, puppet: Transport):
        self.puppet = puppet
        self.robots = Robots(config.wecom)
        self.first_owner = config.owner.ids[0]  # the owner robot's group is one chat: relayed once, not per owner
        self.tz = config.tz
        self.templates = Templates()

    async def run(self, deliver: Callable[[Event], None]) -> None:
        await self.puppet.run(deliver)

    async def send(self, message: Outgoing) -> None:
        if message.channel:
            await self.robots.send(message)
            return
        try:
            await self.puppet.send(message)
        except TransportUnavailable:
            if not self._relayable(message):
                raise
            text = self.templates.render("relayed_by_robot", dt.datetime.now(self.tz), text=message.text)
            log.info("the puppet cannot send: message %s relayed by the owner robot", message.id)
            await self.robots.send(dataclasses.replace(message, text=text, channel=OWNER_ROBOT))

    def _relayable(self, message: Outgoing) -> bool:
        return (message.kind in RELAYED_WHILE_DOWN and message.room is None and message.to == self.first_owner
                and self.robots.key_of(OWNER_ROBOT) is not None)


class RobotsAlone:
    """[transport] kind = "wecom": no WeChat account, the robots alone. The bot knows the shop's groups by their
    robots (one room each, named by the group), reads nothing, and sends what goes to a robot; anything else (an
    answer in private, a post to a group without a robot) is refused and reported."""

    def __init__(self, config: Config):
        self.robots = Robots(config.wecom)
        self.groups = list(config.wecom.group_robots)

    async def run(self, deliver: Callable[[Event], None]) -> None:
        for group in self.groups:
            deliver(RoomSeen(ROOM_PREFIX + group, group))
        await asyncio.Event().wait()  # nothing ever comes in: runs until stopped

    async def send(self, message: Outgoing) -> None:
        if not message.channel:
            raise SendRefused("no WeChat account: [transport] kind = \"wecom\" sends by group robots only")
        await self.robots.send(message)


async def check_owner_robot(config: Config, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """`bot.py doctor`'s check of the second channel: one line ("连接测试") to the owner robot, never to a customer
    group. 0 when it went, 1 with the reason in Chinese."""
    if not config.wecom.owner_robot:
        print("第二通道：没有设置（[wecom] owner_robot 为空）。微信断线时，机器人没有别的办法提醒您。", file=out)
        return 0
    text = Templates().render("robot_check", dt.datetime.now(config.tz))
    message = Outgoing(0, None, config.owner.ids[0], "robot_check", text, channel=OWNER_ROBOT)
    try:
        await Robots(config.wecom).send(message)
    except ChannelGone:
        print("店主群机器人：密钥不对，或机器人已被移出店主群。请重新添加群机器人，把新密钥填进 [wecom] owner_robot。", file=err)
        return 1
    except TransportUnavailable as error:
        print(f"店主群机器人：连不上企业微信接口 {config.wecom.api_base}，请检查网络（{_why(error)}）。", file=err)
        return 1
    except (SendRefused, DeliveryUncertain) as error:
        print(f"店主群机器人：企业微信没有收下测试消息（{_why(error)}）。", file=err)
        return 1
    print("店主群机器人：连接正常，已在店主群发了一条“连接测试”。", file=out)
    return 0


def _why(error: Exception) -> str:
    return REDACTOR.redact(str(error))  # the key may sit in an address the error quotes

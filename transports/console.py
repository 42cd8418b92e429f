"""The console transport: a simulated WeChat account in the terminal, the embedded default of `make run`.

The demo groups and members come from [console] in config.toml. Each line typed is an event (the syntax is
SYNTAX below, printed at start); the bot's answers print with their room, the person addressed and the kind of
message. The person at the keyboard is the owner (the first of [owner] ids), typing as 店主, and is in every group.

A picture is `/image PATH` (a file on this computer) as the text of a line: `/image ~/杯子.jpg` is the owner's, in
private; `@普通会员群 小王: /image 碎了.jpg` is 小王's, in the group. It is kept in the media folder beside the store
(core/media.py) as a picture from WeChat would be; a picture the bot sends prints as `[图片 PATH]`. A file (the
back office's order export) is `/file PATH` the same way, kept as a file from WeChat is.

Ctrl-D ends the typing, not the bot: the runner then sends what is still queued, at the outbox's pace, after the
console has said how many and how long; a second Ctrl-D (or Ctrl-C) stops at once, and what is unsent stays queued.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core import media
from core.config import Config
from core.events import ContactSeen, Event, Join, Leave, Login, Message, RoomSeen
from core.outbox import REMOVE_MEMBER, Outgoing
from core.text import quote

BOT_ID = "console_bot"
SYNTAX = """\
模拟微信（控制台）。每行一条消息：
  /status                         您（店主）私聊机器人发指令
  小王: 你好                       小王私聊机器人
  @普通会员群 小王: 什么时候发货？    小王在群里发言（文字里写 @{bot} 即@机器人，@{owner} 即@您）
  @普通会员群 店主: /status         您在群里发指令
  @普通会员群 +小张                 小张进群（一分钟后收到欢迎）；@普通会员群 -小张 退群
  /image 图片路径                   您私聊发一张图片；@普通会员群 小王: /image 图片路径 是小王在群里发图
  /file 文件路径                    您私聊发一个文件（如后台导出的订单 CSV/XLSX：导入订单）
  Ctrl-D                          退出：待发消息先按节奏发完；再按一次 Ctrl-D 或 Ctrl-C 立即退出
群：{rooms}
"""
_SENT = re.compile(r"^[/／](?P<kind>image|file)\s+(?P<path>.+)$")  # a picture or a file, from this computer
_NOT_UTF8 = re.compile("[\ud800-\udfff]+")  # surrogates: bytes that were not UTF-8, or half an emoji
_LINE = re.compile(r"^(?:@(?P<room>\S+)\s+)?(?:(?P<move>[+-])(?P<mover>[^:：]+)|(?P<speaker>[^:：]+)[:：]\s*(?P<text>.+))$")


class ConsoleError(ValueError):
    """A line the console cannot understand; it is explained on screen and nothing is lost."""


class Console:
    def __init__(self, config: Config, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                 media_folder: Path | None = None):
        self.config = config
        self.media_folder = media_folder or media.folder_for(config.store.path)
        self.stdin = stdin
        self.stdout = stdout
        self.owner_id = config.owner.ids[0]
        self.bot_name, self.owner_name = config.console.bot_name, config.console.owner_name
        self.ids = {self.owner_name: self.owner_id}  # name -> id, for everyone the console knows
        for room in config.console.rooms:
            for name in room.members:
                self.ids.setdefault(name, f"console_{name}")
        self.rooms = {room.topic: f"console_room_{n}" for n, room in enumerate(config.console.rooms, start=1)}
        self.names = {v: k for k, v in {**self.ids, **self.rooms}.items()}
        self._lines: asyncio.Queue | None = None  # what is typed, once run() has started reading

    def _demo_account(self) -> list[Event]:
        events: list[Event] = [Login(BOT_ID, self.bot_name)]
        events += [ContactSeen(contact, name) for name, contact in self.ids.items()]
        events += [
            RoomSeen(self.rooms[room.topic], room.topic, (self.owner_id, *(self.ids[name] for name in room.members)))
            for room in self.config.console.rooms
        ]
        return events

    def parse(self, line: str) -> Event:
        line = line.strip()
        if line.startswith(("/", "／")):
            return self._message(self.owner_id, line)
        match = _LINE.match(line)
        if not match:
            raise ConsoleError("看不懂这一行。格式：小王: 你好　或　@群名 小王: 你好　或　@群名 +小张")
        room = None
        if match["room"]:
            room = self.rooms.get(match["room"])
            if room is None:
                raise ConsoleError(f"没有叫 {match['room']} 的群（可用：{'、'.join(self.rooms)}）")
        if match["move"]:
            if room is None:
                raise ConsoleError("进群和退群要写明群名：@群名 +小张")
            mover = match["mover"].strip()  # a nickname may have spaces: "+小 张"
            contact = self.ids.setdefault(mover, f"console_{mover}")
            self.names[contact] = mover
            return Join(room, contact, mover) if match["move"] == "+" else Leave(room, contact)
        speaker = match["speaker"].strip()
        contact = self.ids.setdefault(speaker, f"console_{speaker}")
        self.names[contact] = speaker
        mentions = tuple(person for name, person in ((self.bot_name, BOT_ID), (self.owner_name, self.owner_id))
                         if f"@{name}" in match["text"])
        return self._message(contact, match["text"], room, mentions, sender_name=speaker)

    def _message(self, sender: str, text: str, room: str | None = None, mentions: tuple[str, ...] = (),
                 sender_name: str | None = None) -> Message:
        """A line's message: its text, or for `/image PATH` the picture (`/file PATH`: the file), kept in the media
        folder. A path that does not lead to a file is the typist's slip, explained here; a file that is no
        picture, or too large, reaches the bot, which says so, as it would of one from WeChat."""
        sent = _SENT.match(text)
        if sent is None:
            return Message(sender, text, room, mentions, sender_name=sender_name)
        picture = sent["kind"] == "image"
        path = Path(sent["path"].strip()).expanduser()
        if not path.is_file():
            if picture:
                raise ConsoleError(f"找不到图片文件{quote(path.name)}：请写出图片的完整路径，例如 /image /home/我/杯子.jpg")
            raise ConsoleError(f"找不到文件{quote(path.name)}：请写出文件的完整路径，例如 /file /home/我/订单.csv")
        try:
            kept, why = str((media.keep if picture else media.keep_file)(self.media_folder, path)), None
        except media.PictureUnreadable as error:
            kept, why = None, error.reason
        return Message(sender, "", room, mentions, sender_name=sender_name, media=sent["kind"], unreadable=why,
                       **{sent["kind"]: kept})

    def _start_reading(self) -> asyncio.Queue:
        """Lines typed, as they come; an empty string at each end of input (Ctrl-D).

        Read in a daemon thread rather than asyncio's executor, whose threads the exit waits for: a read blocked
        on the keyboard would hold Ctrl-C up until the next Enter. A terminal is read on after the first Ctrl-D,
        for the second; a pipe or a file ends only once.
        """
        loop, lines = asyncio.get_running_loop(), asyncio.Queue()

        # Bytes where there are: a line that is not UTF-8 (a paste cut mid-character, bytes piped in) would stop a
        # strict text reader for good, and a lenient one hands over surrogates that no store or screen can write.
        source = getattr(self.stdin, "buffer", self.stdin)

        def read() -> None:
            ends, last_end = 0, 2 if self.stdin.isatty() else 1
            while ends < last_end:
                line = source.readline()
                ends += not line
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, line)
                except RuntimeError:  # the loop is closed: the bot has stopped
                    return

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return lines

    async def run(self, deliver: Callable[[Event], None]) -> None:
        self._lines = self._start_reading()
        for event in self._demo_account():
            deliver(event)
        self._print(SYNTAX.format(bot=self.bot_name, owner=self.owner_name, rooms="、".join(self.rooms)))
        while line := await self._lines.get():
            self.take(line, deliver)

    def take(self, line: str | bytes, deliver: Callable[[Event], None]) -> None:
        """One line typed: its event delivered, or what is wrong with it shown (nothing is lost: type it again)."""
        line, unreadable = readable(line)
        if not line.strip():
            return
        if unreadable:
            self._print("  ! 这一行有些字节不是 UTF-8 文字（可能是粘贴时截断了一个字），已换成 �，其余照常发出")
        try:
            deliver(self.parse(line))
        except ConsoleError as error:
            self._print(f"  ! {error}")

    async def draining(self, waiting: int, seconds: float, *, kept: bool = True) -> None:
        """After Ctrl-D: say what still waits and for how long; return at a second Ctrl-D.

        kept: whether the store outlives this run (a temporary one does not), so what is unsent goes out later.
        """
        later = "未发的下次启动再发" if kept else "未发的随临时数据库删除"
        self._print(f"还有 {waiting} 条待发送，约 {spoken_duration(seconds)}；再按一次 Ctrl-D 或 Ctrl-C 立即退出，{later}")
        while await self._lines.get():
            self._print("  ! 正在退出，这一行没有发出")

    async def send(self, message: Outgoing) -> None:
        where = f"[{self.names.get(message.room, message.room)}]" if message.room else "[私聊]"
        to = f" → {self.names.get(message.to, message.to)}" if message.to else ""
        lines = message.text.splitlines() + ([f"[图片 {message.image}]"] if message.image else [])
        if message.kind == REMOVE_MEMBER:
            lines = [f"（已把 {self.names.get(message.to, message.to)} 移出群聊）"]
        body = "\n".join("    " + line for line in lines)
        self._print(f"{where}{to} ({message.kind})\n{body}")

    def _print(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)


def readable(line: str | bytes) -> tuple[str, bool]:
    """The line as text, each run of what is not UTF-8 made one U+FFFD; and whether there was any. Bytes are read
    with surrogateescape, as Python reads a terminal in the C locale, so that both come out the same."""
    text = line.decode("utf-8", "surrogateescape") if isinstance(line, bytes) else line
    cleaned = _NOT_UTF8.sub("\ufffd", text)
    return cleaned, cleaned != text


def spoken_duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} 秒"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} 分钟"
    return f"{seconds / 3600:.1f} 小时".replace(".0 ", " ")

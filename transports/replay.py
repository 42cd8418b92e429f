"""`python bot.py replay SCRIPT.jsonl`: drive the bot from a script of events on a virtual clock.

A public interface: shop owners and outside checks script the bot with it, so its input, its output and its
`kind` names only ever grow. The whole script is checked before the clock starts; then each event is handled at
its own time, jobs that fall due in between fire at theirs, and every message sent is written to stdout as one
JSON line. Nothing sleeps: the clock jumps from one due moment to the next.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from core.assistant import Assistant
from core.clock import VirtualClock
from core.text import quote
from core.config import Config
from core import media
from core.events import MEDIA, ContactSeen, Event, Join, Leave, Login, Logout, Message, RoomSeen, Tick
from core.outbox import Outgoing
from core.registry import Registry
from core.store import open_store


class ScriptError(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(f"第 {line} 行：{reason}")
        self.line = line


# Limits that keep a script from crashing the replay half-way or running it for hours: times outside these years
# overflow when converted (year 1 or 9999 with an offset) or leave the clock millennia of nights to run through.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
LINE_BYTES_AT_MOST = 1 << 20
NESTING_AT_MOST = 4  # an event, a list in it, and room to grow
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # valid JSON ("\ud800"), but no UTF-8 output can carry it


# For each event type: its required fields, and how to build the core's event from a checked line.
_REQUIRED = {
    "login": ("id", "name"),
    "logout": (),
    "contact": ("id", "name"),
    "room": ("id", "topic"),
    "message": ("from",),  # and "text", unless the message is a picture ("image"), a file ("file") or another kind
    "join": ("room", "contact"),
    "leave": ("room", "contact"),
    "tick": (),
}


def _build(kind: str, line: dict) -> Event:
    match kind:
        case "login":
            return Login(line["id"], line["name"])
        case "logout":
            return Logout()
        case "contact":
            return ContactSeen(line["id"], line["name"])
        case "room":
            return RoomSeen(line["id"], line["topic"], tuple(line.get("members", ())))
        case "message":
            return Message(line["from"], line.get("text", ""), line.get("room"), tuple(line.get("mentions", ())),
                           to=line.get("to"), media=_media(line), image=line.get("image"), file=line.get("file"))
        case "join":
            return Join(line["room"], line["contact"], line.get("name"))
        case "leave":
            return Leave(line["room"], line["contact"])
        case "tick":
            return Tick()


def _media(line: dict) -> str:
    """A message's kind: a picture's or a file's by the field that names it, else as "media" says (text by default)."""
    return next((kind for kind in ("image", "file") if kind in line), line.get("media", "text"))


def _string_fields(kind: str) -> tuple[str, ...]:
    optional = {"message": ("room", "to", "text", "image", "file", "media"), "join": ("name",)}.get(kind, ())
    return _REQUIRED[kind] + optional


def parse_time(text: object, what: str = "at", default_tz: dt.tzinfo | None = None) -> dt.datetime:
    """An ISO 8601 time between 2000 and 2100; without an offset it is refused, or read in `default_tz` if given
    (what the command line does: the owner types 2026-11-25T23:00 and means the shop's time)."""
    if not isinstance(text, str):
        raise ValueError(f"{what} 要写成带时区的 ISO 8601 时间字符串，例如 2026-11-25T20:00:00+08:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        if default_tz is None:  # a script's time, written by a program: the standard it follows is the help
            raise ValueError(f"{what} 的时间{quote(text)}不是 ISO 8601 时间，例如 2026-11-25T20:00:00+08:00") from None
        # Typed by the owner, who may write 明天 or 23点: the layout in plain words, and one to copy.
        raise ValueError(f"{what} 的时间{quote(text)}看不懂：请写日期和钟点，中间用 T 连接，例如 2026-11-25T23:00"
                         "（2026 年 11 月 25 日晚上 11 点）") from None
    if moment.tzinfo is None and default_tz is not None:
        moment = moment.replace(tzinfo=default_tz)
    if moment.tzinfo is None:
        raise ValueError(f"{what} 的时间{quote(text)}没有时区（请加上，例如 +08:00）")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"{what} 的时间{quote(text)}超出范围（{EARLIEST_YEAR}–{LATEST_YEAR} 年）")
    return moment


def _check_line(number: int, text: str) -> tuple[dt.datetime, Event]:
    line = _json_object(number, text)
    kind = line.get("type")
    if not isinstance(kind, str) or kind not in _REQUIRED:
        shown = kind if isinstance(kind, str) else json.dumps(kind, ensure_ascii=False)
        raise ScriptError(number, f"不认识的 type {quote(shown)}（可以是 {'、'.join(_REQUIRED)}）")
    if "at" not in line:
        raise ScriptError(number, f"{kind} 事件缺少字段 at")
    try:
        at = parse_time(line["at"])
    except ValueError as error:
        raise ScriptError(number, str(error)) from None
    for name in _REQUIRED[kind]:
        if name not in line:
            raise ScriptError(number, f"{kind} 事件缺少字段 {name}")
    for name in _string_fields(kind):
        if name in line and not (isinstance(line[name], str) or (name == "room" and line[name] is None)):
            raise ScriptError(number, f"字段 {name} 要是字符串")
    for name in ("members", "mentions"):
        if name in line and not (isinstance(line[name], list) and all(isinstance(i, str) for i in line[name])):
            raise ScriptError(number, f"字段 {name} 要是微信号（字符串）的列表")
    if kind == "message":
        _check_message(number, line)
    return at, _build(kind, line)


def _check_message(number: int, line: dict) -> None:
    """A message has a text, or is a picture or a file (one that is there: whether it is a readable picture or an
    order export is the bot's to find out, as with one from WeChat), or says which other kind it is (a voice
    message: no text)."""
    if "image" in line and "file" in line:
        raise ScriptError(number, "一条消息不能既有 image 又有 file")
    if "image" in line:
        if not Path(line["image"]).is_file():
            raise ScriptError(number, f"找不到图片文件{quote(line['image'])}（相对路径从当前目录算起）")
        if line.get("media", "image") != "image":
            raise ScriptError(number, "带 image 的消息，media 只能是 image")
    elif "file" in line:
        if not Path(line["file"]).is_file():
            raise ScriptError(number, f"找不到文件{quote(line['file'])}（相对路径从当前目录算起）")
        if line.get("media", "file") != "file":
            raise ScriptError(number, "带 file 的消息，media 只能是 file")
    elif line.get("media", "text") not in MEDIA:
        raise ScriptError(number, f"不认识的 media {quote(line['media'])}（可以是 {'、'.join(MEDIA)}）")
    elif line.get("media") == "image":
        raise ScriptError(number, "图片消息要用 image 字段写出图片文件")
    elif "text" not in line and line.get("media", "text") == "text":
        raise ScriptError(number, "message 事件缺少字段 text")


def _json_object(number: int, text: str) -> dict:
    """The line's JSON object, if the replay can carry it through: not nested too deep, no lone surrogate."""
    try:
        line = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScriptError(number, f"不是合法的 JSON（第 {error.colno} 列有误）") from None
    except RecursionError:
        raise ScriptError(number, f"嵌套超过 {NESTING_AT_MOST} 层") from None
    except ValueError:  # a number of thousands of digits
        raise ScriptError(number, "不是能读的 JSON（数字位数太多）") from None
    if not isinstance(line, dict):
        raise ScriptError(number, "每行要是一个 JSON 对象 {…}")
    # Most lines cannot be nested too deep nor hold a surrogate (escaped as \ud800, or raw in a text read in memory)
    if text.count("{") + text.count("[") > NESTING_AT_MOST or "\\u" in text or LONE_SURROGATE.search(text):
        _check_values(number, line)
    return line


def _check_values(number: int, line: dict) -> None:
    values = [(line, 1)]
    while values:
        value, depth = values.pop()
        if isinstance(value, (dict, list)) and depth > NESTING_AT_MOST:
            raise ScriptError(number, f"嵌套超过 {NESTING_AT_MOST} 层")
        if isinstance(value, dict):
            values.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            values.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and LONE_SURROGATE.search(value):
            raise ScriptError(number, "有单独的代理字符（如 \\ud800），无法写成 UTF-8")


def _numbered_lines(source: TextIO) -> Iterator[tuple[int, str]]:
    """Each line with its number. A file is read as bytes, so that a line too long is refused without reading it
    whole, and a byte that is not UTF-8 is placed on its own line."""
    raw = getattr(source, "buffer", None)
    for number in itertools.count(1):
        chunk = (raw or source).readline(LINE_BYTES_AT_MOST + 1)
        if not chunk:
            return
        if len(chunk.rstrip(b"\r\n" if raw else "\r\n")) > LINE_BYTES_AT_MOST:
            raise ScriptError(number, "一行超过 1 MB：一行只写一个事件")
        try:
            text = chunk.decode("utf-8") if raw else chunk
        except UnicodeDecodeError:
            raise ScriptError(number, "不是 UTF-8 文本") from None
        yield number, text


def read_script(source: TextIO) -> list[tuple[dt.datetime, Event]]:
    """Check every line first: a bad script stops before anything is sent."""
    timeline: list[tuple[dt.datetime, Event]] = []
    for number, text in _numbered_lines(source):
        if not text.strip():
            continue
        at, event = _check_line(number, text)
        if timeline and at < timeline[-1][0]:
            raise ScriptError(number, f"时间倒退了：{at.isoformat()} 早于上一行")
        timeline.append((at, event))
    return timeline


@dataclass
class ReplayOutput:
    """The replay's transport: every message sent becomes a JSON line, stamped with the virtual time."""

    clock: VirtualClock
    out: TextIO

    async def run(self, deliver) -> None:  # the replay feeds events itself, on its clock
        return None

    async def send(self, message: Outgoing) -> None:
        """The text's line, then the picture's (same kind), as WeChat shows them: two messages, text first."""
        line = {"at": self.clock.now().isoformat(), "room": message.room, "to": message.to, "kind": message.kind}
        lines = [{**line, "text": message.text}] if message.text or not message.image else []  # remove_member: ""
        lines += [{**line, "image": message.image}] if message.image else []
        self.out.write("".join(json.dumps(each, ensure_ascii=False) + "\n" for each in lines))
        self.out.flush()


def take_attachment(event: Event, folder: Path | None) -> Event:
    """A script's picture or file, kept in the media folder as a transport keeps one from WeChat: the message then
    names the kept file, or says why none could be kept (the owner is told, or the file's reader answers)."""
    if not isinstance(event, Message) or (event.image or event.file) is None:
        return event
    field, keep = ("image", media.keep) if event.image else ("file", media.keep_file)
    try:
        if folder is None:
            raise media.PictureUnreadable("unavailable", "a store in memory keeps no pictures")
        return dataclasses.replace(event, **{field: str(keep(folder, Path(getattr(event, field))))})
    except media.PictureUnreadable as error:
        return dataclasses.replace(event, unreadable=error.reason, **{field: None})


async def run_until(assistant: Assistant, clock: VirtualClock, moment: dt.datetime, output: ReplayOutput) -> None:
    """Let the clock run to `moment`, stopping at each job and each send that falls due on the way. Tests stop here
    to kill the bot mid-way: unlike replay(), it leaves what is still queued in the store."""
    while (wake := assistant.next_wakeup()) is not None and wake <= moment:
        clock.set(max(wake, clock.now()))
        assistant.fire_due_timers()
        await assistant.send_due(output)
    clock.set(moment)


async def replay(
    assistant: Assistant,
    clock: VirtualClock,
    timeline: list[tuple[dt.datetime, Event]],
    until: dt.datetime | None = None,
    out: TextIO = sys.stdout,
) -> None:
    """Play the events, run the clock on to `until`, then let what is still queued go out at the outbox's pace."""
    output = ReplayOutput(clock, out)
    folder = media.folder_of(assistant.db)
    for at, event in timeline:
        await run_until(assistant, clock, at, output)
        assistant.handle(take_attachment(event, folder))
    await run_until(assistant, clock, max(until or clock.now(), clock.now()), output)
    while (next_send := assistant.outbox.next_send_time(assistant.clock.now())) is not None:
        clock.set(max(next_send, clock.now()))
        await assistant.send_due(output)


def run_script(
    config: Config,
    features: Registry,
    timeline: list[tuple[dt.datetime, Event]],
    *,
    until: dt.datetime | None = None,
    db_path: Path | None = None,
    seed: int = 0,
    out: TextIO = sys.stdout,
) -> None:
    """Replay a checked script against the store at db_path, or against a fresh temporary one (never store.db)."""
    start = timeline[0][0] if timeline else until
    if start is None:
        return  # an empty script and no --until: nothing happens, nothing is sent
    with tempfile.TemporaryDirectory(prefix="replay-") as scratch:
        db = open_store(db_path or Path(scratch) / "store.db")
        try:
            assistant = Assistant(config, db, VirtualClock(start, config.tz), features, seed=seed)
            asyncio.run(replay(assistant, assistant.clock, timeline, until, out))
        finally:
            db.close()

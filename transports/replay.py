"""`python bot.py replay SCRIPT.jsonl`: drive the bot from a script of events on a virtual clock.

A public interface: shop owners and outside checks script the bot with it, so its input, its output and its
`kind` names only ever grow. The whole script is checked before the clock starts; then each event is handled at
its own time, jobs that fall due in between fire at theirs, and every message sent is written to stdout as one
JSON line. Nothing sleeps: the clock jumps from one due moment to the next.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from core.assistant import Assistant
from core.clock import VirtualClock
from core.config import Config
from core.events import ContactSeen, Event, Join, Leave, Login, Logout, Message, RoomSeen, Tick
from core.outbox import Outgoing
from core.store import open_store


class ScriptError(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line = line


# For each event type: its required fields, and how to build the core's event from a checked line.
_REQUIRED = {
    "login": ("id", "name"),
    "logout": (),
    "contact": ("id", "name"),
    "room": ("id", "topic"),
    "message": ("from", "text"),
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
            return Message(line["from"], line["text"], line.get("room"), tuple(line.get("mentions", ())), to=line.get("to"))
        case "join":
            return Join(line["room"], line["contact"], line.get("name"))
        case "leave":
            return Leave(line["room"], line["contact"])
        case "tick":
            return Tick()


def _string_fields(kind: str) -> tuple[str, ...]:
    optional = {"message": ("room", "to"), "join": ("name",)}.get(kind, ())
    return _REQUIRED[kind] + optional


def parse_time(text: object, what: str = "'at'") -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be an ISO 8601 time string with an offset, like 2026-11-25T20:00:00+08:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{what} {text!r} has no UTC offset (write e.g. +08:00)")
    return moment


def _check_line(number: int, text: str) -> tuple[dt.datetime, Event]:
    try:
        line = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScriptError(number, f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(line, dict):
        raise ScriptError(number, "each line must be one JSON object")
    kind = line.get("type")
    if kind not in _REQUIRED:
        raise ScriptError(number, f"unknown type {kind!r} (known: {', '.join(_REQUIRED)})")
    if "at" not in line:
        raise ScriptError(number, f"a {kind} event needs 'at'")
    try:
        at = parse_time(line["at"])
    except ValueError as error:
        raise ScriptError(number, str(error)) from None
    for name in _REQUIRED[kind]:
        if name not in line:
            raise ScriptError(number, f"a {kind} event needs {name!r}")
    for name in _string_fields(kind):
        if name in line and not (isinstance(line[name], str) or (name == "room" and line[name] is None)):
            raise ScriptError(number, f"{name!r} must be a string")
    for name in ("members", "mentions"):
        if name in line and not (isinstance(line[name], list) and all(isinstance(i, str) for i in line[name])):
            raise ScriptError(number, f"{name!r} must be a list of ids")
    return at, _build(kind, line)


def read_script(source: TextIO) -> list[tuple[dt.datetime, Event]]:
    """Check every line first: a bad script stops before anything is sent."""
    timeline: list[tuple[dt.datetime, Event]] = []
    for number, text in enumerate(source, start=1):
        if not text.strip():
            continue
        at, event = _check_line(number, text)
        if timeline and at < timeline[-1][0]:
            raise ScriptError(number, f"time goes backwards: {at.isoformat()} is before the line above")
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
        line = {
            "at": self.clock.now().isoformat(),
            "room": message.room,
            "to": message.to,
            "kind": message.kind,
            "text": message.text,
        }
        self.out.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.out.flush()


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
    for at, event in timeline:
        await run_until(assistant, clock, at, output)
        assistant.handle(event)
    await run_until(assistant, clock, max(until or clock.now(), clock.now()), output)
    while (next_send := assistant.outbox.next_send_time()) is not None:
        clock.set(max(next_send, clock.now()))
        await assistant.send_due(output)


def run_script(
    config: Config,
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
            assistant = Assistant(config, db, VirtualClock(start, config.tz), seed=seed)
            asyncio.run(replay(assistant, assistant.clock, timeline, until, out))
        finally:
            db.close()

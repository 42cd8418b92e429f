"""`check-config`'s rehearsal: a month of a small shop, played on a virtual clock against a throwaway store.

Rendering each template with its sample variables proves the template, not the code that calls it: a command that
forgets a variable its template needs (as `/complaints week` once did) passes that check and fails in front of the
owner. So check-config also drives the real bot with this config: members chat, ask, complain and join; the owner
types every command's examples; the clock runs a month, so that every job, campaign and weekly review fires. Any
feature that fails on the way is a problem reported, with what was being done.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import tempfile
from pathlib import Path

from core.assistant import Assistant
from core.clock import VirtualClock
from core.config import Config
from core.events import ContactSeen, Event, Join, Login, Message, RoomSeen
from core.registry import Registry
from core.store import open_store
from transports.replay import replay

OWNER, BOT = "selfcheck_owner", "selfcheck_bot"
MEMBERS = {"selfcheck_a": "小王", "selfcheck_b": "小李", "selfcheck_c": "阿芳"}
MONTH = dt.timedelta(days=35)  # a member day, four flash sales and four weekly reviews, whatever the start
MEMBER_WORDS = ("你好，请问今天发货吗？", "杯子收到是碎的，我要投诉", "谢谢，已经收到了")


class _Failures(logging.Handler):
    """Collects what the core logs when a feature fails: the feature is undone and the rehearsal goes on."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep a failure the core logs as a line of check-config's report, instead of printing its traceback."""
        reason = f"{record.exc_info[1]}" if record.exc_info else record.getMessage()
        self.problems.append(f"{_doing(record.args)}出错：{reason[:300]}")


def _doing(args) -> str:
    """What the bot was doing when a feature failed, from what core.assistant logs: (feature, event or timer key)."""
    handled = args[1] if isinstance(args, tuple) and len(args) == 2 else None
    if isinstance(handled, Message):
        who = "店主" if handled.sender == OWNER else "成员"
        return f"{who}{'在群里' if handled.room else '私聊'}发“{handled.text[:30]}”时"
    if isinstance(handled, str):
        return f"定时任务 {handled} 运行时"
    return f"{type(handled).__name__} 事件时" if handled is not None else ""


def _script(config: Config, registry: Registry, start: dt.datetime) -> list[tuple[dt.datetime, Event]]:
    """The month's events, a minute apart in working hours of the first day."""
    topics = [*config.tiers.vip_rooms, *config.tiers.regular_rooms] or ["店铺群"]
    rooms = {f"selfcheck_room_{n}": topic for n, topic in enumerate(topics, start=1)}
    events: list[Event] = [Login(BOT, "小店助手"), ContactSeen(OWNER, "店主")]
    events += [ContactSeen(contact, name) for contact, name in MEMBERS.items()]
    events += [RoomSeen(room, topic, (OWNER, BOT, *MEMBERS)) for room, topic in rooms.items()]
    first_room = next(iter(rooms))
    events += [Message(contact, text, first_room) for contact, text in zip(MEMBERS, MEMBER_WORDS)]
    events += [Message("selfcheck_a", "在吗？我的订单到哪了"), Join(first_room, "selfcheck_new", "小张")]
    for command in sorted(registry.commands.values(), key=lambda c: c.name):
        for example in getattr(command, "examples", ()) or (command.usage.split()[0],):
            events.append(Message(OWNER, example))
            events.append(Message(OWNER, example, first_room, (BOT,)))
    return [(start + dt.timedelta(minutes=n), event) for n, event in enumerate(events)]


def rehearse(config: Config, registry: Registry, start: dt.datetime) -> list[str]:
    """Play a month from `start` with this config; return what failed (empty: every feature held)."""
    config = config.with_owners([OWNER])
    failures = _Failures()
    core_log = logging.getLogger("core")
    core_log.addHandler(failures)
    core_log.propagate = False  # the problems are reported as a list, not as tracebacks on the terminal
    try:
        with tempfile.TemporaryDirectory(prefix="selfcheck-") as scratch:
            db = open_store(Path(scratch) / "store.db")
            try:
                assistant = Assistant(config, db, VirtualClock(start, config.tz), registry, seed=0)
                timeline = _script(config, registry, start)
                asyncio.run(replay(assistant, assistant.clock, timeline, until=start + MONTH, out=io.StringIO()))
            finally:
                db.close()
    finally:
        core_log.removeHandler(failures)
        core_log.propagate = True
    return list(dict.fromkeys(failures.problems))  # one line per distinct failure

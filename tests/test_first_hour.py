"""The owner's first hour, as README's "Your first hour" shows it: the console transport, started at a pretend
time, driven through the README's own examples; every answer must be exactly what README prints.

The transcript in README is the script: a line `> …` is typed at the console, a line `（N 分钟后）` lets the clock
run on, and every other line is what the console prints. Between two typed lines the clock runs on two minutes,
as an owner reading the answers would. The clock is virtual: the hour takes a second.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re

import features
from core.assistant import Assistant
from core.clock import VirtualClock
from core.config import load_config
from core.store import open_store
from tests.conftest import ROOT
from transports.console import Console
from transports.replay import run_until

SECTION = "## Your first hour"
START = re.compile(r"^\$ .*--pretend-time (\S+)")
WAIT = re.compile(r"^（(\d+) (分钟|小时)后）$")
READING = dt.timedelta(minutes=2)  # between two lines typed: the answers come in meanwhile, at the outbox's pace


def readme_transcript() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):]
    block = section[section.index("```console\n") + len("```console\n"):]
    return block[:block.index("```")].splitlines()


def play(transcript: list[str], db_path) -> list[str]:
    """Type the transcript's lines at the console; return the transcript as it really went."""
    start = dt.datetime.fromisoformat(START.match(transcript[0])[1])
    config = load_config()
    clock = VirtualClock(start.replace(tzinfo=start.tzinfo or config.tz), config.tz)
    screen = io.StringIO()
    console = Console(config, stdin=io.StringIO(), stdout=screen)
    assistant = Assistant(config, open_store(db_path), clock, features.load(), seed=0)
    asyncio.run(console.run(assistant.handle))  # the demo account, then the end of the (empty) input
    played, printed = [transcript[0]], 0

    def wait(span: dt.timedelta) -> None:
        nonlocal printed
        asyncio.run(run_until(assistant, clock, clock.now() + span, console))
        played.extend(screen.getvalue()[printed:].splitlines())
        printed = len(screen.getvalue())

    screen.seek(0), screen.truncate()
    for line in transcript[1:]:
        if line.startswith("> "):
            played.append(line)
            console.take(line[2:], assistant.handle)
            wait(READING)
        elif waited := WAIT.match(line):
            played.append(line)
            wait(dt.timedelta(**{"minutes" if waited[2] == "分钟" else "hours": int(waited[1])}))
    return played


def test_the_first_hour_in_readme_is_exactly_what_the_bot_answers(tmp_path):
    transcript = readme_transcript()
    assert any(line.startswith("> ") for line in transcript), "README's first hour has lines to type"
    assert play(transcript, tmp_path / "store.db") == transcript

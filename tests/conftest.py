"""Shared test helpers: scripts replayed on a virtual clock, against temporary stores."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import features
from core.assistant import Assistant
from core.clock import VirtualClock
from core.config import load_config
from core.store import open_store
from transports.replay import read_script, run_script

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")
OWNER = "wxid_owner"
FEATURES = features.load()
BOT = "wxid_bot"


def at(text: str) -> str:
    """'2026-11-25 10:00' in Shanghai time, as a replay script writes it."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).isoformat()


def shop(start: str = "2026-11-25 10:00") -> list[dict]:
    """The opening of most scripts: the bot logs in, two members, the owner, and one group with all of them."""
    return [
        {"at": at(start), "type": "login", "id": BOT, "name": "小店助手"},
        {"at": at(start), "type": "contact", "id": OWNER, "name": "店主"},
        {"at": at(start), "type": "contact", "id": "wxid_a", "name": "小王"},
        {"at": at(start), "type": "contact", "id": "wxid_b", "name": "小李"},
        {"at": at(start), "type": "room", "id": "r1@chatroom", "topic": "普通会员群", "members": [OWNER, "wxid_a", "wxid_b"]},
    ]


def say(when: str, sender: str, text: str, room: str | None = "r1@chatroom", **extra) -> dict:
    line = {"at": at(when), "type": "message", "from": sender, "text": text, **extra}
    if room:
        line["room"] = room
    return line


def replay_events(events: list[dict], *, until: str | None = None, db_path: Path | None = None, config=None, seed=0):
    """Replay events in-process (the same code as `bot.py replay`) and return what the bot sent, parsed."""
    config = config or load_config().with_owners([OWNER])
    timeline = read_script(io.StringIO("\n".join(json.dumps(e, ensure_ascii=False) for e in events)))
    out = io.StringIO()
    until_at = dt.datetime.fromisoformat(at(until)) if until else None
    run_script(config, FEATURES, timeline, until=until_at, db_path=db_path, seed=seed, out=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def run_bot(*args: str, stdin: str = "", timeout: float = 60, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run bot.py as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


@pytest.fixture
def assistant_at(tmp_path):
    """Build an Assistant on a virtual clock and a temporary store: assistant_at('2026-11-25 10:00'); every feature
    unless `features=` gives a Registry of just the ones a test needs."""

    def build(start: str, db_path: Path | None = None, templates=None, features=None, **config_changes):
        config = load_config().with_owners([OWNER])
        if config_changes:
            config = config.model_copy(update=config_changes)
        db = open_store(db_path or tmp_path / "store.db")
        clock = VirtualClock(dt.datetime.fromisoformat(start).replace(tzinfo=SHANGHAI), config.tz)
        return Assistant(config, db, clock, features or FEATURES, seed=1, templates=templates)

    return build

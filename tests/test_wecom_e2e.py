"""WeCom group robots end to end: the real bot process against the fake webhook API on 127.0.0.1 (tests/fake_wecom.py),
killed outright mid-burst; and beside the real puppet-service gateway (tests/gateway), stopped for longer than the
alert's delay."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import tests.test_wechaty_e2e as puppet_e2e
from core.clock import VirtualClock
from core.assistant import Assistant
from core.config import load_config
from core.context import Context
from core.events import RoomSeen
from core.store import open_store
from tests.conftest import FEATURES, OWNER, ROOT, SHANGHAI
from tests.fake_wecom import FakeWecom
from tests.test_wecom import OWNER_KEY, REGULAR_KEY, VIP_KEY, robot_texts, wecom_config

BURST = 15


@pytest.fixture
def fake():
    api = FakeWecom({OWNER_KEY: "店主群", REGULAR_KEY: "普通会员群", VIP_KEY: "VIP福利群"})
    yield api
    api.close()


def wait_until(condition, timeout: float, failing: str, log=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failing + (f"\n--- bot log:\n{log.read_text()}" if log else ""))
        time.sleep(0.05)


def queue_burst(config_path, db_path) -> None:
    """What a bot on robots alone has queued for one group's robot, as a campaign would: BURST posts."""
    config = load_config(config_path)
    now = dt.datetime.now(SHANGHAI)
    assistant = Assistant(config, open_store(db_path), VirtualClock(now, config.tz), FEATURES, seed=1)
    with assistant.db.atomic():
        assistant.handle(RoomSeen("wecom-group:普通会员群", "普通会员群"))
        for n in range(BURST):
            Context(assistant).say("light_content", "light_content", room="wecom-group:普通会员群", broadcast=True,
                                   text=f"第{n + 1}条")
    assistant.db.close()


def test_a_bot_on_robots_alone_killed_mid_burst_loses_and_repeats_nothing(tmp_path, fake):
    config = wecom_config(tmp_path, fake)
    config.write_text(config.read_text(encoding="utf-8").replace("per_chat_interval_seconds = 3",
                                                                 "per_chat_interval_seconds = 0.2"), encoding="utf-8")
    db, log = tmp_path / "store.db", tmp_path / "bot.log"
    queue_burst(config, db)
    fake.answer_after = 0.3  # a kill then most likely lands between a message taken and its answer
    command = [sys.executable, str(ROOT / "bot.py"), "run", "--config", str(config), "--db", str(db)]
    bot = subprocess.Popen(command, cwd=tmp_path, stdout=log.open("a"), stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: len(fake.taken_by("普通会员群")) >= 5, 60, "the burst never started", log)
        bot.send_signal(signal.SIGKILL)  # mid-burst, whatever it was doing
        bot.wait()
        bot = subprocess.Popen(command, cwd=tmp_path, stdout=log.open("a"), stderr=subprocess.STDOUT)

        def settled() -> bool:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as store:
                return store.execute("SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')").fetchone()[0] == 0

        wait_until(settled, 60, "the burst never finished after the restart", log)
        time.sleep(1)
    finally:
        bot.terminate()
        bot.wait(timeout=20)
    posted = [t["body"]["text"]["content"] for t in fake.taken_by("普通会员群")]
    assert len(posted) == len(set(posted)), "nothing twice"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as store:
        outcome = dict(store.execute("SELECT text, status FROM outbox WHERE kind = 'light_content'").fetchall())
    assert len(outcome) == BURST
    for text, status in outcome.items():
        assert status in ("sent", "uncertain"), (text, status)
        assert status == "uncertain" or text in posted, f"{text} sent, and not at the robot"
    missing = [text for text, status in outcome.items() if text not in posted]
    assert all(outcome[text] == "uncertain" for text in missing), "nothing lost: what did not arrive was reported"
    if "uncertain" in outcome.values():
        assert any("可能未送达" in text for text in robot_texts(fake)), "the owner robot was told"
    assert set(fake.answers) <= {0}, "the robot never refused one: paced within its minute"
    assert OWNER_KEY not in log.read_text() and REGULAR_KEY not in log.read_text()


def test_the_puppet_gateway_stopped_past_the_delay_alerts_the_owner_robot_once_and_once_more_on_recovery(
        tmp_path, fake, monkeypatch):
    plain_config = puppet_e2e.e2e_config

    def with_owner_robot(path, per_chat_seconds=0.5):
        config = plain_config(path, per_chat_seconds)
        config.write_text(config.read_text(encoding="utf-8") + f'\n[wecom]\napi_base = "{fake.base}"\n'
                          f'owner_robot = "{OWNER_KEY}"\nalert_after_minutes = 0.05\n', encoding="utf-8")
        return config

    monkeypatch.setattr(puppet_e2e, "e2e_config", with_owner_robot)
    shop = puppet_e2e.Shop(tmp_path)
    try:
        shop.gateway.process.kill()
        shop.gateway.process.wait()
        wait_until(lambda: len(robot_texts(fake)) >= 1, 60, "no alert on the owner robot", shop.bot_log)
        assert "机器人连不上微信" in robot_texts(fake)[0]
        time.sleep(5)  # the back-off goes on: still one alert
        assert len(robot_texts(fake)) == 1
        shop.gateway = shop.start_gateway()
        shop.account_online()
        wait_until(lambda: len(robot_texts(fake)) >= 2, 120, "nothing on the owner robot on recovery", shop.bot_log)
        time.sleep(2)
        alert, back = robot_texts(fake)
        assert "微信已恢复连接" in back and "中断了" in back
        assert OWNER_KEY not in shop.bot_log.read_text()
    finally:
        shop.close()

"""The wechaty transport end to end: the real bot process, python-wechaty, and a real puppet-service gateway
(tests/gateway, node, serving the mock puppet on 127.0.0.1) talking the real gRPC protocol."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import queue
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from core.config import DEFAULT_CONFIG
from tests.conftest import OWNER, ROOT
from tests.test_media import png
from tests.test_order_files import figures, fixed_export, xlsx

GATEWAY = ROOT / "tests" / "gateway"
TOKEN = "insecure_e2e_test_token"
BOT = "wxid_bot_e2e"
MEMBER, NEWCOMER = "wxid_member_e2e", "wxid_newcomer_e2e"
ROOM = "e2e-room@chatroom"
START_TIMEOUT = 90  # node and python-wechaty both take a few seconds to start on a busy 2-core machine
GROUPS_READ = "the list of groups"  # the bot's log line once it has read its groups at login (or failed to)
PORTS_FROM, PORTS_PER_WORKER = 20000, 1000  # gw0: 20000-20999, gw1: 21000-21999 … (see _ports)



def _ports() -> Iterator[int]:
    """This test process's ports for gateways, each handed out once.

    Asking the system for a free port (binding port 0) and starting node on it seconds later races with everything
    else on the machine that binds port 0 meanwhile, the other pytest-xdist worker's gateway included, and a
    gateway restarted "on the same port" frees it for a while. So each worker (PYTEST_XDIST_WORKER gw0, gw1 …)
    takes its own block below the system's ephemeral range (32768 and up on Linux), which port 0 never hands out,
    starting at a point drawn from its process id: another suite run on the same machine rarely starts on ours."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    first = PORTS_FROM + int(worker if worker.isdigit() else 0) * PORTS_PER_WORKER
    start = random.Random(os.getpid()).randrange(PORTS_PER_WORKER)
    for offset in range(PORTS_PER_WORKER):
        yield first + (start + offset) % PORTS_PER_WORKER


PORTS = _ports()


def free_port() -> int:
    """A port of this worker's block that nothing listens on now."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:  # some other program's: the next one
                continue
            return port
    raise RuntimeError(f"no free port left in this worker's block of {PORTS_PER_WORKER}")


class Gateway:
    """The node gateway process: commands in on stdin, events out on stdout, its log kept for failures."""

    def __init__(self, port: int, log_path: Path):
        self.log_path = log_path
        self.events: queue.Queue = queue.Queue()
        env = {**os.environ, "GATEWAY_PORT": str(port), "WECHATY_PUPPET_SERVICE_TOKEN": TOKEN,
               "WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER": "true"}
        self.process = subprocess.Popen(
            ["node", "gateway.mjs"], cwd=GATEWAY, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_path.open("a"),
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda e: e["event"] == "ready", START_TIMEOUT, "the gateway did not start listening")

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))

    def wait_for(self, wanted, timeout: float = 60, failing: str = "the awaited gateway event never came") -> dict:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if wanted(event):
                return event
        hint = "" if (GATEWAY / "node_modules").exists() else " (its packages are missing: `make test` installs them)"
        logs = "".join(f"\n--- {path.name}:\n{path.read_text()[-6000:]}" for path in self.log_path.parent.glob("*.log"))
        pytest.fail(f"{failing}{hint}{logs}")

    def do(self, command: str, **fields) -> None:
        # ASCII with escapes: a lone surrogate, which no UTF-8 pipe carries, reaches node's JSON.parse intact
        self.process.stdin.write(json.dumps({"do": command, **fields}) + "\n")
        self.process.stdin.flush()
        outcome = self.wait_for(lambda e: e.get("do") == command, failing=f"no answer to {command}")
        assert outcome["event"] == "done", outcome

    def bot_said(self, timeout: float = 60, **expected) -> dict:
        return self.wait_for(
            lambda e: e["event"] == "bot_said" and all(e.get(k) == v for k, v in expected.items()),
            timeout, f"the bot never said anything matching {expected}",
        )

    def silent_for(self, seconds: float) -> list[dict]:
        """What the bot said over the next seconds (expected: nothing more)."""
        said, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event["event"] == "bot_said":
                said.append(event)
        return said

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def e2e_config(tmp_path: Path, per_chat_seconds: float = 0.5) -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    for old, new in [
        ('kind = "console"', 'kind = "wechaty"'),
        ('ids = ["wxid_owner_placeholder"]', f'ids = ["{OWNER}"]'),
        ("per_chat_interval_seconds = 3", f"per_chat_interval_seconds = {per_chat_seconds}"),
        ("switch_pause_seconds = [3, 5]", "switch_pause_seconds = [0.5, 1]"),
        ("account_per_minute = 6", "account_per_minute = 60"),
        ("retry_seconds = 30", "retry_seconds = 1"),
        ("watchdog_seconds = 30", "watchdog_seconds = 1"),  # every test then also checks that dings get answers
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Proxy:
    """A TCP relay between the bot and the gateway that can fall silent: the connection stays open and nothing
    gets through, as with a hung service or a dropped NAT mapping. New connections get through again. Made not
    `answering`, it is a service that accepts connections and never answers, until it is made answering."""

    def __init__(self, upstream_port: int, answering: bool = True):
        self.upstream_port = upstream_port
        self.answering = answering
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.silenced: list[socket.socket] = []
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.answering:
                self.open.append(client)  # held open, never read, never answered
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self.open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if source not in self.silenced:
                    target.sendall(data)
        except OSError:
            pass
        for end in (source, target):  # one side gone: close the other, as a real connection would
            end.close()

    def fall_silent(self) -> None:
        self.silenced += self.open

    def close(self) -> None:
        self.listener.close()


class Shop:
    """A gateway, a bot process connected to it, and the simulated account, groups and members."""

    def __init__(self, tmp_path: Path, pretend_time: str | None = None, per_chat_seconds: float = 0.5,
                 through_proxy: bool = False, answering: bool = True):
        self.tmp_path = tmp_path
        self.port = free_port()
        self.db = tmp_path / "store.db"
        self.gateway = self.start_gateway()
        self.proxy = Proxy(self.port, answering) if through_proxy else None
        self.command = [sys.executable, str(ROOT / "bot.py"), "run", "--config",
                        str(e2e_config(tmp_path, per_chat_seconds)), "--db", str(self.db)]
        if pretend_time:
            self.command += ["--pretend-time", pretend_time]
        self.bot_log = tmp_path / "bot.log"
        self.start_bot()
        if answering:
            self.account_online()

    def start_bot(self) -> None:
        """The bot process, on this shop's store; started again after a crash, its log goes on in the same file."""
        env = {**os.environ, "WECHATY_PUPPET_SERVICE_TOKEN": TOKEN,
               "WECHATY_PUPPET_SERVICE_ENDPOINT": f"127.0.0.1:{self.proxy.port if self.proxy else self.port}"}
        self.bot = subprocess.Popen(self.command, cwd=self.tmp_path, env=env, stdout=self.bot_log.open("a"),
                                    stderr=subprocess.STDOUT)

    def start_gateway(self) -> Gateway:
        return Gateway(self.port, self.tmp_path / "gateway.log")

    def account_online(self) -> None:
        """Once the bot's puppet has started on the gateway: the members, the group, then the bot's login."""
        self.bot_connected()
        self.gateway.do("contact", id=OWNER, name="店主")
        self.gateway.do("contact", id=MEMBER, name="小王")
        self.gateway.do("contact", id=NEWCOMER, name="阿芳")
        self.gateway.do("room", id=ROOM, topic="普通会员群", members=[BOT, OWNER, MEMBER])
        logins = self.logins_seen()
        groups_read = len(self.log_lines(GROUPS_READ, at_least=0))
        self.gateway.do("login", id=BOT, name="小店助手")
        # The bot subscribes to the event stream a moment after its puppet starts; what the gateway emits before
        # that is not replayed. Its login reaching the store says it is listening.
        deadline = time.monotonic() + START_TIMEOUT
        while self.logins_seen() == logins:
            if time.monotonic() > deadline:
                pytest.fail(f"the bot never heard of its login\n--- bot log:\n{self.bot_log.read_text()}")
            time.sleep(0.1)
        # After its login the bot reads every group's member list, which replaces the stored one: a member who
        # joins meanwhile, read before the join, would be taken out again. A test acts once the list is read.
        self.log_lines(GROUPS_READ, at_least=groups_read + 1, timeout=START_TIMEOUT)

    def bot_connected(self) -> None:
        self.gateway.wait_for(lambda e: e["event"] == "client_started", START_TIMEOUT,
                              f"the bot never connected\n--- bot log:\n{self.bot_log.read_text()}")

    def log_lines(self, containing: str, at_least: int, timeout: float = 30) -> list[str]:
        """The bot's log lines containing a phrase, once there are at least that many."""
        deadline = time.monotonic() + timeout
        while len(lines := [line for line in self.bot_log.read_text().splitlines() if containing in line]) < at_least:
            if time.monotonic() > deadline:
                pytest.fail(f"the bot never logged {at_least} × {containing!r}\n--- bot log:\n{self.bot_log.read_text()}")
            time.sleep(0.1)
        return lines

    def logins_seen(self) -> int:
        if not self.db.exists():
            return 0
        return self.query("SELECT count(*) FROM events WHERE type = 'login'")[0][0]

    def query(self, sql: str, params=()) -> list[tuple]:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
            return db.execute(sql, params).fetchall()

    def until(self, sql: str, params=(), timeout: float = 20) -> list[tuple]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if rows := self.query(sql, params):
                return rows
            time.sleep(0.1)
        pytest.fail(f"the store never had {sql} {params}\n--- bot log:\n{self.bot_log.read_text()}")

    def close(self) -> None:
        self.bot.terminate()
        self.bot.wait(timeout=20)
        self.gateway.stop()
        if self.proxy:
            self.proxy.close()


@pytest.fixture
def shop(tmp_path):
    shops = []

    def open_shop(**options) -> Shop:
        shops.append(Shop(tmp_path, **options))
        return shops[-1]

    yield open_shop
    for opened in shops:
        opened.close()


def test_owner_gets_help_in_private_and_the_bots_own_echo_is_dropped(shop):
    s = shop()
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/help"})
    reply = s.gateway.bot_said(to=OWNER)
    assert "/status" in reply["text"] and "管理指令" in reply["text"]
    assert s.gateway.silent_for(2) == [], "the bot must not answer its own echoed message"
    assert s.query("SELECT count(*) FROM events WHERE type = 'message' AND contact = ?", (BOT,)) == [(0,)]


def test_the_groups_and_their_members_are_known_from_login_before_anyone_speaks(shop):
    s = shop()
    members = s.until("SELECT contact FROM room_members WHERE room = ? ORDER BY contact", (ROOM,))
    assert members == [(MEMBER,), (OWNER,)], "every member but the bot itself"
    assert s.query("SELECT topic FROM rooms WHERE id = ?", (ROOM,)) == [("普通会员群",)]
    assert s.query("SELECT name FROM contacts WHERE id = ?", (MEMBER,)) == [("小王",)]


def test_what_someone_types_on_the_shops_phone_reaches_the_core_and_the_bots_own_echo_does_not(shop):
    s = shop()
    s.gateway.do("say", **{"from": MEMBER, "room": ROOM, "text": "@小店助手 /status", "mentions": [BOT]})
    s.gateway.bot_said(room=ROOM)  # the refusal, echoed back to the bot by the service
    s.gateway.do("say", **{"from": BOT, "room": ROOM, "text": "您好，今天下午发货"})
    s.gateway.do("say", **{"from": BOT, "to": MEMBER, "text": "单号稍后发您"})
    rows = s.until("SELECT room, text FROM events WHERE type = 'message' AND contact = ? AND text = '单号稍后发您'", (BOT,))
    assert rows == [(None, "单号稍后发您")]
    assert s.query("SELECT room, text FROM events WHERE type = 'message' AND contact = ? ORDER BY id", (BOT,)) == [
        (ROOM, "您好，今天下午发货"), (None, "单号稍后发您")], "the typed messages, and not the bot's own refusal"
    assert s.query("SELECT json_extract(data, '$.to') FROM events WHERE text = '单号稍后发您'") == [(MEMBER,)]


def test_a_members_group_message_reaches_the_handlers_with_its_room_and_sender(shop):
    s = shop()
    s.gateway.do("say", **{"from": MEMBER, "room": ROOM, "text": "@小店助手 /status", "mentions": [BOT]})
    reply = s.gateway.bot_said(room=ROOM)
    assert "仅限店主" in reply["text"] and reply["text"].startswith("@小王"), "refused, in the group, addressed to him"
    assert s.query("SELECT room, contact FROM events WHERE type = 'message'") == [(ROOM, MEMBER)]
    assert s.query("SELECT topic FROM rooms WHERE id = ?", (ROOM,)) == [("普通会员群",)]
    assert s.query("SELECT name FROM contacts WHERE id = ?", (MEMBER,)) == [("小王",)]


def test_an_off_hours_question_gets_its_reply_in_the_group(shop):
    s = shop(pretend_time="2026-11-25T23:00:00+08:00")
    s.gateway.do("say", **{"from": MEMBER, "room": ROOM, "text": "请问什么时候发货？"})
    reply = s.gateway.bot_said(room=ROOM)
    assert "客服明天9:00上线" in reply["text"] and "@小王" in reply["text"]


def test_a_member_joining_and_leaving_a_group_is_seen(shop):
    s = shop()
    s.gateway.do("join", room=ROOM, contact=NEWCOMER)
    assert s.until("SELECT contact FROM room_members WHERE room = ? AND contact = ?", (ROOM, NEWCOMER))
    s.gateway.do("leave", room=ROOM, contact=NEWCOMER)
    s.until("SELECT 1 FROM events WHERE type = 'leave' AND contact = ?", (NEWCOMER,))
    assert s.query("SELECT contact FROM room_members WHERE room = ? AND contact = ?", (ROOM, NEWCOMER)) == []


def test_remove_takes_a_member_out_and_a_refusal_for_want_of_admin_rights_is_told_plainly(shop):
    s = shop()
    s.gateway.do("admin", admin=False)
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/remove @小王"})
    refused = s.gateway.bot_said(to=OWNER, text="机器人不是「普通会员群」的群主或管理员，无法移出 小王，请您在群里手动移出。")
    assert refused and s.query("SELECT 1 FROM room_members WHERE contact = ?", (MEMBER,)) == [(1,)]
    s.gateway.do("admin", admin=True)
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/remove @小王"})
    assert s.gateway.wait_for(lambda e: e["event"] == "bot_removed")["contact"] == MEMBER
    assert s.until("SELECT 1 FROM events WHERE type = 'leave' AND contact = ?", (MEMBER,))


def test_a_gateway_restart_loses_and_repeats_no_message(shop):
    s = shop(per_chat_seconds=3)  # three replies to one chat leave 3 s apart: two still wait when the gateway dies
    s.gateway.do("stall_sends")  # it delivers the first reply and never answers the bot's send
    for text in ("/help", "/status", "/help status"):
        s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": text})
    first = s.gateway.bot_said(to=OWNER)
    # Killed once the first reply reached WeChat, the bot never having heard back: that one is delivered, but the
    # bot cannot know it, so it must not send it again; it asks the owner to check instead.
    s.gateway.process.kill()
    s.gateway.process.wait()
    # the drop is the account going offline, for /status
    s.until("SELECT 1 FROM meta WHERE key = 'connection' AND json_extract(value, '$.online') = 0")
    s.gateway = s.start_gateway()  # same port: the bot reconnects by itself, with back-off
    s.account_online()
    # The bot's back-off (1 s doubling) may be at its 32 s step by the time a loaded machine has the gateway up.
    s.until("SELECT 1 FROM meta WHERE key = 'connection' AND json_extract(value, '$.online') = 1", timeout=120)
    after = [s.gateway.bot_said(to=OWNER, timeout=60)["text"] for _ in range(3)]
    assert s.gateway.silent_for(5) == [], "nothing more, nothing twice"
    assert "以下是可用的管理指令" in first["text"]
    # the three commands may reach the bot in any order (python-wechaty fetches each message concurrently)
    assert sorted(text[:4] for text in after[:2]) == ["指令用法", "运行状态"]
    assert "可能未送达" in after[2] and "以下是可用的管理指令" in after[2]
    assert sorted(s.query("SELECT status, count(*) FROM outbox GROUP BY status")) == [("sent", 3), ("uncertain", 1)]


def test_a_service_that_stops_answering_is_left_and_reconnected(shop):
    s = shop(through_proxy=True)
    logins = s.logins_seen()
    s.proxy.fall_silent()  # the connection stays open, and nothing gets through any more
    s.bot_connected()  # the bot gave up on the silent connection and connected anew
    # the service says at once that the account is still logged in
    s.until("SELECT 1 FROM events WHERE type = 'login' GROUP BY type HAVING count(*) > ?", (logins,))
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/help"})
    assert "以下是可用的管理指令" in s.gateway.bot_said(to=OWNER, timeout=30)["text"]
    assert "stopped answering" in s.bot_log.read_text()


def test_a_service_that_accepts_the_connection_and_never_answers_is_tried_again_until_it_answers(shop):
    s = shop(through_proxy=True, answering=False)
    # The bot's start is not an attempt's wait: on a busy machine python-wechaty alone takes seconds to import,
    # which left the attempts too little of the 30 s below (it failed at load 10, the log holding attempt 1 alone)
    s.log_lines("connecting to the puppet service", at_least=1, timeout=START_TIMEOUT)
    s.log_lines("no answer", at_least=2)  # each attempt gives up at its deadline, and the next one comes
    s.proxy.answering = True
    s.account_online()
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/help"})
    assert "以下是可用的管理指令" in s.gateway.bot_said(to=OWNER, timeout=30)["text"]
    assert len(s.log_lines("connecting to the puppet service", at_least=3)) >= 3, "every attempt is logged"


def test_a_gateway_frozen_then_thawed_is_reconnected(shop):
    s = shop()
    logins = s.logins_seen()
    os.kill(s.gateway.process.pid, signal.SIGSTOP)  # the kernel still accepts connections; nothing answers them
    try:
        s.until("SELECT 1 FROM meta WHERE key = 'connection' AND json_extract(value, '$.online') = 0")
        s.log_lines("no answer", at_least=1)  # a reconnection, left unanswered, given up
    finally:
        os.kill(s.gateway.process.pid, signal.SIGCONT)
    s.until("SELECT 1 FROM events WHERE type = 'login' GROUP BY type HAVING count(*) > ?", (logins,), timeout=60)
    s.until("SELECT 1 FROM meta WHERE key = 'connection' AND json_extract(value, '$.online') = 1")
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/help"})
    assert "以下是可用的管理指令" in s.gateway.bot_said(to=OWNER, timeout=30)["text"]

def test_neither_the_token_nor_what_members_write_nor_their_nicknames_reach_the_log(shop):
    s = shop()
    nickname, phrase = "甄秘密昵称", "暗号是蓝色大象"
    s.gateway.do("contact", id="wxid_secretive_e2e", name=nickname)
    s.gateway.do("join", room=ROOM, contact="wxid_secretive_e2e")
    s.gateway.do("say", **{"from": "wxid_secretive_e2e", "room": ROOM, "text": f"@小店助手 /status {phrase}",
                           "mentions": [BOT]})
    assert s.gateway.bot_said(room=ROOM)["text"].startswith(f"@{nickname}"), "refused, addressed by name"
    s.gateway.do("say", **{"from": "wxid_secretive_e2e", "room": ROOM, "text": f"我家住在蓝色大象路，{phrase}"})
    s.until("SELECT 1 FROM events WHERE text LIKE '我家住在%'")
    log = s.bot_log.read_text()
    assert "logged in to WeChat" in log and "wxid_secretive_e2e" in log, "the bot logs at INFO, with ids"
    assert TOKEN not in log
    assert "蓝色大象" not in log and nickname not in log


def test_what_wechaty_keeps_on_disk_is_private_to_the_bots_user(shop):
    s = shop()
    cache = s.tmp_path / ".wechaty"  # python-wechaty's cache folder, in the bot's working directory
    assert cache.stat().st_mode & 0o777 == 0o700
    assert [(path.name, oct(path.stat().st_mode & 0o077)) for path in cache.rglob("*") if path.stat().st_mode & 0o077] == []

def run_doctor(tmp_path: Path, endpoint: str, token: str | None = TOKEN, wait: float = 60) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WECHATY_PUPPET_SERVICE")}
    env["WECHATY_PUPPET_SERVICE_ENDPOINT"] = endpoint
    if token:
        env["WECHATY_PUPPET_SERVICE_TOKEN"] = token
    command = [sys.executable, str(ROOT / "bot.py"), "doctor", "--config", str(e2e_config(tmp_path)), "--wait", str(wait)]
    return subprocess.Popen(command, cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_doctor_logs_in_lists_the_groups_and_sends_nothing(tmp_path):
    port = free_port()
    gateway = Gateway(port, tmp_path / "gateway.log")
    try:
        doctor = run_doctor(tmp_path, f"127.0.0.1:{port}")
        gateway.wait_for(lambda e: e["event"] == "client_started", START_TIMEOUT, "doctor never connected")
        gateway.do("contact", id=OWNER, name="店主")
        gateway.do("room", id=ROOM, topic="普通会员群", members=[BOT, OWNER])
        gateway.do("login", id=BOT, name="小店助手")
        out, err = doctor.communicate(timeout=START_TIMEOUT)
        assert doctor.returncode == 0, out + err
        assert "已登录 小店助手" in out and "1 个" in out and "普通会员群" in out and "没有发送任何消息" in out
        assert TOKEN not in out + err and "Traceback" not in err
        assert gateway.silent_for(1) == []
    finally:
        gateway.stop()


def test_doctor_says_why_it_could_not_connect(tmp_path):
    port = free_port()
    nobody = f"127.0.0.1:{free_port()}"
    outcomes = {"no token": run_doctor(tmp_path, nobody, token=None), "unreachable": run_doctor(tmp_path, nobody)}
    gateway = Gateway(port, tmp_path / "gateway.log")
    try:
        outcomes["refused"] = run_doctor(tmp_path, f"127.0.0.1:{port}", token="insecure_wrong_token_e2e")
        outcomes["no login"] = run_doctor(tmp_path, f"127.0.0.1:{port}", wait=3)
        said = {name: doctor.communicate(timeout=START_TIMEOUT) + (doctor.returncode,) for name, doctor in outcomes.items()}
    finally:
        gateway.stop()
    reasons = {"no token": "没有设置令牌", "unreachable": "连接不上", "refused": "拒绝了这个令牌", "no login": "3 秒内账号没有登录"}
    for name, (out, err, status) in said.items():
        assert status == 1 and reasons[name] in err and "Traceback" not in err, (name, out, err)
        assert "insecure_wrong_token_e2e" not in out + err and TOKEN not in out + err


def test_pictures_and_voice_come_in_a_picture_goes_out_after_its_text_and_its_echo_is_dropped(shop):
    s = shop(pretend_time="2026-11-25T23:00:00+08:00")
    picture = png()
    s.gateway.do("send_file", **{"from": MEMBER, "to": BOT, "name": "cup.png", "base64": base64.b64encode(picture).decode()})
    kept = s.tmp_path / "media" / f"{hashlib.sha256(picture).hexdigest()}.png"
    rows = s.until("SELECT json_extract(data, '$.media'), json_extract(data, '$.image') FROM events"
                   " WHERE type = 'message' AND contact = ?", (MEMBER,))
    assert rows == [("image", str(kept))] and kept.read_bytes() == picture
    assert "客服明天9:00上线" in s.gateway.bot_said(to=MEMBER)["text"], "a picture to the shop at night is answered"
    s.gateway.do("send_file", **{"from": NEWCOMER, "to": BOT, "name": "voice.sil", "base64": "AAAA"})
    assert "客服明天9:00上线" in s.gateway.bot_said(to=NEWCOMER)["text"], "and so is a voice message"
    # A post with a picture, as a campaign queues it: the running bot sends it at its next wake-up.
    with sqlite3.connect(s.db) as db:
        db.execute("INSERT INTO outbox (created_at, not_before, room, kind, text, status, attempts, pause_seconds, image)"
                   " VALUES ('2026-11-25T15:00:00.000000+00:00', '2026-11-25T15:00:00.000000+00:00', ?, 'flash_sale', '新品到店', 'queued', 0, 0, ?)",
                   (ROOM, str(kept)))
    s.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/status"})  # wakes the bot
    s.gateway.bot_said(to=OWNER)  # the owner's answer goes first
    said = [s.gateway.bot_said(room=ROOM), s.gateway.bot_said(room=ROOM)]
    assert said[0]["text"] == "新品到店" and said[1]["sha256"] == hashlib.sha256(picture).hexdigest()
    assert s.until("SELECT status FROM outbox WHERE kind = 'flash_sale' AND status = 'sent'") == [("sent",)]
    assert s.query("SELECT count(*) FROM events WHERE type = 'message' AND contact = ?", (BOT,)) == [(0,)], "echoes dropped"


def test_a_members_text_with_a_nul_or_a_lone_surrogate_arrives_whole(shop):
    s = shop()
    s.gateway.do("say", **{"from": MEMBER, "room": ROOM, "text": "订单\x00号123"})
    s.gateway.do("say", **{"from": MEMBER, "room": ROOM, "text": "表情\ud83d坏了，还有货吗"})
    s.until("SELECT 1 FROM events WHERE type = 'message' AND contact = ? GROUP BY contact HAVING count(*) = 2",
            (MEMBER,))
    assert s.query("SELECT text FROM events WHERE type = 'message' AND contact = ? ORDER BY id", (MEMBER,)) == [
        ("订单\x00号123",), ("表情\ufffd坏了，还有货吗",)], "the NUL kept, the lone surrogate replaced"


def noise_png(size: int) -> bytes:
    """A PNG of random pixels of about `size` bytes: noise does not compress."""
    side = int((size / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def test_members_pictures_of_30_kb_500_kb_and_5_mb_are_kept_and_their_names_never_logged(shop):
    s = shop()
    name = "甄秘密的身份证.png"
    for size in (30_000, 500_000, 5_000_000):  # above 20 KB the service hands each over as a UUID to download
        picture = noise_png(size)
        s.gateway.do("send_file", **{"from": MEMBER, "room": ROOM, "name": name,
                                     "base64": base64.b64encode(picture).decode()})
        kept = s.tmp_path / "media" / f"{hashlib.sha256(picture).hexdigest()}.png"
        s.until("SELECT 1 FROM events WHERE type = 'message' AND json_extract(data, '$.image') = ?", (str(kept),),
                timeout=60)
        assert kept.read_bytes() == picture
        assert hashlib.sha256(picture).hexdigest() in s.bot_log.read_text(), "the log names it by its hash"
    assert s.query("SELECT count(*) FROM events WHERE json_extract(data, '$.unreadable') IS NOT NULL") == [(0,)]
    log = s.bot_log.read_text()
    for spelling in (name, json.dumps(name), json.dumps(name)[1:7], "身份证"):
        assert spelling not in log


def test_the_owners_order_export_sent_as_a_file_is_imported_and_a_members_file_is_answered_not_imported(shop):
    s = shop(pretend_time="2026-11-25T10:00:00+08:00")
    export = fixed_export()
    files = [("订单导出-11月.csv", export.encode("utf-8-sig")),  # 20.7 KB: over 20 KB, handed over as a UUID
             ("订单导出-11月-gbk.csv", export.encode("gbk")),  # inline
             ("订单导出-11月.xlsx", xlsx(export))]
    answers = []
    for name, data in files:
        s.gateway.do("send_file", **{"from": OWNER, "to": BOT, "name": name, "base64": base64.b64encode(data).decode()})
        answers.append(s.gateway.bot_said(to=OWNER)["text"])
    assert figures(answers[0]) == {"new": 300, "updated": 0, "unchanged": 0}
    assert figures(answers[1]) == figures(answers[2]) == {"new": 0, "updated": 0, "unchanged": 300}, "sent again"
    assert s.query("SELECT count(*), sum(counts) FROM orders") == [(300, 298)]
    kept = s.query("SELECT json_extract(data, '$.file') FROM events WHERE type = 'message' AND contact = ?", (OWNER,))
    assert [Path(path).suffix for (path,) in kept] == [".csv", ".csv", ".xlsx"]
    assert [Path(path).read_bytes() for (path,) in kept] == [data for _, data in files]
    s.gateway.do("send_file", **{"from": MEMBER, "to": BOT, "name": "我的订单.csv",
                                 "base64": base64.b64encode(files[1][1]).decode()})
    assert "收不了文件" in s.gateway.bot_said(to=MEMBER)["text"]
    assert s.query("SELECT count(*) FROM orders") == [(300,)]
    log = s.bot_log.read_text()
    assert "订单导出" not in log and "我的订单" not in log, "file names stay out of the log"

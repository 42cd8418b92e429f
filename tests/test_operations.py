"""Running the bot for months: one instance per store, private files, the store beside its config, logs that keep
the token and members' words out, and the connection state the owner sees in /status."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import stat
import subprocess
import sys

from core import logs
from core.config import DEFAULT_CONFIG, load_config
from core.events import Message
from core.instance import AlreadyRunning, claim
from core.store import open_store
from tests.conftest import BOT, OWNER, ROOT, at, replay_events, run_bot, shop


def start_console_bot(db, cwd) -> subprocess.Popen:
    """A bot at the console, waiting for input, holding db; returned once it is up (its banner is printed)."""
    bot = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "run", "--db", str(db)],
        cwd=cwd, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert "模拟微信" in bot.stdout.readline(), bot.stderr.read()
    return bot


def test_a_second_bot_on_a_store_in_use_is_refused_naming_the_store_and_the_process(tmp_path):
    db = tmp_path / "store.db"
    script = tmp_path / "script.jsonl"
    script.write_text(json.dumps(shop()[0]) + "\n", encoding="utf-8")
    orders = tmp_path / "orders.csv"
    orders.write_text("订单号,下单时间,买家微信号,实付金额,订单状态\nWX1,2026-11-09 16:33:00,wxid_a,99.00,已完成\n", encoding="utf-8")
    first = start_console_bot(db, tmp_path)
    try:
        for second in (run_bot("run", "--db", str(db), cwd=tmp_path),
                       run_bot("replay", str(script), "--db", str(db), cwd=tmp_path)):
            assert second.returncode == 1
            assert second.stderr.startswith(f"机器人已经在运行了，用的是同一个数据库 {db}：")
            assert f"先关掉它（进程号 {first.pid}）再启动" in second.stderr
            assert "Traceback" not in second.stderr and second.stdout == ""
        # importing orders while the bot runs stays allowed: SQLite's WAL takes the second writer
        assert run_bot("import-orders", str(orders), "--db", str(db), cwd=tmp_path).returncode == 0
    finally:
        first.stdin.close()
        first.wait(timeout=60)
    assert first.returncode == 0
    assert run_bot("run", "--db", str(db), cwd=tmp_path).returncode == 0, "free again once the first one is gone"


def test_a_bot_killed_outright_does_not_keep_the_next_one_from_starting(tmp_path):
    db = tmp_path / "store.db"
    crashed = start_console_bot(db, tmp_path)
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=30)
    assert (tmp_path / "store.db.lock").read_text().strip() == str(crashed.pid), "the lock file outlives it"
    started = run_bot("run", "--db", str(db), cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "已经在运行" not in started.stderr


def test_the_lock_is_held_while_claimed_and_free_after(tmp_path):
    db = tmp_path / "store.db"
    with claim(db):
        try:
            claim(db)
            raise AssertionError("a second claim on a held store must fail")
        except AlreadyRunning as error:
            assert error.pid == str(os.getpid())
    claim(db).release()


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_its_folder_and_media_are_private_to_the_bots_user(tmp_path):
    db = tmp_path / "shop" / "store.db"
    with claim(db):
        store = open_store(db)
        store["meta"].insert({"key": "k", "value": "v"})  # the -wal and -shm files exist while it is open
        files = [db, db.with_name("store.db-wal"), db.with_name("store.db-shm"), db.with_name("store.db.lock")]
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
        assert mode(db.parent) == 0o700 and mode(db.parent / "media") == 0o700
        store.close()


def test_the_store_in_config_is_beside_the_config_file_whatever_the_working_directory(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_config(config).store.path == str(folder / "store.db")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert run_bot("run", "--config", str(config), cwd=elsewhere).returncode == 0
    assert (folder / "store.db").exists() and not (elsewhere / "store.db").exists()
    # --db, typed by the user, stays relative to where it was typed
    assert run_bot("run", "--config", str(config), "--db", "typed.db", cwd=elsewhere).returncode == 0
    assert (elsewhere / "typed.db").exists()


def test_login_and_logout_are_stored_as_the_connection_state_with_their_time(tmp_path):
    db = tmp_path / "store.db"
    events = shop() + [{"at": at("2026-11-25 11:30"), "type": "logout"}]
    replay_events(events, db_path=db)
    state = json.loads(open_store(db).execute("SELECT value FROM meta WHERE key = 'connection'").fetchone()[0])
    assert (state["online"], state["since"]) == (False, "2026-11-25T03:30:00.000000+00:00")
    replay_events([{"at": at("2026-11-25 12:00"), "type": "login", "id": BOT, "name": "小店助手"},
                   {"at": at("2026-11-25 12:05"), "type": "login", "id": BOT, "name": "小店助手"}], db_path=db)
    state = json.loads(open_store(db).execute("SELECT value FROM meta WHERE key = 'connection'").fetchone()[0])
    assert (state["online"], state["since"]) == (True, "2026-11-25T04:00:00.000000+00:00"), "since the run's first"


def test_a_logout_line_is_part_of_the_replay_contract(tmp_path):
    script = tmp_path / "script.jsonl"
    script.write_text("\n".join(json.dumps(line) for line in [*shop(), {"at": at("2026-11-25 10:05"), "type": "logout"}]))
    result = run_bot("replay", str(script), "--owner", OWNER)
    assert result.returncode == 0, result.stderr


def test_log_records_never_hold_the_token_nor_anything_shaped_like_one():
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(logs.REDACTOR)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logs.keep_secret("insecure_secret_of_the_shop")
    try:
        logger.warning("token<%s>", "insecure_secret_of_the_shop")
        logger.warning("GET /v0/hosties/puppet_padlocal_0123abcd-ef HTTP/1.1")
        try:
            raise ValueError("refused insecure_secret_of_the_shop")
        except ValueError:
            logger.exception("could not connect")
    finally:
        logger.removeHandler(handler)
    text = captured.getvalue()
    assert "insecure_secret_of_the_shop" not in text and "puppet_padlocal" not in text
    assert f"token<{logs.MASK}>" in text and f"ValueError: refused {logs.MASK}" in text


def test_an_event_in_a_log_line_names_ids_but_not_what_was_written_nor_the_nickname():
    logged = repr(Message("wxid_a", "我的地址是幸福路8号", "r1@chatroom", sender_name="王小花"))
    assert "wxid_a" in logged and "r1@chatroom" in logged
    assert "幸福路" not in logged and "王小花" not in logged

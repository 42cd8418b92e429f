"""bot.py's command line, as the owner meets it in the first hour: options before or after the command mean the
same, none is ever ignored, and everything it says (help, errors, summaries) is in Chinese."""

from __future__ import annotations

import json

import pytest

import bot
from core import learning
from core.config import DEFAULT_CONFIG
from core.store import open_store
from tests.conftest import OWNER, replay_events, run_bot, say, shop

ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help message and exit", "error:",
                    "the following arguments are required", "invalid choice", "unrecognized arguments", "expected one")


def cli(capfd, *argv: str) -> tuple[int, str, str]:
    """bot.py in this process (fast): its exit status, stdout and stderr."""
    try:
        status = bot.main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    finally:
        learning.keep_models(None, None)  # as a process that ends: its folders and start-up notice are not the next test's
    out, err = capfd.readouterr()
    return status, out, err


def broken_config(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace("account_per_minute = 6", "account_per_minute = 0"))
    return str(path)


def script(tmp_path, *lines: dict) -> str:
    path = tmp_path / "script.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in shop() + list(lines)), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "argv",
    [
        ["--config", "{config}", "replay", "{script}"],
        ["replay", "{script}", "--config", "{config}"],
        ["--config", "{config}", "check-config"],
        ["--config", "{config}", "import-orders", "{script}"],
        ["--config", "{config}"],
    ],
)
def test_config_is_read_wherever_it_is_written(tmp_path, capfd, argv):
    argv = [a.format(config=broken_config(tmp_path), script=script(tmp_path)) for a in argv]
    status, _, err = cli(capfd, *argv)
    assert status == 2 and "outbox.account_per_minute（每分钟最多发送条数）：至少要 1，现在是 0" in err


def test_config_and_db_before_run_are_used(tmp_path):
    config = tmp_path / "shop.toml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace('owner_name = "店主"', 'owner_name = "老板"'))
    result = run_bot("--config", str(config), "--db", "mine.db", "run", stdin="/status\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[私聊] → 老板 (command_reply)" in result.stdout
    assert (tmp_path / "mine.db").exists() and not (tmp_path / "store.db").exists()


def test_pretend_time_before_run_is_used(tmp_path):
    result = run_bot("--pretend-time", "2026-11-25T23:00:00+08:00", "run", "--db", "d.db", stdin="/status\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "运行状态（2026-11-25 23:00）" in result.stdout


@pytest.mark.parametrize("position", ["before", "after"])
def test_replay_options_on_either_side_and_repeated_owners_on_both(tmp_path, position):
    lines = script(tmp_path, say("2026-11-25 10:01", OWNER, "/help", room=None),
                   say("2026-11-25 10:02", "wxid_a", "/help", room=None))
    options = ["--db", str(tmp_path / "d.db"), "--until", "2026-11-26T04:30:00+08:00", "--owner", OWNER]
    argv = [*options, "replay", lines, "--owner", "wxid_a"] if position == "before" else ["replay", lines, *options,
                                                                                          "--owner", "wxid_a"]
    result = run_bot(*argv)  # in a process of its own: replay writes to the real stdout
    assert result.returncode == 0, result.stderr
    sent = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(m["to"], m["kind"]) for m in sent] == [(OWNER, "command_reply"), ("wxid_a", "command_reply")]
    assert "仅限店主" not in result.stdout, "both owners are owners"
    # --until 04:30 on the 26th: the night's jobs (03:30, 04:00) have run, so nothing waits before it (UTC in the store)
    first_job = open_store(tmp_path / "d.db").execute("SELECT min(due_at) FROM timers").fetchone()[0]
    assert first_job > "2026-11-25T20:30", "--db and --until were used"


@pytest.mark.parametrize(
    "argv, flag, command",
    [
        (["--pretend-time", "2026-11-25T23:00", "replay", "{script}"], "--pretend-time", "replay"),
        (["replay", "{script}", "--pretend-time", "2026-11-25T23:00"], "--pretend-time", "replay"),
        (["--db", "x.db", "check-config"], "--db", "check-config"),
        (["check-config", "--db", "x.db"], "--db", "check-config"),
        (["--owner", "wxid_x"], "--owner", "run"),
        (["run", "--until", "2026-11-26T00:00"], "--until", "run"),
        (["import-orders", "{script}", "--seed", "1"], "--seed", "import-orders"),
    ],
)
def test_an_option_the_command_does_not_use_is_refused_not_ignored(tmp_path, capfd, argv, flag, command):
    status, out, err = cli(capfd, *[a.format(script=script(tmp_path)) for a in argv])
    assert status == 2 and out == ""
    assert err.startswith(f"bot.py {command}：{flag} 不能用于 {command}（它的选项：--config")
    assert err.endswith(f"用法见 bot.py {command} --help\n")


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["replay", "-h"], ["check-config", "--help"],
                                  ["import-orders", "--help"]])
def test_help_is_in_chinese(capfd, argv):
    status, out, _ = cli(capfd, *argv)
    assert status == 0 and out.startswith("用法：bot.py")
    assert "选项" in out and "显示这段说明，然后退出" in out and "--config 文件" in out
    assert not any(english in out for english in ARGPARSE_ENGLISH), out


def test_help_lists_the_commands_and_only_the_options_each_uses(capfd):
    out = cli(capfd, "--help")[1]
    assert all(command in out for command in ("run", "replay", "check-config", "import-orders"))
    assert "选项写在命令前后都可以" in out
    replay = cli(capfd, "replay", "--help")[1]
    assert "--until 时间" in replay and "脚本" in replay and "--pretend-time 时间" not in replay
    assert "--db" not in cli(capfd, "check-config", "--help")[1]
    imports = cli(capfd, "import-orders", "--help")[1]
    assert "把订单导入这个数据库文件" in imports and "replay" not in imports, "--db is said as import-orders uses it"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["replay"], "bot.py replay：缺少脚本"),
        (["frob"], "bot.py：命令不能是 frob，可选：run、replay、check-config、import-orders"),
        (["run", "extra"], "bot.py run：不认识的参数：extra"),
        (["--seed", "x", "replay", "s.jsonl"], "bot.py：--seed 要写整数，现在是 x"),
        (["run", "--db"], "bot.py run：--db 后面要写一个值"),
        (["replay", "s.jsonl", "--until", "later"], "bot.py replay：--until 的时间“later”看不懂：请写日期和钟点"),
    ],
)
def test_a_wrong_command_line_is_explained_in_chinese_with_exit_status_2(capfd, argv, message):
    status, out, err = cli(capfd, *argv)
    assert status == 2 and out == ""
    assert err.startswith(message) and "--help" in err.splitlines()[-1], err
    assert not any(english in err for english in ARGPARSE_ENGLISH), err


def test_replay_and_import_errors_are_introduced_in_chinese(tmp_path, capfd):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "tick"}\n', encoding="utf-8")
    assert cli(capfd, "replay", str(bad))[2].startswith(f"回放脚本 {bad} 有误，什么都没有发送：第 1 行：")
    assert cli(capfd, "replay", str(tmp_path / "none.jsonl"))[2] == f"找不到回放脚本 {tmp_path / 'none.jsonl'}\n"
    assert cli(capfd, "import-orders", str(bad))[2].startswith(f"订单文件 {bad} 没有导入：")


def test_an_import_without_repeated_rows_does_not_mention_merging(tmp_path, capfd):
    export = tmp_path / "orders.csv"
    export.write_text("订单号,下单时间,买家昵称,买家微信号,实付金额,订单状态\n"
                      "A1,2026-11-20 10:00:00,小王,wxid_a,99.00,已完成\nA2,2026-11-21 10:00:00,小李,wxid_b,20.00,退款成功\n",
                      encoding="utf-8")
    status, out, err = cli(capfd, "import-orders", str(export), "--db", str(tmp_path / "store.db"))
    assert status == 0, err
    assert out.splitlines()[0] == f"{export}：2 单：新增 2，更新 0，未变 0；退款/关闭 1 单不计入消费。"
    assert "重复的行" not in out


def a_store_with_history(path):
    """A store of the bot, with some pages of events, closed (its WAL checkpointed into the file)."""
    replay_events(shop() + [say(f"2026-11-25 10:{n:02d}", "wxid_a", f"第{n}条消息" * 40) for n in range(30)], db_path=path)
    return path


def assert_one_line_and_status_1(capfd, argv, *words):
    status, out, err = cli(capfd, *argv)
    assert status == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert all(word in err for word in words), err


def test_a_damaged_store_stops_the_bot_with_one_line_and_is_not_written_to(tmp_path, capfd):
    import hashlib

    path = a_store_with_history(tmp_path / "store.db")
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page:5 * page] = bytes(range(256)) * (2 * page // 256)  # garbage in its middle
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert_one_line_and_status_1(capfd, ["--db", str(path), "run"], "已损坏", "store.db", "备份")
    orders = tmp_path / "orders.csv"
    orders.write_text("订单号,下单时间,买家微信号,实付金额,订单状态\nA1,2026-11-20 10:00,wxid_a,99,已完成\n", encoding="utf-8")
    assert_one_line_and_status_1(capfd, ["--db", str(path), "import-orders", str(orders)], "已损坏")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_read_only_store_stops_the_bot_with_one_line(tmp_path, capfd, monkeypatch):
    import sqlite3

    path = a_store_with_history(tmp_path / "store.db")
    # Tests run as root, whom chmod does not stop: the store is opened through a read-only URI instead.
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda name, *a, **k: connect(f"file:{name}?mode=ro", *a, uri=True, **k))
    assert_one_line_and_status_1(capfd, ["--db", str(path), "run"], "只读", "store.db", "chmod")


def test_a_full_disk_at_start_stops_the_bot_with_one_line(tmp_path, capfd, monkeypatch):
    import sqlite3

    connect = sqlite3.connect

    def on_a_full_disk(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA max_page_count = 2")  # the header and one page: no room for the tables
        return connection

    monkeypatch.setattr(sqlite3, "connect", on_a_full_disk)
    assert_one_line_and_status_1(capfd, ["--db", str(tmp_path / "store.db"), "run"], "磁盘已满", "store.db", "腾出")

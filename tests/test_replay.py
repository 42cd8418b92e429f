"""`python bot.py replay` is a public contract: its input, its output and its exit status."""

import datetime as dt
import json

import pytest

from core.clock import to_db
from core.store import open_store
from tests.conftest import BOT, OWNER, at, run_bot, say, shop


def write_script(tmp_path, lines: list) -> str:
    path = tmp_path / "script.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_small_script_prints_each_message_sent_as_a_json_line(tmp_path):
    script = write_script(
        tmp_path,
        shop()
        + [
            say("2026-11-25 10:01", OWNER, "/help", room=None),
            say("2026-11-25 10:01", "wxid_a", "/status", mentions=[BOT]),
            say("2026-11-25 10:02", "wxid_b", "发货了吗"),
        ],
    )
    result = run_bot("replay", script, "--owner", OWNER)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(line) for line in lines] == [["at", "room", "to", "kind", "text"]] * 2
    assert lines[0]["at"] == at("2026-11-25 10:01") and lines[0]["to"] == OWNER and lines[0]["room"] is None
    assert lines[1]["room"] == "r1@chatroom" and lines[1]["to"] == "wxid_a" and "仅限店主" in lines[1]["text"]
    assert "2026-11-25T10:01:03+08:00" <= lines[1]["at"] <= "2026-11-25T10:01:05+08:00", "paced on the virtual clock"


def test_replay_never_touches_the_users_store(tmp_path):
    script = write_script(tmp_path, shop() + [say("2026-11-25 10:01", OWNER, "/help", room=None)])
    result = run_bot("replay", script, "--owner", OWNER, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "store.db").exists()


def test_until_lets_the_clock_run_on_and_recurring_jobs_fire(tmp_path):
    script = write_script(tmp_path, shop() + [{"at": at("2026-11-25 10:01"), "type": "tick"}])
    db = tmp_path / "kept.db"
    assert run_bot("replay", script, "--db", str(db), "--until", at("2026-11-26 05:00")).returncode == 0
    # /status speaks to the owner and names no job: the store says when the nightly job is due next
    due = open_store(db).execute("SELECT due_at FROM timers WHERE key = 'recurring:store_maintenance'").fetchone()[0]
    assert due == to_db(dt.datetime.fromisoformat(at("2026-11-27 04:00"))), "the 04:00 job ran and planned its next night"


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "bad_line, reason",
    [
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a"', "不是合法的 JSON"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "mesage", "from": "wxid_a", "text": "x"}', "不认识的 type “mesage”"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a"}', "message 事件缺少字段 text"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "image": "nowhere/cup.png"}',
         "找不到图片文件“nowhere/cup.png”"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "image": 7}', "字段 image 要是字符串"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "file": "nowhere/orders.csv"}',
         "找不到文件“nowhere/orders.csv”"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "file": ["orders.csv"]}',
         "字段 file 要是字符串"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "media": "hologram"}',
         "不认识的 media “hologram”"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "media": "image"}', "要用 image 字段"),
        ('{"at": "2026-11-25T09:00:00+08:00", "type": "tick"}', "时间倒退了"),
        ('{"at": "2026-11-25T10:05:00", "type": "tick"}', "没有时区"),
        ('{"type": "tick"}', "缺少字段 at"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "room", "id": "r2", "topic": "x", "members": "wxid_a"}', "列表"),
        ('[1, 2]', "每行要是一个 JSON 对象"),
        # Lines that used to crash the replay with a traceback, or keep it running for hours
        ('{"at": "0001-01-01T00:00:00+08:00", "type": "tick"}', "时间“0001-01-01T00:00:00+08:00”超出范围（2000–2100 年）"),
        ('{"at": "9999-12-31T23:59:59-08:00", "type": "tick"}', "超出范围（2000–2100 年）"),
        ('{"at": "2999-01-01T00:00:00+08:00", "type": "tick"}', "超出范围（2000–2100 年）"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "text": "\\ud800"}', "单独的代理字符"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "contact", "id": "wxid_c", "name": "x", "\\udfff": 1}', "单独的代理字符"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "tick", "x": ' + DEEP + '}', "嵌套超过 4 层"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "tick", "x": [[[[1]]]]}', "嵌套超过 4 层"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": ["tick"]}', '不认识的 type “["tick"]”'),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "contact", "id": 42, "name": "x"}', "字段 id 要是字符串"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "tick", "n": ' + "1" * 5000 + '}', "数字位数太多"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a", "text": "' + "长" * 400_000 + '"}',
         "一行超过 1 MB"),
    ],
)
def test_a_malformed_line_stops_the_replay_with_its_number_and_nothing_is_sent(tmp_path, bad_line, reason):
    lines = shop() + [say("2026-11-25 10:01", OWNER, "/help", room=None), bad_line, say("2026-11-25 10:06", OWNER, "/help", room=None)]
    result = run_bot("replay", write_script(tmp_path, lines), "--owner", OWNER)
    assert result.returncode == 2
    assert result.stdout == "", "the script is checked before the clock starts"
    assert f"第 {len(lines) - 1} 行：" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 300


def test_a_byte_that_is_not_utf8_is_placed_on_its_line(tmp_path):
    script = tmp_path / "script.jsonl"
    script.write_bytes(write_script_bytes(shop()) + b'{"at": "2026-11-25T10:05:00+08:00", "type": "tick", "x": "\xff"}\n')
    result = run_bot("replay", str(script))
    assert result.returncode == 2 and result.stdout == ""
    assert f"第 {len(shop()) + 1} 行：不是 UTF-8 文本" in result.stderr


def write_script_bytes(lines: list) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


@pytest.mark.parametrize("until", ["9999-12-31T23:59:59-08:00", "0001-01-01T00:00:00+08:00", "2200-01-01T00:00:00+08:00"])
def test_until_outside_the_years_2000_to_2100_is_refused_at_once(tmp_path, until):
    result = run_bot("replay", write_script(tmp_path, shop()), "--until", until, timeout=20)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert "--until" in result.stderr and "超出范围（2000–2100 年）" in result.stderr


def test_until_before_the_last_event_is_refused(tmp_path):
    script = write_script(tmp_path, shop())
    result = run_bot("replay", script, "--until", at("2026-11-24 10:00"))
    assert result.returncode == 2 and "--until" in result.stderr


def test_a_missing_script_is_a_clear_error(tmp_path):
    result = run_bot("replay", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "nope.jsonl" in result.stderr and "Traceback" not in result.stderr

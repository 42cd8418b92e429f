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


@pytest.mark.parametrize(
    "bad_line, reason",
    [
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a"', "not valid JSON"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "mesage", "from": "wxid_a", "text": "x"}', "unknown type 'mesage'"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "message", "from": "wxid_a"}', "needs 'text'"),
        ('{"at": "2026-11-25T09:00:00+08:00", "type": "tick"}', "time goes backwards"),
        ('{"at": "2026-11-25T10:05:00", "type": "tick"}', "no UTC offset"),
        ('{"type": "tick"}', "needs 'at'"),
        ('{"at": "2026-11-25T10:05:00+08:00", "type": "room", "id": "r2", "topic": "x", "members": "wxid_a"}', "list of ids"),
        ('[1, 2]', "one JSON object"),
    ],
)
def test_a_malformed_line_stops_the_replay_with_its_number_and_nothing_is_sent(tmp_path, bad_line, reason):
    lines = shop() + [say("2026-11-25 10:01", OWNER, "/help", room=None), bad_line]
    result = run_bot("replay", write_script(tmp_path, lines), "--owner", OWNER)
    assert result.returncode == 2
    assert result.stdout == "", "the script is checked before the clock starts"
    assert f"line {len(lines)}:" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr


def test_until_before_the_last_event_is_refused(tmp_path):
    script = write_script(tmp_path, shop())
    result = run_bot("replay", script, "--until", at("2026-11-24 10:00"))
    assert result.returncode == 2 and "--until" in result.stderr


def test_a_missing_script_is_a_clear_error(tmp_path):
    result = run_bot("replay", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "nope.jsonl" in result.stderr and "Traceback" not in result.stderr

"""Admin commands: the owner (by WeChat id) gets answers; anyone else is refused once, politely, and recorded."""

import pytest

from core.commands import parse
from core.store import open_store
from tests.conftest import BOT, OWNER, at, replay_events, say, shop


def test_owner_gets_help_in_private():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/help", room=None)])
    assert len(sent) == 1
    reply = sent[0]
    assert (reply["room"], reply["to"], reply["kind"]) == (None, OWNER, "command_reply")
    assert "/status" in reply["text"] and "/help" in reply["text"]
    assert reply["at"] == at("2026-11-25 10:01")


def test_full_width_slash_and_a_leading_mention_in_a_group_work_too():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "@小店助手\u2005／status", mentions=[BOT])])
    assert [(m["room"], m["to"], m["kind"]) for m in sent] == [(None, OWNER, "command_reply"), ("r1@chatroom", OWNER, "command_reply")]
    assert "群" in sent[0]["text"] and "成员" in sent[0]["text"]


def test_a_command_about_a_member_typed_in_a_group_is_answered_in_private_only():
    sent = replay_events(shop() + [
        say("2026-11-25 10:00", "wxid_a", "杯子碎了，我要投诉"),
        say("2026-11-25 10:01", OWNER, "/order @小王 600", room=None),
        say("2026-11-25 10:02", OWNER, "/tier @小王"),
        say("2026-11-25 10:03", OWNER, "/complaints"),
        say("2026-11-25 10:04", OWNER, "/stats"),
    ], until="2026-11-25 10:10")
    in_group = [m for m in sent if m["room"] and m["kind"] == "command_reply"]
    assert [m["text"] for m in in_group] == ["已私信回复您。"] * 3
    private = [m["text"] for m in sent if m["room"] is None and m["to"] == OWNER and m["kind"] == "command_reply"]
    assert any("600" in text for text in private[1:]), "the tier, with its spend, went to the owner in private"
    assert any("#1" in text for text in private), "the complaint list went to the owner in private"


def test_a_member_renamed_to_the_owners_name_is_still_refused():
    events = shop() + [
        {"at": at("2026-11-25 10:01"), "type": "contact", "id": "wxid_a", "name": "店主"},
        say("2026-11-25 10:02", "wxid_a", "/status"),
    ]
    sent = replay_events(events)
    assert len(sent) == 1
    assert sent[0]["to"] == "wxid_a" and "仅限店主" in sent[0]["text"]
    assert "运行状态" not in sent[0]["text"]


def test_a_non_owner_is_refused_once_and_every_attempt_is_recorded(tmp_path):
    db_path = tmp_path / "store.db"
    events = shop() + [say(f"2026-11-25 10:0{n}", "wxid_a", "/status") for n in range(1, 4)]
    sent = replay_events(events, db_path=db_path)
    assert [m["kind"] for m in sent] == ["command_reply"]
    refusals = list(open_store(db_path).query("SELECT contact, text FROM command_refusals"))
    assert refusals == [{"contact": "wxid_a", "text": "/status"}] * 3


def test_an_unknown_command_gets_one_line_and_the_usage():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/发货", room=None)])
    assert len(sent) == 1
    assert sent[0]["text"] == "抱歉，没有 /发货 这个指令。用法：/help"


def test_bad_arguments_get_the_reason_and_the_usage():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/status now please", room=None)])
    assert sent[0]["text"] == "抱歉，/status 不需要参数。用法：/status"


def test_help_for_one_command_shows_its_usage():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/help status", room=None)])
    assert "/status" in sent[0]["text"] and "/help [指令名]" not in sent[0]["text"]


def test_ordinary_chat_and_the_bots_own_echo_get_no_command_reply():
    events = shop() + [
        say("2026-11-25 10:01", "wxid_a", "今天天气不错 /不是指令"),
        say("2026-11-25 10:02", BOT, "/help"),
    ]
    assert replay_events(events) == []


def test_status_counts_each_member_once_however_many_groups_and_follows_joins_and_leaves():
    def status(when):
        return say(when, OWNER, "/status", room=None)

    events = shop() + [
        {"at": at("2026-11-25 10:00"), "type": "room", "id": "r2@chatroom", "topic": "VIP福利群", "members": [OWNER, "wxid_a"]},
        status("2026-11-25 10:01"),
        {"at": at("2026-11-25 10:02"), "type": "join", "room": "r2@chatroom", "contact": "wxid_c"},
        {"at": at("2026-11-25 10:02"), "type": "leave", "room": "r2@chatroom", "contact": "wxid_a"},
        status("2026-11-25 10:03"),
        {"at": at("2026-11-25 10:04"), "type": "leave", "room": "r1@chatroom", "contact": "wxid_a"},
        # a refreshed member list drops whoever is not on it
        {"at": at("2026-11-25 10:04"), "type": "room", "id": "r1@chatroom", "topic": "普通会员群", "members": [OWNER]},
        status("2026-11-25 10:05"),
    ]
    replies = [m["text"] for m in replay_events(events) if m["kind"] == "command_reply"]
    counts = [reply.split("成员：")[1].split(" 人")[0] for reply in replies]
    assert counts == ["3", "4", "2"]


@pytest.mark.parametrize(
    "typed",
    ["\u200b/status", "\ufeff/status", "\u202e/status", "\u2066/status\u2069", "／ｓｔａｔｕｓ", "/ＳＴＡＴＵＳ", "／status"],
)
def test_invisible_characters_and_full_width_letters_around_a_command_are_ignored(typed):
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, typed, room=None)])
    assert [m["kind"] for m in sent] == ["command_reply"] and "群：1 个，成员：3 人" in sent[0]["text"]


def test_full_width_digits_in_arguments_count_but_chinese_punctuation_is_kept():
    assert parse("／ｓｔａｔｓ　３０ｄ") == ("stats", ["30d"])
    assert parse("/campaign add 轻内容 周三 12:30 上新！（限时）") == ("campaign", ["add", "轻内容", "周三", "12:30", "上新！（限时）"])


def test_a_very_long_unknown_word_is_not_echoed_whole():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/tier " + "王" * 500, room=None)])
    assert "没有找到“" + "王" * 29 + "…”" in sent[0]["text"] and len(sent[0]["text"]) < 200

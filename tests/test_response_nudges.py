"""In working hours, a question nobody answers within 15 minutes makes the bot nudge the owner."""

from tests.conftest import BOT, OWNER, replay_events, say, shop


def nudges(sent):
    return [m for m in sent if m["kind"] == "response_nudge"]


def test_an_unanswered_question_nudges_the_owner_after_15_minutes():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "请问我的快递到哪了？")], until="2026-11-25 11:00")
    assert len(nudges(sent)) == 1
    nudge = sent[0]
    assert nudge["at"].startswith("2026-11-25T10:15") and nudge["to"] == OWNER and nudge["room"] is None
    assert "小王" in nudge["text"] and "普通会员群" in nudge["text"] and "快递到哪了" in nudge["text"]


def test_the_owner_answering_in_the_group_clears_it():
    sent = replay_events(
        shop() + [say("2026-11-25 10:00", "wxid_a", "请问我的快递到哪了？"), say("2026-11-25 10:10", OWNER, "今天下午到")],
        until="2026-11-25 11:00",
    )
    assert nudges(sent) == []


def test_a_private_question_and_an_at_mention_are_watched_but_member_chat_is_not():
    sent = replay_events(
        shop()
        + [
            say("2026-11-25 10:00", "wxid_a", "你好，在吗", room=None),
            say("2026-11-25 10:01", "wxid_b", "@小店助手 你好", mentions=[BOT]),
            say("2026-11-25 10:02", "wxid_b", "今天天气真好"),
        ],
        until="2026-11-25 11:00",
    )
    assert [("私聊" in m["text"], "小李" in m["text"]) for m in nudges(sent)] == [(True, False), (False, True)]


def test_repeated_questions_from_one_member_nudge_once_from_the_first():
    sent = replay_events(
        shop() + [say("2026-11-25 10:00", "wxid_a", "发货了吗？"), say("2026-11-25 10:10", "wxid_a", "发货了吗？？")],
        until="2026-11-25 11:00",
    )
    assert [m["at"][:16] for m in nudges(sent)] == ["2026-11-25T10:15"]


def test_a_question_after_hours_gets_the_auto_reply_not_a_nudge():
    sent = replay_events(shop("2026-11-25 20:00") + [say("2026-11-25 20:00", "wxid_a", "发货了吗？")], until="2026-11-25 21:00")
    assert [m["kind"] for m in sent] == ["off_hours_reply"]


def test_an_answer_typed_on_the_shop_accounts_own_phone_clears_it_in_the_group_and_in_private():
    sent = replay_events(
        shop()
        + [
            say("2026-11-25 10:00", "wxid_a", "请问我的快递到哪了？"),
            say("2026-11-25 10:01", "wxid_b", "你好，在吗", room=None),
            say("2026-11-25 10:05", BOT, "您好，今天下午到"),
            say("2026-11-25 10:06", BOT, "在的，请讲", room=None, to="wxid_b"),
        ],
        until="2026-11-25 11:00",
    )
    assert nudges(sent) == []


def test_the_shop_phone_is_not_an_owner_a_command_typed_there_is_neither_run_nor_refused():
    sent = replay_events(shop() + [say("2026-11-25 10:00", BOT, "/status")], until="2026-11-25 11:00")
    assert sent == []

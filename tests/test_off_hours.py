"""Outside working hours a member who asks the shop gets one reply with the real next opening and the phone."""

import datetime as dt

from core.config import load_config
from tests.conftest import BOT, OWNER, replay_events, say, shop

# config.toml: Monday-Friday 09:00-18:00, Saturday 10:00-16:00, Sunday closed; public holidays closed and their
# make-up workdays (调休) open 09:00-18:00; emergency phone 400-000-0000. 2026-11-25 is a Wednesday.


def replies(sent, kind="off_hours_reply"):
    return [m for m in sent if m["kind"] == kind]


def test_a_question_at_23_00_gets_one_reply_with_tomorrows_opening_and_the_next_message_none():
    sent = replay_events(
        shop("2026-11-25 22:00")
        + [
            say("2026-11-25 23:00", "wxid_a", "请问我的订单什么时候发货？"),
            say("2026-11-25 23:05", "wxid_a", "在吗？发货了吗"),
        ]
    )
    assert len(sent) == 1
    reply = sent[0]
    assert (reply["room"], reply["to"], reply["kind"]) == ("r1@chatroom", "wxid_a", "off_hours_reply")
    assert "客服明天9:00上线" in reply["text"] and "400-000-0000" in reply["text"]
    assert "您" in reply["text"] and "亲" not in reply["text"]


def test_the_next_closed_period_gets_a_new_reply():
    sent = replay_events(
        shop("2026-11-25 22:00")
        + [say("2026-11-25 23:00", "wxid_a", "在吗", room=None), say("2026-11-26 19:00", "wxid_a", "在吗", room=None)]
    )
    assert [m["at"][:16] for m in replies(sent)] == ["2026-11-25T23:00", "2026-11-26T19:00"]


def test_friday_evening_points_to_saturday_and_saturday_evening_to_monday():
    sent = replay_events(
        shop("2026-11-27 18:30")
        + [say("2026-11-27 19:00", "wxid_a", "你好", room=None), say("2026-11-28 17:00", "wxid_b", "你好", room=None)]
    )
    texts = [m["text"] for m in replies(sent)]
    assert "明天10:00" in texts[0] and "周一9:00" in texts[1]


def test_a_public_holiday_is_closed_and_points_past_the_holiday():
    # National Day 2026: October 1-7 are holidays.
    sent = replay_events(shop("2026-10-01 09:00") + [say("2026-10-01 10:00", "wxid_a", "你好", room=None)])
    assert len(replies(sent)) == 1 and "10月8日9:00" in sent[0]["text"]


def test_a_make_up_saturday_is_a_working_day():
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休), open 09:00-18:00.
    sent = replay_events(
        shop("2026-10-10 08:00")
        + [say("2026-10-10 08:30", "wxid_a", "你好", room=None), say("2026-10-10 17:00", "wxid_b", "你好", room=None)]
    )
    assert [m["to"] for m in replies(sent)] == ["wxid_a"], "17:00 is inside the make-up day's hours"
    assert "今天9:00" in sent[0]["text"]


def test_the_owners_own_days_off_in_config_count():
    config = load_config().with_owners([OWNER])
    days_off = config.working_hours.model_copy(update={"holidays": [dt.date(2026, 11, 26)]})
    config = config.model_copy(update={"working_hours": days_off})
    sent = replay_events(shop("2026-11-25 22:00") + [say("2026-11-25 23:00", "wxid_a", "你好", room=None)], config=config)
    assert "周五9:00" in sent[0]["text"]


def test_no_reply_to_the_owner_to_member_chat_or_to_another_bots_auto_reply():
    sent = replay_events(
        shop("2026-11-25 22:00")
        + [
            say("2026-11-25 23:00", OWNER, "明天几点发货？"),
            say("2026-11-25 23:01", "wxid_a", "哈哈今天好冷"),
            say("2026-11-25 23:02", "wxid_b", "[自动回复]您好，我现在有事不在，稍后回复您。", room=None),
            say("2026-11-25 23:03", BOT, "您好，现在是非工作时间", room=None),
        ]
    )
    assert sent == []


def test_a_mention_of_the_bot_counts_as_asking_the_shop():
    sent = replay_events(shop("2026-11-25 22:00") + [say("2026-11-25 23:00", "wxid_a", "@小店助手 你好", mentions=[BOT])])
    assert len(replies(sent)) == 1


def test_in_working_hours_there_is_no_auto_reply():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "什么时候发货？")])
    assert replies(sent) == []

"""In working hours, a question nobody answers within 15 minutes makes the bot nudge the owner."""

import datetime as dt

from tests.conftest import BOT, OWNER, replay_events, say, shop


def test_an_unanswered_question_nudges_the_owner_after_15_minutes(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("请问我的快递到哪了？", room="普通会员群")
    assert bot.advance(minutes=14) == []
    nudge, = bot.advance(minutes=1)
    assert (nudge["kind"], nudge["to"], nudge["room"]) == ("response_nudge", OWNER, None)
    assert "小王" in nudge["text"] and "普通会员群" in nudge["text"] and "快递到哪了" in nudge["text"]


def test_the_owner_answering_in_the_group_clears_it(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("请问我的快递到哪了？", room="普通会员群")
    bot.advance(minutes=10)
    bot.owner.says("今天下午到", room="普通会员群")
    bot.advance(hours=1)
    assert bot.sent(kind="response_nudge") == []


def test_a_private_question_and_an_at_mention_are_watched_but_member_chat_is_not(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("你好，在吗")
    bot.member("小李").says("@小店助手 你好", room="普通会员群", mentions_bot=True)
    bot.member("小李").says("今天天气真好", room="普通会员群")
    bot.advance(hours=1)
    nudged = {("私聊" in text, "小李" in text) for text in bot.texts(kind="response_nudge")}
    assert nudged == {(True, False), (False, True)}, "小王 in private and 小李's @, not 小李's chat"


def test_repeated_questions_from_one_member_nudge_once_from_the_first(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("发货了吗？", room="普通会员群")
    bot.advance(minutes=10)
    bot.member("小王").says("发货了吗？？", room="普通会员群")
    bot.advance(hours=1)
    assert [m["at"][:16] for m in bot.sent(kind="response_nudge")] == ["2026-11-25T10:15"]


def test_a_question_after_hours_gets_the_auto_reply_not_a_nudge():
    sent = replay_events(shop("2026-11-25 20:00") + [say("2026-11-25 20:00", "wxid_a", "发货了吗？")], until="2026-11-25 21:00")
    assert [m["kind"] for m in sent] == ["off_hours_reply"]


def test_an_answer_typed_on_the_shop_accounts_own_phone_clears_it_in_the_group_and_in_private(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("请问我的快递到哪了？", room="普通会员群")
    bot.member("小李").says("你好，在吗")
    bot.advance(minutes=5)
    bot.shop_phone.says("您好，今天下午到", room="普通会员群")
    bot.shop_phone.says("在的，请讲", to="小李")
    bot.advance(hours=1)
    assert bot.sent(kind="response_nudge") == []


def test_the_shop_phone_is_not_an_owner_a_command_typed_there_is_neither_run_nor_refused():
    sent = replay_events(shop() + [say("2026-11-25 10:00", BOT, "/status")], until="2026-11-25 11:00")
    assert sent == []


def test_a_nudge_held_up_in_the_outbox_says_the_day_and_the_wait_as_of_when_it_goes_out(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    before = shop_bot("2026-11-25 17:40", db_path=db_path)
    before.member("小王").says("请问我的快递到哪了？", room="普通会员群")
    before.clock.set(before.clock.now() + dt.timedelta(minutes=15))
    before.assistant.fire_due_timers()  # the nudge is queued; the bot goes down before it is sent
    after = shop_bot("2026-11-26 09:05", db_path=db_path)
    after.advance(minutes=1)
    text, = after.texts(kind="response_nudge")
    assert "昨天17:40问" in text and "已等15小时25分钟" in text, text

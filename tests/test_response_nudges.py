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


def test_a_member_calling_the_shop_by_name_waits_for_it_though_no_question(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("店主 我下午三点以后才在家", room="普通会员群")
    bot.member("小李").says("店主说下午三点以后才发", room="普通会员群")  # about the shop, to the others
    bot.advance(minutes=16)
    nudge, = bot.texts(kind="response_nudge")
    assert "小王" in nudge and "三点以后才在家" in nudge


def test_a_private_question_and_an_at_mention_are_watched_but_member_chat_is_not(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("你好，在吗")
    bot.member("小李").says("@小店助手 你好", room="普通会员群", mentions_bot=True)
    bot.member("小李").says("今天天气真好", room="普通会员群")
    bot.advance(hours=1)
    nudged = {("私聊" in text, "小李" in text) for text in bot.texts(kind="response_nudge")}
    assert nudged == {(True, False), (False, True)}, "小王 in private and 小李's @, not 小李's chat"


def test_a_question_put_to_another_member_by_name_waits_for_them_not_the_shop(shop_bot):
    bot = shop_bot("2026-11-25 10:00", groups={"普通会员群": ["小王", "阿珍", "小李"]})
    bot.member("小王").says("@阿珍 你说的那款座椅多少钱", room="普通会员群")
    bot.member("小李").says("@阿珍 @店长 座椅多少钱", room="普通会员群")
    bot.advance(hours=1)
    nudge, = bot.texts(kind="response_nudge")
    assert "小李" in nudge and "小王" not in nudge


def test_repeated_questions_from_one_member_nudge_once_from_the_first(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("发货了吗？", room="普通会员群")
    bot.advance(minutes=10)
    bot.member("小王").says("发货了吗？？", room="普通会员群")
    bot.advance(hours=1)
    assert [m["at"][:16] for m in bot.sent(kind="response_nudge")] == ["2026-11-25T10:15"]


def test_a_members_other_questions_while_the_first_waits_are_in_its_nudge(shop_bot):
    """Nudged only about the first, the owner never heard of what the member asked next ("昨天买的多久能发出来"
    after their first), and /waiting counted one question."""
    bot = shop_bot("2026-11-25 10:00")
    zhou = bot.member("小周")
    zhou.says("灰色的围巾还有货吗", room="普通会员群")
    bot.advance(minutes=3)
    zhou.says("昨天买的多久能发出来", room="普通会员群")
    bot.advance(minutes=3)
    zhou.says("保温杯能装热汤吗", room="普通会员群")
    bot.advance(minutes=20)
    nudge, = bot.texts(kind="response_nudge")
    assert "“灰色的围巾还有货吗”，已等15分钟" in nudge and "之后又问了 2 条，最近一条：“保温杯能装热汤吗”" in nudge
    bot.owner.says("/waiting")
    bot.advance(minutes=1)
    assert "共3条" in bot.texts(kind="command_reply")[-1].replace(" ", "")


def test_a_flood_of_questions_is_counted_in_the_nudge_not_carried_whole(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    for n in range(40):
        bot.member("小周").says(f"请问{n}号款还有货吗", room="普通会员群")
    assert len(bot.assistant.timers.get("nudge:" + bot.room_id("普通会员群") + ":" + bot.member("小周").id).payload["later"]) == 10
    bot.advance(minutes=20)
    nudge, = bot.texts(kind="response_nudge")
    assert "“请问0号款还有货吗”" in nudge and "之后又问了 39 条，最近一条：“请问39号款还有货吗”" in nudge


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


# Off hours the member is promised an answer once service opens; at opening the owner gets the night's questions.
# config.toml: Monday-Friday 09:00-18:00; 2026-11-25 is a Wednesday.


def test_at_opening_the_owner_gets_one_list_of_the_nights_questions_oldest_first(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    wang, li = bot.member("小王"), bot.member("小李")
    wang.says("请问我的订单什么时候发货？", room="普通会员群")
    bot.advance(minutes=50)
    li.says("还在吗？我想改一下收货地址")
    bot.advance(minutes=30)
    wang.says("在吗？发货了吗", room="普通会员群")
    assert bot.advance_to("2026-11-26 08:59") == [], "nothing to the owner at night"
    night_list, = bot.advance(minutes=1)
    assert (night_list["kind"], night_list["to"], night_list["at"][:16]) == ("night_questions", OWNER, "2026-11-26T09:00")
    lines = night_list["text"].splitlines()
    assert "小王在「普通会员群」昨天22:00问：“请问我的订单什么时候发货？”（共 2 条）" in lines[1]
    assert "小李私聊昨天22:50问：“还在吗？我想改一下收货地址”" in lines[2]
    assert bot.advance(hours=2) == [], "no nudge about them as well, and no second list"
    bot.owner.says("/waiting")
    bot.advance(minutes=1)
    assert "（共 2 条）" in bot.texts(kind="command_reply")[-1], "/waiting counts them as the list did"


def test_a_question_the_shop_answered_at_night_is_left_off_the_list(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    bot.member("小王").says("请问我的订单什么时候发货？", room="普通会员群")
    bot.member("小李").says("还在吗？我想改一下收货地址")
    bot.member("小张").says("请问这款有灰色的吗？", room="普通会员群")
    bot.advance(minutes=10)
    bot.owner.says("明天上午发", room="普通会员群")
    bot.shop_phone.says("好的，已经帮您改了", to="小李")
    assert bot.advance_to("2026-11-26 09:00") == [], "every question was answered: no list"


def test_a_night_without_questions_sends_no_list(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    bot.member("小王").says("今晚月亮好圆", room="普通会员群")
    assert bot.advance_to("2026-11-26 10:00") == []


def test_questions_asked_while_the_bot_was_down_at_opening_are_listed_when_it_starts(shop_bot, tmp_path):
    bot = shop_bot("2026-11-25 22:00", db_path=tmp_path / "store.db")
    bot.member("小王").says("请问我的订单什么时候发货？", room="普通会员群")
    bot.assistant.db.close()
    restarted = shop_bot("2026-11-26 11:00", db_path=tmp_path / "store.db")
    night_list, = restarted.advance(seconds=1)
    assert night_list["kind"] == "night_questions" and "请问我的订单什么时候发货" in night_list["text"]


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


# A member asking again while a question the owner heard of still waits is chasing the shop.


def test_a_member_who_asks_again_while_the_first_question_still_waits_is_told_of_at_once_with_since_when(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says("请问可以开发票吗？", room="普通会员群")
    bot.advance(hours=2)  # the owner was nudged at 10:15, and nobody answered
    chased, = wang.says("发票能开吗？", room="普通会员群") + bot.advance(minutes=1)
    assert (chased["kind"], chased["to"]) == ("response_chased", OWNER)
    assert chased["text"] == "小王又在「普通会员群」提问了：“发票能开吗？”。这是今天10:00以来第2条，之前的都还没人回复。"
    bot.advance(hours=2)
    assert len(bot.sent(kind="response_nudge")) == 1, "not nudged about the second question as well"
    chased, = wang.says("请问发票可以开吗", room="普通会员群") + bot.advance(minutes=1)
    assert "今天10:00以来第3条" in chased["text"]


def test_a_chase_that_may_be_a_complaint_is_one_message_to_the_owner_saying_both(shop_bot):
    """Asked "可能是投诉" about a member's line, the owner was also told of the same line as a chase, or nudged about
    it 15 minutes later: two messages about one line."""
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says("请问可以开发票吗？", room="普通会员群")
    bot.advance(hours=2)  # the owner was nudged at 10:15, and nobody answered
    told = wang.says("发票能开吗？财务在催了", room="普通会员群") + bot.advance(hours=1)
    asked, = told
    assert asked["kind"] == "complaint_doubt" and "小王今天10:00问的还没人回复。" in asked["text"]
    bot.owner.says("/waiting")
    bot.advance(minutes=1)
    assert "共2条" in bot.texts(kind="command_reply")[-1].replace(" ", ""), "still waiting, both of them"


def test_after_the_shop_answers_a_members_next_question_is_a_new_one(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says("请问可以开发票吗？", room="普通会员群")
    bot.advance(hours=1)
    bot.owner.says("可以的，下单备注抬头", room="普通会员群")
    bot.advance(hours=1)
    wang.says("请问专票也能开吗？", room="普通会员群")
    bot.advance(hours=1)
    assert bot.sent(kind="response_chased") == [] and len(bot.sent(kind="response_nudge")) == 2


def test_asking_again_within_the_hour_of_the_nudge_is_nudged_about_as_before_and_other_members_are_apart(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("请问可以开发票吗？", room="普通会员群")
    bot.advance(minutes=30)
    bot.member("小王").says("发票能开吗？", room="普通会员群")
    bot.member("小李").says("请问有灰色的吗？", room="普通会员群")
    bot.advance(minutes=30)
    assert bot.sent(kind="response_chased") == []
    assert [m["at"][11:16] for m in bot.sent(kind="response_nudge")] == ["10:15", "10:45", "10:45"]


def test_a_question_listed_at_opening_and_asked_again_later_that_morning_is_a_chase(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    bot.member("小王").says("请问我的订单什么时候发货？", room="普通会员群")
    bot.advance_to("2026-11-26 10:30")  # listed at 09:00; nobody answered
    chased, = bot.member("小王").says("发货了吗？", room="普通会员群")
    assert "昨天22:00以来第2条" in chased["text"] and chased["kind"] == "response_chased"


# What still waits, a page at a time: a weekend's questions outnumber one list's lines.


def test_a_weekends_questions_beyond_the_list_at_opening_are_found_with_waiting_a_page_at_a_time(shop_bot):
    bot = shop_bot("2026-11-28 17:00")  # a Saturday, closed from 16:00 to Monday 09:00
    for n in range(1, 26):
        bot.member(f"顾客{n}").says(f"请问{n}号款还有货吗？", room="普通会员群")
        bot.advance(minutes=10)
    assert "还没人回复的问题共 25 位" in owner_asks(bot, "/waiting"), "kept for the list at opening, and waiting"
    night_list, = bot.advance_to("2026-11-30 09:00")
    assert night_list["text"].count("请问") == 20 and "另有 5 位未列出：/waiting" in night_list["text"]
    first = owner_asks(bot, "/waiting")
    assert "还没人回复的问题共 25 位" in first and "第 1/2 页" in first
    assert "1. 顾客1在「普通会员群」11月28日17:00问：“请问1号款还有货吗？”" in first and "下一页：/waiting 2" in first
    second = owner_asks(bot, "/待回复 2")
    assert [line.split("在「")[0] for line in second.splitlines() if line[:2].rstrip(".").isdigit()] == [
        "21. 顾客21", "22. 顾客22", "23. 顾客23", "24. 顾客24", "25. 顾客25"]
    assert "顾客20" not in second and "下一页" not in second


def test_what_the_shop_answered_leaves_waiting_and_status_counts_what_is_left(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("请问可以开发票吗？", room="普通会员群")
    bot.member("小李").says("还在吗？我想改一下收货地址")
    bot.advance(minutes=20)
    assert "顾客提问：2 位还没人回复，/waiting 查看" in owner_asks(bot, "/status")
    bot.owner.says("可以开的，下单时备注抬头", room="普通会员群")
    listed = owner_asks(bot, "/waiting")
    assert "共 1 位" in listed and "小李私聊" in listed and "小王" not in listed
    bot.shop_phone.says("地址已经帮您改好了", to="小李")
    assert owner_asks(bot, "/waiting") == "没有待回复的顾客提问（刚问的要等15分钟没人回复才算，那时会提醒您）。"
    assert "顾客提问：没有待回复的" in owner_asks(bot, "/status")
    assert owner_asks(bot, "/waiting 2 3") == "抱歉，只需要写一个页码，例如 2。用法：/waiting [页码]"


def owner_asks(bot, command: str) -> str:
    """The bot's answer to the owner's command, once the outbox lets it out (it paces the owner's answers too)."""
    answer, = bot.owner.says(command) + bot.advance(minutes=1)
    return answer["text"]


def test_a_member_who_at_mentions_the_owner_in_a_group_is_addressing_the_shop_even_without_a_question(shop_bot):
    """Round 30's "@店长 顺丰显示昨天下午签收 我家里没人 也没放快递柜" asks nothing, and no one heard of it."""
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("@店长 我下午三点到店里取货", room="普通会员群", mentions_owner=True)
    bot.member("小李").says("我下午三点到店里取货", room="普通会员群")  # to the group, not to the shop
    nudge, = bot.advance(minutes=15)
    assert nudge["kind"] == "response_nudge" and "小王" in nudge["text"]
    night = shop_bot("2026-11-25 22:00")
    reply, = night.member("小王").says("@店长 我明天上午到店里取货", room="普通会员群", mentions_owner=True)
    assert reply["kind"] == "off_hours_reply"

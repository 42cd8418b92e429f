"""Members asking when the shop's own campaign is get the answer from its schedule, not a wait for the owner."""

import pytest

from handlers.campaign_questions import kinds_asked_when


def test_a_member_asking_when_the_flash_sale_starts_is_told_at_once_and_the_owner_is_not_nudged(shop_bot):
    bot = shop_bot("2026-11-25 10:00")  # a Wednesday; the flash sale is every Friday at 20:00 (config.toml)
    answer, = bot.member("小王").says("周五闪购是几点开始呀", room="普通会员群")
    assert answer["kind"] == "campaign_when" and answer["room"] == bot.room_id("普通会员群")
    assert answer["text"].startswith("下一场闪购日：周五20:00开始，") and "8折" in answer["text"]
    bot.advance(minutes=20)
    assert bot.sent(kind="response_nudge") == []


@pytest.mark.parametrize("text", ["闪购的东西什么时候发货", "会员日的券什么时候过期", "周五闪购我肯定抢",
                                  "闪购的保温杯还有吗"])
def test_a_question_about_an_order_or_stock_or_chat_naming_the_sale_is_not_answered_with_its_time(shop_bot, text):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(text, room="普通会员群")
    bot.advance(minutes=20)
    assert bot.sent(kind="campaign_when") == []


def test_during_the_sale_its_end_is_said_and_off_hours_the_line_only_where_no_sale_runs(shop_bot):
    bot = shop_bot("2026-11-27 19:00")  # Friday; service closes at 18:00
    bot.advance_to("2026-11-27 20:30")
    assert bot.sent(kind="flash_sale"), "the sale was posted"
    answer, = bot.member("小李").says("闪购开始了吗", room="普通会员群")
    assert answer["text"] == "闪购日正在进行：店里精选好物限时8折，今天22:00前有效。", "its group is staffed while it runs"
    bot.member("小李").says("我上周买的围巾能开发票吗")  # in private, where no sale runs
    bot.advance(minutes=5)
    assert [m["kind"] for m in bot.sent(to="小李")] == ["campaign_when", "off_hours_reply"]
    bot.advance_to("2026-11-27 22:30")
    bot.member("小王").says("闪购结束了吗", room="普通会员群")
    bot.advance(minutes=1)
    assert "客服明天10:00上线" in bot.texts(kind="campaign_when", to="小王")[-1], "the sale is over: closed again"
    bot.advance_to("2026-11-28 10:30")
    bot.member("小王").says("闪购结束了吗")
    bot.advance(minutes=1)
    assert bot.texts(kind="campaign_when", to="小王")[-1].startswith("上一场闪购日昨天22:00已结束；下一场闪购日：下周五20:00开始")


def test_a_group_gets_one_answer_in_ten_minutes_however_many_ask(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    assert len(bot.member("小王").says("闪购什么时候", room="普通会员群")) == 1
    bot.advance(minutes=3)
    assert bot.member("小李").says("这周有闪购吗", room="普通会员群") == []
    bot.advance(minutes=10)
    assert len(bot.member("小李").says("闪购是星期几来着", room="普通会员群")) == 1
    bot.advance(minutes=20)
    assert bot.sent(kind="response_nudge") == [], "answered just above: not left waiting for the owner"


def test_the_member_day_and_both_at_once(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("会员日是几号？")
    bot.member("小李").says("闪购和会员日分别是什么时候")
    bot.advance(minutes=1)
    assert bot.texts(kind="campaign_when", to="小王") == ["下一次会员日：12月18日20:00，会员专属券在VIP福利群发放。"]
    assert bot.texts(kind="campaign_when", to="小李") == [
        "下一场闪购日：周五20:00开始，店里精选好物限时8折，2小时内有效。\n下一次会员日：12月18日20:00，会员专属券在VIP福利群发放。"]


def test_a_paused_sale_or_one_the_owners_faq_answers_is_left_to_them(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.owner.says("/campaign pause 闪购日")
    bot.member("小王").says("闪购几点开始", room="普通会员群")
    bot.advance(minutes=20)
    assert bot.sent(kind="campaign_when") == [] and len(bot.sent(kind="response_nudge")) == 1
    bot.owner.says("/campaign resume 闪购日")
    bot.owner.says("/faq add 闪购 每周五晚8点开始，提前把想要的加进购物车就好。")
    bot.member("小李").says("闪购几点开始", room="普通会员群")
    bot.advance(minutes=2)
    assert bot.sent(kind="campaign_when") == [] and "每周五晚8点" in bot.texts(kind="faq_answer")[0]


def test_a_live_stream_is_said_at_the_owners_time_in_the_answer_and_in_its_notice(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.owner.says("/campaign add 直播 周六 15:30 冬季新品试穿")
    bot.member("小王").says("直播是哪天")
    bot.advance(minutes=1)
    assert bot.texts(kind="campaign_when") == ["下一场直播：周六15:30，冬季新品试穿。"]
    bot.advance_to("2026-11-28 15:40")
    assert bot.texts(kind="live_notice") == ["想看看实物、现场问问细节？今天15:30直播：冬季新品试穿。\n到时在视频号直播间见，想看什么可以先在群里留言。"]
    bot.member("小李").says("今天有直播吗", room="普通会员群")
    bot.advance(minutes=1)
    assert bot.texts(kind="campaign_when")[1].startswith("今天15:30直播：冬季新品试穿。")


@pytest.mark.parametrize("text, kinds", [
    ("今晚有直播吗", ["live_notice"]), ("直播是不是今天", ["live_notice"]), ("闪购在周末吗", ["flash_sale"]), ("秒杀几点", ["flash_sale"]), ("会员日和闪购都是啥时候", ["member_day", "flash_sale"]),
    ("昨晚秒杀的订单什么时候发", []), ("秒杀的蟹什么时候发 今天能发吗", []), ("@店主 上次直播说的那个抽奖 什么时候开奖", []),
    ("会员日？", ["member_day"]), ("@小店助手\u2005闪购呢", ["flash_sale"]), ("闪购结束了吗", ["flash_sale"]),
    ("闪购", ["flash_sale"]), ("会员日的券怎么领", []), ("直播的链接什么时候寄出", []), ("今天天气好", []), ("几点 " + "闪购" * 50_000, ["flash_sale"]),
])
def test_what_counts_as_asking_when(text, kinds):
    assert kinds_asked_when(text) == kinds


def test_the_weekly_review_says_how_many_were_told_a_campaigns_time(shop_bot):
    bot = shop_bot("2026-11-24 10:00")  # a Tuesday: the review of the week to Sunday goes out Monday 09:30
    bot.member("小王").says("会员日是几号？")
    bot.member("小李").says("闪购几点开始", room="普通会员群")
    bot.advance(minutes=3)
    bot.member("小王").says("闪购什么时候", room="普通会员群")  # the group's answer is just above: not another
    bot.advance_to("2026-11-30 10:00")
    review, = bot.texts(kind="weekly_review")
    assert "问活动时间的（如“周五闪购几点开始”）：按活动排期回答了 2 次" in review
    bot.advance_to("2026-12-07 10:00")
    assert "问活动时间" not in bot.texts(kind="weekly_review")[-1], "last week's answers are not this week's"

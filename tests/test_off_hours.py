"""Outside working hours a member who asks the shop gets one reply with the real next opening and the phone."""

import datetime as dt

from core.config import load_config
from tests.conftest import OWNER, doubtful_question

# config.toml: Monday-Friday 09:00-18:00, Saturday 10:00-16:00, Sunday closed; public holidays closed and their
# make-up workdays (调休) open 09:00-18:00; emergency phone 400-000-0000. 2026-11-25 is a Wednesday.


def test_a_question_at_23_00_gets_one_reply_with_tomorrows_opening_and_the_next_message_none(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    wang = bot.member("小王")
    bot.advance(hours=1)
    wang.says("请问我的订单什么时候发货？", room="普通会员群")
    bot.advance(minutes=5)
    wang.says("在吗？发货了吗", room="普通会员群")
    bot.advance(hours=1)
    reply, = bot.sent()
    assert (reply["room"], reply["to"], reply["kind"]) == (bot.room_id("普通会员群"), wang.id, "off_hours_reply")
    assert "客服明天9:00上线" in reply["text"] and "400-000-0000" in reply["text"]
    assert "您" in reply["text"] and "亲" not in reply["text"]


def test_the_next_closed_period_gets_a_new_reply(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    bot.advance(hours=1)
    bot.member("小王").says("在吗")
    bot.advance(hours=20)
    bot.member("小王").says("在吗")
    assert [m["at"][:16] for m in bot.sent(kind="off_hours_reply")] == ["2026-11-25T23:00", "2026-11-26T19:00"]


def test_friday_evening_points_to_saturday_and_saturday_evening_to_monday(shop_bot):
    bot = shop_bot("2026-11-27 18:30")
    bot.advance(minutes=30)
    bot.member("小王").says("你好")
    bot.advance(hours=22)
    bot.member("小李").says("你好")
    texts = bot.texts(kind="off_hours_reply")
    assert "明天10:00" in texts[0] and "周一9:00" in texts[1]


def test_a_public_holiday_is_closed_and_points_past_the_holiday(shop_bot):
    # National Day 2026: October 1-7 are holidays.
    bot = shop_bot("2026-10-01 09:00")
    bot.advance(hours=1)
    bot.member("小王").says("你好")
    bot.advance(minutes=1)
    reply, = bot.texts(kind="off_hours_reply")
    assert "10月8日9:00" in reply


def test_a_make_up_saturday_is_a_working_day(shop_bot):
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休), open 09:00-18:00.
    bot = shop_bot("2026-10-10 08:00")
    bot.advance(minutes=30)
    bot.member("小王").says("你好")
    bot.advance(hours=8, minutes=30)
    bot.member("小李").says("你好")
    bot.advance(minutes=1)
    replies = bot.sent(kind="off_hours_reply")
    assert [m["to"] for m in replies] == [bot.member("小王").id], "17:00 is inside the make-up day's hours"
    assert "今天9:00" in replies[0]["text"]


def test_the_owners_own_days_off_in_config_count(shop_bot):
    config = load_config().with_owners([OWNER])
    days_off = config.working_hours.model_copy(update={"holidays": [dt.date(2026, 11, 26)]})
    bot = shop_bot("2026-11-25 22:00", config=config.model_copy(update={"working_hours": days_off}))
    bot.advance(hours=1)
    bot.member("小王").says("你好")
    bot.advance(minutes=1)
    assert "周五9:00" in bot.texts(kind="off_hours_reply")[0]


def test_no_reply_to_the_owner_to_member_chat_or_to_another_bots_auto_reply(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    bot.advance(hours=1)
    bot.owner.says("明天几点发货？", room="普通会员群")
    bot.advance(minutes=1)
    bot.member("小王").says("哈哈今天好冷", room="普通会员群")
    bot.advance(minutes=1)
    bot.member("小李").says("[自动回复]您好，我现在有事不在，稍后回复您。")
    bot.advance(minutes=1)
    bot.shop_phone.says("您好，现在是非工作时间")
    bot.advance(hours=1)
    assert bot.sent() == []


def test_members_asking_each_other_at_night_are_not_told_when_service_opens(shop_bot):
    """"几点了" and "你们几点睡" at night got "客服明天9:00上线" in the group (data/traffic/README.md, writer q)."""
    bot = shop_bot("2026-11-25 22:00", groups={"普通会员群": ["小王", "小李", "小张"]})
    bot.advance(hours=1)
    bot.member("小王").says("几点了 你们还没睡啊", room="普通会员群")
    bot.member("小李").says("你们几点睡", room="普通会员群")
    bot.member("小张").says("请问羊毛围巾还有灰色的吗", room="普通会员群")
    bot.advance(minutes=1)
    assert [m["to"] for m in bot.sent(kind="off_hours_reply")] == [bot.member("小张").id]


def test_a_group_message_that_may_not_be_for_the_shop_is_listed_for_the_owner_not_answered_in_the_group(shop_bot):
    """Doubt goes to the owner, not to the group: "这个怎么样" may ask the shop or the others, and "客服明天9:00上线"
    under it would be read by everyone."""
    bot = shop_bot("2026-11-25 22:00")
    bot.advance(hours=1)
    asked = doubtful_question()
    told = bot.member("小王").says(asked, room="普通会员群") + bot.advance(minutes=1)
    assert told == [], "nothing in the group"
    listed, = bot.advance_to("2026-11-26 09:01")
    assert listed["kind"] == "night_questions" and "小王" in listed["text"] and asked in listed["text"]


def test_a_question_put_to_another_member_by_name_is_for_them_and_naming_the_shop_asks_it(shop_bot):
    """"@阿珍 座椅多少钱" asks 阿珍: the question model read it as asking the shop, and "客服明天9:00上线" went to the
    group at night. An @ of 店长, of an owner by nickname (阿芳 helps run the shop), or of a name the bot does not
    know (the group may call an owner so) still asks the shop."""
    config = load_config().with_owners([OWNER, "wxid_6"])
    groups = {"普通会员群": ["小王", "小李", "小张", "小周", "阿珍", "阿芳"]}
    bot = shop_bot("2026-11-25 22:00", groups=groups, config=config)
    bot.advance(hours=1)
    bot.member("小王").says("@阿珍 羊毛围巾还有灰色的吗", room="普通会员群")
    bot.member("小李").says("@店长 羊毛围巾还有灰色的吗", room="普通会员群")
    bot.member("小张").says("@阿芳 羊毛围巾还有灰色的吗", room="普通会员群")
    bot.member("小周").says("@美美 羊毛围巾还有灰色的吗", room="普通会员群")
    bot.advance(minutes=1)
    told = [m["to"] for m in bot.sent(kind="off_hours_reply")]
    assert told == [bot.member(name).id for name in ("小李", "小张", "小周")]


def test_a_mention_of_the_bot_counts_as_asking_the_shop(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    bot.advance(hours=1)
    bot.member("小王").says("@小店助手 你好", room="普通会员群", mentions_bot=True)
    bot.advance(minutes=1)
    assert len(bot.sent(kind="off_hours_reply")) == 1


def test_in_working_hours_there_is_no_auto_reply(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("什么时候发货？", room="普通会员群")
    bot.advance(minutes=1)
    assert bot.sent(kind="off_hours_reply") == []


def test_while_an_evening_sale_runs_its_groups_questions_wait_for_the_owner_as_in_working_hours(shop_bot):
    bot = shop_bot("2026-11-27 19:00")  # Friday; the flash sale is posted at 20:00 and runs to 22:00
    bot.advance_to("2026-11-27 20:05")
    assert bot.texts(kind="flash_sale")[0].endswith("有什么拿不准的，在群里问我们就好。")
    bot.member("小李").says("8折是全场吗 保温杯参加不", room="普通会员群")
    bot.advance(minutes=16)
    assert bot.sent(kind="off_hours_reply") == [], "not told the shop is closed by the sale that asked her to ask"
    nudge, = bot.texts(kind="response_nudge")
    assert "小李" in nudge and "保温杯参加不" in nudge
    bot.advance_to("2026-11-27 22:10")
    bot.member("小王").says("请问保温杯还有货吗", room="普通会员群")
    bot.advance(minutes=20)
    assert [m["to"] for m in bot.sent(kind="off_hours_reply")] == [bot.member("小王").id], "the sale is over"
    bot.advance_to("2026-11-28 10:01")
    listed, = bot.texts(kind="night_questions")
    assert "小王" in listed and "小李" not in listed, "the owner heard of 小李's during the sale"


def test_a_member_day_staffs_only_the_vip_groups_it_is_posted_to(shop_bot):
    bot = shop_bot("2026-11-18 19:00", groups={"普通会员群": ["小王"], "VIP福利群": ["陈姐"]})  # a Wednesday
    bot.advance_to("2026-11-18 20:10")
    assert bot.sent(kind="member_day"), "posted at 20:00 in the VIP group"
    bot.member("陈姐").says("会员券能和满减一起用吗", room="VIP福利群")
    bot.member("小王").says("请问保温杯还有货吗", room="普通会员群")
    bot.advance(minutes=20)
    assert [m["to"] for m in bot.sent(kind="off_hours_reply")] == [bot.member("小王").id]
    assert [m["to"] for m in bot.sent(kind="response_nudge")] == [OWNER]
